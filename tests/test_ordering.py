"""Names sort as a French reader expects, in the list, the organisations, the exports and the
API, on SQLite as on PostgreSQL: case, accents and ligatures set aside, numbers by value."""

import json

import pytest
from django.urls import reverse

from laureats.models import Laureate, Organisation

from .factories import OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db

SHUFFLED = [
    "Zèbre",
    "GIP Formation",
    "e-deffinum",
    "Projet 10",
    "Œuvre commune",
    "Gifod",
    "Éclat",
    "apprentis",
    "Projet 2",
]
FRENCH_ORDER = [
    "apprentis",
    "e-deffinum",
    "Éclat",
    "Gifod",
    "GIP Formation",
    "Œuvre commune",
    "Projet 2",
    "Projet 10",
    "Zèbre",
]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # The list's template context is read below; a page served from the cache has none.
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def named():
    """A laureate and an organisation (its lead) under each name."""
    for name in SHUFFLED:
        make_laureate(name=name, lead=OrganisationFactory(name=name))


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_laureate_list_sorts_names_in_french_order(client, named):
    response = client.get(reverse("laureats:laureate-list"))
    assert [laureate.name for laureate in response.context["page_obj"]] == FRENCH_ORDER


def test_largest_aid_sort_breaks_ties_in_french_order(client, named):
    response = client.get(reverse("laureats:laureate-list") + "?tri=-aide")
    assert [laureate.name for laureate in response.context["page_obj"]] == FRENCH_ORDER


def test_organisation_list_sorts_names_in_french_order(client, named):
    response = client.get(reverse("laureats:organisation-list"))
    assert [organisation.name for organisation in response.context["page_obj"]] == FRENCH_ORDER


def test_api_sorts_laureates_and_organisations_in_french_order(client, named):
    laureates = client.get(reverse("api:laureate-list") + "?page_size=50").json()["results"]
    organisations = client.get(reverse("api:organisation-list") + "?page_size=50").json()
    assert [laureate["nom"] for laureate in laureates] == FRENCH_ORDER
    assert [organisation["nom"] for organisation in organisations["results"]] == FRENCH_ORDER


def test_exports_sort_laureates_in_french_order(client, named):
    response = client.get(reverse("laureats:laureate-export", args=["json"]))
    laureates = json.loads(content(response))["laureates"]
    assert [laureate["nom"] for laureate in laureates] == FRENCH_ORDER


def test_members_of_a_consortium_are_listed_in_french_order(client):
    laureate = make_laureate(members=[OrganisationFactory(name=name) for name in SHUFFLED])
    members = Laureate.objects.for_detail().get(pk=laureate.pk).memberships.all()
    assert [membership.organisation.name for membership in members] == FRENCH_ORDER
    detail = client.get(reverse("api:laureate-detail", args=[laureate.slug])).json()
    assert [member["nom"] for member in detail["membres"]] == FRENCH_ORDER


def test_default_order_of_every_named_model_is_french(named):
    assert list(Organisation.objects.values_list("name", flat=True)) == FRENCH_ORDER
    assert list(Laureate.objects.values_list("name", flat=True)) == FRENCH_ORDER
