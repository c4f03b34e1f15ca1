"""/oai/: the catalogue for harvesters (OAI-PMH 2.0, Dublin Core), read by a real OAI-PMH
client (Sickle) from a live server, as an educational search engine would harvest it
(issue 26), and the protocol's errors and paging read from the XML."""

from datetime import UTC, datetime
from xml.etree import ElementTree as ET

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from sickle import Sickle
from sickle.iterator import OAIResponseIterator
from sickle.oaiexceptions import BadVerb, IdDoesNotExist, NoRecordsMatch

from laureats.models import Resource, Sector
from laureats.resources import oai

from .factories import ResourceFactory, make_laureate

OAI = "/oai/"
NS = {"o": oai.OAI, "dc": oai.DC, "oai_dc": oai.OAI_DC}


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False
    settings.ALLOWED_HOSTS = ["portail.example.fr", "localhost", "testserver"]


@pytest.fixture
def harvestable(reference_data):
    health = Sector.objects.get(slug="sante-social")
    care = make_laureate(name="Soins fictifs", slug="soins-fictifs", sectors=[health])
    return {
        "vr": ResourceFactory(
            title="Simulation du bloc opératoire",
            slug="bloc",
            kind=Resource.Kind.IMMERSIVE,
            laureates=[care],
            licence=Resource.Licence.CC_BY_SA,
            access=Resource.Access.PUBLIC,
            language="fr",
            url="https://exemple.fr/bloc",
            description="Geste de sécurité au cœur du bloc.",
            certifications="RNCP34567",
        ),
        "guide": ResourceFactory(
            title="Guide du chantier", slug="chantier", kind=Resource.Kind.GUIDE
        ),
        "hidden": ResourceFactory(title="Brouillon caché", slug="cache", is_published=False),
        "care": care,
    }


def identifier(resource):
    return f"oai:portail.example.fr:ressource/{resource.pk}"


# A harvester on a live server --------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_harvester_gets_every_published_record_then_one(live_server, harvestable, monkeypatch):
    monkeypatch.setattr(oai, "PAGE_SIZE", 1)  # the resumptionToken taken by the client
    client = Sickle(live_server.url + OAI, max_retries=0, timeout=10)
    assert client.Identify().repositoryName.startswith("Portail des lauréats Deffinum")
    records = list(client.ListRecords(metadataPrefix="oai_dc"))
    assert [record.header.identifier for record in records] == [
        identifier(harvestable["vr"]),
        identifier(harvestable["guide"]),
    ]
    vr = records[0].metadata
    assert vr["title"] == ["Simulation du bloc opératoire"]
    assert vr["creator"] == ["Soins fictifs"]
    assert vr["subject"] == ["Santé et social", "RNCP34567"]
    assert vr["type"] == ["simulation immersive (VR/AR)", "InteractiveResource"]
    assert vr["rights"] == ["CC BY-SA", "Accès : public"]
    assert vr["language"] == ["fr"]
    assert vr["identifier"] == [f"{live_server.url}/ressources/bloc/", "https://exemple.fr/bloc"]
    assert records[0].header.setSpecs == ["type-simulation-immersive", "filiere-sante-social"]

    record = client.GetRecord(identifier=identifier(harvestable["guide"]), metadataPrefix="oai_dc")
    assert record.metadata["title"] == ["Guide du chantier"]
    assert [f.metadataPrefix for f in client.ListMetadataFormats()] == ["oai_dc"]
    assert [
        r.identifier for r in client.ListIdentifiers(metadataPrefix="oai_dc", set="type-guide")
    ] == [identifier(harvestable["guide"])]


@pytest.mark.django_db(transaction=True)
def test_a_harvester_is_told_its_errors(live_server, harvestable):
    client = Sickle(live_server.url + OAI, max_retries=0, timeout=10)
    # Sickle's iterator reads the error of any verb's answer, as its verbs' methods do.
    with pytest.raises(BadVerb):
        OAIResponseIterator(client, {"verb": "Harvest"})
    with pytest.raises(IdDoesNotExist):
        client.GetRecord(identifier=identifier(harvestable["hidden"]), metadataPrefix="oai_dc")
    with pytest.raises(NoRecordsMatch):
        list(client.ListRecords(metadataPrefix="oai_dc", set="filiere-construction-btp"))


# The protocol, read from the XML --------------------------------------------------------------


def answer(client, method="get", **params):
    response = getattr(client, method)(OAI, params)
    assert response.status_code == 200  # the protocol's errors are in the XML (section 3.6)
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return ET.fromstring(response.content)


