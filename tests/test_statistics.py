"""The statistics page: exact figures, the list's filters, charts, map, tables, CSV and queries."""

import csv
import io
import re
import xml.etree.ElementTree as ET
from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from laureats import derived
from laureats.models import Laureate, Membership, Organisation, ProgrammeFigure, Region, Sector
from laureats.statistics.charts import bin_shades, shade_bins
from laureats.statistics.figures import LaureateStatistics, _median

from .factories import OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db

STATS_URL = reverse("laureats:statistics")
LIST_URL = reverse("laureats:laureate-list")
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture
def known(reference_data):
    """Three published laureates and one unpublished, every figure worked out by hand below."""
    ProgrammeFigure.objects.create(key="laureates", label="Lauréats", value=62)
    health = Sector.objects.get(slug="sante-social")
    building = Sector.objects.get(slug="construction-btp")
    cfa_lyon = OrganisationFactory(name="CFA de Lyon", kind="cfa", region_id="84")
    lab_dijon = OrganisationFactory(name="Laboratoire de Dijon", kind="laboratoire", region_id="27")
    company = OrganisationFactory(name="Entreprise sans région", kind="entreprise", region=None)
    return {
        # Covers 27; its members are in 84 and 27.
        "soins": make_laureate(
            name="Soins numériques",
            sectors=[health],
            regions=["27"],
            scope="interregionale",
            lead=cfa_lyon,
            members=[lab_dijon],
            state_aid=700,
            total_cost=1000,
        ),
        # National: never spread over the map, only counted where its members are (27).
        "chantier": make_laureate(
            name="Chantier virtuel",
            sectors=[building],
            scope="nationale",
            status=Laureate.Status.REDIRECTED,
            lead=lab_dijon,
            members=[company],
            state_aid=300,
            total_cost=1000,
        ),
        # Scope, regions and amounts unknown.
        "mixte": make_laureate(
            name="Bâtiment et santé", sectors=[health, building], scope="", lead=company
        ),
        "cache": make_laureate(
            name="Projet non publié",
            sectors=[health],
            regions=["11"],
            scope="interregionale",
            lead=cfa_lyon,
            state_aid=999,
            total_cost=2000,
            is_published=False,
        ),
    }


def get_stats(client, query=""):
    response = client.get(f"{STATS_URL}?{query}")
    assert response.status_code == 200
    return response


def counts(breakdown):
    return {row.value: row.count for row in breakdown.rows}


def svg_elements(html):
    """Every inline <svg> of a page, parsed as XML (which fails on any malformed markup)."""
    return [ET.fromstring(svg) for svg in re.findall(r"<svg\b.*?</svg>", html, flags=re.S)]


def region_map_svg(html):
    (svg,) = [svg for svg in svg_elements(html) if "region-map" in svg.get("class", "")]
    return svg


def chart_svg(html, key):
    (svg,) = [svg for svg in svg_elements(html) if svg.get("data-chart") == key]
    return svg


def table_rows(html, key):
    """(value, count) of each row of the table of chart `key`, in order."""
    table = re.search(rf'<table[^>]*data-chart="{key}".*?</table>', html, flags=re.S).group(0)
    return re.findall(r'<tr data-value="([^"]*)" data-count="(\d+)"', table)


