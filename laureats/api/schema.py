"""The OpenAPI schema as the API behaves, not as DRF's defaults guess it (a drf-spectacular
postprocessing hook, named in settings.SPECTACULAR_SETTINGS).

- Every operation documents what it can answer besides 200: 304 to a conditional request
  (the page cache's validators), 404 as JSON (each kind of it, in words), 429 with Retry-After.
- A filter's values are an enum of their identifiers (sectors and regions read from the
  database), which is what a program should send; its description says that labels, in any
  case and with or without accents, are read too (as the import reads them), and that anything
  else is a 400 listing the allowed values (filter_values.py). A search longer than the
  FilterSet allows is a 400 as well.
- `page_size` is read leniently: any string, a bad one ignored with a notice (`notices`).
"""

from ..browse.filters import LaureateFilter
from ..browse.organisation_filter import OrganisationFilter, commune_choices
from ..models import Organisation, Region, Resource, Sector
from ..resources.filters import ResourceFilter, every_laureate_choice
from .defaults import MAX_PAGE_SIZE, PAGE_SIZE

# Two lists called "type", an organisation's and a resource's: each keeps a name of its own
# in the schema (SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] reads these).
ORGANISATION_KINDS = Organisation.Kind.choices
RESOURCE_KINDS = Resource.Kind.choices

ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string", "description": "Le message, en français (ou en anglais)."},
        "code": {
            "type": "string",
            "description": "Le motif, pour les programmes : `not_found`, `throttled`…",
        },
    },
    "required": ["detail", "code"],
}
ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
INVALID_FILTER_SCHEMA = {
    "type": "object",
    "properties": {
        **ERROR_SCHEMA["properties"],
        "parameters": {
            "type": "object",
            "description": "Pour chaque paramètre refusé : ses valeurs refusées, et les "
            "identifiants permis (pour un choix).",
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "invalid": {"type": "array", "items": {"type": "string"}},
                    "allowed": {"type": "array", "items": {"type": "string"}},
                },
                "required": ["invalid"],
            },
        },
    },
    "required": ["detail", "code", "parameters"],
}
BAD_REQUEST = {
    "description": (
        "Une valeur de filtre n'en est pas une (ni un identifiant ni un libellé connu), ou une "
        "recherche est trop longue. `code` vaut `invalid_filter` ; `detail` dit chaque valeur "
        "refusée et les valeurs permises, `parameters` les donne pour les programmes. Rien n'est "
        "ignoré en silence : un filtre incompris élargirait la recherche."
    ),
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/InvalidFilter"}}},
}

NOT_MODIFIED = {
    "description": (
        "Rien n'a changé depuis la version que le client possède (en-têtes If-None-Match ou "
        "If-Modified-Since) : pas de corps."
    ),
    "headers": {"ETag": {"schema": {"type": "string"}}},
}
TOO_MANY_REQUESTS = {
    "description": (
        "Trop de requêtes depuis cette adresse (limite de l'API, voir /donnees/) : réessayer "
        "après le nombre de secondes de l'en-tête Retry-After. `code` vaut `throttled`."
    ),
    "headers": {
        "Retry-After": {
            "description": "Secondes à attendre avant la prochaine requête.",
            "schema": {"type": "integer", "minimum": 0},
        }
    },
    "content": ERROR,
}
# What each kind of 404 means; `code` is `not_found` for all.
NOT_FOUND_PAGE = (
    "La page demandée n'existe pas : `page` n'est pas un entier à partir de 1 (page=0 "
    "compris), ou dépasse la dernière page des résultats (le message dit combien il y en a)."
)
NOT_FOUND_RESOURCE = "Aucune ressource publique ne porte cet identifiant (`{name}`)."
NOT_FOUND_ADDRESS = (
    " Toute autre adresse sous /api/ répond aussi 404 en JSON, avec les adresses de la "
    "liste des ressources et de la documentation."
)

