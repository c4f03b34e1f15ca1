"""The OpenAPI schema tells the truth: for requests of every kind, good and bad, the request is
what the schema allows (or not) and the response's status, headers and body are what it says.

A generated client must agree with the server: each request below is checked against the
operation's parameters, and each response against the operation's documented responses, with
jsonschema (the schema is OpenAPI 3.0, whose `nullable` is translated to JSON Schema's null).
"""

import itertools
import re
from urllib.parse import quote

import hypothesis
import jsonschema
import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.db import close_old_connections
from schemathesis.checks import negative_data_rejection
from schemathesis.generation.modes import GenerationMode

from laureats.browse.filters import SORTS

pytestmark = pytest.mark.django_db

# Requests that a client may send, and the status the server gives: what the schema must say.
REQUESTS = [
    ("/api/laureats/", 200),
    ("/api/laureats/?secteur=sante-social&tri=-aide&page_size=2", 200),
    ("/api/laureats/?region=27&region=84&portee=nationale&statut=retenu&type_membre=cfa", 200),
    # page_size is ignored with a notice, never refused: the schema declares it a string.
    ("/api/laureats/?page_size=abc", 200),
    ("/api/laureats/?page_size=0&organisation=personne", 200),
    ("/api/laureats/?page_size=1000", 200),
    # Past the last page: allowed by the schema, answered by its documented 404.
    ("/api/laureats/?page=999", 404),
    ("/api/laureats/chantier-numerique-fictif/", 200),
    ("/api/laureats/inconnu/", 404),
    # A line break in the address: still the API's JSON 404, not the site's HTML page.
    ("/api/laureats/a%0Ab/", 404),
    ("/api/organisations/?type=cfa&q=fictif", 200),
    ("/api/organisations/cfa-fictif-deux-rives/", 200),
    ("/api/organisations/inconnue/", 404),
    # Known only through an unpublished laureate: not public, as on the site.
    ("/api/organisations/organisation-fictive-non-publiee/", 404),
    ("/api/filieres/", 200),
    ("/api/filieres/sante-social/", 200),
    ("/api/filieres/inconnue/", 404),
    ("/api/regions/", 200),
    ("/api/regions/27/", 200),
    ("/api/regions/ZZ/", 404),
    ("/api/chiffres/", 200),
    ("/api/chiffres/laureates/", 200),
    ("/api/chiffres/inconnu/", 404),
]
# Requests outside what the schema allows, and the documented status (and code) they get.
OUT_OF_SCHEMA = [
    ("/api/laureats/?page=0", 404, "not_found"),
    ("/api/laureats/?page=abc", 404, "not_found"),
    ("/api/organisations/?page=-1", 404, "not_found"),
    ("/api/laureats/?tri=AAA&portee=mondiale&statut=zzz&type_membre=x", 400, "invalid_filter"),
    ("/api/laureats/?region=99&secteur=inconnu", 400, "invalid_filter"),
    ("/api/laureats/?q=" + "x" * 201, 400, "invalid_filter"),
    ("/api/laureats/?q=a%00b", 400, "invalid_filter"),
    ("/api/organisations/?type=pas-un-type", 400, "invalid_filter"),
]
# Outside the enums, read as the import reads them: labels, any case, with or without accents.
BEYOND_THE_ENUMS = [
    "/api/laureats/?secteur=Santé et social&region=bourgogne franche comte",
    "/api/laureats/?portee=NATIONALE&statut=Retenu dans Deffinum&type_membre=CFA",
    "/api/organisations/?type=Laboratoire de recherche",
]
LENIENT_NOTICES = {
    "/api/laureats/?page_size=abc": 1,
    # An organisation that is no member is no bad value: it finds no laureate.
    "/api/laureats/?page_size=0&organisation=personne": 1,
}


