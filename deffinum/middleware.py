"""Request guards that run before the rest of the stack."""

import re

from django.conf import settings
from django.core.exceptions import BadRequest
from django.http import Http404
from django.urls import Resolver404, resolve
from django.views.defaults import page_not_found

# Django's session keys: 32 characters of lower-case letters and digits. Anything else sent as
# a session cookie (NUL bytes, which PostgreSQL refuses in a query, a 10 kB string...) can name
# no session and is not looked up.
SESSION_KEY_PATTERN = re.compile(r"[a-z0-9]{8,64}")


class MalformedSessionCookieMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        value = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
        if value is not None and not SESSION_KEY_PATTERN.fullmatch(value):
            # As if the visitor had sent none: a new session is made if one is needed.
            del request.COOKIES[settings.SESSION_COOKIE_NAME]
        return self.get_response(request)


class AdminNulByteMiddleware:
    """A NUL byte in the query string of an admin list or of the autocomplete is a 400. Both
    hand their query parameters to the database unchecked (a changelist's ?status=..., any field
    lookup, ?q=, the autocomplete's ?term=), and PostgreSQL refuses a NUL byte in text with an
    error: a 500. No stored text holds one, so no filter or search can need it. (The add form
    drops such initial values itself, laureats/admin_base.py; public pages check their own
    parameters and answer with a notice.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        name = match.url_name or ""  # the admin's catch-all pattern has no name
        if match.namespace != "admin" or not (
            name == "autocomplete" or name.endswith("_changelist")
        ):
            return None
        for name, values in request.GET.lists():
            if "\x00" in name or any("\x00" in value for value in values):
                raise BadRequest("NUL byte in an admin query string")
        return None


class PortalNotFoundMiddleware:
    """Under DEBUG (`make run`), a wrong address gets the portal's own 404 page, as visitors
    get it in production, instead of Django's technical page, which lists every URL pattern and
    is for a developer who asks for it (TECHNICAL_404=1). Django answers with its technical
    page whenever DEBUG is on, before any handler404: an address that resolves to nothing is
    caught here, before the view, and an Http404 raised by a view in process_exception.

    After CommonMiddleware and LocaleMiddleware, whose redirects of a 404 (the missing slash,
    the language prefix) apply to this page as to any."""

    def __init__(self, get_response):
        self.get_response = get_response

    @staticmethod
    def active():
        return settings.DEBUG and not settings.TECHNICAL_404

    def __call__(self, request):
        if self.active():
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as error:
                return page_not_found(request, error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Http404) and self.active():
            return page_not_found(request, exception)
        return None
