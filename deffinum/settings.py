"""Settings for the Deffinum portal: one file, every deployment difference read from the environment.

Every variable is documented in `.env.example`.
"""

import os
import secrets
import sys
from pathlib import Path

from deffinum.databases import database_from_environment
from deffinum.environment import env_bool, env_float, env_int, env_list
from deffinum.file_cache import file_cache
from deffinum.logs import logging_config
from deffinum.redis_cache import redis_cache

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = BASE_DIR / "var"

# pytest imports itself before the settings, so this tells a test run apart from a server.
TESTING = "pytest" in sys.modules

DEBUG = env_bool("DEBUG")
# With DEBUG, Django's technical 404 page (the URL patterns tried) instead of the portal's.
TECHNICAL_404 = env_bool("TECHNICAL_404")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
SECRET_KEY_FROM_ENVIRONMENT = bool(SECRET_KEY)
if not SECRET_KEY:
    if DEBUG or TESTING:
        SECRET_KEY = "insecure-development-key-never-used-in-production"
    else:
        # Commands sign nothing that outlives them; serving does (deffinum/serving.py refuses).
        SECRET_KEY = secrets.token_urlsafe(50)

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "simple_history",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "django.contrib.sitemaps",
    "axes",
    "deffinum.pagecache",
    "laureats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before anything reads the session (the page cache, sessions, the admin): a session cookie
    # that cannot be a session key is dropped instead of being looked up.
    "deffinum.middleware.MalformedSessionCookieMiddleware",
    # A NUL byte in the query string of an admin list is a 400 before the admin queries with it.
    "deffinum.middleware.AdminNulByteMiddleware",
    # Whole-page cache for anonymous visitors (deffinum/pagecache/): early, a hit skips the rest.
    "deffinum.pagecache.middleware.PageCacheMiddleware",
    # Before anything that may answer early, so that every API response has the CORS headers.
    "corsheaders.middleware.CorsMiddleware",
    # The two headers Django does not send itself (settings under "Security" below).
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Records the logged-in user on every history entry.
    "simple_history.middleware.HistoryRequestMiddleware",
    # Under DEBUG, the portal's 404 page rather than Django's technical one (TECHNICAL_404).
    "deffinum.middleware.PortalNotFoundMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "deffinum.urls"
WSGI_APPLICATION = "deffinum.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "laureats.browse.context_processors.portal",
                "laureats.browse.context_processors.page_urls",
            ],
        },
    },
]

# SQLite by default so that a fresh checkout just works; DATABASE_URL=postgres://... for
# PostgreSQL. Each engine's defaults (WAL, timeouts, planner costs) are in deffinum/databases.py.
DATABASES = {"default": database_from_environment(VAR_DIR / "deffinum.sqlite3")}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Two caches (docs/deployment.md): "default" for the pages; "limits" for the per-visitor limits'
# counters, apart, so that no number of stored pages can evict them (axes counts in the database).
LIMITS_CACHE = "limits"
REDIS_URL = os.environ.get("REDIS_URL", "")
# A Redis of their own for the counters (recommended: Redis evicts across all its databases).
LIMITS_REDIS_URL = os.environ.get("LIMITS_REDIS_URL", "").strip() or REDIS_URL
CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "deffinum")
# A hung Redis must not hold every request: a call gives up after these seconds, then the breaker
# (deffinum/redis_cache.py) leaves that Redis alone for CACHE_BREAKER_SECONDS.
CACHE_CONNECT_TIMEOUT = env_float("CACHE_CONNECT_TIMEOUT", 0.25)
CACHE_SOCKET_TIMEOUT = env_float("CACHE_SOCKET_TIMEOUT", 0.25)
CACHE_BREAKER_SECONDS = env_float("CACHE_BREAKER_SECONDS", 5.0)
REDIS_TIMEOUTS = {"connect_timeout": CACHE_CONNECT_TIMEOUT, "socket_timeout": CACHE_SOCKET_TIMEOUT}


def local_cache(folder, max_entries):
    if DEBUG or TESTING:
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": folder}
    return file_cache(VAR_DIR / folder, max_entries)


