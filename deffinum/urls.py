import os

from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path

# The admin lives at a configurable address so that it is not where every bot looks first.
ADMIN_URL = os.environ.get("ADMIN_URL", "admin/").strip("/") + "/"

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
]

urlpatterns += i18n_patterns(
    path(ADMIN_URL, admin.site.urls),
    path("", include("laureats.urls")),
    prefix_default_language=False,
)
