"""Unknown facts are an invitation: gathered in one line of links to /contribuer/, each set on
the laureate and the field (?champ=), instead of "non renseigné" scattered over the fiche."""

import re
from datetime import date
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laureats.browse.facts import missing_facts
from laureats.models import Laureate, Proposal, Sector

from .factories import OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db

CONTRIBUTE = reverse("laureats:contribute")
LIST_URL = reverse("laureats:laureate-list")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # The tests read the template context, which a page served from the cache lacks.
    settings.PAGE_CACHE_ENABLED = False


def text(response):
    return unescape(response.content.decode())


@pytest.fixture
def sparse(reference_data):
    """Known: status and sectors, one member as lead. Everything else unknown."""
    return make_laureate(
        name="Projet à compléter",
        slug="a-completer",
        scope="",
        sectors=[Sector.objects.get(slug="sante-social")],
        lead=OrganisationFactory(name="CFA du test"),
    )


@pytest.fixture
def complete(reference_data):
    return make_laureate(
        name="Projet complet",
        slug="complet",
        scope=Laureate.Scope.INTERREGIONAL,
        sectors=[Sector.objects.get(slug="transports")],
        regions=["53", "52"],
        lead=OrganisationFactory(name="Porteur complet"),
        partners=2,
        total_cost=1_000_000,
        state_aid=700_000,
        start_date=date(2023, 1, 1),
        end_date=date(2025, 12, 31),
        website="https://www.example.org/",
        description="Ce que fait le projet.",
        sources=1,
    )


def missing_line(body):
    match = re.search(r'<div class="missing-facts">(.*?)</div>', body, re.S)
    return match.group(1) if match else None


def test_fiche_gathers_the_unknown_facts_in_one_line_of_links(client, sparse):
    body = text(client.get(sparse.get_absolute_url()))
    line = missing_line(body)
    assert "Pas encore renseigné :" in line
    links = re.findall(r'<a href="([^"]+)">([^<]+)<span', line)
    # Most important first (laureats/models/completeness.py).
    assert [label for _url, label in links] == [
        "partenaires",
        "portée",
        "régions",
        "montants",
        "dates",
        "description",
        "source",
    ]
    assert links[1][0] == f"{CONTRIBUTE}?laureat=a-completer&champ=scope"
    assert [url.rsplit("=", 1)[1] for url, _label in links] == [
        "members",
        "scope",
        "regions",
        "total_cost",
        "start_date",
        "description",
        "sources",
    ]
    assert "Complétude : 3 informations sur 10" in body
    # Known facts are stated; nothing says "non renseigné" anywhere else on the fiche.
    assert "Santé et social" in body and "CFA du test" in body
    assert "non renseign" not in body
    assert "Portée</dt>" not in body and "Site web</dt>" not in body


def test_every_missing_fact_link_opens_the_form_set_on_that_field(client, sparse):
    for fact in missing_facts(Laureate.objects.for_detail().get(pk=sparse.pk)):
        form = client.get(fact["url"]).context["form"]
        assert form.initial["laureate"] == sparse
        assert form.initial["field"] == fact["field"]
        assert form.initial["kind"] == Proposal.Kind.CORRECTION


def test_complete_fiche_has_no_missing_line(client, complete):
    body = text(client.get(complete.get_absolute_url()))
    assert missing_line(body) is None
    assert "Pas encore renseigné" not in body
    assert "Bretagne" in body and "https://www.example.org/" in body


def test_national_laureate_does_not_miss_its_regions(reference_data):
    laureate = make_laureate(scope=Laureate.Scope.NATIONAL)
    fields = [fact["field"] for fact in missing_facts(laureate)]
    assert "regions" not in fields and "scope" not in fields


def test_members_and_lead_are_missing_when_nobody_is_known(reference_data):
    laureate = make_laureate()
    fields = [fact["field"] for fact in missing_facts(laureate)]
    assert {"lead", "members", "sectors", "sources"} <= set(fields)


def test_the_other_amount_or_date_is_asked_once_one_is_known(reference_data):
    laureate = make_laureate(total_cost=1000, start_date=date(2024, 1, 1))
    fields = [fact["field"] for fact in missing_facts(laureate)]
    assert "state_aid" in fields and "end_date" in fields
    assert "total_cost" not in fields and "start_date" not in fields


def test_a_website_is_not_asked_for(reference_data):
    laureate = make_laureate(website="")
    assert "website" not in [fact["field"] for fact in missing_facts(laureate)]


def test_list_card_shows_what_is_known_and_counts_what_is_missing(client, sparse, complete):
    body = text(client.get(LIST_URL))
    cards = dict(re.findall(r'<article class="card">.*?">([^<]+)</a>(.*?)</article>', body, re.S))
    assert "Complétude : 3 informations sur 10" in cards["Projet à compléter"]
    assert "Portée</dt>" not in cards["Projet à compléter"]
    assert "CFA du test" in cards["Projet à compléter"]
    assert "Complétude : 10 informations sur 10" in cards["Projet complet"]
    assert "non renseign" not in body


def test_list_counts_missing_facts_without_more_queries(client, sparse):
    def queries():
        with CaptureQueriesContext(connection) as context:
            client.get(LIST_URL)
        return len(context)

    alone = queries()
    for number in range(5):
        make_laureate(name=f"Autre {number}", partners=2)
    assert queries() == alone


def test_champ_prefills_the_field_and_says_what_is_asked(client, sparse):
    response = client.get(CONTRIBUTE, {"laureat": "a-completer", "champ": "website"})
    form = response.context["form"]
    assert form.initial["field"] == "website"
    body = text(response)
    assert '<option value="website" selected>' in body
    assert "Vous complétez « site web » de la fiche Projet à compléter" in body


def test_champ_alone_prefills_a_correction(client, sparse):
    form = client.get(CONTRIBUTE, {"champ": "total_cost"}).context["form"]
    assert form.initial == {"kind": Proposal.Kind.CORRECTION, "field": "total_cost"}


@pytest.mark.parametrize("champ", ["couleur", "<script>", "x" * 500, "web\x00site", "website;"])
def test_unknown_champ_is_ignored_with_a_notice(client, sparse, champ):
    response = client.get(CONTRIBUTE, {"laureat": "a-completer", "champ": champ})
    assert response.status_code == 200
    form = response.context["form"]
    assert "field" not in form.initial
    assert form.initial["laureate"] == sparse
    assert "n'est pas un champ de la fiche" in text(response)
    assert "<script>" not in response.content.decode()