def listed_count(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return response.context["page_obj"].paginator.count


# Exact figures ------------------------------------------------------------------------------


def test_figures_of_a_known_data_set_are_exact(known):
    stats = LaureateStatistics(Laureate.objects.published())
    totals = stats.totals
    assert totals["count"] == 3
    assert totals["with_scope"] == 2
    assert totals["with_region"] == 2
    assert totals["without_region"] == 1
    assert (totals["with_aid"], totals["total_aid"]) == (2, 1000)
    assert (totals["with_cost"], totals["total_cost"]) == (2, 2000)
    assert totals["national"] == 1
    assert counts(stats.scopes) == {"nationale": 1, "interregionale": 1, "": 1}
    assert counts(stats.statuses) == {"retenu": 2, "reoriente-cma": 1}
    sectors = counts(stats.sectors)
    assert sectors["sante-social"] == 2 and sectors["construction-btp"] == 2
    assert sum(sectors.values()) == 4 and len(sectors) == Sector.objects.count()
    regions = counts(stats.regions)
    assert regions["27"] == 2 and regions["84"] == 1
    assert sum(regions.values()) == 3 and len(regions) == 18
    assert {row.value: (row.count, row.laureates) for row in stats.member_kinds.rows} == {
        "cfa": (1, 1),
        "laboratoire": (1, 2),
        "entreprise": (1, 2),
    }
    assert counts(stats.lead_kinds) == {"cfa": 1, "laboratoire": 1, "entreprise": 1}
    sizes = stats.consortium_sizes
    assert sizes["histogram"] == {1: 1, 2: 2}
    assert (sizes["counted"], sizes["without_members"]) == (3, 0)
    assert sizes["average"] == pytest.approx(5 / 3)
    assert sizes["median"] == 2


def test_page_shows_the_computed_and_the_official_figures_apart(client, known):
    response = get_stats(client)
    text = unescape(response.content.decode())
    official = text.index("Chiffres officiels du programme")
    computed = text.index("Chiffres calculés à partir des lauréats saisis")
    assert official < computed
    # Coverage: how many of the 62 are entered, and how many have each field.
    assert "3 lauréats saisis sur les 62 annoncés" in text
    # Each fact of completeness (models/completeness.py): name, lead, partner, sectors, scope,
    # regions (national or covered), amounts (both), dates, description, source.
    by_fact = [count for _fact, count in response.context["completeness"]["by_fact"]]
    assert by_fact == [3, 3, 2, 3, 2, 2, 2, 0, 0, 0]
    assert re.search(r"1\s000\s€", text)
    assert "pour 2 lauréats sur 3 dont l'aide accordée est connue" in text
    assert "1,7" in text  # average consortium size, 5 members over 3 laureates
    assert "médiane : 2" in text


def test_official_figures_keep_their_sources_and_notes(client, sample_catalogue):
    response = get_stats(client)
    text = unescape(response.content.decode())
    official = response.context["official"]
    assert {figure.key for figure in official["figures"]} >= {"laureates", "budget"}
    assert all(figure.sector_id is None for figure in official["figures"])
    assert "Note fictive : une autre source donne 35 M€." in text
    assert "https://chiffres.example.org/" in text
    # The published per-sector counts, as their own chart, untouched by the filters.
    assert counts(official["sectors"])["sante-social"] == 9
    filtered = get_stats(client, "portee=nationale").context["official"]
    assert counts(filtered["sectors"]) == counts(official["sectors"])


def test_official_figures_fold_their_sources_and_notes_one_per_figure(client, sample_catalogue):
    html = unescape(get_stats(client).content.decode())
    official = html[html.index('id="officiels"') : html.index('id="calcules"')]
    figures = official.count('<li class="figure">')
    # Every figure keeps its sources, folded under one summary; a note goes with them.
    assert figures >= 2 and official.count('<details class="figure-sources">') == figures + 1
    assert re.search(
        r'<summary>Précision et sources?[^<]*</summary>\s*<p class="figure-note">Note fictive',
        official,
    )


def test_zero_rows_are_counted_and_their_names_folded(client, known):
    html = unescape(get_stats(client).content.decode())
    regions = html[html.index('id="carte"') :]
    note = re.search(
        r'<details class="chart-zero-note">\s*<summary>(\d+) régions sans lauréat saisi</summary>'
        r"\s*<p>([^<]*)</p>",
        regions,
    )
    assert note, "pas de note des régions à zéro"
    count, names = int(note[1]), note[2]
    assert "Île-de-France" in names and count == len(names.split(", "))


def test_unpublished_laureates_are_never_counted(client, known):
    response = get_stats(client)
    html = response.content.decode()
    assert "Projet non publié" not in html
    assert response.context["totals"]["total_aid"] == 1000
    svg = region_map_svg(html)
    ile_de_france = svg.find(f".//{SVG}a[@data-region='11']")
    assert ile_de_france.get("data-count") == "0"
    assert ile_de_france.get("aria-label") == "Île-de-France : aucun lauréat"
    kinds = {row["value"]: row["laureates"] for row in response.context["charts"][3]["rows"]}
    assert kinds["cfa"] == 1
    # Even when a filter would only select it.
    assert get_stats(client, "region=11").context["totals"]["count"] == 0


# Filters ------------------------------------------------------------------------------------


def test_filters_change_the_figures(client, known):
    response = get_stats(client, "secteur=sante-social")
    assert response.context["totals"]["count"] == 2
    sectors = {row["value"]: row["count"] for row in response.context["charts"][0]["rows"]}
    assert sectors["sante-social"] == 2 and sectors["construction-btp"] == 1
    regions = {row["value"]: row["count"] for row in response.context["region_map"]["rows"]}
    assert regions["27"] == 1 and regions["84"] == 1

    national = get_stats(client, "portee=nationale")
    assert national.context["totals"]["count"] == 1
    assert national.context["totals"]["total_aid"] == 300
    text = re.sub(r"<[^>]+>", "", unescape(national.content.decode()))
    assert "3 lauréats saisis sur les 62 annoncés, dont 1 correspond aux filtres choisis" in text


def test_lead_kind_filter_selects_laureates_by_their_lead(client, known):
    assert listed_count(client, f"{LIST_URL}?type_porteur=laboratoire") == 1
    assert listed_count(client, f"{LIST_URL}?type_membre=laboratoire") == 2


def test_region_filter_counts_where_members_are_located(client, known):
    """A laureate is in a region it covers, or where one of its members is located."""
    names = {
        laureate.name
        for laureate in client.get(f"{LIST_URL}?region=84").context["page_obj"].object_list
    }
    assert names == {"Soins numériques"}  # its lead is in 84; it covers only 27
    facet = next(
        facet for facet in client.get(LIST_URL).context["facets"] if facet["name"] == "region"
    )
    counted = {option["value"]: option["count"] for option in facet["options"]}
    assert counted["84"] == 1 and counted["27"] == 2 and counted["11"] == 0


def test_bad_filter_values_are_ignored_with_a_notice(client, known):
    response = get_stats(client, "secteur=nimporte&portee=lune&region=99")
    assert response.context["totals"]["count"] == 3
    assert len(response.context["notices"]) == 3
    assert "n'est pas une valeur possible" in unescape(response.content.decode())


# Charts, map and tables ---------------------------------------------------------------------


def test_every_svg_is_well_formed_and_accessible(client, known):
    html = get_stats(client).content.decode()
    svgs = svg_elements(html)
    assert len(svgs) >= 7
    for svg in svgs:
        if "swatch" in svg.get("class", ""):
            assert svg.get("aria-hidden") == "true"
            continue
        title_id, desc_id = svg.get("aria-labelledby"), svg.get("aria-describedby")
        assert svg.find(f"{SVG}title").get("id") == title_id
        assert svg.find(f"{SVG}desc").get("id") == desc_id
        assert svg.find(f"{SVG}title").text.strip()
        assert svg.get("viewBox") and svg.get("width") == "100%"


def test_map_has_one_link_per_region_carrying_its_count(client, known):
    svg = region_map_svg(get_stats(client).content.decode())
    links = svg.findall(f"{SVG}a")
    assert len(links) == 18
    by_code = {link.get("data-region"): link for link in links}
    assert set(by_code) == set(Region.objects.values_list("code", flat=True))
    burgundy = by_code["27"]
    assert burgundy.get("data-count") == "2"
    assert burgundy.get("aria-label") == "Bourgogne-Franche-Comté : 2 lauréats"
    assert burgundy.get("href") == f"{LIST_URL}?region=27"
    # The count is written on the region, not only told by its shade.
    labels = [text.text for text in svg.iter(f"{SVG}text") if "map-count" in text.get("class")]
    assert sorted(labels) == sorted(link.get("data-count") for link in links)
    # Shades: zero regions share one fill, and the darkest goes to the highest count.
    fills = {code: link.find(f"{SVG}path").get("fill") for code, link in by_code.items()}
    assert fills["27"] != fills["84"] != fills["11"]


def test_map_shows_national_laureates_apart_and_credits_its_source(client, known):
    html = unescape(get_stats(client).content.decode())
    assert "1 lauréat de portée nationale" in html
    assert f'href="{LIST_URL}?portee=nationale"' in html
    assert "1 lauréat sans région connue" in html
    assert "IGN – Admin Express COG 2018, Licence Ouverte (Etalab)" in html
    assert 'class="skip-map" href="#region-map-after"' in html
    assert 'id="region-map-after"' in html


@pytest.mark.parametrize(
    "key", ["filieres", "portees", "statuts", "types-membres", "types-porteurs", "regions"]
)
def test_each_chart_agrees_with_its_table(client, known, key):
    html = get_stats(client, "statut=retenu&statut=reoriente-cma").content.decode()
    if key == "regions":
        svg = region_map_svg(html)
        drawn = {(link.get("data-region"), link.get("data-count")) for link in svg.iter(f"{SVG}a")}
        # Regions at zero are drawn, and named in a note instead of the table.
        assert set(table_rows(html, key)) == {pair for pair in drawn if pair[1] != "0"}
        return
    svg = chart_svg(html, key)
    drawn = [
        (row.get("data-value"), row.get("data-count"))
        for row in svg
        if row.get("data-count") is not None
    ]
    assert drawn and table_rows(html, key) == drawn


def test_every_link_lists_as_many_laureates_as_it_counts(client, known):
    """Bars, regions and table rows lead to the list filtered on their value, page filters kept."""
    response = get_stats(client, "portee=interregionale&portee=nationale")
    context = response.context
    checked = 0
    for chart in [*context["charts"], context["region_map"]]:
        for row in chart["rows"]:
            if not row["url"]:
                continue
            params = parse_qs(urlsplit(row["url"]).query)
            assert params["portee"] == ["interregionale", "nationale"] or params["portee"] == [
                row["value"]
            ]
            expected = row["laureates"] if row["laureates"] is not None else row["count"]
            assert listed_count(client, row["url"]) == expected, row["url"]
            checked += 1
    assert checked > 30
    html = response.content.decode()
    assert (
        f'href="{LIST_URL}?portee=interregionale&amp;portee=nationale&amp;secteur=sante-social"'
        in html
    )


def test_unknown_values_are_shown_without_a_link(client, known):
    scopes = get_stats(client).context["charts"][1]
    unknown = scopes["rows"][-1]
    assert (unknown["value"], unknown["count"], unknown["url"]) == ("", 1, None)


def test_charts_read_on_a_phone():
    """Bars are drawn in a narrow viewBox, so labels stay readable when shrunk to 320 px."""
    from laureats.statistics import charts

    assert charts.CHART_WIDTH <= 400
    assert charts.LABEL_SIZE * 300 / charts.CHART_WIDTH >= 11


# CSV -----------------------------------------------------------------------------------------


def read_csv(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(response.content.decode())))


