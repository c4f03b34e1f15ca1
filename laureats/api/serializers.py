"""The API's JSON shapes. A laureate's keys are the CSV columns' names (nom, secteurs, membres...),
with typed values: arrays for lists, numbers for amounts, null for what no source gives.

The JSON export writes `LaureateDetailSerializer`, so the API and the file agree.
"""

from django.conf import settings
from django.utils import translation
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import (
    Laureate,
    Membership,
    Organisation,
    ProgrammeFigure,
    Region,
    Sector,
    lead_first,
)
from ..opendata.field_docs import model_help


def absolute_url(serializer, obj):
    """The public page of `obj`, in the default language whatever the client's Accept-Language."""
    with translation.override(settings.LANGUAGE_CODE):
        path = obj.get_absolute_url()
    request = serializer.context.get("request")
    return request.build_absolute_uri(path) if request else path


class ModelCharField(serializers.CharField):
    """Reads a model field, whether the JSON key is its name (slug) or not (nom for name)."""

    def bind(self, field_name, parent):
        # DRF refuses a `source` equal to the key; it is only redundant here.
        if self.source == field_name:
            self.source = None
        super().bind(field_name, parent)


def text(model, name):
    return ModelCharField(source=name, help_text=model_help(model, name))


def blank_as_null(model, name):
    """A choice or text that may be empty: null in JSON means no source gives it."""
    return serializers.SerializerMethodField(help_text=model_help(model, name))


class OrganisationRefSerializer(serializers.Serializer):
    slug = text(Organisation, "slug")
    nom = text(Organisation, "name")


class MemberSerializer(serializers.Serializer):
    """A member of a consortium: the organisation and its role in it."""

    slug = serializers.CharField(
        source="organisation.slug", help_text=model_help(Organisation, "slug")
    )
    nom = serializers.CharField(
        source="organisation.name", help_text=model_help(Organisation, "name")
    )
    role = serializers.ChoiceField(
        choices=Membership.Role.choices, help_text=model_help(Membership, "role")
    )
    type = serializers.ChoiceField(
        source="organisation.kind",
        choices=Organisation.Kind.choices,
        help_text=model_help(Organisation, "kind"),
    )
    siren = serializers.CharField(
        source="organisation.siren", help_text=model_help(Organisation, "siren")
    )
    siret = serializers.CharField(
        source="organisation.siret", help_text=model_help(Organisation, "siret")
    )
    ville = serializers.CharField(
        source="organisation.city", help_text=model_help(Organisation, "city")
    )
    region = serializers.CharField(
        source="organisation.region_id",
        allow_null=True,
        help_text=model_help(Organisation, "region") + " Code INSEE.",
    )


class SourceSerializer(serializers.Serializer):
    url = serializers.URLField()
    titre = serializers.CharField(source="title")


class LaureateSerializer(serializers.Serializer):
    """A laureate as listed: everything but its long texts, members and sources."""

    class Meta:
        # Read by drf-spectacular to type the relation fields.
        model = Laureate

    slug = text(Laureate, "slug")
    nom = text(Laureate, "name")
    acronyme = text(Laureate, "acronym")
    statut = serializers.ChoiceField(
        source="status", choices=Laureate.Status.choices, help_text=model_help(Laureate, "status")
    )
    portee = blank_as_null(Laureate, "scope")
    secteurs = serializers.SlugRelatedField(
        source="sectors",
        slug_field="slug",
        many=True,
        read_only=True,
        help_text=model_help(Laureate, "sectors") + " Identifiants, voir /api/filieres/.",
    )
    regions = serializers.PrimaryKeyRelatedField(
        many=True,
        read_only=True,
        pk_field=serializers.CharField(),
        help_text=model_help(Laureate, "regions") + " Codes INSEE, voir /api/regions/.",
    )
    cout_total_eur = serializers.IntegerField(
        source="total_cost", allow_null=True, help_text=model_help(Laureate, "total_cost")
    )
    aide_etat_eur = serializers.IntegerField(
        source="state_aid", allow_null=True, help_text=model_help(Laureate, "state_aid")
    )
    nature_aide = serializers.SerializerMethodField(
        help_text=model_help(Laureate, "state_aid_kind") + " null si le montant est inconnu."
    )
    date_debut = serializers.DateField(
        source="start_date", allow_null=True, help_text=model_help(Laureate, "start_date")
    )
    date_fin = serializers.DateField(
        source="end_date", allow_null=True, help_text=model_help(Laureate, "end_date")
    )
    site_web = text(Laureate, "website")
    resume = text(Laureate, "summary")
    porteur = serializers.SerializerMethodField(help_text="Organisation porteuse du consortium.")
    nombre_membres = serializers.SerializerMethodField(
        help_text="Nombre d'organisations membres, porteur compris."
    )
    url = serializers.SerializerMethodField(help_text="Page du lauréat sur le portail.")
    mis_a_jour = serializers.DateTimeField(
        source="updated_at", help_text="Date et heure de la dernière modification de la fiche."
    )

    @extend_schema_field(serializers.ChoiceField(choices=Laureate.Scope.choices, allow_null=True))
    def get_portee(self, laureate):
        return laureate.scope or None

    @extend_schema_field(
        serializers.ChoiceField(choices=Laureate.StateAidKind.choices, allow_null=True)
    )
    def get_nature_aide(self, laureate):
        return laureate.state_aid_kind if laureate.state_aid is not None else None

    @extend_schema_field(OrganisationRefSerializer(allow_null=True))
    def get_porteur(self, laureate):
        lead = laureate.lead
        return OrganisationRefSerializer(lead).data if lead else None

    @extend_schema_field(OpenApiTypes.INT)
    def get_nombre_membres(self, laureate):
        if hasattr(laureate, "member_count"):
            return laureate.member_count
        return len(laureate.memberships.all())

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, laureate):
        return absolute_url(self, laureate)


