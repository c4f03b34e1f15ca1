"""The list of laureates: filters, facets, search, sorting, pagination."""

import re
from html import unescape

import pytest
from django.db import connection
from django.urls import reverse

from laureats.browse.filters import LaureateFilter
from laureats.models import Laureate, Organisation, Sector

from .factories import OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db

LIST_URL = reverse("laureats:laureate-list")


def page_text(response):
    return unescape(response.content.decode())


def listed(client, query=""):
    """Names of the laureates listed on every page of the list for this query string."""
    names, page = [], 1
    while True:
        response = client.get(f"{LIST_URL}?{query}&page={page}")
        assert response.status_code == 200
        names += [laureate.name for laureate in response.context["page_obj"]]
        if not response.context["page_obj"].has_next():
            return names
        page += 1


@pytest.fixture
def health_and_building_laureates(reference_data):
    health, building = (
        Sector.objects.get(slug="sante-social"),
        Sector.objects.get(slug="construction-btp"),
    )
    cfa = OrganisationFactory(name="CFA Santé Est", kind=Organisation.Kind.CFA)
    lab = OrganisationFactory(name="Laboratoire Ouest", kind=Organisation.Kind.RESEARCH)
    return {
        "soins": make_laureate(
            name="Soins numériques",
            sectors=[health],
            regions=["27"],
            scope="interregionale",
            lead=cfa,
            total_cost=1000,
            state_aid=500,
        ),
        "chantier": make_laureate(
            name="Chantier virtuel",
            sectors=[building],
            scope="nationale",
            lead=lab,
            status=Laureate.Status.REDIRECTED,
            total_cost=1000,
            state_aid=700,
        ),
        "mixte": make_laureate(
            name="Bâtiment et santé",
            sectors=[health, building],
            regions=["84", "27"],
            scope="interregionale",
            members=[cfa],
        ),
        "cache": make_laureate(name="Projet non publié", sectors=[health], is_published=False),
    }


def test_list_shows_published_laureates_only(client, health_and_building_laureates):
    assert sorted(listed(client)) == ["Bâtiment et santé", "Chantier virtuel", "Soins numériques"]


def test_list_filters_by_sector(client, health_and_building_laureates):
    assert sorted(listed(client, "secteur=sante-social")) == [
        "Bâtiment et santé",
        "Soins numériques",
    ]


def test_values_of_one_filter_combine_with_or(client, health_and_building_laureates):
    assert len(listed(client, "secteur=sante-social&secteur=construction-btp")) == 3


def test_different_filters_combine_with_and(client, health_and_building_laureates):
    assert listed(client, "secteur=construction-btp&region=27") == ["Bâtiment et santé"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("portee=nationale", ["Chantier virtuel"]),
        ("statut=reoriente-cma", ["Chantier virtuel"]),
        ("region=84", ["Bâtiment et santé"]),
        ("type_membre=laboratoire", ["Chantier virtuel"]),
        ("type_membre=cfa", ["Bâtiment et santé", "Soins numériques"]),
    ],
)
def test_each_filter_alone(client, health_and_building_laureates, query, expected):
    assert sorted(listed(client, query)) == expected


def test_organisation_filter_lists_its_consortia(client, health_and_building_laureates):
    cfa = Organisation.objects.get(name="CFA Santé Est")
    assert sorted(listed(client, f"organisation={cfa.slug}")) == [
        "Bâtiment et santé",
        "Soins numériques",
    ]


def facet(response, name):
    for item in response.context["facets"]:
        if item["name"] == name:
            return {option["value"]: option["count"] for option in item["options"]}
    raise AssertionError(name)


def test_facet_counts_use_the_other_filters_but_not_their_own(
    client, health_and_building_laureates
):
    response = client.get(LIST_URL + "?secteur=sante-social&portee=interregionale")
    sectors = facet(response, "secteur")
    # Own filter ignored: ticking "construction" would add the interregional mixed project.
    assert sectors["sante-social"] == 2
    assert sectors["construction-btp"] == 1
    assert sectors["agriculture"] == 0
    scopes = facet(response, "portee")
    assert scopes == {"nationale": 0, "interregionale": 2}
    regions = facet(response, "region")
    assert regions["27"] == 2 and regions["84"] == 1 and regions["11"] == 0


def test_facet_options_with_zero_stay_visible(client, health_and_building_laureates):
    text = page_text(client.get(LIST_URL + "?secteur=sante-social"))
    assert "Agriculture" in text
    assert re.search(r"Agriculture\s*<span class=\"count\">\(0\)</span>", text)


def test_unpublished_laureates_are_not_counted_in_facets(client, health_and_building_laureates):
    response = client.get(LIST_URL)
    assert facet(response, "secteur")["sante-social"] == 2


def test_active_filters_are_removable_chips(client, health_and_building_laureates):
    response = client.get(LIST_URL + "?secteur=sante-social&region=27")
    chips = response.context["chips"]
    assert [chip["value"] for chip in chips] == ["Santé et social", "Bourgogne-Franche-Comté"]
    assert chips[0]["url"] == "?region=27"
    assert chips[1]["url"] == "?secteur=sante-social"


