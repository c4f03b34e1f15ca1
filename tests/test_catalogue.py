"""Dataset metadata for catalogues: schema.org `Dataset` on /donnees/ and the DCAT description
at /donnees/catalogue.jsonld, parsed into triples with rdflib as a harvester would read them."""

import datetime
import json
import re
from html import unescape

import pytest
from django.urls import reverse
from rdflib import Graph, Literal, URIRef
from rdflib import namespace as ns

from laureats.models import Laureate
from laureats.opendata.datapackage import FORMAT_VERSION

from .factories import make_laureate

pytestmark = pytest.mark.django_db

SDO = ns.Namespace("https://schema.org/")
LICENCE = URIRef("https://www.etalab.gouv.fr/licence-ouverte-open-licence/")
BASE = "http://testserver"
DATASET = URIRef(f"{BASE}/donnees/#dataset")
FILES = [
    f"{BASE}/laureats/{name}.{extension}"
    for name in ["export", "membres"]
    for extension in ["csv", "json", "xlsx"]
]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def laureates(reference_data):
    make_laureate(slug="premier", start_date=datetime.date(2024, 3, 1), end_date=None)
    make_laureate(slug="second", start_date=None, end_date=datetime.date(2027, 6, 30))
    make_laureate(slug="cache", start_date=datetime.date(2020, 1, 1), is_published=False)


def schema_org_graph(client):
    html = client.get(reverse("laureats:open-data")).content.decode()
    scripts = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(scripts) == 1
    data = json.loads(unescape(scripts[0]))
    # Parsed offline: the same vocabulary as "https://schema.org", without fetching it.
    assert data.pop("@context") == "https://schema.org"
    data["@context"] = {"@vocab": "https://schema.org/"}
    return Graph().parse(data=json.dumps(data), format="json-ld")


def dcat_graph(client):
    response = client.get(reverse("laureats:catalogue"))
    assert response["Content-Type"] == "application/ld+json"
    return Graph().parse(data=response.content, format="json-ld")


def test_open_data_page_describes_the_dataset_for_search_engines(client, laureates, settings):
    settings.PUBLISHER_NAME = "Association fictive"
    graph = schema_org_graph(client)

    assert (DATASET, ns.RDF.type, SDO.Dataset) in graph
    assert graph.value(DATASET, SDO.license) == Literal(str(LICENCE))
    assert graph.value(DATASET, SDO.temporalCoverage) == Literal("2024-03-01/2027-06-30")
    assert graph.value(graph.value(DATASET, SDO.spatialCoverage), SDO.name) == Literal("France")
    assert graph.value(graph.value(DATASET, SDO.publisher), SDO.name) == Literal(
        "Association fictive"
    )
    latest = Laureate.objects.published().latest("updated_at").updated_at.replace(microsecond=0)
    modified = graph.value(DATASET, SDO.dateModified)
    assert datetime.datetime.fromisoformat(str(modified)) == latest
    downloads = {
        str(graph.value(d, SDO.contentUrl)): str(graph.value(d, SDO.encodingFormat))
        for d in graph.objects(DATASET, SDO.distribution)
    }
    assert sorted(downloads) == sorted(FILES)
    assert downloads[f"{BASE}/laureats/membres.csv"] == "text/csv"
    assert downloads[f"{BASE}/laureats/export.json"] == "application/json"


def test_unknown_publisher_and_period_are_left_out(client, reference_data, settings):
    settings.PUBLISHER_NAME = ""
    graph = schema_org_graph(client)

    assert graph.value(DATASET, SDO.publisher) is None
    assert graph.value(DATASET, SDO.temporalCoverage) is None
    assert graph.value(DATASET, SDO.dateModified) is None
    assert (None, ns.DCTERMS.publisher, None) not in dcat_graph(client)


def test_dcat_catalogue_describes_dataset_and_distributions(client, laureates, settings):
    settings.PUBLISHER_NAME = "Association fictive"
    graph = dcat_graph(client)

    catalogue = URIRef(f"{BASE}/donnees/catalogue.jsonld")
    assert (catalogue, ns.RDF.type, ns.DCAT.Catalog) in graph
    assert (catalogue, ns.DCAT.dataset, DATASET) in graph
    assert (DATASET, ns.RDF.type, ns.DCAT.Dataset) in graph
    assert (DATASET, ns.DCTERMS.license, LICENCE) in graph
    assert (DATASET, ns.DCAT.landingPage, URIRef(f"{BASE}/donnees/")) in graph
    assert (
        DATASET,
        ns.DCTERMS.spatial,
        URIRef("http://publications.europa.eu/resource/authority/country/FRA"),
    ) in graph
    temporal = graph.value(DATASET, ns.DCTERMS.temporal)
    assert graph.value(temporal, ns.DCAT.startDate) == Literal("2024-03-01", datatype=ns.XSD.date)
    assert graph.value(temporal, ns.DCAT.endDate) == Literal("2027-06-30", datatype=ns.XSD.date)
    assert graph.value(DATASET, ns.DCTERMS.modified).datatype == ns.XSD.dateTime
    assert (
        str(
            graph.value(
                graph.value(DATASET, ns.DCTERMS.publisher), URIRef("http://xmlns.com/foaf/0.1/name")
            )
        )
        == "Association fictive"
    )
    assert str(graph.value(DATASET, URIRef("http://www.w3.org/2002/07/owl#versionInfo"))) == (
        FORMAT_VERSION
    )

    distributions = list(graph.objects(DATASET, ns.DCAT.distribution))
    assert sorted(str(d) for d in distributions) == sorted(FILES)
    for distribution in distributions:
        assert (distribution, ns.RDF.type, ns.DCAT.Distribution) in graph
        assert (distribution, ns.DCAT.downloadURL, distribution) in graph
        assert (distribution, ns.DCAT.accessURL, URIRef(f"{BASE}/donnees/")) in graph
        assert (distribution, ns.DCTERMS.license, LICENCE) in graph
    csv = URIRef(f"{BASE}/laureats/export.csv")
    assert graph.value(csv, ns.DCAT.mediaType) == URIRef(
        "https://www.iana.org/assignments/media-types/text/csv"
    )
    assert graph.value(csv, ns.DCTERMS.conformsTo) == URIRef(f"{BASE}/donnees/datapackage.json")

    service = graph.value(catalogue, ns.DCAT.service)
    assert graph.value(service, ns.DCAT.endpointURL) == URIRef(f"{BASE}/api/")
    assert graph.value(service, ns.DCAT.endpointDescription) == URIRef(f"{BASE}/api/schema/")
    assert (service, ns.DCAT.servesDataset, DATASET) in graph


def test_open_data_page_links_to_the_dcat_catalogue(client, reference_data):
    html = client.get(reverse("laureats:open-data")).content.decode()

    assert 'href="/donnees/catalogue.jsonld"' in html