CACHES = {
    "default": (
        redis_cache(REDIS_URL, CACHE_KEY_PREFIX, **REDIS_TIMEOUTS)
        if REDIS_URL
        else local_cache("cache", 20000)
    ),
    LIMITS_CACHE: (
        redis_cache(LIMITS_REDIS_URL, f"{CACHE_KEY_PREFIX}-limits", **REDIS_TIMEOUTS)
        if LIMITS_REDIS_URL
        else local_cache("limits", 200000)
    ),
}
# Anonymous pages are cached whole (deffinum/pagecache/). Off while developing, where a template
# edit would otherwise not show; CACHE_DISABLED=1 turns it off elsewhere (the benchmark does).
PAGE_CACHE_ENABLED = not env_bool("CACHE_DISABLED", default=DEBUG)
# Any write to these apps' tables makes a new data version, which every stored page depends on;
# except to models no public page shows (proposals, imports waiting for their confirmation).
PAGE_CACHE_WATCHED_APPS = ["laureats"]
PAGE_CACHE_IGNORED_MODELS = [
    "laureats.proposal",
    "laureats.historicalproposal",
    "laureats.pendingimport",
]
# URL names and namespaces whose pages are never stored: forms (CSRF tokens) and the admin.
PAGE_CACHE_NEVER_STORED = [
    "admin",
    "laureats:contribute",
    "laureats:contribute-done",
    "laureats:contribute-organisation",
    "set_language",
]
# The query parameters each page reads (a dotted path: all of a FilterSet's). A request with
# any other parameter is answered but not stored: a parameter a page does not read never
# makes a new stored page.
LAUREATE_FILTERS = "laureats.browse.filters.LaureateFilter"
ORGANISATION_FILTERS = "laureats.browse.organisation_filter.OrganisationFilter"
PAGE_CACHE_PARAMETERS = {
    "laureats:laureate-list": [LAUREATE_FILTERS, "page"],
    "laureats:laureate-export": [LAUREATE_FILTERS],
    "laureats:member-export": [LAUREATE_FILTERS],
    "laureats:organisation-list": [ORGANISATION_FILTERS, "page"],
    "laureats:resource-list": ["laureats.resources.filters.ResourceFilter", "page"],
    "laureats:resource-export": ["laureats.resources.filters.ResourceFilter"],
    "laureats:statistics": [LAUREATE_FILTERS],
    "laureats:statistics-csv": [LAUREATE_FILTERS],
    # The change log and the feeds (laureats/journal/log.py, feeds.py). A search feed has no pages.
    "laureats:laureate-feed": [LAUREATE_FILTERS],
    "laureats:journal": ["laureat", "type", "avant", "page"],
    "laureats:laureate-history": ["type", "avant", "page"],
    # The laureates compared, in the order of their columns (the key keeps the order).
    "laureats:compare": ["l"],
    "api:laureate-list": [LAUREATE_FILTERS, "page", "page_size"],
    "api:organisation-list": [ORGANISATION_FILTERS, "page", "page_size"],
    "api:resource-list": ["laureats.resources.filters.ResourceFilter", "page", "page_size"],
    "api:sector-list": ["page", "page_size"],
    "api:region-list": ["page", "page_size"],
    "api:figure-list": ["page", "page_size"],
}
# Pages with a query string (a search, filters, a page number) are stored in this many places
# per URL name, whatever visitors send: any value of a search is a new page, and a client
# sending new ones only replaces pages there (deffinum/pagecache/middleware.py).
PAGE_CACHE_QUERY_SLOTS = env_int("PAGE_CACHE_QUERY_SLOTS", 64, minimum=1)
# Pages of older versions are never served; the timeout only returns their space.
PAGE_CACHE_TIMEOUT = 24 * 3600
# An export up to this size is stored like any page; a longer one streams on, uncached.
PAGE_CACHE_MAX_BYTES = 4 * 1024 * 1024
# How long a process trusts its copy of the data version (see deffinum/pagecache/local.py):
# another worker's edit shows within this delay. Tests trust it until a write of their own.
PAGE_CACHE_VERSION_TTL = None if TESTING else 0.1
PAGE_CACHE_LOCAL_BYTES = 16 * 1024 * 1024

AUTHENTICATION_BACKENDS = [
    # Refuses logins for a locked-out username and IP before the password is even checked.
    "deffinum.auth_backends.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": f"django.contrib.auth.password_validation.{name}Validator"}
    for name in ("UserAttributeSimilarity", "MinimumLength", "CommonPassword", "NumericPassword")
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", "Français"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

STATIC_URL = "static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT") or VAR_DIR / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed names in production; plain files while developing and testing,
        # where nobody has run collectstatic.
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}

# The code's version, part of every page key: RELEASE (a commit hash, a tag) when the deployment
# sets it, otherwise a hash of these files (code, templates, catalogues, static manifest).
PAGE_CACHE_RELEASE = os.environ.get("RELEASE", "").strip()
PAGE_CACHE_RELEASE_SOURCES = [
    BASE_DIR / name for name in ("deffinum", "laureats", "templates", "locale")
]
PAGE_CACHE_RELEASE_SOURCES.append(STATIC_ROOT / "staticfiles.json")

# Security: the values that make `manage.py check --deploy` clean are in `.env.example`.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT")
# A load balancer's health check may come in over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD")
# Behind a proxy that terminates TLS, the header it sets to say the request was HTTPS
# (e.g. HTTP_X_FORWARDED_PROTO). Only set it if the proxy always overwrites that header.
if os.environ.get("SECURE_PROXY_SSL_HEADER"):
    SECURE_PROXY_SSL_HEADER = (os.environ["SECURE_PROXY_SSL_HEADER"], "https")
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", default=not DEBUG)
# Forms read the token from the page, never from the cookie, so scripts need not see it.
CSRF_COOKIE_HTTPONLY = True
# Sources are linked from every page: they learn nothing of which page sent the visitor.
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Scripts only from our own files, never inline. JSON-LD blocks are data, not scripts, and
# are not affected. The admin needs no exception: its few style="" attributes are cosmetic.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        # Swagger UI's stylesheet (/api/docs/) draws its icons as data: SVG images, which
        # cannot run scripts.
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# The portal uses none of these browser features; neither may anything embedded in it.
PERMISSIONS_POLICY = {
    feature: []
    for feature in [
        "accelerometer",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "usb",
    ]
}