class LaureateDetailSerializer(LaureateSerializer):
    """A laureate with its description, every member and every source."""

    description = text(Laureate, "description")
    remarques = text(Laureate, "data_note")
    membres = serializers.SerializerMethodField(
        help_text=(
            "Organisations membres, porteur d'abord : rôle « porteur » ou « partenaire », type "
            "d'organisation (voir les valeurs), SIREN et ville vides s'ils sont inconnus, région "
            "par code INSEE ou null."
        ),
    )
    sources = SourceSerializer(many=True, help_text="Documents publics qui fondent la fiche.")

    @extend_schema_field(MemberSerializer(many=True))
    def get_membres(self, laureate):
        return MemberSerializer(lead_first(laureate.memberships.all()), many=True).data


class OrganisationSerializer(serializers.Serializer):
    slug = text(Organisation, "slug")
    nom = text(Organisation, "name")
    type = serializers.ChoiceField(
        source="kind", choices=Organisation.Kind.choices, help_text=model_help(Organisation, "kind")
    )
    siren = text(Organisation, "siren")
    siret = text(Organisation, "siret")
    ville = text(Organisation, "city")
    region = serializers.CharField(
        source="region_id",
        allow_null=True,
        help_text=model_help(Organisation, "region") + " Code INSEE.",
    )
    site_web = text(Organisation, "website")
    # What the public register says (API Recherche d'entreprises, Licence Ouverte): empty or
    # null where not known yet.
    code_commune = text(Organisation, "commune_code")
    latitude = serializers.FloatField(
        allow_null=True, help_text=model_help(Organisation, "latitude") + " Degrés, WGS 84."
    )
    longitude = serializers.FloatField(
        allow_null=True, help_text=model_help(Organisation, "longitude") + " Degrés, WGS 84."
    )
    categorie_juridique = text(Organisation, "legal_category")
    numero_declaration_activite = text(Organisation, "activity_declaration_number")
    qualiopi = serializers.BooleanField(
        source="is_qualiopi",
        allow_null=True,
        help_text=model_help(Organisation, "is_qualiopi") + " null si inconnu.",
    )
    uai = text(Organisation, "uai")
    registre_consulte_le = serializers.DateTimeField(
        source="register_fetched_at",
        allow_null=True,
        help_text=model_help(Organisation, "register_fetched_at") + " null si jamais lu.",
    )
    nombre_laureats = serializers.SerializerMethodField(
        help_text="Nombre de consortiums lauréats publiés dont l'organisation est membre."
    )
    url = serializers.SerializerMethodField(help_text="Page de l'organisation sur le portail.")

    @extend_schema_field(OpenApiTypes.INT)
    def get_nombre_laureats(self, organisation):
        if hasattr(organisation, "laureate_count"):
            return organisation.laureate_count
        return len(organisation.published_memberships)

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, organisation):
        return absolute_url(self, organisation)


class OrganisationMembershipSerializer(serializers.Serializer):
    slug = serializers.CharField(source="laureate.slug", help_text=model_help(Laureate, "slug"))
    nom = serializers.CharField(source="laureate.name", help_text=model_help(Laureate, "name"))
    role = serializers.ChoiceField(
        choices=Membership.Role.choices, help_text=model_help(Membership, "role")
    )
    url = serializers.SerializerMethodField(help_text="Page du lauréat sur le portail.")

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, membership):
        return absolute_url(self, membership.laureate)


class OrganisationDetailSerializer(OrganisationSerializer):
    laureats = OrganisationMembershipSerializer(
        source="published_memberships",
        many=True,
        help_text="Les consortiums lauréats publiés dont l'organisation est membre.",
    )


class SectorSerializer(serializers.Serializer):
    slug = text(Sector, "slug")
    nom = text(Sector, "name")
    description = text(Sector, "description")
    nombre_laureats = serializers.IntegerField(
        source="published_count", help_text="Nombre de lauréats publiés de cette filière."
    )


class RegionSerializer(serializers.Serializer):
    code = text(Region, "code")
    nom = text(Region, "name")
    nombre_laureats = serializers.SerializerMethodField(
        help_text=(
            "Nombre de lauréats publiés impliqués dans cette région (portée qui la couvre ou "
            "membre qui y est installé) : ceux que liste /laureats/?region=<code>."
        )
    )

    @extend_schema_field(OpenApiTypes.INT)
    def get_nombre_laureats(self, region):
        return self.context["involved_counts"].get(region.code, 0)


class FigureSourceSerializer(serializers.Serializer):
    titre = serializers.CharField(source="title")
    url = serializers.CharField()


class FigureSerializer(serializers.Serializer):
    class Meta:
        model = ProgrammeFigure

    cle = text(ProgrammeFigure, "key")
    libelle = text(ProgrammeFigure, "label")
    valeur = serializers.SerializerMethodField(help_text=model_help(ProgrammeFigure, "value"))
    unite = text(ProgrammeFigure, "unit")
    remarque = text(ProgrammeFigure, "note")
    filiere = serializers.SlugRelatedField(
        source="sector",
        slug_field="slug",
        read_only=True,
        allow_null=True,
        help_text=model_help(ProgrammeFigure, "sector"),
    )
    sources = FigureSourceSerializer(many=True, help_text="Où le chiffre a été publié.")

    @extend_schema_field(OpenApiTypes.NUMBER)
    def get_valeur(self, figure):
        # 62, not "62.00" nor 62.0: the figures are counts and euros far more often than not.
        value = figure.display_value
        return value if isinstance(value, int) else float(value)
