"""Exports of any search of /laureats/ (CSV, JSON, XLSX, members table) and the /donnees/ page."""

import csv
import datetime
import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from laureats.csv_format import COLUMN_NAMES
from laureats.models import Laureate, Organisation, Sector
from laureats.opendata import exports
from laureats.opendata import rows as exports_rows
from laureats.text.ordering import sort_key

from .factories import OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # These tests read the list's template context, which a page served from the cache lacks.
    settings.PAGE_CACHE_ENABLED = False


LIST_URL = reverse("laureats:laureate-list")
# Filters, searches, sorts and bad values: each export must give the list's rows for each.
QUERIES = [
    "",
    "secteur=sante-social",
    "secteur=sante-social&secteur=construction-btp&tri=-aide",
    "portee=nationale&tri=-maj",
    "region=27&region=84",
    "type_membre=laboratoire",
    "q=soins",
    "q=soins&tri=nom",
    "statut=reoriente-cma&organisation=cfa-export",
    "secteur=inconnu&tri=n-importe&page=abc",
]


def export_url(extension, query="", table="laureate"):
    return reverse(f"laureats:{table}-export", args=[extension]) + (f"?{query}" if query else "")


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def html_slugs(client, query=""):
    """The slugs the HTML list shows for this query string, every page in turn."""
    slugs, page = [], 1
    while True:
        response = client.get(f"{LIST_URL}?{query}&page={page}")
        assert response.status_code == 200
        slugs += [laureate.slug for laureate in response.context["page_obj"]]
        if not response.context["page_obj"].has_next():
            return slugs
        page += 1


def csv_rows(response):
    return list(csv.DictReader(io.StringIO(content(response).decode())))


def json_data(response):
    return json.loads(content(response))


def xlsx_sheets(response):
    workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in workbook}


def exported_slugs(response, extension):
    if extension == "csv":
        return [row["slug"] for row in csv_rows(response)]
    if extension == "json":
        return [laureate["slug"] for laureate in json_data(response)["laureates"]]
    return [row[0] for row in xlsx_sheets(response)["Lauréats"][1:]]


@pytest.fixture
def export_laureates(reference_data):
    """27 published laureates (two pages of the list and more) and 2 unpublished ones."""
    health = Sector.objects.get(slug="sante-social")
    building = Sector.objects.get(slug="construction-btp")
    cfa = OrganisationFactory(name="CFA Export", slug="cfa-export", kind=Organisation.Kind.CFA)
    lab = OrganisationFactory(
        name="Laboratoire Export", slug="labo-export", kind=Organisation.Kind.RESEARCH
    )
    for n in range(27):
        make_laureate(
            name=f"{'Soins' if n % 3 == 0 else 'Chantier'} numérique {n:02d}",
            slug=f"export-{n:02d}",
            sectors=[health] if n % 3 == 0 else [building],
            regions=["27"] if n % 2 else ["84", "27"],
            scope=Laureate.Scope.NATIONAL if n % 4 else Laureate.Scope.INTERREGIONAL,
            status=Laureate.Status.RETAINED if n % 5 else Laureate.Status.REDIRECTED,
            lead=cfa if n % 2 else lab,
            members=[lab] if n % 2 else [],
            partners=n % 3,
            total_cost=None if n % 7 == 0 else 1_000_000 + n * 1000,
            state_aid=None if n % 7 == 0 else 500_000 + n * 1000,
            start_date=datetime.date(2024, 1, 1) if n % 2 else None,
        )
    hidden_org = OrganisationFactory(name="Organisation cachée", slug="organisation-cachee")
    for n in range(2):
        make_laureate(
            name=f"Soins numérique non publié {n}",
            slug=f"non-publie-{n}",
            sectors=[health],
            regions=["27"],
            lead=hidden_org,
            members=[cfa],
            is_published=False,
        )


@pytest.mark.parametrize("extension", ["csv", "json", "xlsx"])
def test_export_rows_are_the_filtered_list_on_every_page(client, export_laureates, extension):
    for query in QUERIES:
        expected = html_slugs(client, query)
        response = client.get(export_url(extension, query))
        assert response.status_code == 200
        assert exported_slugs(response, extension) == expected, query