def test_result_count_is_a_status_message_and_in_the_title(client, health_and_building_laureates):
    text = page_text(client.get(LIST_URL + "?secteur=sante-social"))
    assert re.search(r'role="status">\s*2 lauréats trouvés', text)
    title = re.search(r"<title>(.*?)</title>", text, re.S).group(1)
    assert "2 résultats" in title and "Santé et social" in title


def test_empty_result_offers_to_remove_filters(client, health_and_building_laureates):
    text = page_text(client.get(LIST_URL + "?secteur=agriculture"))
    assert "Aucun lauréat saisi sur ce portail ne correspond" in text
    assert "Retirer tous les filtres" in text


@pytest.mark.parametrize("query", ["sante", "SANTÉ", "Santé", "santé"])
def test_search_is_case_and_accent_insensitive(client, health_and_building_laureates, query):
    assert "Soins numériques" in listed(client, f"q={query}")


def test_search_finds_member_organisations(client, health_and_building_laureates):
    assert sorted(listed(client, "q=laboratoire ouest")) == ["Chantier virtuel"]


def test_search_upper_case_without_accents_finds_accented_text(
    client, health_and_building_laureates
):
    assert "Bâtiment et santé" in listed(client, "q=BATIMENT")


def test_search_never_finds_unpublished(client, health_and_building_laureates):
    assert listed(client, "q=publié") == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="French stemming is PostgreSQL's")
def test_search_finds_plurals_with_french_stemming(client, reference_data):
    make_laureate(name="Formation des soignants")
    make_laureate(name="Autre chose")
    assert listed(client, "q=formations") == ["Formation des soignants"]
    assert listed(client, "q=soignant") == ["Formation des soignants"]


def test_search_ranks_name_matches_first(client, reference_data):
    make_laureate(name="Alpha", description="Un projet sur la robotique agricole.")
    make_laureate(name="Robotique en atelier")
    assert listed(client, "q=robotique")[0] == "Robotique en atelier"


def test_sort_by_largest_aid_puts_unknown_amounts_last(client, health_and_building_laureates):
    assert listed(client, "tri=-aide") == [
        "Chantier virtuel",
        "Soins numériques",
        "Bâtiment et santé",
    ]


def test_sort_by_last_update(client, health_and_building_laureates):
    Laureate.objects.filter(name="Bâtiment et santé").update(summary="x")
    laureate = Laureate.objects.get(name="Bâtiment et santé")
    laureate.save()
    assert listed(client, "tri=-maj")[0] == "Bâtiment et santé"


def test_default_sort_is_by_name(client, health_and_building_laureates):
    assert listed(client) == ["Bâtiment et santé", "Chantier virtuel", "Soins numériques"]


def test_pagination_keeps_the_filters(client, reference_data):
    health = Sector.objects.get(slug="sante-social")
    for number in range(25):
        make_laureate(name=f"Projet {number:02}", sectors=[health])
    make_laureate(name="Hors filtre")
    response = client.get(LIST_URL + "?secteur=sante-social")
    text = page_text(response)
    assert 'href="?secteur=sante-social&page=2"' in text
    assert len(response.context["page_obj"]) == 20
    second = client.get(LIST_URL + "?secteur=sante-social&page=2")
    assert len(second.context["page_obj"]) == 5
    assert "page 2 sur 2" in page_text(second)
    assert 'aria-current="page">2<' in page_text(second)


def test_list_says_how_many_are_found_and_entered(client, sample_catalogue):
    text = page_text(client.get(LIST_URL))
    assert "5 lauréats trouvés" in text
    assert re.search(r"<strong>5 / 62</strong>\s*lauréats saisis", text)
    text = page_text(client.get(LIST_URL + "?portee=nationale"))
    assert "1 lauréat trouvé" in text
    assert re.search(r"<strong>5 / 62</strong>\s*lauréats saisis", text)


def test_long_facets_fold_until_one_of_their_options_is_ticked(
    client, health_and_building_laureates
):
    folded = {f["name"]: f["open"] for f in client.get(LIST_URL).context["facets"]}
    assert folded == {
        "secteur": True,
        "portee": True,
        "region": False,
        "statut": True,
        "type_membre": False,
    }
    response = client.get(LIST_URL + "?region=27")
    region = next(f for f in response.context["facets"] if f["name"] == "region")
    assert region["open"] and region["checked_count"] == 1
    assert "(1 choisi)" in page_text(response)


@pytest.mark.parametrize(
    "query", ["", "?region=84&portee=nationale&q=sante", "?secteur=inconnue&tri=n-importe"]
)
def test_a_list_page_builds_one_filterset(client, sample_catalogue, monkeypatch, query):
    # Building one (its option lists, its form) cost ~2 ms: the page, its facets and its count
    # all read the same one, bad values or not.
    built = []
    build = LaureateFilter.__init__

    def counted(self, *args, **kwargs):
        built.append(self)
        build(self, *args, **kwargs)

    monkeypatch.setattr(LaureateFilter, "__init__", counted)
    assert client.get(LIST_URL + query).status_code == 200
    assert len(built) == 1
