"""Whole-page cache for anonymous visitors, validators for every public page, and invalidation.

A public page is read thousands of times for every edit. An anonymous GET of a public page is
stored whole (body and final headers) in Django's cache, keyed by its full URL and language, and
answered from there before sessions, CSRF, locale, URL resolution, views and templates run.

One data version covers everything: any write to the public tables replaces it, and a stored page
is only served under the version it was rendered with, so that no visitor sees a page older than
the last edit. A miss reads the version and the page in one round trip; each process also keeps
the pages it served and its copy of the version (see LocalPages), so that a hit makes none.

Never cached: other methods, the admin and /contribuer/ (forms with CSRF tokens), requests of a
logged-in session or carrying flash messages, responses that are not 200, that set cookies, that
say private/no-store/no-cache, or that vary on a header the key does not hold.
"""

import hashlib
import logging
import re
import threading
import time
import uuid
from collections import OrderedDict
from importlib import import_module
from itertools import chain

from django.conf import settings
from django.conf.urls.i18n import is_language_prefix_patterns_used
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import connections, transaction
from django.http import FileResponse, HttpResponse
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import cc_delim_re, get_conditional_response, set_response_etag
from django.utils.http import http_date, parse_http_date_safe

logger = logging.getLogger(__name__)

VERSION_KEY = "page-cache:data-version"
PAGE_KEY_PREFIX = "page-cache:page:"
# Browsers and proxies may keep a page but must ask again each time: the answer is a 304 from
# the cache while nothing changed, and the new page right after an edit. Any max-age would let
# them show a page older than the last edit for that long.
PUBLIC_CACHE_CONTROL = "public, max-age=0, must-revalidate"
PRIVATE_CACHE_CONTROL = "private, no-store"
# Pages of older versions are never served; the timeout only returns their space.
DEFAULT_TIMEOUT = 24 * 3600
# Exports stream; one that ends within this many bytes is kept whole like any page. A longer
# one streams on uncached: keeping it would hold it all in a worker's memory.
DEFAULT_MAX_BYTES = 4 * 1024 * 1024
# See LocalPages. In tests every request reads the version, as in the strictest deployment.
DEFAULT_VERSION_TTL = 0.0 if getattr(settings, "TESTING", False) else 0.1
DEFAULT_LOCAL_BYTES = 16 * 1024 * 1024
# Vary headers the key already accounts for (language, Accept, Origin), or that cannot change a
# stored page: requests with a logged-in session never reach the cache (Cookie), and only
# uncompressed bodies are stored (Accept-Encoding).
KEYED_VARY = {"accept-language", "accept", "origin", "cookie", "accept-encoding"}
UNCACHEABLE_DIRECTIVES = {"private", "no-store", "no-cache"}
CONDITIONAL_HEADERS = {
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
}
# Pages under these URL names (and everything below them) are never cached: forms and the admin.
EXCLUDED_URL_NAMES = ["admin:index", "laureats:contribute", "set_language"]
# Django's cookie message storage; session messages are checked in the session itself.
MESSAGES_COOKIE = "messages"
MESSAGES_SESSION_KEY = "_messages"
# Tables whose rows no public page shows: writing them invalidates nothing (a proposal is
# private until an admin applies it to a laureate, which is a write to a public table).
PRIVATE_MODELS = {"laureats.proposal"}

_excluded_prefixes = None


# The data version ---------------------------------------------------------------------------


def new_version():
    return (uuid.uuid4().hex, time.time())


def current_version():
    """(token, timestamp) of the data as it is now; created when the cache has none."""
    version = cache.get(VERSION_KEY)
    if version is None:
        version = new_version()
        # add() so that two processes starting at once agree on one version.
        cache.add(VERSION_KEY, version, None)
        version = cache.get(VERSION_KEY) or version
    return version


def bump_data_version():
    """Invalidate every cached page at once (their version is no longer the current one)."""
    version = new_version()
    try:
        cache.set(VERSION_KEY, version, None)
    except Exception:
        logger.exception("Le cache des pages n'a pas pu être invalidé.")
    local.adopt(version)
    local.stored_since_bump = False