def test_the_whole_list_spans_several_pages_and_is_exported_whole(client, export_laureates):
    assert client.get(LIST_URL).context["page_obj"].paginator.num_pages == 2
    assert len(exported_slugs(client.get(export_url("csv")), "csv")) == 27


@pytest.mark.parametrize("extension", ["csv", "json", "xlsx"])
def test_unpublished_laureates_and_their_members_are_never_exported(
    client, export_laureates, extension
):
    query = "secteur=sante-social&q=soins"
    for table in ["laureate", "member"]:
        body = content(client.get(export_url(extension, query, table)))
        assert b"non-publie" not in body
        assert "Organisation cachée".encode() not in body
    # The members table of the whole list too.
    body = content(client.get(export_url(extension, table="member")))
    assert b"organisation-cachee" not in body


@pytest.mark.parametrize("extension", ["csv", "json", "xlsx"])
def test_members_table_has_one_row_per_laureate_and_organisation_lead_first(
    client, export_laureates, extension
):
    # Partners' factory names are random; these fixed ones make the French order matter (case,
    # accents and numbers by value) and make the expected order independent of the database.
    partners = Organisation.objects.filter(slug__startswith="organisation-").order_by("pk")
    names = ["atelier {}", "Bâtiment {}", "École {}", "zénith {}", "Zone {}", "BTP {}"]
    for n, partner in enumerate(partners):
        partner.name = names[n % len(names)].format(n)
        partner.save()
    query = "secteur=construction-btp&tri=-aide"
    expected = []
    for slug in html_slugs(client, query):
        laureate = Laureate.objects.get(slug=slug)
        memberships = laureate.memberships.select_related("organisation")
        lead = [m.organisation.slug for m in memberships if m.role == "porteur"]
        partners = sorted(
            (sort_key(m.organisation.name), m.organisation.slug)
            for m in memberships
            if m.role != "porteur"
        )
        expected += [(slug, org, "porteur") for org in lead]
        expected += [(slug, org, "partenaire") for _name, org in partners]

    response = client.get(export_url(extension, query, "member"))
    if extension == "csv":
        rows = [(r["laureat_slug"], r["organisation_slug"], r["role"]) for r in csv_rows(response)]
    elif extension == "json":
        rows = [
            (r["laureat_slug"], r["organisation_slug"], r["role"])
            for r in json_data(response)["members"]
        ]
    else:
        sheet = xlsx_sheets(response)["Membres"]
        header = list(sheet[0])
        index = [header.index(name) for name in ["laureat_slug", "organisation_slug", "role"]]
        rows = [tuple(row[i] for i in index) for row in sheet[1:]]
    assert rows == expected
    assert len({laureate for laureate, _org, _role in rows}) == len(html_slugs(client, query))


def test_files_carry_licence_source_date_and_filters(client, export_laureates):
    today = timezone.localdate().isoformat()
    query = "secteur=sante-social&secteur=pas-une-filiere&tri=-aide"

    response = client.get(export_url("csv", query))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == (
        f'attachment; filename="deffinum-laureats-{today}.csv"'
    )
    assert "etalab.gouv.fr/licence-ouverte" in response["Link"]
    assert content(response).decode().splitlines()[0] == ",".join(COLUMN_NAMES)

    response = client.get(export_url("json", query))
    assert response["Content-Disposition"].endswith(f'deffinum-laureats-{today}.json"')
    metadata = json_data(response)["metadata"]
    assert metadata["licence"] == "Licence Ouverte / Etalab 2.0"
    assert metadata["licence_url"].startswith("https://www.etalab.gouv.fr/")
    assert metadata["source_url"].endswith("/donnees/")
    assert metadata["extracted_at"].startswith(today)
    assert metadata["filters"] == {"secteur": ["sante-social"]}
    assert metadata["sort"] == "-aide"
    assert "pas-une-filiere" in metadata["notices"][0]
    assert metadata["count"] == 9
    documented = [field["name"] for field in metadata["fields"]]
    assert set(COLUMN_NAMES) - {"publie"} <= set(documented)

    response = client.get(export_url("xlsx", query, "member"))
    assert response["Content-Type"] == exports.XLSX_CONTENT_TYPE
    assert response["Content-Disposition"].endswith(f'deffinum-membres-{today}.xlsx"')
    about = {row[0]: row[1:] for row in xlsx_sheets(response)["À propos"] if row and row[0]}
    assert about["Licence"][0] == "Licence Ouverte / Etalab 2.0"
    assert about["Date d'extraction"][0].startswith(today)
    assert about["Filtres appliqués"][0] == "secteur = sante-social"
    assert "pas-une-filiere" in about["Valeurs de filtre ignorées"][0]
    for name in ["laureat_slug", "organisation_nom", "siren", "region_code"]:
        assert name in about


