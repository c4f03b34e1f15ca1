"""The project's URLs with the admin at a custom address, as ADMIN_URL would place it."""

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

from laureats.views import site

urlpatterns = [
    path("robots.txt", site.robots_txt, name="robots-txt"),
    # Only reversed, by robots.txt, never requested here.
    path("sitemap.xml", site.robots_txt, name="sitemap"),
    *i18n_patterns(
        path("gestion-7f3a/", admin.site.urls),
        path("", include("laureats.urls")),
        prefix_default_language=False,
    ),
]
