"""Which requests a stored page may answer, under which key; storing, serving, validators.

An anonymous GET or HEAD of a public page is stored whole (body and final headers) in Django's
cache and answered from there before sessions, CSRF, locale, views and templates run. A page
is only served under the data version it was rendered with (versions.py), and its key holds
the code's release, so that no visitor sees a page older than the last edit or the last deploy.

A page is identified by the canonical request: scheme, host, path, language and the query
string reduced to the parameters the page takes (PAGE_CACHE_PARAMETERS), grouped by name. A
request with any other parameter (?utm_source=...) is answered, validators included, but not
stored, and the page such a visitor gets is exactly the one the view renders for them (a
redirect to the canonical URL would have dropped parameters a page might read without
declaring them).

Where it is stored is bounded by what an administrator creates, never by what visitors send:
a page without a query string under its own key (there are as many as laureates,
organisations and site pages); a page with one in one of PAGE_CACHE_QUERY_SLOTS places of its
URL name, chosen by a hash of the request, where it replaces whatever was there. Any value of
a search is a new page, so a client sending new ones only ever replaces pages in those places.

Never stored: other methods, URL names and namespaces of PAGE_CACHE_NEVER_STORED (forms with
CSRF tokens, the admin), requests of a logged-in session or carrying a valid flash message,
responses that are not 200, that set cookies, that say private/no-store/no-cache, or that
vary on a header other than the ones accounted for.
"""

import hashlib
import logging
from functools import lru_cache
from importlib import import_module
from itertools import chain
from typing import NamedTuple
from urllib.parse import parse_qsl, urlencode

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.auth import SESSION_KEY
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.core.signals import setting_changed
from django.db import DatabaseError
from django.http import FileResponse, HttpResponse
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import cc_delim_re, get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe
from django.utils.module_loading import import_string

from . import versions
from .local import local

logger = logging.getLogger(__name__)

PAGE_KEY_PREFIX = "page-cache:page:"
# Browsers and proxies may keep a page but must ask again each time: the answer is a 304 from
# the cache while nothing changed, and the new page right after an edit. Any max-age would let
# them show a page older than the last edit for that long.
PUBLIC_CACHE_CONTROL = "public, max-age=0, must-revalidate"
PRIVATE_CACHE_CONTROL = "private, no-store"
# Vary headers the key or the selection already account for: the language is in the key,
# requests with a logged-in session never reach the cache (Cookie), and only uncompressed
# bodies are stored (Accept-Encoding).
KEYED_VARY = {"accept-language", "cookie", "accept-encoding"}
# Vary headers whose value is kept with the page, which only answers requests sending the same
# value (the API's content negotiation, CORS). Kept with the page rather than in the key, so
# that a client varying them cannot multiply the stored pages.
STORED_VARY = {"accept": "HTTP_ACCEPT", "origin": "HTTP_ORIGIN"}
UNCACHEABLE_DIRECTIVES = {"private", "no-store", "no-cache"}
CONDITIONAL_HEADERS = {
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
}


# Which requests -----------------------------------------------------------------------------


@lru_cache(maxsize=1)
def page_parameters():
    """{URL name: the query parameters its page takes}, from PAGE_CACHE_PARAMETERS, where a
    dotted path names a FilterSet whose filters are all parameters."""
    result = {}
    for name, entries in settings.PAGE_CACHE_PARAMETERS.items():
        parameters = set()
        for entry in entries:
            parameters.update(import_string(entry).base_filters if "." in entry else [entry])
        result[name] = frozenset(parameters)
    return result


class Route(NamedTuple):
    storable: bool  # whether the page may be stored
    parameters: frozenset  # the query parameters it takes
    name: str  # its URL name, which owns the places of its pages with a query string


@lru_cache(maxsize=4096)
def route(urlconf, language, path_info):
    try:
        with translation.override(language):
            match = resolve(path_info, urlconf)
    except Resolver404:
        return Route(True, frozenset(), "")
    never = set(settings.PAGE_CACHE_NEVER_STORED)
    if match.view_name in never or never.intersection(match.namespaces):
        return Route(False, frozenset(), match.view_name)
    return Route(True, page_parameters().get(match.view_name, frozenset()), match.view_name)


def forget_settings(setting, **kwargs):
    if setting.startswith("PAGE_CACHE_") or setting == "ROOT_URLCONF":
        route.cache_clear()
        page_parameters.cache_clear()
        versions.release.cache_clear()