class LocalPages:
    """This process's copy of the data version and of the pages it served last.

    A page is shared through Django's cache (Redis) by every worker and instance, but reading it
    there costs a round trip on every hit: measured on two cores, more than serving a static file.
    So each process keeps the pages it served (up to PAGE_CACHE_LOCAL_BYTES, oldest dropped first)
    and trusts its copy of the version for PAGE_CACHE_VERSION_TTL seconds (0.1 s) before reading
    it again. A write in this process is seen at once; one in another worker or instance, within
    that delay. Pages are only ever served under the version they were rendered with.
    """

    def __init__(self):
        self.lock = threading.Lock()
        self.clear()

    def clear(self):
        self.stored_since_bump = False
        with self.lock:
            self.version, self.checked = None, 0.0
            self.pages, self.size = OrderedDict(), 0

    def fresh_version(self):
        ttl = getattr(settings, "PAGE_CACHE_VERSION_TTL", DEFAULT_VERSION_TTL)
        if self.version is not None and time.monotonic() - self.checked < ttl:
            return self.version
        return None

    def adopt(self, version):
        with self.lock:
            if self.version is None or self.version[0] != version[0]:
                self.pages, self.size = OrderedDict(), 0
            self.version, self.checked = version, time.monotonic()

    def get(self, key, version):
        entry = self.pages.get(key)
        return entry if entry is not None and entry[0] == version[0] else None

    def put(self, key, entry):
        self.stored_since_bump = True
        limit = getattr(settings, "PAGE_CACHE_LOCAL_BYTES", DEFAULT_LOCAL_BYTES)
        size = len(entry[3] or b"") + 1000
        if size > limit // 8:
            return
        with self.lock:
            if key in self.pages:
                self.size -= self.pages.pop(key)[-1]
            while self.pages and self.size + size > limit:
                self.size -= self.pages.popitem(last=False)[1][-1]
            self.pages[key] = (*entry, size)
            self.size += size


local = LocalPages()


def _bump_after_commit():
    bump_data_version()


def data_changed(using="default", **kwargs):
    """The public data has changed (called for every write to a public table).

    Bumped at once, so that the next request renders again, and once more when the transaction
    commits: a page rendered in between from the data committed before would otherwise be
    stored under the new version.
    """
    connection = connections[using]
    if not connection.in_atomic_block:
        bump_data_version()
        return
    # Once per transaction, unless this process stored a page since: the transaction's later
    # writes then add nothing that the bump at commit does not, and each bump is a cache round
    # trip (an import of 62 laureates wrote 750 statements: 1.5 s of bumps).
    registered = any(callback[1] is _bump_after_commit for callback in connection.run_on_commit)
    if local.stored_since_bump or not registered:
        bump_data_version()
    if not registered:
        transaction.on_commit(_bump_after_commit, using=using)


def migrated(sender, using="default", **kwargs):
    # A deployment runs migrate: templates and data may both have changed.
    bump_data_version()


WRITE_STATEMENT = re.compile(
    r'^\s*(?:INSERT\s+(?:OR\s+\w+\s+)?INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)'
)


