"""Pages about the site itself: site map, legal pages, robots.txt, health check, 500 page."""

import logging
from functools import cache as memoize

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.cache import caches
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.shortcuts import render
from django.template import loader
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import requires_csrf_token
from django.views.decorators.http import require_safe

from ..browse.sitemaps import data_pages, other_pages
from ..models import Laureate, Organisation

logger = logging.getLogger(__name__)

EXPORT_URL_NAMES = ["laureats:laureate-export", "laureats:member-export"]


@require_safe
def site_map(request):
    return render(
        request,
        "pages/site_map.html",
        {
            "data_pages": data_pages(),
            "other_pages": other_pages(),
            "laureates": Laureate.objects.published().in_name_order().only("name", "slug"),
            "organisations": Organisation.objects.with_published_memberships()
            .in_name_order()
            .only("name", "slug"),
        },
    )


@require_safe
def accessibility(request):
    return render(request, "pages/accessibility.html", {"contact_email": settings.CONTACT_EMAIL})


@require_safe
def legal_notice(request):
    return render(
        request,
        "pages/legal_notice.html",
        {
            "contact_email": settings.CONTACT_EMAIL,
            "publisher_name": settings.PUBLISHER_NAME,
            "publisher_address": settings.PUBLISHER_ADDRESS,
            "publication_director": settings.PUBLICATION_DIRECTOR,
            "host_name": settings.HOST_NAME,
            "host_address": settings.HOST_ADDRESS,
        },
    )


@memoize
def favicon_bytes():
    with open(finders.find("img/favicon.ico"), "rb") as icon:
        return icon.read()


@require_safe
def favicon(request):
    """/favicon.ico, which browsers ask for when a page names no icon (the admin's do not):
    served here rather than answered 404 on every admin page."""
    response = HttpResponse(favicon_bytes(), content_type="image/x-icon")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_safe
def robots_txt(request):
    lines = ["User-agent: *"]
    # A custom ADMIN_URL is meant to stay unknown: robots.txt, which anyone reads, must not
    # give it away. The admin's pages say "noindex" themselves wherever they live.
    admin_is_default = reverse("admin:index") == "/admin/"
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            if admin_is_default:
                lines.append(f"Disallow: {reverse('admin:index')}")
            # The exports are the list's data again, as files: "/laureats/export." covers
            # every format and every query string.
            for name in EXPORT_URL_NAMES:
                try:
                    url = reverse(name, kwargs={"extension": "csv"})
                except NoReverseMatch:
                    continue
                lines.append(f"Disallow: {url.removesuffix('csv')}")
    lines += [
        "Disallow: /i18n/",
        "",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


HEALTH_KEY = "healthz"


def database_answers():
    """True when a real table can be read: "SELECT 1" would succeed on a SQLite file that has
    vanished, which SQLite silently recreates empty."""
    try:
        Laureate.objects.exists()
    except Exception:
        logger.exception("Health check: the database does not answer.")
        return False
    return True


def cache_answers():
    """Both caches: the pages' and the limits' (settings.LIMITS_CACHE), which may be two Redis."""
    try:
        for alias in ("default", settings.LIMITS_CACHE):
            caches[alias].set(HEALTH_KEY, "ok", 30)
            if caches[alias].get(HEALTH_KEY) != "ok":
                return False
        return True
    except Exception:
        logger.warning("Health check: the cache does not answer.", exc_info=True)
        return False


@never_cache
@require_safe
def healthz(request):
    """For load balancers: 503 when the database fails, the only fault that stops the portal;
    200 otherwise, "degraded" when the cache fails (pages are computed without it, limits are
    not applied). Whatever the failure, never a 500."""
    if not database_answers():
        return JsonResponse(
            {"status": "error", "database": "unreachable", "cache": "unknown"}, status=503
        )
    if not cache_answers():
        return JsonResponse({"status": "degraded", "database": "ok", "cache": "unreachable"})
    return JsonResponse({"status": "ok", "database": "ok", "cache": "ok"})


@requires_csrf_token
def server_error(request):
    """The 500 page, rendered without the request so that no context processor (session,
    messages, anything that queries) runs: it must show even when the database is down."""
    html = loader.render_to_string(
        "500.html",
        {
            "official_list_url": settings.DEFFINUM_OFFICIAL_LIST_URL,
            "licence_name": settings.DEFFINUM_DATA_LICENCE_NAME,
            "licence_url": settings.DEFFINUM_DATA_LICENCE_URL,
        },
    )
    return HttpResponseServerError(html)