def test_csv_gives_a_charts_numbers_under_the_same_filters(client, known):
    url = reverse("laureats:statistics-csv", args=["filieres"])
    rows = read_csv(client.get(url + "?secteur=sante-social"))
    by_value = {row["valeur"]: row for row in rows}
    assert by_value["sante-social"]["laureats"] == "2"
    assert by_value["construction-btp"]["laureats"] == "1"
    assert by_value["sante-social"]["liste_des_laureats"].endswith(
        f"{LIST_URL}?secteur=sante-social"
    )
    kinds = read_csv(client.get(reverse("laureats:statistics-csv", args=["types-membres"])))
    assert {row["valeur"]: (row["organisations"], row["laureats"]) for row in kinds} == {
        "cfa": ("1", "1"),
        "laboratoire": ("1", "2"),
        "entreprise": ("1", "2"),
    }


def test_page_links_to_each_csv_with_its_filters(client, known):
    html = unescape(get_stats(client, "portee=nationale").content.decode())
    for key in ["filieres", "portees", "statuts", "regions", "types-membres", "types-porteurs"]:
        assert reverse("laureats:statistics-csv", args=[key]) + "?portee=nationale" in html


def test_official_csv_and_unknown_csv(client, sample_catalogue):
    rows = read_csv(client.get(reverse("laureats:statistics-csv", args=["filieres-officielles"])))
    assert {row["valeur"]: row["laureats"] for row in rows}["sante-social"] == "9"
    response = client.get(reverse("laureats:statistics-csv", args=["nimporte-quoi"]))
    assert response.status_code == 404


