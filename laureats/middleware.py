"""Request guards that run before the rest of the stack."""

import re

from django.conf import settings

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
