"""Issue 23: beside a count of a sector, a scope or a status, what the programme announced for it
and how many are entered, wherever fewer are (laureats/statistics/announced.py)."""

import re
from html import unescape

import pytest
from django.urls import reverse

from laureats.models import FigureSource, Laureate, ProgrammeFigure
from laureats.statistics.announced import AnnouncedCounts, entered_counts

from .factories import make_figure, make_laureate

pytestmark = pytest.mark.django_db

LIST_URL = reverse("laureats:laureate-list")
HOME_URL = reverse("laureats:home")
STATS_URL = reverse("laureats:statistics")
TO_COMPLETE_URL = reverse("laureats:to-complete")

# The sample catalogue (tests/factories.py): 9 health laureates announced, 1 published (and one
# unpublished); 6 in construction, 1 published; 40 national, 1; 22 interregional, 3.
HEALTH = "9 lauréats Santé et social annoncés, 1 saisi sur ce portail"
BUILDING = "6 lauréats Construction (BTP) annoncés, 1 saisi sur ce portail"
NATIONAL = "40 lauréats de portée nationale annoncés, 1 saisi sur ce portail"
INTERREGIONAL = "22 lauréats de portée interrégionale annoncés, 3 saisis sur ce portail"


def plain(html):
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def seen(html):
    """Text as shown: without what only a screen reader hears, inline tags adding no space."""
    html = re.sub(r'<span class="visually-hidden">.*?</span>', "", html, flags=re.S)
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html))).strip()


def shortfall_blocks(html):
    """Each "Non saisi" block of the page: its sentences, its links."""
    blocks = re.findall(r'<div class="shortfalls">(.*?)</div>', html, re.S)
    return [
        {
            "sentences": [seen(item) for item in re.findall(r"<li>(.*?)</li>", block, re.S)],
            "links": re.findall(r'href="([^"]+)"', block),
        }
        for block in blocks
    ]


def sentences(html):
    return [sentence for block in shortfall_blocks(html) for sentence in block["sentences"]]