PAGE_DESCRIPTION = (
    "Numéro de page, à partir de 1. Une valeur qui n'est pas un entier à partir de 1, ou une "
    "page au-delà de la dernière, répond 404."
)
PAGE_SIZE_DESCRIPTION = (
    f"Résultats par page, un entier de 1 à {MAX_PAGE_SIZE} ({PAGE_SIZE} par défaut ; au-delà de "
    f"{MAX_PAGE_SIZE}, {MAX_PAGE_SIZE}). Une autre valeur est ignorée ({PAGE_SIZE} par page) et "
    "signalée dans `notices`."
)
STRICT = (
    "Par identifiant (ci-dessus), ou par libellé, en majuscules ou minuscules, avec ou sans "
    "accents, comme dans le fichier d'import. Toute autre valeur répond 400 (`invalid_filter`), "
    "avec la liste des valeurs permises."
)
TOO_LONG = (
    "Au-delà de {max} caractères, ou avec un caractère nul, la requête répond 400 "
    "(`invalid_filter`)."
)
NO_NUL = "^[^\\u0000]*$"
FILTERS = {
    **OrganisationFilter.base_filters,
    **LaureateFilter.base_filters,
    **ResourceFilter.base_filters,
}
# Filters whose values are rows: listed in the schema the API serves.
ROW_FILTERS = ("secteur", "region", "laureat", "commune")


def rows_as_choices(name):
    """The identifiers and names of the filters whose values are rows."""
    if name == "secteur":
        return list(Sector.objects.values_list("slug", "name"))
    if name == "laureat":
        return every_laureate_choice()
    if name == "commune":
        return commune_choices(Organisation.objects.with_published_memberships())
    return list(Region.objects.order_by("code").values_list("code", "name"))


def page_size(parameter):
    parameter["schema"] = {"type": "string"}
    parameter["description"] = PAGE_SIZE_DESCRIPTION
    parameter["examples"] = {"cent": {"value": str(MAX_PAGE_SIZE)}}


def filter_parameter(parameter, served):
    """A filter as the API reads it (filter_values.py): its identifiers as an enum, its other
    spellings and its 400 in words; a text filter with its length limit. The sectors' and
    regions' identifiers are rows, listed in the schema the API serves (`served`), not in one
    generated without a request (`manage.py spectacular`, the system checks), which may run
    without a database."""
    schema = parameter["schema"]
    target = schema["items"] if schema.get("type") == "array" else schema
    target.pop("title", None)
    description = parameter.get("description", "").rstrip()
    rows = parameter["name"] in ROW_FILTERS
    choices = rows_as_choices(parameter["name"]) if rows and served else []
    if choices:
        target["enum"] = [value for value, _label in choices]
        lines = "\n".join(f"* `{value}` - {label}" for value, label in choices)
        description = f"{description}\n\n{lines}"
    elif rows and served and schema.get("type") == "array":
        # No laureate has a resource yet: no value can select one.
        schema["maxItems"] = 0
    if rows or "enum" in target:
        target["type"] = "string"
        known = target.get("enum", [])
        if known:
            parameter["examples"] = {
                str(value): {"value": [value] if schema.get("type") == "array" else value}
                for value in known[:3]
            }
        parameter["description"] = f"{description}\n\n{STRICT}"
        return
    max_length = FILTERS[parameter["name"]].extra.get("max_length")
    if max_length:
        target["maxLength"] = max_length
        description = f"{description}\n\n{TOO_LONG.format(max=max_length)}"
    # Django's form fields refuse a NUL character (PostgreSQL stores none): a 400 too.
    target["pattern"] = NO_NUL
    parameter["description"] = description.strip()


def not_found(view, action):
    """The operation's own 404, or None: a list without pages has none."""
    if action == "list":
        if not view.pagination_class:
            return None
        text = NOT_FOUND_PAGE
    else:
        text = NOT_FOUND_RESOURCE.format(name=view.lookup_url_kwarg or view.lookup_field)
    return {"description": text + NOT_FOUND_ADDRESS, "content": ERROR}


def document_real_behaviour(result, generator, request, public):
    """The postprocessing hook: see the module's docstring."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas["Error"] = ERROR_SCHEMA
    schemas["InvalidFilter"] = INVALID_FILTER_SCHEMA
    views = {
        (path, method.lower()): callback for path, _regex, method, callback in generator.endpoints
    }
    for path, operations in result["paths"].items():
        for method, operation in operations.items():
            callback = views[(path, method)]
            filtered = False
            for parameter in operation.get("parameters", []):
                if parameter["in"] != "query":
                    continue
                if parameter["name"] in FILTERS:
                    filter_parameter(parameter, served=request is not None)
                    filtered = True
                elif parameter["name"] == "page_size":
                    page_size(parameter)
                elif parameter["name"] == "page":
                    parameter["schema"] = {"type": "integer", "minimum": 1}
                    parameter["description"] = PAGE_DESCRIPTION
            responses = operation["responses"]
            if filtered:
                responses["400"] = BAD_REQUEST
            responses["304"] = NOT_MODIFIED
            if response := not_found(callback.cls, callback.actions[method]):
                responses["404"] = response
            responses["429"] = TOO_MANY_REQUESTS
    return result
