"""The open data described for programs: a Frictionless Data Package with a Table Schema per CSV.

Nothing here is written by hand: every field is the data dictionary's (the /donnees/ page's
own), its type read from the import format's codec or the model field, its allowed values from
the models and the database. A column added to `csv_format.COLUMNS` or `MEMBER_COLUMNS`
appears here, on /donnees/ and in the files at once; a test then asks for a new FORMAT_VERSION.

Specification: https://specs.frictionlessdata.io/ (Data Package, Tabular Data Resource,
Table Schema, CSV Dialect, version 1).
"""

from django.conf import settings
from django.db import models
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..csv_format import COLUMNS, SEPARATOR
from ..csv_format import columns as codecs
from ..models import Laureate, Region, Resource
from ..models.validators import (
    SLUG_PATTERN,
    validate_activity_declaration,
    validate_commune_code,
    validate_legal_category,
    validate_uai,
)
from ..statistics.figures import LaureateStatistics, official_figures
from .dictionary import (
    LICENCE_NAME,
    LICENCE_URL,
    MEMBER_COLUMNS,
    RESOURCE_COLUMNS,
    laureate_fields,
    member_fields,
    resource_fields,
)

# The version of the files' format (their columns, types and allowed kinds of values), not of
# the data. A renamed, removed or retyped column is a new major version, an added column a new
# minor one; each is noted in CHANGELOG, which /donnees/ prints.
FORMAT_VERSION = "1.1.0"
CHANGELOG = [
    (
        FORMAT_VERSION,
        "2026-12-07",
        _(
            "Ajout des productions partagées des lauréats (ressources), une ligne par "
            "production. Membres : huit colonnes ajoutées à la fin, ce que dit le registre des "
            "entreprises (code commune INSEE, latitude, longitude, catégorie juridique, numéro "
            "de déclaration d'activité, Qualiopi, UAI, date de lecture du registre)."
        ),
    ),
    (
        "1.0.0",
        "2026-12-01",
        _(
            "Première version décrite : lauréats (format d'import), membres et chiffres des statistiques."
        ),
    ),
]

# The dataset as the package, schema.org and DCAT name it (catalogue.py), in French: catalogues
# show one language, the portal's.
DATASET_TITLE = "Lauréats de l'appel à projets Deffinum"
DATASET_DESCRIPTION = (
    "Les consortiums lauréats de l'appel à projets Deffinum (« Dispositifs France Formation "
    "Innovante Numérique », France 2030) : leur projet, leurs membres (porteur et partenaires), "
    "leurs filières et régions, leurs montants et dates, et les sources publiques de chaque "
    "information. Une information qu'aucune source publique ne donne reste vide."
)
DATASET_KEYWORDS = ["Deffinum", "France 2030", "formation professionnelle", "numérique"]
# The Etalab licence's identifier in the SPDX list, which data.gouv.fr and Frictionless read.
LICENCE_ID = "etalab-2.0"
# Every published CSV writes an unknown value as an empty cell, and nothing else as one.
MISSING_VALUES = [""]
# csv_format.writing: comma, double quotes, CRLF (RFC 4180).
CSV_DIALECT = {"delimiter": ",", "quoteChar": '"', "doubleQuote": True, "lineTerminator": "\r\n"}


def absolute_url(request, name, *args):
    # In the default language, whatever the visitor's: one address per file for programs.
    with translation.override(settings.LANGUAGE_CODE):
        return request.build_absolute_uri(reverse(name, args=args))


def last_modified():
    """When the published data last changed (None before any): /donnees/ and the package say it."""
    return Laureate.objects.published().aggregate(last=Max("updated_at"))["last"]


# The register's identifiers, by the validators' own patterns (models/validators.py) without
# their anchors: a Table Schema pattern matches the whole value.
REGISTER_PATTERNS = {
    name: validator.regex.pattern.removeprefix("^").removesuffix("\\Z")
    for name, validator in {
        "commune_code": validate_commune_code,
        "legal_category": validate_legal_category,
        "activity_declaration_number": validate_activity_declaration,
        "uai": validate_uai,
    }.items()
}


def joined_pattern(pattern):
    """A Table Schema pattern for values of `pattern` joined by " | ", as every CSV of the
    portal writes a list (csv_format.values.join_values)."""
    return f"(?:{pattern})(?: \\{SEPARATOR} (?:{pattern}))*"


def one_of(values):
    """A Table Schema pattern for a list of known identifiers (slugs, codes)."""
    return joined_pattern("|".join(values))