# Home page and navigation ---------------------------------------------------------------------


def test_home_shows_the_small_map_and_two_charts(client, known):
    response = client.get(reverse("laureats:home"))
    html = response.content.decode()
    svg = region_map_svg(html)
    assert svg.find(f".//{SVG}a[@data-region='27']").get("data-count") == "2"
    assert f'href="{STATS_URL}"' in html
    assert len([svg for svg in svg_elements(html) if svg.get("data-chart")]) == 2


def test_header_links_to_the_statistics(client, known):
    html = get_stats(client).content.decode()
    assert f'<a href="{STATS_URL}" aria-current="page">' in html


# Helpers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("histogram", "expected"),
    [({}, None), ({3: 1}, 3), ({1: 1, 2: 2}, 2), ({1: 2, 5: 2}, 3), ({1: 1, 4: 1, 9: 1}, 4)],
)
def test_median_from_a_histogram(histogram, expected):
    assert _median(histogram) == expected


@pytest.mark.parametrize(
    ("top", "bins"),
    [
        (0, []),
        (1, [(1, 1)]),
        (3, [(1, 1), (2, 2), (3, 3)]),
        (5, [(1, 1), (2, 2), (3, 4), (5, 5)]),
        (40, [(1, 10), (11, 20), (21, 30), (31, 40)]),
    ],
)
def test_shade_bins_cover_every_count(top, bins):
    assert shade_bins(top) == bins
    shades = bin_shades(len(bins)) if bins else []
    assert shades == sorted(set(shades))