# Admin login throttling (django-axes): 5 failures for one username from one address lock
# that pair out for 30 minutes; a success resets the count.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "deffinum.auth_backends.lockout_response"
# One notion of the visitor for the lockout, the API throttle and the proposal limit: its IPv4
# address or its IPv6 network (deffinum/client.py). django-axes has no IPv6 mask of its own.
AXES_CLIENT_IP_CALLABLE = "deffinum.client.client_network"
# How many proxies in front of the portal append to X-Forwarded-For (0: none, REMOTE_ADDR
# is the visitor's address); deffinum/client.py reads it.
NUM_PROXIES = env_int("NUM_PROXIES", 0)
# The bits of an IPv6 address that make one visitor for the limits: 64, as a subscriber is
# given a /64 (56 or 48 count whole sites; 128 counts each address, as IPv4 is).
CLIENT_IPV6_PREFIX = env_int("CLIENT_IPV6_PREFIX", 64, minimum=0, maximum=128)

# The proposal limit of /contribuer/ (django-ratelimit, laureats/views/contributions.py). Its
# app is not installed: its system check knows only memcached and django-redis by name, and
# would flag our own atomic file backend (deffinum/file_cache.py).
RATELIMIT_IP_META_KEY = "deffinum.client.client_ip"
# Its own IPv6 mask: the key "ip" counts a visitor's /64, as the other limits do.
RATELIMIT_IPV6_MASK = CLIENT_IPV6_PREFIX
RATELIMIT_USE_CACHE = LIMITS_CACHE
# The counters' keys are a keyed hash: the cache never holds a recoverable address.
RATELIMIT_HASH_ALGORITHM = "deffinum.client.keyed_hash"
# A cache that does not answer leaves the form open (logged) rather than closing it.
RATELIMIT_FAIL_OPEN = True

# Shown on /mentions-legales/ and /accessibilite/; "non renseigné" while empty.
CONTACT_EMAIL = os.environ.get("CONTACT_EMAIL", "")
PUBLISHER_NAME = os.environ.get("PUBLISHER_NAME", "")
PUBLISHER_ADDRESS = os.environ.get("PUBLISHER_ADDRESS", "")
PUBLICATION_DIRECTOR = os.environ.get("PUBLICATION_DIRECTOR", "")
HOST_NAME = os.environ.get("HOST_NAME", "")
HOST_ADDRESS = os.environ.get("HOST_ADDRESS", "")

LOG_LEVEL = os.environ.get("LOG_LEVEL", "WARNING")
LOGGING = logging_config(LOG_LEVEL)

# The licence of the open data, named by the footer, the legal notice, /donnees/ and every file.
DEFFINUM_DATA_LICENCE_NAME = "Licence Ouverte / Etalab 2.0"
DEFFINUM_DATA_LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"

# The official list of the 62 laureates, linked from every page that counts what is entered.
DEFFINUM_OFFICIAL_LIST_URL = (
    "https://travail-emploi.gouv.fr/plan-de-transformation-et-de-digitalisation-de-la-formation-"
    "62-laureats-retenus-dans-le-cadre-de-lappel-projets-deffinum"
)

# The read-only public API (/api/), see laureats/api/.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Anonymous and read-only: no session, hence no CSRF check and no user lookup per request.
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "UNAUTHENTICATED_USER": None,
    "DEFAULT_THROTTLE_CLASSES": ["laureats.api.defaults.ClientRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": os.environ.get("API_THROTTLE_RATE") or "600/minute"},
    # Never None, which would trust a forged X-Forwarded-For and let a client dodge the limit.
    "NUM_PROXIES": NUM_PROXIES,
    "DEFAULT_PAGINATION_CLASS": "laureats.api.defaults.PageNumberPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "laureats.api.defaults.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "API du portail Deffinum",
    "DESCRIPTION": (
        "Les lauréats de l'appel à projets Deffinum (France 2030), leurs membres, filières et "
        "régions, et les chiffres officiels du programme, en lecture seule. Données sous "
        "Licence Ouverte / Etalab 2.0 : voir la page /donnees/."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/",
    # Swagger UI from our own static files (drf-spectacular-sidecar), never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # An organisation's "type" and a resource's "type" are two lists: each its own name.
    "ENUM_NAME_OVERRIDES": {
        "TypeEnum": "laureats.api.schema.ORGANISATION_KINDS",
        "ResourceKindEnum": "laureats.api.schema.RESOURCE_KINDS",
    },
    # The 304, 404 and 429 the API gives, and its lenient parameters as what they accept.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "laureats.api.schema.document_real_behaviour",
    ],
}
# Any site may read the API and the exports from a browser; only GET, and nothing else is open.
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
CORS_URLS_REGEX = r"^/(?:[a-z]{2}/)?(?:api/|laureats/(?:export|membres)\.)"
