"""Each State aid amount says whether it was granted or only requested: totals, the aid rate and
the "largest aid" sort use granted amounts; requested ones are shown apart, labelled, on the
pages, in the exports and the API."""

import io
import json
import re
from html import unescape

import openpyxl
import pytest
from django.urls import reverse

from laureats.models import Laureate
from laureats.statistics.figures import LaureateStatistics

from .factories import make_laureate

pytestmark = pytest.mark.django_db

REQUESTED = Laureate.StateAidKind.REQUESTED


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Some tests read the template context, which a page served from the cache lacks.
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def amounts():
    return {
        "granted": make_laureate(
            slug="accordee", name="Aide accordée", total_cost=10_000, state_aid=7_000
        ),
        "small": make_laureate(
            slug="petite", name="Petite aide", total_cost=2_000, state_aid=1_000
        ),
        "requested": make_laureate(
            slug="demandee",
            name="Aide demandée",
            total_cost=100_000,
            state_aid=50_000,
            state_aid_kind=REQUESTED,
        ),
        "unknown": make_laureate(slug="inconnue", name="Aide inconnue"),
    }


def text_of(response):
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_totals_add_granted_aid_only(amounts):
    totals = LaureateStatistics(Laureate.objects.published()).totals
    assert totals["total_aid"] == 8_000
    assert totals["with_aid"] == 2
    assert totals["total_requested_aid"] == 50_000
    assert totals["with_requested_aid"] == 1


def test_statistics_page_shows_requested_aid_apart_and_labelled(client, amounts):
    text = text_of(client.get(reverse("laureats:statistics")))
    assert re.search(
        r"8\s000\s€\s*</span>\s*<span class=\"figure-label\">Aide de l'État accordée", text
    )
    assert re.search(
        r"50\s000\s€\s*</span>\s*<span class=\"figure-label\">Aide de l'État demandée", text
    )
    assert not re.search(r"58\s000\s€", text)


def test_statistics_page_has_no_requested_figure_without_requested_amounts(client, amounts):
    amounts["requested"].delete()
    assert "Aide de l'État demandée" not in text_of(client.get(reverse("laureats:statistics")))


def test_aid_rate_is_only_computed_from_a_granted_amount(amounts):
    assert amounts["granted"].aid_rate == 70.0
    assert amounts["requested"].aid_rate is None
    assert amounts["requested"].requested_aid == 50_000
    assert amounts["requested"].granted_aid is None


def test_detail_page_labels_a_requested_amount(client, amounts):
    text = text_of(client.get(amounts["requested"].get_absolute_url()))
    assert re.search(r"Aide de l'État demandée</dt><dd>50\s000\s€", text)
    assert "montant demandé, pas une aide accordée" in text
    # Neither a granted amount nor a rate is claimed.
    assert "Aide de l'État accordée</dt>" not in text
    assert "Taux d'aide</dt>" not in text


def test_list_card_labels_a_requested_amount(client, amounts):
    text = text_of(client.get(reverse("laureats:laureate-list")))
    assert re.search(r"Aide de l'État demandée</dt><dd>50\s000\s€", text)
    assert re.search(r"Aide de l'État accordée</dt><dd>7\s000\s€", text)


def test_largest_aid_sort_puts_requested_amounts_with_the_unknown_ones(client, amounts):
    response = client.get(reverse("laureats:laureate-list") + "?tri=-aide")
    assert [laureate.slug for laureate in response.context["page_obj"]] == [
        "accordee",
        "petite",
        "demandee",  # "Aide demandée" before "Aide inconnue", by name
        "inconnue",
    ]


def test_api_says_what_each_amount_is(client, amounts):
    results = client.get(reverse("api:laureate-list")).json()["results"]
    kinds = {
        laureate["slug"]: (laureate["aide_etat_eur"], laureate["nature_aide"])
        for laureate in results
    }
    assert kinds == {
        "accordee": (7_000, "accordee"),
        "petite": (1_000, "accordee"),
        "demandee": (50_000, "demandee"),
        "inconnue": (None, None),
    }


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_json_and_xlsx_exports_say_what_each_amount_is(client, amounts):
    url = reverse("laureats:laureate-export", args=["json"])
    data = json.loads(content(client.get(url)))
    kinds = {laureate["slug"]: laureate["nature_aide"] for laureate in data["laureates"]}
    assert kinds["demandee"] == "demandee" and kinds["accordee"] == "accordee"
    assert "nature_aide" in [field["name"] for field in data["metadata"]["fields"]]

    url = reverse("laureats:laureate-export", args=["xlsx"])
    workbook = openpyxl.load_workbook(io.BytesIO(content(client.get(url))))
    header, *rows = list(workbook["Lauréats"].iter_rows(values_only=True))
    records = {row[0]: dict(zip(header, row, strict=True)) for row in rows}
    assert records["demandee"]["nature_aide"] == "demandee"
    assert records["inconnue"]["nature_aide"] is None


def test_data_dictionary_documents_the_kind_of_amount(client, amounts):
    text = text_of(client.get(reverse("laureats:open-data")))
    assert "nature_aide" in text
    assert "jamais additionné aux aides accordées" in text
