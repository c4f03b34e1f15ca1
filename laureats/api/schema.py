"""The OpenAPI schema as the API behaves, not as DRF's defaults guess it (a drf-spectacular
postprocessing hook, named in settings.SPECTACULAR_SETTINGS).

- Every operation documents what it can answer besides 200: 304 to a conditional request
  (the page cache's validators), 404 as JSON (each kind of it, in words), 429 with Retry-After.
- A parameter that the API reads leniently is declared as what it accepts: any string. Its
  known values are listed in its description and as examples, never as an enum or an integer,
  since an unknown value is ignored with a notice (`notices`) rather than refused: a client
  generated from the schema must not refuse what the server accepts.
"""

from ..filters import LaureateFilter, OrganisationFilter
from .defaults import MAX_PAGE_SIZE, PAGE_SIZE

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
IGNORED = (
    "Une valeur inconnue est ignorée et signalée dans `notices` de la réponse, jamais refusée."
)
# The parameters read by bind_filterset: an unknown value is a notice, never an error.
LENIENT = set(LaureateFilter.base_filters) | set(OrganisationFilter.base_filters) | {"page_size"}


def lenient(parameter):
    """A query parameter declared as the string it may be, its known values in words."""
    schema = parameter["schema"]
    target = schema["items"] if schema.get("type") == "array" else schema
    known = target.pop("enum", None)
    target.pop("title", None)
    description = parameter.get("description", "").rstrip()
    if parameter["name"] == "page_size":
        parameter["schema"] = {"type": "string"}
        parameter["description"] = PAGE_SIZE_DESCRIPTION
        parameter["examples"] = {"cent": {"value": str(MAX_PAGE_SIZE)}}
        return
    if known:
        if "`" not in description:  # drf-spectacular lists the values and their labels
            values = ", ".join(f"`{value}`" for value in known)
            description = f"{description} Valeurs connues : {values}."
        parameter["examples"] = {
            str(value): {"value": [value] if schema.get("type") == "array" else value}
            for value in known[:3]
        }
    target["type"] = "string"
    parameter["description"] = f"{description}\n\n{IGNORED}".strip()


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
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    views = {
        (path, method.lower()): callback for path, _regex, method, callback in generator.endpoints
    }
    for path, operations in result["paths"].items():
        for method, operation in operations.items():
            callback = views[(path, method)]
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "query" and parameter["name"] in LENIENT:
                    lenient(parameter)
                elif parameter["in"] == "query" and parameter["name"] == "page":
                    parameter["schema"] = {"type": "integer", "minimum": 1}
                    parameter["description"] = PAGE_DESCRIPTION
            responses = operation["responses"]
            responses["304"] = NOT_MODIFIED
            if response := not_found(callback.cls, callback.actions[method]):
                responses["404"] = response
            responses["429"] = TOO_MANY_REQUESTS
    return result
