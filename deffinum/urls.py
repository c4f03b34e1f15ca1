import os

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.views.decorators.http import require_safe

from laureats.browse.sitemaps import SITEMAPS
from laureats.resources.oai import oai_endpoint
from laureats.views import site

# The admin lives at a configurable address so that it is not where every bot looks first.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    # One address each, whatever the language: robots and probes do not pick one.
    path("healthz", site.healthz, name="healthz"),
    path("robots.txt", site.robots_txt, name="robots-txt"),
    path("favicon.ico", site.favicon, name="favicon"),
    path("sitemap.xml", require_safe(sitemap), {"sitemaps": SITEMAPS}, name="sitemap"),
    # The API is for programs: one address per resource, never translated.
    path("api/", include("laureats.api.urls")),
    # The shared productions for harvesters (OAI-PMH), likewise for programs.
    path("oai/", oai_endpoint, name="oai"),
]

urlpatterns += i18n_patterns(
    path(ADMIN_URL, admin.site.urls),
    path("", include("laureats.urls")),
    prefix_default_language=False,
)

# 400, 403 and 404 use Django's views with our templates; the 500 page must render even when
# the database is down, which Django's view does not promise once context processors query.
handler500 = site.server_error