def model_field_schema(model_field):
    """Type and constraints of a column holding one model field's value, as the CSV writes it."""
    if model_field.choices:
        return {"type": "string", "constraints": {"enum": [v for v, _label in model_field.choices]}}
    if isinstance(model_field, models.SlugField):
        return {"type": "string", "constraints": {"pattern": SLUG_PATTERN.pattern}}
    if isinstance(model_field, models.URLField):
        return {"type": "string", "format": "uri"}
    if isinstance(model_field, models.DateTimeField):
        return {"type": "datetime", "format": "default"}
    if isinstance(model_field, models.DateField):
        return {"type": "date", "format": "default"}
    if isinstance(model_field, models.FloatField):
        low, high = (-90, 90) if model_field.name == "latitude" else (-180, 180)
        return {"type": "number", "constraints": {"minimum": low, "maximum": high}}
    if isinstance(model_field, models.IntegerField):
        return {"type": "integer", "constraints": {"minimum": 0}}
    if isinstance(model_field, models.BooleanField):
        return {"type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]}
    if model_field.name in {"siren", "siret"}:
        digits = model_field.max_length
        return {"type": "string", "constraints": {"pattern": f"[0-9]{{{digits}}}"}}
    if model_field.name in REGISTER_PATTERNS:
        return {"type": "string", "constraints": {"pattern": REGISTER_PATTERNS[model_field.name]}}
    return {"type": "string"}


def laureate_column_schema(column):
    codec = column.codec
    if isinstance(codec, codecs.Codes):
        model = column.model_field.related_model
        key = codec.attribute
        values = list(model.objects.order_by(key).values_list(key, flat=True))
        return {"type": "string", "constraints": {"pattern": one_of(values)} if values else {}}
    if isinstance(codec, codecs.Members | codecs.Sources):
        return {"type": "string"}
    return model_field_schema(column.model_field)


def table_field(doc, schema, required):
    schema = {"name": doc.name, "title": doc.label, "description": doc.description, **schema}
    constraints = schema.pop("constraints", {})
    if required:
        constraints = {"required": True, **constraints}
    if constraints:
        schema["constraints"] = constraints
    return schema


def laureate_schema():
    fields = []
    for column, doc in zip(COLUMNS, laureate_fields(), strict=True):
        # Required here means never empty in the published file: the import's required columns
        # and "publie", always written "oui" or "non".
        required = column.required or isinstance(column.codec, codecs.Boolean)
        fields.append(table_field(doc, laureate_column_schema(column), required))
    fields[0]["constraints"]["unique"] = True
    return {"fields": fields, "missingValues": MISSING_VALUES, "primaryKey": ["slug"]}


# The members table's columns that are never empty: the laureate, the organisation, the role.
MEMBER_REQUIRED = {"laureat_slug", "laureat_nom", "organisation_slug", "organisation_nom", "role"}


def member_schema():
    fields = []
    for column, doc in zip(MEMBER_COLUMNS, member_fields(), strict=True):
        schema = model_field_schema(column.model._meta.get_field(column.field_name))
        if column.model is Region and column.field_name == "code":
            schema = {"type": "string", "constraints": {"enum": region_codes()}}
        fields.append(table_field(doc, schema, column.name in MEMBER_REQUIRED))
    return {
        "fields": fields,
        "missingValues": MISSING_VALUES,
        # One membership per laureate and organisation (Membership's unique constraint).
        "primaryKey": ["laureat_slug", "organisation_slug"],
        "foreignKeys": [
            {"fields": ["laureat_slug"], "reference": {"resource": "laureats", "fields": ["slug"]}}
        ],
    }


# The shared productions' columns that are never empty, and those holding lists joined by "|".
RESOURCE_REQUIRED = {"slug", "titre", "laureats", "filieres_des_laureats", "mis_a_jour", "url"}
RESOURCE_PATTERNS = {
    "laureats": SLUG_PATTERN.pattern,
    "filieres": SLUG_PATTERN.pattern,
    "certifications": r"(?:RNCP|RS)\d{1,6}",
}


def resource_column_schema(column):
    if column.name in RESOURCE_PATTERNS:
        return {
            "type": "string",
            "constraints": {"pattern": joined_pattern(RESOURCE_PATTERNS[column.name])},
        }
    if column.name == "publics":
        options = [value for value, _label in Resource._meta.get_field("audience").options]
        return {"type": "string", "constraints": {"pattern": one_of(options)}}
    if column.name == "filieres_des_laureats":
        return {"type": "boolean", "trueValues": ["oui"], "falseValues": ["non"]}
    if column.name == "mis_a_jour":
        return {"type": "datetime", "format": "any"}
    if column.name == "url":
        return {"type": "string", "format": "uri"}
    if column.name == "sources":
        # Each an address and its title, joined by " | ": a pattern would only repeat the
        # URL's own rules.
        return {"type": "string"}
    return model_field_schema(Resource._meta.get_field(column.field_name))


def resource_schema():
    fields = [
        table_field(doc, resource_column_schema(column), column.name in RESOURCE_REQUIRED)
        for column, doc in zip(RESOURCE_COLUMNS, resource_fields(), strict=True)
    ]
    fields[0]["constraints"]["unique"] = True
    return {"fields": fields, "missingValues": MISSING_VALUES, "primaryKey": ["slug"]}


def region_codes():
    return list(Region.objects.order_by("code").values_list("code", flat=True))


def csv_resource(request, name, url_name, title, description, schema):
    return {
        "name": name,
        "path": absolute_url(request, url_name, "csv"),
        "title": title,
        "description": description,
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "dialect": CSV_DIALECT,
        "licenses": [licence()],
        "schema": schema,
    }


def statistics_fields(breakdown):
    """The columns of one chart's CSV (Breakdown.csv_header), titled as the chart says them."""
    count = {"type": "integer", "constraints": {"required": True, "minimum": 0}}
    described = {
        "valeur": {
            "title": "Identifiant",
            "description": f"Identifiant de la ligne (valeur du paramètre « {breakdown.param} » "
            "de la liste des lauréats) ; vide pour les lauréats où l'information manque.",
            "type": "string",
        },
        "libelle": {
            "title": str(breakdown.label_header),
            "type": "string",
            "constraints": {"required": True},
        },
        "organisations": {"title": str(breakdown.counted), **count},
        "laureats": {
            "title": "Lauréats" if breakdown.unit == "organisations" else str(breakdown.counted),
            **count,
        },
        "liste_des_laureats": {
            "title": "Liste des lauréats",
            "description": "Adresse de la liste des lauréats de cette ligne sur le portail.",
            "type": "string",
            "format": "uri",
        },
    }
    return [{"name": name, **described[name]} for name in breakdown.csv_header]


def statistics_resources(request):
    """One resource per chart of /statistiques/, each a CSV of counts (all published laureates;
    the same filters as the page's apply to its query string)."""
    stats = LaureateStatistics.of_published()
    breakdowns = [stats.breakdown(key) for key in LaureateStatistics.BREAKDOWNS]
    breakdowns.append(official_figures()["sectors"])
    resources = []
    for breakdown in breakdowns:
        resource = csv_resource(
            request,
            f"statistiques-{breakdown.key}",
            "laureats:statistics-csv",
            str(breakdown.title),
            str(breakdown.description),
            {
                "fields": statistics_fields(breakdown),
                "missingValues": MISSING_VALUES,
                "primaryKey": ["libelle"],
            },
        )
        resource["path"] = absolute_url(request, "laureats:statistics-csv", breakdown.key)
        resources.append(resource)
    return resources


def licence():
    return {"name": LICENCE_ID, "path": LICENCE_URL, "title": LICENCE_NAME}


def data_package(request):
    """The package describing the published CSV files, in French (the portal's language)."""
    with translation.override(settings.LANGUAGE_CODE):
        return build_package(request)


def build_package(request):
    changed = last_modified()
    package = {
        "profile": "tabular-data-package",
        "name": "deffinum-laureats",
        "id": absolute_url(request, "laureats:datapackage"),
        "title": DATASET_TITLE,
        "description": DATASET_DESCRIPTION,
        "version": FORMAT_VERSION,
        "homepage": absolute_url(request, "laureats:open-data"),
        "keywords": DATASET_KEYWORDS,
        "licenses": [licence()],
        "sources": [
            {"title": "Liste officielle des lauréats", "path": settings.DEFFINUM_OFFICIAL_LIST_URL},
            {
                "title": "Communiqués, articles et sites publics cités par chaque lauréat "
                "(colonne « sources »)",
                "path": absolute_url(request, "laureats:laureate-list"),
            },
        ],
        "resources": [
            csv_resource(
                request,
                "laureats",
                "laureats:laureate-export",
                "Lauréats",
                "Une ligne par lauréat publié. C'est aussi le format d'import du portail.",
                laureate_schema(),
            ),
            csv_resource(
                request,
                "membres",
                "laureats:member-export",
                "Membres",
                "Une ligne par lauréat publié et par organisation membre (porteur ou partenaire).",
                member_schema(),
            ),
            csv_resource(
                request,
                "productions-partagees",
                "laureats:resource-export",
                "Productions partagées",
                "Une ligne par production partagée publiée (module, simulation, jeu sérieux, "
                "plateforme, guide…) d'un ou plusieurs lauréats, avec sa licence et son accès.",
                resource_schema(),
            ),
            *statistics_resources(request),
        ],
    }
    if changed:
        # Not in the Data Package specification, which has only "created": data.gouv.fr and
        # schema.org both name the date the data last changed.
        package["lastModified"] = timezone.localtime(changed).isoformat(timespec="seconds")
    if settings.PUBLISHER_NAME:
        package["contributors"] = [{"title": settings.PUBLISHER_NAME, "role": "publisher"}]
    return package
