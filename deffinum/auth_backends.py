"""Admin login throttling with django-axes, fitted to this project."""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses a login for a locked-out username and address, then lets the next backend check
    the password.

    A login made without a request (the test client's `login()`, a shell) comes from no
    address and cannot be throttled: it is passed on instead of failing, as axes would.
    """

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets, in the site's style, saying for how long."""
    minutes = round(get_cool_off(request).total_seconds() / 60)
    return render(
        request,
        "admin_lockout.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )
