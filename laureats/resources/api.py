"""/api/ressources/: the catalogue read-only, filtered by the list page's own FilterSet, with
the API's strict filter values (api/filter_values.py). A value no source gives is null."""

from django.utils.translation import gettext_lazy
from drf_spectacular.utils import (
    extend_schema,
    extend_schema_field,
    extend_schema_serializer,
    extend_schema_view,
)
from rest_framework import serializers

from ..api.serializers import SourceSerializer, absolute_url, text
from ..api.views import FilterSetBackend, ReadOnlyViewSet
from ..models import Resource
from ..opendata.field_docs import model_help
from .filters import ResourceFilter

# Sectors and laureates are rows, not fixed choices: the schema says where their values are.
for name, where in [("secteur", "/api/filieres/ (slug)"), ("laureat", "/api/laureats/ (slug)")]:
    extend_schema_field(
        {
            "type": "string",
            "description": f"{ResourceFilter.base_filters[name].label} : valeurs dans {where}. "
            "Répétable, les valeurs se combinent en OU.",
        }
    )(ResourceFilter.base_filters[name])


def choice_or_null(name, choices):
    """A choice that may be empty: null when no source gives it."""
    return serializers.ChoiceField(
        choices=choices,
        # DRF refuses a source equal to the key (licence).
        source=None if name == "licence" else name,
        allow_null=True,
        help_text=model_help(Resource, name) + " null : non renseigné.",
    )


class LaureateRefSerializer(serializers.Serializer):
    slug = serializers.CharField()
    nom = serializers.CharField(source="name")


@extend_schema_serializer(component_name="Ressource")
class ResourceSerializer(serializers.Serializer):
    class Meta:
        model = Resource

    slug = text(Resource, "slug")
    titre = text(Resource, "title")
    type = choice_or_null("kind", Resource.Kind.choices)
    description = text(Resource, "description")
    laureats = LaureateRefSerializer(
        source="published_laureates", many=True, help_text=model_help(Resource, "laureates")
    )
    filieres = serializers.SerializerMethodField(
        help_text="Filières (slugs, voir /api/filieres/) : les siennes, sinon celles de ses "
        "lauréats."
    )
    filieres_des_laureats = serializers.SerializerMethodField(
        help_text="Vrai quand la ressource ne précise pas ses filières : ce sont celles de ses "
        "lauréats."
    )
    publics = serializers.ListField(
        source="audience",
        child=serializers.ChoiceField(choices=Resource.Audience.choices),
        help_text=model_help(Resource, "audience") + " Vide : non renseigné.",
    )
    certifications = serializers.ListField(
        source="certification_list",
        child=serializers.CharField(),
        help_text=model_help(Resource, "certifications"),
    )
    licence = choice_or_null("licence", Resource.Licence.choices)
    acces = choice_or_null("access", Resource.Access.choices)
    etat = choice_or_null("status", Resource.Status.choices)
    langue = choice_or_null("language", Resource.Language.choices)
    adresse = serializers.URLField(
        source="url", allow_null=True, help_text=model_help(Resource, "url")
    )
    date_mise_a_disposition = serializers.DateField(
        source="available_on", allow_null=True, help_text=model_help(Resource, "available_on")
    )
    sources = SourceSerializer(many=True, help_text="Documents publics qui la nomment.")
    mis_a_jour = serializers.DateTimeField(source="updated_at")
    url = serializers.SerializerMethodField(help_text="Page de la ressource sur le portail.")

    def to_representation(self, resource):
        data = super().to_representation(resource)
        for key in ("type", "licence", "acces", "etat", "langue", "adresse"):
            data[key] = data[key] or None
        return data

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_filieres(self, resource):
        return [sector.slug for sector in resource.shown_sectors]

    @extend_schema_field(serializers.BooleanField())
    def get_filieres_des_laureats(self, resource):
        return resource.sectors_are_inherited

    @extend_schema_field(serializers.URLField())
    def get_url(self, resource):
        return absolute_url(self, resource)


@extend_schema_view(
    list=extend_schema(
        summary="Productions partagées, filtrées comme sur /ressources/",
        description=(
            "Mêmes paramètres, mêmes résultats et même ordre que le catalogue du site. "
            "Plusieurs valeurs d'un même filtre se combinent en OU, des filtres différents en "
            "ET ; une valeur qui n'en est pas une répond 400 avec la liste des valeurs permises."
        ),
    ),
    retrieve=extend_schema(summary="Une production partagée, avec ses sources"),
)
class ResourceViewSet(ReadOnlyViewSet):
    lookup_field = "slug"
    serializer_class = ResourceSerializer
    filter_backends = [FilterSetBackend]
    filterset_class = ResourceFilter
    not_found_message = gettext_lazy(
        "Aucune production partagée publiée ne porte l'identifiant « %(key)s »."
    )

    def get_queryset(self):
        return Resource.objects.for_detail()