@pytest.fixture(scope="module")
def schema(django_db_setup, django_db_blocker):
    # With the shipped sectors and regions, whose identifiers the schema lists; rolled back.
    from django.db import transaction
    from django.test import Client

    with django_db_blocker.unblock(), transaction.atomic():
        call_command("loaddata", "regions", "sectors", verbosity=0)
        generated = Client().get("/api/schema/?format=json").json()
        transaction.set_rollback(True)
    return generated


def json_schema(node):
    """OpenAPI 3.0's schema dialect as JSON Schema: `nullable: true` becomes a null type."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if "type" in node:
            node["type"] = [node["type"], "null"]
            if "enum" in node:
                node["enum"] = [*node["enum"], None]
        else:
            return {"anyOf": [node, {"type": "null"}]}
    return node


def operation_for(schema, path):
    path = path.partition("?")[0]
    for template, operations in schema["paths"].items():
        pattern = re.sub(r"\{[^}]+\}", "[^/]+", template)
        if re.fullmatch(pattern, path):
            return operations["get"]
    raise AssertionError(f"{path} : aucune opération du schéma")


def request_errors(operation, query):
    """What in the query string the operation's parameters do not allow."""
    parameters = {p["name"]: p for p in operation.get("parameters", []) if p["in"] == "query"}
    errors = []
    for name, values in query.lists():
        if name not in parameters:
            errors.append(f"{name} : paramètre non documenté")
            continue
        parameter_schema = json_schema(parameters[name]["schema"])
        if parameter_schema.get("type") == "array":
            instance = values
        elif parameter_schema.get("type") == "integer":
            instance = int(values[-1]) if re.fullmatch(r"-?\d+", values[-1]) else values[-1]
        else:
            instance = values[-1]
        for error in jsonschema.Draft202012Validator(parameter_schema).iter_errors(instance):
            errors.append(f"{name} : {error.message}")
    return errors


def check_response(schema, path, response):
    """The response is one the operation documents: status, headers and body."""
    operation = operation_for(schema, path)
    documented = operation["responses"].get(str(response.status_code))
    assert documented, f"{path} : {response.status_code} non documenté"
    for header in documented.get("headers", {}):
        assert response.has_header(header), f"{path} : en-tête {header} absent"
    content = documented.get("content")
    if content is None:
        assert response.content == b""
        return
    assert response["Content-Type"].startswith("application/json")
    body_schema = {
        **json_schema(content["application/json"]["schema"]),
        "components": json_schema(schema["components"]),
    }
    jsonschema.Draft202012Validator(body_schema).validate(response.json())


@pytest.mark.parametrize(("path", "status"), REQUESTS)
def test_responses_are_what_the_schema_says(client, schema, sample_catalogue, path, status):
    response = client.get(path)

    assert response.status_code == status
    assert request_errors(operation_for(schema, path), response.wsgi_request.GET) == []
    check_response(schema, path, response)
    if path in LENIENT_NOTICES:
        assert len(response.json()["notices"]) == LENIENT_NOTICES[path]


@pytest.mark.parametrize(("path", "status", "code"), OUT_OF_SCHEMA)
def test_requests_the_schema_refuses_get_a_documented_error(
    client, schema, sample_catalogue, path, status, code
):
    response = client.get(path)

    assert request_errors(operation_for(schema, path), response.wsgi_request.GET)
    assert response.status_code == status
    check_response(schema, path, response)
    assert response.json()["code"] == code


@pytest.mark.parametrize("path", BEYOND_THE_ENUMS)
def test_labels_outside_the_enums_are_read_as_the_descriptions_say(
    client, schema, sample_catalogue, path
):
    response = client.get(quote(path, safe="/?=&"))

    assert response.status_code == 200
    check_response(schema, path, response)
    assert response.json()["notices"] == []
    parameters = operation_for(schema, path)["parameters"]
    for name in response.wsgi_request.GET:
        (parameter,) = [p for p in parameters if p["name"] == name]
        assert "par libellé, en majuscules ou minuscules" in parameter["description"]


def test_not_modified_is_documented(client, schema, sample_catalogue, settings):
    settings.PAGE_CACHE_ENABLED = True
    path = "/api/laureats/"
    etag = client.get(path)["ETag"]

    response = client.get(path, HTTP_IF_NONE_MATCH=etag)

    assert response.status_code == 304
    check_response(schema, path, response)


