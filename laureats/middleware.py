"""Request guards that run before the rest of the stack."""

import re

from django.conf import settings
from django.core.exceptions import BadRequest

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
