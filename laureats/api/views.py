"""Read-only viewsets. Laureates and organisations are filtered by the HTML lists' own FilterSets:
the same query string gives the same rows, in the same order. Filter values are read as the
import reads them, and one that is none is a 400 listing the allowed values
(filter_values.py), where the HTML list ignores it with a notice."""

from django.http import Http404, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, routers, viewsets
from rest_framework.reverse import reverse

from ..browse.facets import regions_with_involved_count
from ..browse.filters import LaureateFilter
from ..browse.organisation_filter import OrganisationFilter
from ..models import Laureate, Organisation, ProgrammeFigure, Region, Sector
from ..text.ordering import french
from . import serializers
from .filter_values import bind_strictly

# The sectors and regions a filter accepts are rows, not fixed choices: the schema points to
# their lists instead of reading the database.
for name, where in [("secteur", "/api/filieres/ (slug)"), ("region", "/api/regions/ (code)")]:
    extend_schema_field(
        {
            "type": "string",
            "description": f"{LaureateFilter.base_filters[name].label} : valeurs dans {where}. "
            "Répétable, les valeurs se combinent en OU.",
        }
    )(LaureateFilter.base_filters[name])


class FilterSetBackend(DjangoFilterBackend):
    """The list pages' filtering, strict about values: a value that is none is a 400."""

    def filter_queryset(self, request, queryset, view):
        if getattr(view, "action", None) != "list":
            return queryset
        filterset_class = self.get_filterset_class(view, queryset)
        return bind_strictly(filterset_class, request.query_params, queryset).qs


def not_found(request, *args, **kwargs):
    """Any address under /api/ that is not one: a JSON 404 that says where to look."""
    return JsonResponse(
        {
            "detail": _(
                "Cette adresse n'existe pas dans l'API. La liste des ressources est à "
                "%(root)s et leur documentation à %(docs)s."
            )
            % {
                "root": request.build_absolute_uri(reverse("api:api-root")),
                "docs": request.build_absolute_uri(reverse("api:docs")),
            },
            "code": "not_found",
        },
        status=404,
        json_dumps_params={"ensure_ascii": False},
    )


# What an identifier can be, as the router's URL patterns: anything else (a NUL byte, which
# PostgreSQL refuses, a space, a quote) is no resource and gets not_found's JSON 404 without
# reaching the database.
SLUG_REGEX = r"[-a-zA-Z0-9_]+"
REGION_CODE_REGEX = r"[0-9A-Za-z]{1,2}"


class ReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    lookup_value_regex = SLUG_REGEX
    # Not gettext_lazy(""): with a catalogue, the empty msgid translates to the catalogue's header.
    not_found_message = gettext_lazy("Aucune ressource ne porte l'identifiant « %(key)s ».")
    detail_serializer_class = None

    def get_serializer_class(self):
        if self.action == "retrieve" and self.detail_serializer_class:
            return self.detail_serializer_class
        return self.serializer_class

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            key = self.kwargs[self.lookup_url_kwarg or self.lookup_field]
            raise exceptions.NotFound(self.not_found_message % {"key": key[:120]}) from None


@extend_schema_view(
    list=extend_schema(
        summary="Lauréats, filtrés comme sur /laureats/",
        description=(
            "Mêmes paramètres, mêmes résultats et même ordre que la liste du site. Plusieurs "
            "valeurs d'un même filtre (secteur=a&secteur=b) se combinent en OU, des filtres "
            "différents en ET. Une valeur s'écrit par son identifiant ou son libellé, en "
            "majuscules ou minuscules, avec ou sans accents, comme dans le fichier d'import ; "
            "toute autre valeur répond 400 avec la liste des valeurs permises."
        ),
    ),
    retrieve=extend_schema(summary="Un lauréat, avec ses membres et ses sources"),
)
class LaureateViewSet(ReadOnlyViewSet):
    lookup_field = "slug"
    serializer_class = serializers.LaureateSerializer
    detail_serializer_class = serializers.LaureateDetailSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = LaureateFilter
    not_found_message = gettext_lazy("Aucun lauréat publié ne porte l'identifiant « %(key)s ».")

    def get_queryset(self):
        if self.action == "retrieve":
            return Laureate.objects.for_detail()
        return Laureate.objects.for_list()


@extend_schema_view(
    list=extend_schema(
        summary="Organisations membres d'au moins un lauréat publié",
        description="Mêmes paramètres que la page /organisations/ du site.",
    ),
    retrieve=extend_schema(summary="Une organisation et les lauréats dont elle est membre"),
)
class OrganisationViewSet(ReadOnlyViewSet):
    lookup_field = "slug"
    serializer_class = serializers.OrganisationSerializer
    detail_serializer_class = serializers.OrganisationDetailSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = OrganisationFilter
    not_found_message = gettext_lazy(
        "Aucune organisation publiée ne porte l'identifiant « %(key)s »."
    )

    def get_queryset(self):
        if self.action == "retrieve":
            return Organisation.objects.for_detail()
        return Organisation.objects.for_list()

    def get_object(self):
        organisation = super().get_object()
        # Known only through unpublished laureates: not public yet, as on the site.
        if not organisation.published_memberships:
            raise exceptions.NotFound(self.not_found_message % {"key": organisation.slug})
        return organisation


@extend_schema_view(
    list=extend_schema(summary="Filières, avec le nombre de lauréats publiés de chacune"),
    retrieve=extend_schema(summary="Une filière"),
)
class SectorViewSet(ReadOnlyViewSet):
    lookup_field = "slug"
    serializer_class = serializers.SectorSerializer
    pagination_class = None
    queryset = Sector.objects.with_published_counts()
    not_found_message = gettext_lazy("Aucune filière ne porte l'identifiant « %(key)s ».")


@extend_schema_view(
    list=extend_schema(summary="Régions, avec le nombre de lauréats publiés couvrant chacune"),
    retrieve=extend_schema(summary="Une région, par son code INSEE"),
)
class RegionViewSet(ReadOnlyViewSet):
    lookup_field = "code"
    lookup_value_regex = REGION_CODE_REGEX
    serializer_class = serializers.RegionSerializer
    pagination_class = None
    queryset = Region.objects.order_by(french("name"))
    not_found_message = gettext_lazy("Aucune région ne porte le code INSEE « %(key)s ».")

    def get_serializer_context(self):
        # Counted by the region filter's own rule, so that a count is what its list shows.
        counts = regions_with_involved_count(Laureate.objects.published().values("pk"))
        return {
            **super().get_serializer_context(),
            "involved_counts": {code: count for code, _name, count in counts},
        }


@extend_schema_view(
    list=extend_schema(summary="Chiffres officiels du programme, avec leurs sources"),
    retrieve=extend_schema(summary="Un chiffre officiel, par sa clé"),
)
class FigureViewSet(ReadOnlyViewSet):
    lookup_field = "key"
    serializer_class = serializers.FigureSerializer
    pagination_class = None
    queryset = ProgrammeFigure.objects.select_related("sector").prefetch_related("sources")
    not_found_message = gettext_lazy("Aucun chiffre officiel ne porte la clé « %(key)s ».")


class APIRootView(routers.APIRootView):
    """Les ressources de l'API, sa documentation et son schéma OpenAPI."""

    @extend_schema(exclude=True)
    def get(self, request, *args, **kwargs):
        response = super().get(request, *args, **kwargs)
        response.data["schema"] = reverse("api:schema", request=request)
        response.data["documentation"] = reverse("api:docs", request=request)
        return response