def watch_writes(public_tables):
    """A database execute wrapper that invalidates after any write to a public table."""

    def wrapper(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if isinstance(sql, str) and sql[:1] in "IUDiud ":
            match = WRITE_STATEMENT.match(sql)
            if match and match.group(1) in public_tables:
                data_changed(using=context["connection"].alias)
        return result

    return wrapper


def connect_invalidation(app_config):
    """Called from LaureatsConfig.ready(): every write to the app's public data invalidates.

    One mechanism, at the database: every INSERT, UPDATE or DELETE on a public table, whether
    it comes from save(), an m2m change, a fixture load, update() or bulk_create(). Model
    signals would miss the last two and add nothing to the first ones.
    """
    from django.db.backends.signals import connection_created
    from django.db.models.signals import post_migrate

    public_tables = set()
    for model in app_config.get_models(include_auto_created=True):
        # simple_history's historical models share their model's privacy.
        watched = getattr(model, "instance_type", model)
        if watched._meta.label_lower not in PRIVATE_MODELS:
            public_tables.add(model._meta.db_table)
    post_migrate.connect(migrated, sender=app_config, dispatch_uid="page-cache-migrate")

    wrapper = watch_writes(frozenset(public_tables))

    def install(connection, **kwargs):
        if wrapper not in connection.execute_wrappers:
            connection.execute_wrappers.append(wrapper)

    connection_created.connect(install, dispatch_uid="page-cache-watch-writes", weak=False)
    # Connections opened before ready() (there are none in a server; a shell may have one).
    for connection in connections.all(initialized_only=True):
        install(connection)


# Which requests and responses --------------------------------------------------------------


def excluded_prefixes():
    global _excluded_prefixes
    if _excluded_prefixes is None:
        prefixes = []
        with translation.override(settings.LANGUAGE_CODE):
            for name in EXCLUDED_URL_NAMES:
                try:
                    prefixes.append(reverse(name))
                except NoReverseMatch:
                    continue
        _excluded_prefixes = tuple(prefixes)
    return _excluded_prefixes


def path_without_language(path):
    parts = path.split("/", 2)
    if len(parts) == 3 and parts[1] in dict(settings.LANGUAGES):
        return "/" + parts[2]
    return path


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
        return SESSION_KEY in session or MESSAGES_SESSION_KEY in session
    except Exception:
        return True


def page_key(request, language):
    """The full URL (scheme, host, path and query string), the language, and the two request
    headers a response may legitimately vary on (content negotiation and CORS)."""
    # The host as sent, unvalidated: a page is only stored for a host Django accepted, so
    # another host can only miss. The query string as sent, too: it is part of the URL.
    raw = "\n".join(
        [
            request.scheme,
            request._get_raw_host(),
            request.path,
            request.META.get("QUERY_STRING", ""),
            language,
            request.META.get("HTTP_ACCEPT", ""),
            request.META.get("HTTP_ORIGIN", ""),
        ]
    )
    digest = hashlib.blake2b(raw.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()
    return PAGE_KEY_PREFIX + digest


def is_public_request(request):
    if request.method not in ("GET", "HEAD"):
        return False
    if path_without_language(request.path_info).startswith(excluded_prefixes()):
        return False
    if MESSAGES_COOKIE in request.COOKIES:
        return False
    return not has_private_session(request)


def cache_control_directives(response):
    value = response.get("Cache-Control", "")
    return {part.split("=", 1)[0].strip().lower() for part in cc_delim_re.split(value) if part}


def is_storable(request, response):
    if response.status_code != 200 or response.cookies or response.has_header("Content-Encoding"):
        return False
    if isinstance(response, FileResponse) or getattr(response, "is_async", False):
        return False
    if cache_control_directives(response) & UNCACHEABLE_DIRECTIVES:
        return False
    if response.has_header("Vary"):
        vary = {part.strip().lower() for part in cc_delim_re.split(response["Vary"])}
        if vary - KEYED_VARY:
            return False
    user = getattr(request, "user", None)
    return not (user is not None and user.is_authenticated)


# The middleware ----------------------------------------------------------------------------


class PageCacheMiddleware:
    """Answers anonymous GET/HEAD of public pages from the cache; adds validators to them."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        public = is_public_request(request)
        key = page_key(request, request_language(request)) if public else None
        version = None
        if public and getattr(settings, "PAGE_CACHE_ENABLED", True):
            version = local.fresh_version()
            entry = local.get(key, version) if version else None
            if entry is None:
                version, entry = self.lookup(key)
            if entry is not None:
                hit = self.from_cache(request, entry)
                if hit is not None:
                    return hit

        response = self.get_response(request)
        if public:
            return self.finish(request, response, key, version)
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = PRIVATE_CACHE_CONTROL
        return response

    def lookup(self, key):
        """The current version and, if it was rendered under it, the page: one round trip."""
        try:
            found = cache.get_many([VERSION_KEY, key])
            version = found.get(VERSION_KEY) or current_version()
        except Exception:
            logger.exception("Le cache des pages ne répond pas : page calculée sans lui.")
            return None, None
        local.adopt(version)
        entry = found.get(key)
        if entry is None or entry[0] != version[0]:
            return version, None
        local.put(key, entry)
        return version, entry

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

        `version` is None when the cache is off or unreachable: nothing is stored then.
        """
        if response.status_code != 200:
            return response
        if not is_storable(request, response):
            if not response.has_header("Cache-Control"):
                response["Cache-Control"] = PRIVATE_CACHE_CONTROL
            if not response.streaming:
                set_response_etag(response)
            return response

        if version is not None and not response.has_header("Last-Modified"):
            response["Last-Modified"] = http_date(version[1])
        if not response.has_header("Cache-Control"):
            response["Cache-Control"] = PUBLIC_CACHE_CONTROL
        if response.streaming:
            if version is None:
                return response
            response = self.buffer_stream(response, key, version)
        elif not response.has_header("ETag"):
            set_response_etag(response)

        etag = response["ETag"]
        last_modified = parse_http_date_safe(response.get("Last-Modified"))
        if version is not None:
            content = None if response.streaming else response.content
            entry = (version[0], 200, dict(response.items()), content, etag, last_modified)
            try:
                cache.set(key, entry, getattr(settings, "PAGE_CACHE_TIMEOUT", DEFAULT_TIMEOUT))
            except Exception:
                logger.exception("Une page n'a pas pu être mise en cache.")
            else:
                local.put(key, entry)
        return get_conditional_response(
            request, etag=etag, last_modified=last_modified, response=response
        )

    def buffer_stream(self, response, key, version):
        """Read a stream up to PAGE_CACHE_MAX_BYTES: made a plain response if it ends by then,
        otherwise streamed on as it came, with a weak validator (its content is a function of
        the URL and the data version), so that a repeated download may still get a 304."""
        limit = getattr(settings, "PAGE_CACHE_MAX_BYTES", DEFAULT_MAX_BYTES)
        chunks, size = [], 0
        iterator = iter(response.streaming_content)
        for chunk in iterator:
            chunks.append(chunk)
            size += len(chunk)
            if size > limit:
                response.streaming_content = chain(chunks, iterator)
                response["ETag"] = f'W/"{version[0]}-{key[-16:]}"'
                return response
        headers = {name: value for name, value in response.items() if name != "Content-Length"}
        buffered = HttpResponse(b"".join(chunks), status=response.status_code, headers=headers)
        buffered["Content-Length"] = str(size)
        set_response_etag(buffered)
        return buffered