setting_changed.connect(forget_settings, dispatch_uid="pagecache-settings")


def request_language(request):
    """The language LocaleMiddleware will activate for this request, computed the same way."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    i18n_patterns_used, prefixed_default_language = is_language_prefix_patterns_used(urlconf)
    if i18n_patterns_used:
        from_path = translation.get_language_from_path(request.path_info)
        if from_path:
            return from_path
        if not prefixed_default_language:
            return settings.LANGUAGE_CODE
    return translation.get_language_from_request(request, check_path=i18n_patterns_used)


def has_private_session(request):
    """True when the request's session is logged in or holds flash messages.

    Only read when a session cookie is present: anonymous visitors have none, so their requests
    never touch the session store.
    """
    session_key = request.COOKIES.get(settings.SESSION_COOKIE_NAME)
    if not session_key:
        return False
    try:
        session = import_module(settings.SESSION_ENGINE).SessionStore(session_key)
        return SESSION_KEY in session or SessionStorage.session_key in session
    except Exception:
        return True


def has_flash_messages(request):
    """True when the messages cookie holds a message signed by this site; a cookie that does
    not (junk, tampered, or only the "more in the session" marker) is ignored here.

    A storage of its own, read once and dropped: the one MessageMiddleware attaches later reads
    the cookie afresh, so nothing is marked as seen.
    """
    if CookieStorage.cookie_name not in request.COOKIES:
        return False
    return len(CookieStorage(request)) > 0


@lru_cache(maxsize=4096)
def canonical_query(query_string, parameters):
    """The query string with its parameters grouped by name (values keep their order, which a
    view may read: the last `tri` wins); None when it holds one the page does not take."""
    if not query_string:
        return ""
    pairs = parse_qsl(query_string, keep_blank_values=True)
    if any(name not in parameters for name, _value in pairs):
        return None
    return urlencode(sorted(pairs, key=lambda pair: pair[0]))


class PageKey(NamedTuple):
    stored_as: str  # the key in the shared cache
    identity: str  # the canonical request (a digest), stored with the page and checked


def page_key(request, language):
    """The key of the canonical request, or None when its page may not be stored."""
    urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
    page_route = route(urlconf, language, request.path_info)
    return canonical_key(request, language, page_route) if page_route.storable else None


def canonical_key(request, language, page_route):
    query = canonical_query(request.META.get("QUERY_STRING", ""), page_route.parameters)
    if query is None:
        return None
    try:
        # Validated against ALLOWED_HOSTS: a page is only ever stored for a host Django serves.
        host = request.get_host()
    except DisallowedHost:
        return None
    raw = "\n".join([request.scheme, host, request.path, query, language])
    digest = hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=16)
    release = versions.release()
    identity = f"{release}:{digest.hexdigest()}"
    if not query:
        return PageKey(PAGE_KEY_PREFIX + identity, identity)
    # The place does not depend on the release, so that it stays where it is when only the
    # code changes (the release in its key keeps the pages of two releases apart).
    place = int.from_bytes(digest.digest()[:8], "big") % settings.PAGE_CACHE_QUERY_SLOTS
    return PageKey(f"{PAGE_KEY_PREFIX}{release}:{page_route.name}:{place}", identity)


def is_anonymous_read(request):
    if request.method not in ("GET", "HEAD"):
        return False
    return not has_flash_messages(request) and not has_private_session(request)


# Which responses ------------------------------------------------------------------------------


def cache_control_directives(response):
    value = response.get("Cache-Control", "")
    return {part.split("=", 1)[0].strip().lower() for part in cc_delim_re.split(value) if part}


def vary_headers(response):
    if not response.has_header("Vary"):
        return set()
    return {part.strip().lower() for part in cc_delim_re.split(response["Vary"]) if part.strip()}


def is_storable(request, response):
    if response.status_code != 200 or response.cookies or response.has_header("Content-Encoding"):
        return False
    if isinstance(response, FileResponse) or getattr(response, "is_async", False):
        return False
    if cache_control_directives(response) & UNCACHEABLE_DIRECTIVES:
        return False
    if vary_headers(response) - KEYED_VARY - STORED_VARY.keys():
        return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


def stored_vary(request, response):
    """The request's values of the headers the response varies on, kept with the page."""
    names = vary_headers(response) & STORED_VARY.keys()
    return tuple(
        sorted((STORED_VARY[name], request.META.get(STORED_VARY[name], "")) for name in names)
    )


