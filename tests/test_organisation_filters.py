"""/organisations/ and its API filtered by region and by commune, counted like the other facets."""

import pytest
from django.urls import reverse

from laureats.browse.rules import UNKNOWN_COMMUNE

from .factories import LaureateFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(reference_data):
    """Four public organisations: two in Lyon (Auvergne-Rhône-Alpes), one in Rennes (Bretagne),
    one whose commune is not known; and one of an unpublished laureate only."""
    published = LaureateFactory(is_published=True)
    rows = {
        "cfa-lyon": {"city": "Lyon", "commune_code": "69123", "region_id": "84"},
        "labo-lyon": {
            "city": "Lyon",
            "commune_code": "69123",
            "region_id": "84",
            "kind": "laboratoire",
        },
        "cfa-rennes": {"city": "Rennes", "commune_code": "35238", "region_id": "53"},
        "sans-commune": {"city": "", "commune_code": "", "region_id": None},
    }
    made = {}
    for slug, fields in rows.items():
        made[slug] = OrganisationFactory(slug=slug, name=slug.replace("-", " ").title(), **fields)
        MembershipFactory(laureate=published, organisation=made[slug])
    hidden = OrganisationFactory(slug="cachee", city="Dijon", commune_code="21231")
    MembershipFactory(laureate=LaureateFactory(is_published=False), organisation=hidden)
    return made


def listed(response):
    return sorted(organisation.slug for organisation in response.context["page_obj"])


def options(response, name):
    facet = next(facet for facet in response.context["facets"] if facet["name"] == name)
    return {option["value"]: (option["label"], option["count"]) for option in facet["options"]}


def test_list_filters_by_region(client, members):
    response = client.get(reverse("laureats:organisation-list"), {"region": "84"})

    assert listed(response) == ["cfa-lyon", "labo-lyon"]


def test_list_filters_by_commune_and_by_unknown_commune(client, members):
    url = reverse("laureats:organisation-list")

    assert listed(client.get(url, {"commune": "35238"})) == ["cfa-rennes"]
    assert listed(client.get(url, {"commune": UNKNOWN_COMMUNE})) == ["sans-commune"]
    both = client.get(url, {"commune": ["35238", UNKNOWN_COMMUNE]})
    assert listed(both) == ["cfa-rennes", "sans-commune"]


def test_commune_options_are_the_public_communes_with_counts(client, members):
    response = client.get(reverse("laureats:organisation-list"))

    # Dijon's organisation belongs to no published laureate: not an option.
    assert options(response, "commune") == {
        "69123": ("Lyon (69123)", 2),
        "35238": ("Rennes (35238)", 1),
        UNKNOWN_COMMUNE: ("commune non renseignée", 1),
    }
    assert options(response, "region")["84"][1] == 2
    assert options(response, "region")["53"][1] == 1


def test_counts_follow_the_other_filters(client, members):
    response = client.get(reverse("laureats:organisation-list"), {"type": "laboratoire"})

    assert options(response, "commune")["69123"][1] == 1
    assert options(response, "commune")["35238"][1] == 0
    # A ticked facet counts without its own filter: the CFA option still says how many.
    assert options(response, "type")["cfa"][1] == 3


def test_unknown_commune_is_ignored_with_a_notice(client, members):
    response = client.get(reverse("laureats:organisation-list"), {"commune": "99999"})

    assert response.status_code == 200
    assert len(response.context["page_obj"]) == 4
    assert any("99999" in str(notice) for notice in response.context["notices"])


def test_api_filters_by_region_and_commune(client, members):
    url = reverse("api:organisation-list")

    by_region = client.get(url, {"region": "53"}).json()
    by_commune = client.get(url, {"commune": "69123"}).json()

    assert [row["slug"] for row in by_region["results"]] == ["cfa-rennes"]
    assert sorted(row["slug"] for row in by_commune["results"]) == ["cfa-lyon", "labo-lyon"]
    assert by_commune["results"][0]["code_commune"] == "69123"


def test_api_refuses_an_unknown_commune(client, members):
    response = client.get(reverse("api:organisation-list"), {"commune": "21231"})

    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "invalid_filter"
    assert body["parameters"]["commune"]["invalid"] == ["21231"]
    assert UNKNOWN_COMMUNE in body["parameters"]["commune"]["allowed"]


def test_openapi_documents_the_commune_and_region_filters(client, members):
    schema = client.get(reverse("api:schema"), {"format": "json"}).json()
    parameters = {
        parameter["name"]: parameter
        for parameter in schema["paths"]["/api/organisations/"]["get"]["parameters"]
    }

    assert parameters["commune"]["schema"]["items"]["enum"] == ["69123", "35238", UNKNOWN_COMMUNE]
    assert "84" in parameters["region"]["schema"]["items"]["enum"]
    assert "400" in schema["paths"]["/api/organisations/"]["get"]["responses"]


def test_search_finds_an_organisation_by_its_siret(client, members):
    organisation = members["cfa-rennes"]
    organisation.siren, organisation.siret = "732829320", "73282932000074"
    organisation.save()

    response = client.get(reverse("laureats:organisation-list"), {"q": "73282932000074"})

    assert listed(response) == ["cfa-rennes"]


def test_thousands_of_communes_offer_the_most_populated_and_the_asked(client, members):
    # One option per commune would pass PostgreSQL's 1,664 columns a query once the register
    # has placed the members (found by review): the facet offers COMMUNE_OPTIONS communes.
    from laureats.browse.organisation_filter import COMMUNE_OPTIONS

    published = LaureateFactory(is_published=True)
    for number in range(COMMUNE_OPTIONS + 10):
        organisation = OrganisationFactory(
            city=f"Commune {number}", commune_code=f"{10000 + number}", region_id="84"
        )
        MembershipFactory(laureate=published, organisation=organisation)
    url = reverse("laureats:organisation-list")
    offered = options(client.get(url), "commune")
    # The most populated (Lyon, 2 organisations) first in the choice, then by code.
    assert len(offered) == COMMUNE_OPTIONS + 1  # and « commune non renseignée »
    assert offered["69123"] == ("Lyon (69123)", 2)
    assert "35238" not in offered  # Rennes: one organisation, past the first 30
    asked = client.get(url, {"commune": "35238"})
    assert options(asked, "commune")["35238"] == ("Rennes (35238)", 1)
    assert listed(asked) == ["cfa-rennes"]
    api = client.get(reverse("api:organisation-list"), {"commune": "35238"}).json()
    assert [row["slug"] for row in api["results"]] == ["cfa-rennes"]