# Queries ------------------------------------------------------------------------------------

# Two option lists, official figures and their sources, the entered count, totals, sectors,
# regions, member kinds, lead kinds, consortium sizes, completeness, the shared productions'
# figures (after each change of the data, whatever the filters). Filtered, after each change
# of the data, two more: the official figures of filter values and how many laureates each has
# on the whole portal (the page's own counts are the filter's; announced.py).
STATS_QUERIES = {"": 13, "secteur=sante-social&portee=nationale&region=27": 15}


def add_synthetic_laureates(count=2000):
    """Bulk-made published laureates with members, sectors, regions and amounts."""
    sectors = list(Sector.objects.all())
    regions = list(Region.objects.all())
    kinds = Organisation.Kind.values
    laureates = Laureate.objects.bulk_create(
        Laureate(
            name=f"Synthétique {n}",
            slug=f"synthetique-stats-{n}",
            status=Laureate.Status.values[n % 2],
            scope=["nationale", "interregionale", ""][n % 3],
            state_aid=700 * (n % 5) or None,
            total_cost=1000 * (n % 5) or None,
            is_synthetic=True,
        )
        for n in range(count)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisation synthétique {n}",
            slug=f"organisation-stats-{n}",
            kind=kinds[n % len(kinds)],
            region=regions[n % len(regions)],
            is_synthetic=True,
        )
        for n in range(count)
    )
    memberships = []
    for index, laureate in enumerate(laureates):
        memberships.append(
            Membership(laureate=laureate, organisation=organisations[index], role="porteur")
        )
        memberships += [
            Membership(laureate=laureate, organisation=organisations[(index + step) % count])
            for step in range(1, 1 + index % 4)
        ]
    Membership.objects.bulk_create(memberships)
    Laureate.sectors.through.objects.bulk_create(
        Laureate.sectors.through(laureate=laureate, sector=sectors[n % len(sectors)])
        for n, laureate in enumerate(laureates)
    )
    Laureate.regions.through.objects.bulk_create(
        Laureate.regions.through(laureate=laureate, region=regions[(n * 7) % len(regions)])
        for n, laureate in enumerate(laureates)
        if laureate.scope == "interregionale"
    )
    # The relation's rows, written without its managers, send no signal: named to the owner.
    derived.note([laureate.pk for laureate in laureates])


@pytest.mark.parametrize("query", ["", "secteur=sante-social&portee=nationale&region=27"])
def test_statistics_query_count_is_fixed(
    client, sample_catalogue, django_assert_num_queries, query
):
    with django_assert_num_queries(STATS_QUERIES[query]):
        get_stats(client, query)


@pytest.mark.parametrize("query", ["", "secteur=sante-social&portee=nationale&region=27"])
def test_statistics_query_count_does_not_grow_with_data(
    client, sample_catalogue, django_assert_num_queries, query
):
    add_synthetic_laureates()
    with django_assert_num_queries(STATS_QUERIES[query]):
        response = get_stats(client, query)
    # 2,000 synthetic laureates and the sample catalogue's 5 published ones.
    assert response.context["entered_count"] == 2005
    totals = response.context["totals"]
    if not query:
        assert totals["count"] == 2005
        # Every synthetic laureate has a lead located in a region.
        assert totals["with_region"] >= 2000


def test_csv_query_count_does_not_grow_with_data(
    client, sample_catalogue, django_assert_num_queries
):
    add_synthetic_laureates()
    url = reverse("laureats:statistics-csv", args=["regions"]) + "?portee=interregionale"
    with django_assert_num_queries(3):  # two option lists, the regions
        rows = read_csv(client.get(url))
    assert len(rows) == 18