def error_code(root):
    error = root.find("o:error", NS)
    return None if error is None else error.get("code")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({}, "badVerb"),
        ({"verb": "Harvest"}, "badVerb"),
        ({"verb": "ListRecords"}, "badArgument"),
        ({"verb": "Identify", "set": "x"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "hier"}, "badArgument"),
        ({"verb": "ListRecords", "metadataPrefix": "oai_dc", "from": "2026-02-30"}, "badArgument"),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2026-01-01",
                "until": "2026-01-02T00:00:00Z",
            },
            "badArgument",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "2026-02-01",
                "until": "2026-01-01",
            },
            "badArgument",
        ),
        ({"verb": "ListRecords", "metadataPrefix": "lom"}, "cannotDisseminateFormat"),
        (
            {"verb": "GetRecord", "metadataPrefix": "oai_dc", "identifier": "oai:x:1"},
            "idDoesNotExist",
        ),
        (
            {"verb": "GetRecord", "metadataPrefix": "lom", "identifier": "oai:x:1"},
            "cannotDisseminateFormat",
        ),
        (
            {"verb": "ListMetadataFormats", "identifier": "oai:portail.example.fr:ressource/99"},
            "idDoesNotExist",
        ),
        ({"verb": "ListRecords", "resumptionToken": "pas-un-jeton"}, "badResumptionToken"),
        (
            {"verb": "ListRecords", "resumptionToken": "eA==", "metadataPrefix": "oai_dc"},
            "badArgument",
        ),
        ({"verb": "ListSets", "resumptionToken": "eA=="}, "badResumptionToken"),
        (
            {
                "verb": "ListRecords",
                "resumptionToken": "b2FpX2RjfHx8fDk5OTk5OTk5OTk5OTk5OTk5OTk5OTl8MQ==",
            },
            "badResumptionToken",
        ),
        (
            {
                "verb": "ListRecords",
                "metadataPrefix": "oai_dc",
                "from": "9999-12-31",
                "until": "9999-12-31",
            },
            "noRecordsMatch",
        ),
        (
            {"verb": "ListIdentifiers", "metadataPrefix": "oai_dc", "set": "inconnu"},
            "noRecordsMatch",
        ),
        (
            {"verb": "ListRecords", "metadataPrefix": "oai_dc", "until": "2001-01-01"},
            "noRecordsMatch",
        ),
    ],
)
def test_protocol_errors(client, harvestable, params, code):
    root = answer(client, **params)
    assert error_code(root) == code
    request = root.find("o:request", NS)
    assert request.text == "http://testserver/oai/"
    if code in {"badVerb", "badArgument"}:
        assert request.attrib == {}


@pytest.mark.django_db
def test_a_repeated_argument_is_refused(client, harvestable):
    response = client.get(f"{OAI}?verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc")
    assert error_code(ET.fromstring(response.content)) == "badArgument"


@pytest.mark.django_db
def test_identify_states_the_repository_policy(client, harvestable, settings):
    settings.CONTACT_EMAIL = "contact@portail.example.fr"
    root = answer(client, verb="Identify").find("o:Identify", NS)
    values = {child.tag.split("}")[1]: child.text for child in root}
    earliest = min(r.updated_at for r in Resource.objects.published())
    assert values == {
        "repositoryName": "Portail des lauréats Deffinum : productions partagées",
        "baseURL": "http://testserver/oai/",
        "protocolVersion": "2.0",
        "adminEmail": "contact@portail.example.fr",
        "earliestDatestamp": earliest.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "deletedRecord": "no",
        "granularity": "YYYY-MM-DDThh:mm:ssZ",
    }