def test_throttling_is_documented(client, schema, sample_catalogue, settings):
    settings.PAGE_CACHE_ENABLED = False  # the second request must reach the API
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "1/minute"},
    }
    path = "/api/laureats/chantier-numerique-fictif/"
    assert client.get(path).status_code == 200

    response = client.get(path)

    assert response.status_code == 429
    check_response(schema, path, response)
    assert response.json()["code"] == "throttled"


def test_every_operation_documents_every_status(schema):
    for path, operations in schema["paths"].items():
        responses = set(operations["get"]["responses"])
        assert {"200", "304", "429"} <= responses, path
        if "{" in path or "page" in str(operations["get"].get("parameters")):
            assert "404" in responses, path


def test_filters_list_their_identifiers_and_their_400(schema):
    operation = schema["paths"]["/api/laureats/"]["get"]
    parameters = {p["name"]: p for p in operation["parameters"]}

    assert set(parameters["tri"]["schema"]["enum"]) == set(SORTS)
    assert parameters["portee"]["schema"] == {
        "type": "array",
        "items": {"type": "string", "enum": ["interregionale", "nationale"]},
    }
    # Sectors and regions are rows: their identifiers are read from the database.
    assert "sante-social" in parameters["secteur"]["schema"]["items"]["enum"]
    assert "`sante-social` - Santé et social" in parameters["secteur"]["description"]
    assert parameters["region"]["schema"]["items"]["enum"][:2] == ["01", "02"]
    assert parameters["q"]["schema"] == {
        "type": "string",
        "maxLength": 200,
        "pattern": "^[^\\u0000]*$",
    }
    assert "400" in parameters["q"]["description"]
    assert parameters["page_size"]["schema"] == {"type": "string"}
    assert "notices" in parameters["page_size"]["description"]
    assert parameters["page"]["schema"] == {"type": "integer", "minimum": 1}
    assert "invalid_filter" in operation["responses"]["400"]["description"]
    organisations = schema["paths"]["/api/organisations/"]["get"]
    assert "400" in organisations["responses"]
    # No filter, no 400.
    assert "400" not in schema["paths"]["/api/filieres/"]["get"]["responses"]


def test_schema_stays_valid_without_warnings(tmp_path, db):
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )


# Generated requests: schemathesis, from the schema alone -----------------------------------


@pytest.fixture
def api_schema(sample_catalogue, settings):
    settings.PAGE_CACHE_ENABLED = False
    # As Django's test client does: a request's end must not close the test's transaction.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    # The test settings' application (deffinum.wsgi would also check the production secrets).
    yield schemathesis.openapi.from_wsgi("/api/schema/?format=json", WSGIHandler())
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The one check left out: that a request outside the schema is refused. The API accepts some by
# design (a repeated parameter's last value counts, an empty one is no filter, a label or
# another case stands for its identifier, a bad page_size is ignored with a notice), as the
# site does; every other check runs on them.
LENIENT_BY_DESIGN = [negative_data_rejection]


def test_generated_requests_get_the_responses_the_schema_says(api_schema):
    # schemathesis's pytest plugin does not support pytest 9 yet: each operation is run with
    # hypothesis directly. Every response check it has runs: status, content type, headers, body.
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) == 12  # with /api/ressources/ and its detail
    modes = [GenerationMode.POSITIVE, GenerationMode.NEGATIVE]
    for operation, mode in itertools.product(operations, modes):
        if mode is GenerationMode.NEGATIVE and not list(operation.iter_parameters()):
            continue  # nothing to send that the schema refuses

        @hypothesis.given(case=operation.as_strategy(generation_mode=mode))
        @hypothesis.settings(
            max_examples=10,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(hypothesis.HealthCheck),
        )
        def check(case):
            case.call_and_validate(excluded_checks=LENIENT_BY_DESIGN)

        check()
