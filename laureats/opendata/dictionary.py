"""What the open data is: its licence, and every exported field documented from one place.

The laureate columns come from `csv_format.COLUMNS` (the CSV format the import reads back), their
labels, types and allowed values from the models; the members table's and the shared
productions' columns from the models alone. The /donnees/ page, the JSON metadata and the XLSX "À propos" sheet all print this.
"""

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from ..api.serializers import LaureateDetailSerializer
from ..csv_format import COLUMNS
from ..models import Laureate, Membership, Organisation, Region, Resource, Sector
from .field_docs import FieldDoc, choice_values, field_label, model_help, type_label

# Defined once, in the settings: the footer, the legal notice and /donnees/ print the same.
LICENCE_NAME = settings.DEFFINUM_DATA_LICENCE_NAME
LICENCE_URL = settings.DEFFINUM_DATA_LICENCE_URL

# CSV column -> the Laureate field (or relation) it holds, as csv_format declares it.
LAUREATE_COLUMN_FIELDS = {column.name: column.field for column in COLUMNS}


@dataclass(frozen=True)
class MemberColumn:
    name: str
    model: type
    field_name: str


# One row per laureate × organisation. Column names are stable: reusers' scripts depend on them.
MEMBER_COLUMNS = [
    MemberColumn("laureat_slug", Laureate, "slug"),
    MemberColumn("laureat_nom", Laureate, "name"),
    MemberColumn("organisation_slug", Organisation, "slug"),
    MemberColumn("organisation_nom", Organisation, "name"),
    MemberColumn("role", Membership, "role"),
    MemberColumn("type", Organisation, "kind"),
    MemberColumn("siren", Organisation, "siren"),
    MemberColumn("siret", Organisation, "siret"),
    MemberColumn("ville", Organisation, "city"),
    MemberColumn("region_code", Region, "code"),
    MemberColumn("region", Region, "name"),
    # What the public register says (issue 25), empty where not known yet: appended, so that
    # the columns above keep their places.
    MemberColumn("code_commune", Organisation, "commune_code"),
    MemberColumn("latitude", Organisation, "latitude"),
    MemberColumn("longitude", Organisation, "longitude"),
    MemberColumn("categorie_juridique", Organisation, "legal_category"),
    MemberColumn("numero_declaration_activite", Organisation, "activity_declaration_number"),
    MemberColumn("qualiopi", Organisation, "is_qualiopi"),
    MemberColumn("uai", Organisation, "uai"),
    MemberColumn("registre_consulte_le", Organisation, "register_fetched_at"),
]
# Where a column's model field says too little, what a reuser needs to know, written once.
MEMBER_COLUMN_NOTES = {
    "code_commune": _(
        "Code officiel géographique de l'INSEE (5 caractères, 2A ou 2B pour la Corse), selon le "
        "registre des entreprises ; vide si la commune n'est pas connue."
    ),
    "latitude": _("Degrés décimaux, WGS 84, selon le registre des entreprises ; vide si inconnue."),
    "longitude": _(
        "Degrés décimaux, WGS 84, selon le registre des entreprises ; vide si inconnue."
    ),
    "categorie_juridique": _(
        "Nomenclature des catégories juridiques de l'INSEE, selon le registre des entreprises."
    ),
    "qualiopi": _(
        "« oui » ou « non » selon le registre des entreprises ; vide si l'information n'est pas "
        "connue."
    ),
    "registre_consulte_le": _(
        "Date et heure (UTC, ISO 8601) de la dernière lecture du registre des entreprises (API "
        "Recherche d'entreprises, Licence Ouverte) pour cette organisation ; vide si jamais lu."
    ),
}
MEMBER_COLUMN_NAMES = [column.name for column in MEMBER_COLUMNS]


@dataclass(frozen=True)
class ResourceColumn:
    name: str
    # The Resource field (or relation) it holds; "" for what the portal computes.
    field_name: str
    # Of a computed column, or of a field whose export differs from the model's type.
    type: str = ""
    description: str = ""


# One row per published shared production (laureats/resources/), the API's keys: in the CSV,
# lists are joined by " | " (laureates by slug, sources as "address title"), unknown is empty.
RESOURCE_COLUMNS = [
    ResourceColumn("slug", "slug"),
    ResourceColumn("titre", "title"),
    ResourceColumn("type", "kind"),
    ResourceColumn("description", "description"),
    ResourceColumn("laureats", "laureates", description=_("Identifiants (slug) des lauréats.")),
    ResourceColumn("filieres", "sectors"),
    ResourceColumn(
        "filieres_des_laureats",
        "",
        _("oui / non"),
        _(
            "Oui quand la production ne précise pas ses filières : la colonne « filieres » "
            "donne alors celles de ses lauréats."
        ),
    ),
    ResourceColumn("publics", "audience", _("liste (valeurs séparées par « | » en CSV)")),
    ResourceColumn("certifications", "certifications", _("liste de codes RNCP ou RS")),
    ResourceColumn("licence", "licence"),
    ResourceColumn("acces", "access"),
    ResourceColumn("etat", "status"),
    ResourceColumn("langue", "language"),
    ResourceColumn("adresse", "url"),
    ResourceColumn("date_mise_a_disposition", "available_on"),
    ResourceColumn(
        "sources",
        "sources",
        description=_(
            "Documents publics qui la nomment : l'adresse de chacun, suivie de son titre."
        ),
    ),
    ResourceColumn("mis_a_jour", "updated_at", _("date et heure ISO 8601")),
    ResourceColumn("url", "", _("adresse web"), _("Page de la production sur le portail.")),
]
RESOURCE_COLUMN_NAMES = [column.name for column in RESOURCE_COLUMNS]