def test_values_are_typed_in_json_and_xlsx(client, export_laureates):
    laureate = Laureate.objects.get(slug="export-01")
    query = "q=chantier numerique 01"

    [item] = json_data(client.get(export_url("json", query)))["laureates"]
    assert item["aide_etat_eur"] == laureate.state_aid
    assert item["date_debut"] == "2024-01-01"
    assert item["date_fin"] is None
    assert item["secteurs"] == ["construction-btp"]
    assert item["membres"][0]["role"] == "porteur"
    assert item["url"].endswith(f"/laureats/{laureate.slug}/")

    sheet = xlsx_sheets(client.get(export_url("xlsx", query)))["Lauréats"]
    row = dict(zip(sheet[0], sheet[1], strict=True))
    assert row["aide_etat_eur"] == laureate.state_aid
    assert row["date_debut"] == datetime.datetime(2024, 1, 1)
    assert row["date_fin"] is None


@pytest.mark.parametrize("table", ["laureate", "member"])
def test_an_export_of_no_rows_is_a_valid_file_with_its_header(client, export_laureates, table):
    query = "q=aucun resultat possible"
    header = COLUMN_NAMES if table == "laureate" else exports.MEMBER_COLUMN_NAMES
    key = "laureates" if table == "laureate" else "members"

    assert (
        content(client.get(export_url("csv", query, table))).decode() == ",".join(header) + "\r\n"
    )
    data = json_data(client.get(export_url("json", query, table)))
    assert data[key] == []
    assert data["metadata"]["count"] == 0
    sheets = xlsx_sheets(client.get(export_url("xlsx", query, table)))
    if table == "laureate":
        # The spreadsheet also says whether each amount of aid was granted or requested.
        header = [field.name for field in exports.laureate_fields()]
    assert next(iter(sheets.values())) == [tuple(header)]


def test_csv_of_the_whole_list_imports_back_unchanged(
    client, export_laureates, sample_catalogue, tmp_path
):
    first = content(client.get(export_url("csv")))
    assert len(first.decode().splitlines()) == 1 + Laureate.objects.published().count()
    path = tmp_path / "export.csv"
    path.write_bytes(first)

    Laureate.objects.all().delete()
    Organisation.objects.all().delete()
    call_command("import_laureates", str(path), verbosity=0)

    second = content(client.get(export_url("csv")))
    assert second == first


def test_text_that_looks_like_a_formula_stays_text_in_xlsx(client, reference_data):
    make_laureate(name='=HYPERLINK("http://exemple.invalid")', slug="formule", summary="\x0bok")
    response = client.get(export_url("xlsx"))
    workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
    cell = workbook["Lauréats"]["B2"]
    assert cell.data_type == "s"
    assert cell.value.startswith("=HYPERLINK")


def test_exports_refuse_writes(client, export_laureates):
    assert client.post(export_url("csv")).status_code == 405


# Query counts ----------------------------------------------------------------------------

# The filter form's option lists (sectors, regions); the laureates (one query, read in chunks);
# per chunk their sectors, regions, sources and members. The JSON counts its rows first; the
# JSON and the XLSX document the sectors' and regions' values.
EXPORT_QUERIES = {"csv": 2 + 1 + 4, "json": 2 + 1 + 1 + 4 + 2, "xlsx": 2 + 1 + 4 + 2}
PREFETCHES_PER_CHUNK = 4


