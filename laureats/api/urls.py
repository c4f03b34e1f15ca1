"""/api/: outside i18n_patterns, so its addresses never change with the visitor's language."""

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework import routers

from ..resources.api import ResourceViewSet
from . import views

app_name = "api"


class Router(routers.DefaultRouter):
    APIRootView = views.APIRootView
    # One address per resource: no "/api/laureats.json" twins to document and keep.
    include_format_suffixes = False


router = Router()
router.register("laureats", views.LaureateViewSet, basename="laureate")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("filieres", views.SectorViewSet, basename="sector")
router.register("regions", views.RegionViewSet, basename="region")
router.register("chiffres", views.FigureViewSet, basename="figure")
router.register("ressources", ResourceViewSet, basename="resource")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api:schema",
            title="Documentation de l'API du portail Deffinum",
            template_name="laureats/api_docs.html",
        ),
        name="docs",
    ),
    *router.urls,
    # [\s\S], not ".": an address holding a line break is no resource either (found by
    # schemathesis: it fell through to the site's HTML 404).
    re_path(r"^[\s\S]*$", views.not_found, name="not-found"),
]