def get(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def source_url(key):
    return FigureSource.objects.filter(figure__key=key).values_list("url", flat=True).first()


def test_an_empty_result_says_how_many_the_programme_announced(client, sample_catalogue):
    # The journalist's query: no health laureate entered in Brittany.
    response = client.get(LIST_URL + "?secteur=sante-social&region=53")
    assert response.context["page_obj"].paginator.count == 0
    html = response.content.decode()
    [block] = shortfall_blocks(html)
    assert block["sentences"] == [f"{HEALTH} (source)."]
    # The figure's own source, the official list, and where to propose the missing laureate.
    assert source_url("sector-sante-social") in block["links"]
    assert "https://travail-emploi.gouv.fr/" in " ".join(block["links"])
    assert reverse("laureats:contribute") in block["links"]
    assert "Aucun lauréat saisi sur ce portail ne correspond à ces critères." in plain(html)


@pytest.mark.parametrize(
    "query, expected",
    [
        ("secteur=construction-btp", [BUILDING]),
        ("portee=nationale", [NATIONAL]),
        ("portee=nationale&portee=interregionale", [NATIONAL, INTERREGIONAL]),
        (
            "secteur=sante-social&secteur=construction-btp&portee=nationale",
            [HEALTH, BUILDING, NATIONAL],
        ),
    ],
)
def test_a_short_result_says_what_is_not_entered(client, sample_catalogue, query, expected):
    html = get(client, f"{LIST_URL}?{query}")
    assert [sentence.removesuffix(" (source).") for sentence in sentences(html)] == expected


@pytest.mark.parametrize(
    "query",
    ["", "secteur=agriculture", "region=53", "statut=reoriente-cma", "type_membre=cfa", "q=soins"],
)
def test_a_filter_without_an_official_figure_says_nothing(client, sample_catalogue, query):
    # No figure for agriculture, the regions, the statuses or the kinds in this catalogue:
    # nothing is estimated from the others.
    html = get(client, f"{LIST_URL}?{query}")
    assert shortfall_blocks(html) == []
    assert "annoncés," not in plain(html)


def test_entered_is_counted_on_the_whole_portal_whatever_the_other_filters(
    client, sample_catalogue
):
    # Alone, the sector's count is its facet's; beside other filters, one query counts it: the
    # two agree, and the unpublished health laureate is in neither.
    for query in [
        "secteur=sante-social",
        "secteur=sante-social&region=53",
        "secteur=sante-social&q=soins&type_membre=cfa",
        "secteur=sante-social&manque=porteur",
    ]:
        assert sentences(get(client, f"{LIST_URL}?{query}")) == [f"{HEALTH} (source)."], query


def test_an_admin_correcting_the_figure_changes_every_page(client, sample_catalogue):
    figure = ProgrammeFigure.objects.get(key="sector-construction-btp")
    figure.value = 7
    figure.save()
    building = BUILDING.replace("6 lauréats", "7 lauréats")
    for url in [f"{LIST_URL}?secteur=construction-btp", HOME_URL, STATS_URL]:
        assert f"{building} (source)." in sentences(get(client, url)), url
    # Once every announced laureate is entered, nothing more is said about the sector.
    figure.value = 1
    figure.save()
    for url in [f"{LIST_URL}?secteur=construction-btp", HOME_URL, STATS_URL]:
        assert not [s for s in sentences(get(client, url)) if "Construction" in s], url


def test_home_states_sectors_scopes_and_statuses_against_their_figures(client, sample_catalogue):
    make_figure("redirected_to_ami_cma", 12, label="Lauréats réorientés")
    html = get(client, HOME_URL)
    found = sentences(html)
    for sentence in [HEALTH, BUILDING, NATIONAL, INTERREGIONAL]:
        assert f"{sentence} (source)." in found
    redirected = (
        "12 lauréats réorientés vers l'AMI « Compétences et métiers d'avenir » annoncés, "
        "1 saisi sur ce portail (source)."
    )
    assert redirected in found
    # The scopes' figures beside the map, the status's under its chart.
    map_block = re.search(r'<div class="map-block map-small">.*?<p class="map-credit">', html, re.S)
    assert sentences(map_block.group(0)) == [
        f"{NATIONAL} (source).",
        f"{INTERREGIONAL} (source).",
    ]


def test_home_and_list_lead_with_the_progress_and_a_proposal(client, sample_catalogue):
    for url in [HOME_URL, LIST_URL]:
        html = get(client, url)
        progress = re.search(r'<div class="progress">.*?</div>', html, re.S).group(0)
        assert "5 / 62 lauréats saisis" in plain(progress)
        assert re.search(r'<progress class="progress-bar" max="62" value="5"', progress)
        assert re.search(
            r'<a class="button button-primary" href="/contribuer/">Proposer un lauréat</a>',
            progress,
        )
        # It comes before the laureates themselves.
        assert html.index('class="progress"') < html.index("chantier-numerique-fictif")


def test_statistics_state_what_their_charts_leave_out(client, sample_catalogue):
    html = get(client, STATS_URL)
    sectors = re.search(r'id="chart-filieres-section".*?</section>', html, re.S).group(0)
    assert sentences(sectors) == [f"{HEALTH} (source).", f"{BUILDING} (source)."]
    region_map = re.search(r'<section class="chart-block" id="carte".*?</section>', html, re.S)
    assert sentences(region_map.group(0)) == [f"{NATIONAL} (source).", f"{INTERREGIONAL} (source)."]
    scopes = re.search(r'id="chart-portees-section".*?</section>', html, re.S).group(0)
    assert sentences(scopes) == [f"{NATIONAL} (source).", f"{INTERREGIONAL} (source)."]


def test_filtered_statistics_say_it_beside_the_filters(client, sample_catalogue):
    html = get(client, STATS_URL + "?secteur=sante-social&region=53")
    # The chosen sector first, under the active filters; its entered count is the portal's,
    # not the filtered one (0 in Brittany).
    first = shortfall_blocks(html)[0]
    assert first["sentences"] == [f"{HEALTH} (source)."]
    assert html.index("Filtres actifs") < html.index(HEALTH) < html.index('id="carte"')


def test_to_complete_opens_with_the_missing_laureates(client, sample_catalogue):
    html = get(client, TO_COMPLETE_URL)
    text = plain(html)
    assert text.index("Les lauréats qui manquent") < text.index(
        "Les informations manquantes des fiches saisies"
    )
    assert "5 / 62 lauréats saisis" in text
    assert "57 lauréats annoncés ne sont pas encore saisis sur ce portail." in text
    rows = re.findall(
        r"<tr>\s*<th scope=\"row\">(.*?)</th>\s*<td class=\"num\">(\d+)</td>\s*"
        r"<td class=\"num\">(?:<a [^>]*>)?(\d+)(?:</a>)?</td>\s*<td class=\"num\"><strong>(\d+)",
        html,
    )
    assert rows == [("Santé et social", "9", "1", "8"), ("Construction (BTP)", "6", "1", "5")]
    assert "Décomptes fictifs publiés pour deux filières seulement." in text
    assert source_url("sector-sante-social") in html
    assert f"{NATIONAL} (source)." in sentences(html)


def test_to_complete_without_official_figures_makes_no_number_up(client, reference_data):
    make_laureate(name="Projet seul")
    text = plain(get(client, TO_COMPLETE_URL))
    assert "1 lauréat saisi" in text
    assert "annoncé" not in text and "Manquants" not in text


def test_official_figures_of_filters_are_read_in_one_query(
    sample_catalogue, django_assert_num_queries
):
    with django_assert_num_queries(1):
        loaded = AnnouncedCounts.load()
    figures = ProgrammeFigure.objects.select_related("sector").prefetch_related("sources")
    assert loaded.by_filter == AnnouncedCounts.from_figures(figures).by_filter
    assert set(loaded.by_filter) == {
        ("", ""),
        ("secteur", "sante-social"),
        ("secteur", "construction-btp"),
        ("portee", "nationale"),
        ("portee", "interregionale"),
    }
    # Not the budget nor the aid rate: they count no laureates.
    with django_assert_num_queries(1):
        entered = entered_counts(loaded.by_filter.values(), total=True)
    assert entered == {
        ("", ""): 5,
        ("secteur", "sante-social"): 1,
        ("secteur", "construction-btp"): 1,
        ("portee", "nationale"): 1,
        ("portee", "interregionale"): 3,
    }


def test_english_says_it_in_english(client, sample_catalogue):
    html = get(client, "/en" + LIST_URL + "?secteur=sante-social&region=53")
    assert "9 Health and social care laureates announced, 1 entered on this portal (source)." in (
        sentences(html)
    )
    assert "Suggest a laureate" in plain(html)


def test_unpublished_laureates_are_not_counted_as_entered(client, sample_catalogue):
    make_laureate(name="Encore caché", is_published=False, scope=Laureate.Scope.NATIONAL)
    assert f"{NATIONAL} (source)." in sentences(get(client, f"{LIST_URL}?portee=nationale"))


def test_a_filtered_list_reads_the_figures_once_per_change_of_the_data(
    client, sample_catalogue, django_assert_num_queries
):
    # Three regions without a building laureate: three pages, none served from the page cache.
    url = f"{LIST_URL}?secteur=construction-btp&region="
    # The list's 6 queries without a result (2 option lists, 3 facet counts, the coverage),
    # and after a write the official figures and the laureates entered for each; then none of
    # these until the data changes (the coverage neither: 5).
    with django_assert_num_queries(8):
        client.get(url + "11")
    with django_assert_num_queries(5):
        assert f"{BUILDING} (source)." in sentences(get(client, url + "93"))
    building = sample_catalogue.laureates["chantier"].sectors.get()
    make_laureate(name="Encore un chantier", sectors=[building])
    with django_assert_num_queries(8):
        html = get(client, url + "94")
    assert f"{BUILDING.replace('1 saisi', '2 saisis')} (source)." in sentences(html)