def add_bulk_laureates(count):
    laureates = Laureate.objects.bulk_create(
        Laureate(name=f"Masse {n:04d}", slug=f"masse-{n:04d}", status="retenu")
        for n in range(count)
    )
    organisation = OrganisationFactory()
    Laureate.memberships.rel.related_model.objects.bulk_create(
        Laureate.memberships.rel.related_model(laureate=laureate, organisation=organisation)
        for laureate in laureates
    )


@pytest.mark.parametrize("extension", ["csv", "json", "xlsx"])
def test_export_query_count_is_fixed_per_chunk(
    client, export_laureates, django_assert_num_queries, extension
):
    with django_assert_num_queries(EXPORT_QUERIES[extension]):
        content(client.get(export_url(extension, "secteur=sante-social")))


@pytest.mark.parametrize("extension", ["csv", "json", "xlsx"])
def test_export_queries_grow_with_chunks_not_rows(
    client, export_laureates, django_assert_num_queries, extension
):
    # The laureate CSV and XLSX read their related rows for 900 laureates at a time, the JSON
    # file prefetches them for 200 at a time.
    chunk = exports.CHUNK_SIZE if extension == "json" else exports_rows.ROWS_CHUNK_SIZE
    add_bulk_laureates(chunk + 1)
    # Two chunks: one more round of related rows than for one chunk.
    with django_assert_num_queries(EXPORT_QUERIES[extension] + PREFETCHES_PER_CHUNK):
        body = content(client.get(export_url(extension)))
    assert body


def test_member_export_query_count(client, export_laureates, django_assert_num_queries):
    with django_assert_num_queries(7):
        content(client.get(export_url("csv", table="member")))


# The list's download links and /donnees/ -------------------------------------------------


def test_list_links_to_exports_of_its_results_without_the_page(client, export_laureates):
    response = client.get(f"{LIST_URL}?secteur=sante-social&tri=-aide&page=1")
    html = response.content.decode()
    assert "Télécharger ces résultats" in html
    for extension in ["csv", "json", "xlsx"]:
        for table in ["laureate", "member"]:
            assert (
                f'href="{export_url(extension, "secteur=sante-social&amp;tri=-aide", table)}"'
                in html
            )


def test_open_data_page_documents_the_data(client, sample_catalogue, export_laureates):
    response = client.get(reverse("laureats:open-data"))
    assert response.status_code == 200
    html = response.content.decode()
    published = Laureate.objects.published().count()
    assert f"{published} lauréats référencés sur 62 annoncés" in html
    for name in COLUMN_NAMES + exports.MEMBER_COLUMN_NAMES:
        assert f"<code>{name}</code>" in html
    for extension in ["csv", "json", "xlsx"]:
        assert f'href="{export_url(extension)}"' in html
        assert f'href="{export_url(extension, table="member")}"' in html
    assert 'href="/api/docs/"' in html
    assert "Licence Ouverte / Etalab 2.0" in html
    last = Laureate.objects.published().latest("updated_at").updated_at
    # To the second, as the Nu HTML checker accepts a <time datetime>.
    assert f'datetime="{timezone.localtime(last):%Y-%m-%dT%H:%M:%S%z}"' in html
    # The unpublished laureates are counted nowhere.
    assert f"{published + 2} lauréats" not in html


def test_open_data_page_says_how_many_laureates_have_each_field(client, export_laureates):
    response = client.get(reverse("laureats:open-data"))
    filled = {field.name: count for field, count in response.context["laureate_fields"]}
    assert filled["slug"] == 27
    assert filled["cout_total_eur"] == 27 - 4  # every 7th has no known cost
    assert filled["date_debut"] == 13
    assert filled["acronyme"] == 0


def test_open_data_page_query_count(client, export_laureates, django_assert_num_queries):
    # Filled-in counts, laureates, organisations, last change, sector and region values.
    with django_assert_num_queries(6):
        client.get(reverse("laureats:open-data"))