def answers(entry, request):
    return all(request.META.get(name, "") == value for name, value in entry[6])


def holds(entry, key, version):
    """Whether a stored entry is the page of this request under this data version (its place
    may hold another request's page)."""
    return entry[0] == version[0] and len(entry) > 7 and entry[7] == key.identity


# The middleware -----------------------------------------------------------------------------


class PageCacheMiddleware:
    """Answers anonymous GET/HEAD of public pages from the cache; adds validators to them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        language = request_language(request)
        urlconf = getattr(request, "urlconf", settings.ROOT_URLCONF)
        page_route = route(urlconf, language, request.path_info)
        public = page_route.storable and is_anonymous_read(request)
        key = canonical_key(request, language, page_route) if public else None
        version = None
        if key is not None and settings.PAGE_CACHE_ENABLED:
            version, entry = self.lookup(key, request)
            if entry is not None:
                hit = self.from_cache(request, entry)
                if hit is not None:
                    return hit

        writes = local.writes
        response = self.get_response(request)
        if public:
            if local.writes != writes:
                version = None
            return self.finish(request, response, key, version)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response

    def lookup(self, key, request):
        """The current version and, if it was rendered under it for such a request, the page.

        (None, None) when the database or the cache does not answer: nothing is stored then.
        """
        try:
            version = local.current_version()
        except DatabaseError:
            logger.exception("La version des données n'a pas pu être lue : page sans cache.")
            return None, None
        entry = local.get(key.identity, version)
        if entry is None:
            try:
                entry = cache.get(key.stored_as)
            except Exception:
                logger.exception("Le cache des pages ne répond pas : page calculée sans lui.")
                return None, None
            if entry is None or not holds(entry, key, version):
                return version, None
            local.put(key.identity, entry)
        return version, entry if answers(entry, request) else None

    def from_cache(self, request, entry):
        _token, status, headers, content, etag, last_modified = entry[:6]
        response = HttpResponse(b"" if content is None else content, status=status, headers=headers)
        if not CONDITIONAL_HEADERS.intersection(request.META):
            return None if content is None else response
        answer = get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )
        if content is None and answer is response:
            # A stream too large to keep: only a conditional request is answered from here.
            return None
        return answer

    def finish(self, request, response, key, version):
        """Validators and Cache-Control on a public response; stored when it may be.

        `version` is None when the cache is off or unreachable, or `key` None when the page may
        not be stored: nothing is stored then.
        """
        if response.status_code != 200:
            return response
        if not is_storable(request, response):
            if not response.has_header("Cache-Control"):
                response["Cache-Control"] = PRIVATE_CACHE_CONTROL
            if not response.streaming:
                set_response_etag(response)
            return response

        store = key is not None and version is not None
        if store and not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(version[1])
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = PUBLIC_CACHE_CONTROL
        if response.streaming:
            if not store:
                return response
            response = self.buffer_stream(response, key, version)
        elif not response.has_header("ETag"):
            set_response_etag(response)

        etag = response["ETag"]
        last_modified = parse_http_date_safe(response.get("Last-Modified"))
        if store:
            content = None if response.streaming else response.content
            entry = (
                version[0],
                200,
                dict(response.items()),
                content,
                etag,
                last_modified,
                stored_vary(request, response),
                key.identity,
            )
            try:
                cache.set(key.stored_as, entry, settings.PAGE_CACHE_TIMEOUT)
            except Exception:
                logger.exception("Une page n'a pas pu être mise en cache.")
            else:
                local.put(key.identity, entry)
        return get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )

    def buffer_stream(self, response, key, version):
        """Read a stream up to PAGE_CACHE_MAX_BYTES: made a plain response if it ends by then,
        otherwise streamed on as it came, with a weak validator (its content is a function of
        the URL and the data version), so that a repeated download may still get a 304."""
        limit = settings.PAGE_CACHE_MAX_BYTES
        chunks, size = [], 0
        iterator = iter(response.streaming_content)
        for chunk in iterator:
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                response.streaming_content = chain(chunks, iterator)
                response["ETag"] = f'W/"{version[0]}-{key.identity[-16:]}"'
                return response
        headers = {name: value for name, value in response.items() if name != "Content-Length"}
        buffered = HttpResponse(b"".join(chunks), status=response.status_code, headers=headers)
        buffered["Content-Length"] = str(size)
        set_response_etag(buffered)
        return buffered