@pytest.mark.django_db
def test_post_is_answered_like_get(client, harvestable):
    root = answer(client, method="post", verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert len(root.findall("o:ListIdentifiers/o:header", NS)) == 2


@pytest.mark.django_db
def test_from_and_until_select_by_datestamp(client, harvestable):
    Resource.objects.filter(pk=harvestable["guide"].pk).update(
        updated_at=datetime(2025, 3, 4, 10, 0, 5, 500000, tzinfo=UTC)
    )

    def listed(**dates):
        root = answer(client, verb="ListIdentifiers", metadataPrefix="oai_dc", **dates)
        return [h.findtext("o:identifier", namespaces=NS) for h in root.iterfind(".//o:header", NS)]

    guide = identifier(harvestable["guide"])
    assert listed(until="2025-03-04") == [guide]
    assert listed(until="2025-03-04T10:00:05Z") == [guide]
    assert listed(until="2025-03-04T10:00:04Z") == []
    assert listed(**{"from": "2025-03-04T10:00:05Z", "until": "2025-03-04T10:00:05Z"}) == [guide]
    assert guide not in listed(**{"from": "2025-03-05"})
    root = answer(client, verb="GetRecord", metadataPrefix="oai_dc", identifier=guide)
    assert root.findtext(".//o:datestamp", namespaces=NS) == "2025-03-04T10:00:05Z"


@pytest.mark.django_db
def test_paging_ends_with_an_empty_token(client, harvestable, monkeypatch):
    monkeypatch.setattr(oai, "PAGE_SIZE", 1)
    first = answer(client, verb="ListRecords", metadataPrefix="oai_dc")
    token = first.find("o:ListRecords/o:resumptionToken", NS)
    assert (token.get("completeListSize"), token.get("cursor")) == ("2", "0") and token.text
    last = answer(client, verb="ListRecords", resumptionToken=token.text)
    end = last.find("o:ListRecords/o:resumptionToken", NS)
    assert (end.text, end.get("cursor")) == (None, "1")
    assert len(last.findall("o:ListRecords/o:record", NS)) == 1


@pytest.mark.django_db
def test_sets_name_the_kinds_and_the_sectors(client, harvestable):
    root = answer(client, verb="ListSets")
    specs = [s.findtext("o:setSpec", namespaces=NS) for s in root.iterfind(".//o:set", NS)]
    assert "type-jeu-serieux" in specs and "filiere-sante-social" in specs
    ids = answer(
        client, verb="ListIdentifiers", metadataPrefix="oai_dc", set="filiere-sante-social"
    )
    assert [h.findtext("o:identifier", namespaces=NS) for h in ids.iterfind(".//o:header", NS)] == [
        identifier(harvestable["vr"])
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("spec", ["filiere-inconnue", "type-inconnu", "inconnu"])
def test_a_set_not_offered_matches_no_record(client, harvestable, spec):
    # The protocol has no error of its own for an unknown set: the list is empty (section 3.6).
    root = answer(client, verb="ListIdentifiers", metadataPrefix="oai_dc", set=spec)
    assert error_code(root) == "noRecordsMatch"


@pytest.mark.django_db
def test_no_sector_selects_no_resource(harvestable):
    from laureats.resources.models import in_sectors

    assert not Resource.objects.in_sectors(["inconnue"]).exists()
    assert not Resource.objects.filter(in_sectors([])).exists()


def resumption_token(set_spec):
    return oai.ListRequest("oai_dc", set_spec=set_spec).token(after=0, cursor=0)


@pytest.mark.django_db
@pytest.mark.parametrize("spec", ["type-\x00", "filiere-\x00", "filiere-bloc op\u00e9ratoire"])
def test_a_set_that_cannot_exist_never_reaches_the_database(client, harvestable, spec):
    # PostgreSQL refuses a NUL byte in a query: that would be a 500, not the protocol's answer.
    with CaptureQueriesContext(connection) as captured:
        root = answer(client, verb="ListRecords", metadataPrefix="oai_dc", set=spec)
        from_token = answer(client, verb="ListRecords", resumptionToken=resumption_token(spec))
    assert error_code(root) == error_code(from_token) == "noRecordsMatch"
    assert captured.captured_queries == []


@pytest.mark.django_db
def test_control_characters_do_not_break_the_xml(client, harvestable):
    Resource.objects.filter(pk=harvestable["guide"].pk).update(title="Guide\x01 du chantier")
    root = answer(client, verb="ListRecords", metadataPrefix="oai_dc")
    assert "Guide du chantier" in [t.text for t in root.iterfind(".//dc:title", NS)]
    assert error_code(answer(client, verb="Identify\x02")) == "badVerb"


# Cost -------------------------------------------------------------------------------------------


def queries(client, **params):
    with CaptureQueriesContext(connection) as captured:
        assert error_code(answer(client, **params)) is None
    return len(captured)


@pytest.mark.django_db
def test_a_page_of_records_costs_the_same_at_any_size(client, harvestable):
    from .test_resource_queries import add_many_resources

    # The page, its sectors, laureates and their sectors, and the list's size.
    small = queries(client, verb="ListRecords", metadataPrefix="oai_dc")
    assert small == 4  # no resumption token: the list's size is not counted
    add_many_resources(250)
    assert queries(client, verb="ListRecords", metadataPrefix="oai_dc") == 5
    assert (
        queries(
            client,
            verb="GetRecord",
            metadataPrefix="oai_dc",
            identifier=identifier(harvestable["vr"]),
        )
        == 5
    )


@pytest.mark.django_db
def test_the_data_page_links_the_oai_endpoint(client):
    text = client.get("/donnees/").content.decode()
    assert "http://testserver/oai/?verb=ListRecords&amp;metadataPrefix=oai_dc" in text
