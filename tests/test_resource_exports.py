"""The files of any search of /ressources/ (issue 26): CSV, JSON and XLSX give the same rows,
the list links to the three, and each costs a fixed number of queries a chunk of resources."""

import csv
import datetime
import io
import json

import openpyxl
import pytest

from laureats.opendata.dictionary import RESOURCE_COLUMN_NAMES
from laureats.opendata.exports import CHUNK_SIZE

from .test_resource_pages import catalogue  # noqa: F401 (a fixture)
from .test_resource_queries import add_many_resources

pytestmark = pytest.mark.django_db

SEARCHES = ["", "?public=apprentis", "?secteur=construction-btp", "?q=securite", "?type=fusee"]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def content(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_rows(client, query):
    response = client.get(f"/ressources/export.csv{query}")
    return list(csv.DictReader(io.StringIO(content(response).decode())))


def json_file(client, query):
    response = client.get(f"/ressources/export.json{query}")
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return json.loads(content(response))


def xlsx_rows(client, query):
    response = client.get(f"/ressources/export.xlsx{query}")
    assert "attachment" in response["Content-Disposition"]
    workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
    header, *rows = workbook.worksheets[0].iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows], workbook


def as_text(value):
    if value is None:
        return ""
    if isinstance(value, datetime.datetime | datetime.date):
        return value.isoformat()
    return str(value)


@pytest.mark.parametrize("query", SEARCHES)
def test_the_three_files_hold_the_same_rows_in_the_same_order(client, catalogue, query):  # noqa: F811
    rows = csv_rows(client, query)
    document = json_file(client, query)
    sheet, _workbook = xlsx_rows(client, query)

    assert [row["slug"] for row in rows] == [item["slug"] for item in document["resources"]]
    assert [{k: as_text(v) for k, v in row.items()} for row in sheet] == rows
    assert document["metadata"]["count"] == len(rows)
    assert [field["name"] for field in document["metadata"]["fields"]] == RESOURCE_COLUMN_NAMES
    for row, item in zip(rows, document["resources"], strict=True):
        # The JSON keeps the API's types: lists, null for what no source gives.
        assert list(item) == RESOURCE_COLUMN_NAMES
        assert row["licence"] == (item["licence"] or "")
        assert row["publics"] == " | ".join(item["publics"])
    # Never an unpublished one.
    assert "cache" not in [row["slug"] for row in rows]


def test_the_files_say_what_they_hold(client, catalogue):  # noqa: F811
    document = json_file(client, "?public=apprentis")
    assert document["metadata"]["filters"] == {"public": ["apprentis"]}
    assert document["metadata"]["sort"] == "titre"
    assert [item["slug"] for item in document["resources"]] == ["echafaudage"]
    assert document["resources"][0]["certifications"] == ["RNCP34567"]
    sheet, workbook = xlsx_rows(client, "?type=guide")
    assert [row["slug"] for row in sheet] == ["echafaudage"]
    about = [row for row in workbook.worksheets[1].iter_rows(values_only=True) if row]
    assert ("Filtres appliqués", "type = guide") in [row[:2] for row in about]
    assert "licence" in [row[0] for row in about]
    response = client.get("/ressources/export.json")
    assert 'rel="describedby"' in response["Link"]


def test_a_formula_stays_text_in_every_file(client, catalogue):  # noqa: F811
    from laureats.models import Resource

    Resource.objects.filter(slug="bloc").update(title="=HYPERLINK(1)")
    assert csv_rows(client, "?q=hyperlink")[0]["titre"] == "'=HYPERLINK(1)"
    sheet, workbook = xlsx_rows(client, "?q=hyperlink")
    assert sheet[0]["titre"] == "=HYPERLINK(1)"
    assert workbook.worksheets[0]["B2"].data_type == "s"


def test_the_list_links_to_its_results_in_three_formats(client, catalogue):  # noqa: F811
    text = client.get("/ressources/?type=guide&page=1").text
    for extension in ["csv", "json", "xlsx"]:
        assert f'href="/ressources/export.{extension}?type=guide"' in text


def test_an_unknown_format_is_not_found(client, catalogue):  # noqa: F811
    assert client.get("/ressources/export.pdf").status_code == 404


# A chunk of resources: the resources, their sectors, laureates, the laureates' sectors and
# the sources (the API's prefetches); plus the FilterSet's two option lists. The JSON and the
# XLSX also read the sectors that document the "filieres" column, and the JSON counts its rows.
QUERIES = {"csv": 7, "json": 9, "xlsx": 8}


@pytest.mark.parametrize("extension", QUERIES)
def test_an_export_costs_the_same_queries_at_two_sizes(
    client,
    catalogue,  # noqa: F811
    django_assert_num_queries,
    extension,
):
    with django_assert_num_queries(QUERIES[extension]):
        content(client.get(f"/ressources/export.{extension}"))
    # More resources, within one chunk: the same queries.
    add_many_resources(CHUNK_SIZE - 10)
    with django_assert_num_queries(QUERIES[extension]):
        content(client.get(f"/ressources/export.{extension}"))


def test_the_open_data_page_offers_the_whole_catalogue(client, catalogue):  # noqa: F811
    text = client.get("/donnees/").text
    for extension in ["csv", "json", "xlsx"]:
        assert f'href="/ressources/export.{extension}"' in text