def resource_fields():
    """The shared productions' columns (CSV, JSON and XLSX), documented from the models."""
    docs = []
    for column in RESOURCE_COLUMNS:
        if not column.field_name:
            docs.append(
                FieldDoc(column.name, column.name, str(column.type), str(column.description))
            )
            continue
        model_field = Resource._meta.get_field(column.field_name)
        values = choice_values(model_field) or list(getattr(model_field, "options", []))
        if column.name == "filieres":
            values = list(Sector.objects.values_list("slug", "name"))
        docs.append(
            FieldDoc(
                name=column.name,
                label=field_label(model_field),
                type=str(column.type or type_label(model_field)),
                description=str(column.description or model_help(Resource, column.field_name)),
                values=[(value, str(label)) for value, label in values],
            )
        )
    return docs


def laureate_fields():
    """The laureate CSV columns (also the JSON and XLSX keys), with types and allowed values."""
    docs = []
    for column in COLUMNS:
        model_field = Laureate._meta.get_field(LAUREATE_COLUMN_FIELDS[column.name])
        values = choice_values(model_field)
        if column.name == "secteurs":
            values = list(Sector.objects.values_list("slug", "name"))
        elif column.name == "regions":
            values = list(Region.objects.values_list("code", "name"))
        elif column.name == "membres":
            # The roles are spelled out in the description; the organisation types are many.
            values = choice_values(Organisation._meta.get_field("kind"))
        docs.append(
            FieldDoc(
                name=column.name,
                label=field_label(model_field),
                type=type_label(model_field),
                # Lazy in csv_format.COLUMNS: text here, in the language of this request.
                description=str(column.description),
                values=values,
            )
        )
    return docs


def member_fields():
    """The members table's columns, documented from the models' own labels and help texts."""
    docs = []
    for column in MEMBER_COLUMNS:
        model_field = column.model._meta.get_field(column.field_name)
        owner = column.model._meta.verbose_name
        description = f"{field_label(model_field)} ({owner})."
        if model_field.help_text:
            description += f" {model_field.help_text}"
        if column.name in MEMBER_COLUMN_NOTES:
            description += f" {MEMBER_COLUMN_NOTES[column.name]}"
        docs.append(
            FieldDoc(
                name=column.name,
                label=field_label(model_field),
                type=type_label(model_field),
                description=description,
                values=choice_values(model_field),
            )
        )
    return docs


def json_fields():
    """The keys of a laureate in the JSON export and the API: the CSV columns, typed (arrays,
    numbers, null for unknown), and a few more described by the serializer's help texts."""
    columns = {doc.name: doc for doc in laureate_fields()}
    docs = []
    for name, serializer_field in LaureateDetailSerializer().fields.items():
        if hasattr(serializer_field, "child"):
            # Members and sources: objects in JSON, where the CSV packs them into text.
            keys = ", ".join(serializer_field.child.fields)
            docs.append(
                FieldDoc(
                    name=name,
                    label=columns[name].label,
                    type=str(_("liste d'objets {%(keys)s}") % {"keys": keys}),
                    description=str(serializer_field.help_text),
                    values=columns[name].values,
                )
            )
        elif name in columns:
            docs.append(columns[name])
        else:
            docs.append(
                FieldDoc(
                    name=name,
                    label=name,
                    type=str(JSON_ONLY_TYPES[name]),
                    description=str(serializer_field.help_text),
                )
            )
    return docs


# The keys that the JSON and the API add to the CSV columns.
JSON_ONLY_TYPES = {
    "porteur": _("objet {slug, nom}, ou null"),
    "nombre_membres": _("nombre entier"),
    "url": _("adresse web"),
    "mis_a_jour": _("date et heure ISO 8601"),
}


def completeness():
    """For each laureate column, how many published laureates have it filled in (one query)."""
    relations = {
        "secteurs": Laureate.sectors.through.objects.filter(laureate_id=OuterRef("pk")),
        "regions": Laureate.regions.through.objects.filter(laureate_id=OuterRef("pk")),
        "membres": Membership.objects.filter(laureate_id=OuterRef("pk")),
        "sources": Laureate.sources.rel.related_model.objects.filter(laureate_id=OuterRef("pk")),
    }
    # The kind of an amount is known exactly when the amount is (it is written empty otherwise).
    conditions = {"nature_aide": Q(state_aid__isnull=False)}
    for column in COLUMNS:
        if column.name in conditions:
            continue
        if column.name in relations:
            conditions[column.name] = Q(Exists(relations[column.name]))
            continue
        model_field = Laureate._meta.get_field(LAUREATE_COLUMN_FIELDS[column.name])
        if model_field.null:
            conditions[column.name] = Q(**{f"{model_field.name}__isnull": False})
        elif isinstance(model_field, models.BooleanField):
            conditions[column.name] = Q()
        else:
            conditions[column.name] = ~Q(**{model_field.name: ""})
    return Laureate.objects.published().aggregate(
        **{name: Count("pk", filter=condition) for name, condition in conditions.items()}
    )
