"""/api/ressources/: the catalogue as JSON, filtered as /ressources/ is (issue 26)."""

import pytest

from .test_resource_pages import catalogue  # noqa: F401 (a fixture)
from .test_resource_queries import add_many_resources

pytestmark = pytest.mark.django_db

API = "/api/ressources/"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def slugs(response):
    assert response.status_code == 200, response.content
    return [row["slug"] for row in response.json()["results"]]


def test_list_gives_published_resources_in_the_pages_order(client, catalogue):  # noqa: F811
    assert slugs(client.get(API)) == ["echafaudage", "commun", "bloc"]


def test_a_resource_says_null_for_what_is_not_entered(client, catalogue):  # noqa: F811
    row = client.get(f"{API}commun/").json()
    assert row["type"] == "module-elearning"
    assert row["licence"] is None and row["etat"] is None and row["langue"] is None
    assert row["adresse"] is None and row["date_mise_a_disposition"] is None
    assert row["publics"] == [] and row["certifications"] == []
    assert row["acces"] == "sur-demande"
    assert row["filieres"] == ["construction-btp"] and row["filieres_des_laureats"] is False
    assert {laureate["slug"] for laureate in row["laureats"]} == {
        "soins-fictifs",
        "chantier-fictif",
    }
    assert row["url"] == "http://testserver/ressources/commun/"


def test_a_resource_without_sectors_has_its_laureates(client, catalogue):  # noqa: F811
    row = client.get(f"{API}bloc/").json()
    assert row["filieres"] == ["sante-social"] and row["filieres_des_laureats"] is True
    assert row["publics"] == ["salaries", "formateurs"]
    assert client.get(f"{API}echafaudage/").json()["certifications"] == ["RNCP34567"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=guide", ["echafaudage"]),
        # A label, without its accents, as the import reads it.
        ("type=guide ou referentiel", ["echafaudage"]),
        ("public=apprentis&public=formateurs", ["echafaudage", "bloc"]),
        ("secteur=construction-btp", ["echafaudage", "commun"]),
        ("laureat=soins-fictifs", ["commun", "bloc"]),
        ("q=securite", ["bloc"]),
    ],
)
def test_list_filters_as_the_page_does(client, catalogue, query, expected):  # noqa: F811
    assert slugs(client.get(f"{API}?{query}")) == expected
    page = client.get(f"/ressources/?{query}")
    if "referentiel" not in query:
        assert [r.slug for r in page.context["page_obj"]] == expected


def test_a_filter_value_that_is_none_is_a_400_naming_the_allowed_ones(client, catalogue):  # noqa: F811
    response = client.get(f"{API}?type=fusee&licence=cc-by")
    assert response.status_code == 400
    body = response.json()
    assert "fusee" in body["detail"]
    assert body["parameters"]["type"]["invalid"] == ["fusee"]
    assert "jeu-serieux" in body["parameters"]["type"]["allowed"]
    assert "licence" not in body["parameters"]


def test_an_unpublished_or_unknown_resource_is_a_json_404(client, catalogue):  # noqa: F811
    for slug in ["cache", "absente"]:
        response = client.get(f"{API}{slug}/")
        assert response.status_code == 404
        assert "Aucune production partagée publiée" in response.json()["detail"]


def test_the_schema_documents_the_resources(client):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    assert "/api/ressources/" in schema and "ResourceKindEnum" in schema


@pytest.mark.parametrize("query", ["", "?public=apprentis&secteur=construction-btp"])
def test_api_query_count_does_not_grow_with_data(
    client,
    catalogue,  # noqa: F811
    django_assert_num_queries,
    query,
):
    # Sectors and laureates offered (2), count, page, its prefetches (sectors, laureates,
    # their sectors, sources).
    with django_assert_num_queries(8):
        assert client.get(API + query).status_code == 200
    add_many_resources()
    with django_assert_num_queries(8):
        assert client.get(API + query).status_code == 200


def csv_rows(response):
    import csv

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(b"".join(response.streaming_content).decode().splitlines()))


def test_csv_export_gives_the_filtered_list_every_page(client, catalogue):  # noqa: F811
    everything = csv_rows(client.get("/ressources/export.csv"))
    assert [row["slug"] for row in everything] == ["echafaudage", "commun", "bloc"]
    shared = everything[1]
    assert shared["laureats"] in {
        "soins-fictifs | chantier-fictif",
        "chantier-fictif | soins-fictifs",
    }
    assert shared["licence"] == "" and shared["filieres"] == "construction-btp"
    assert everything[2]["publics"] == "salaries | formateurs"
    filtered = csv_rows(client.get("/ressources/export.csv?public=apprentis&type=fusee"))
    assert [row["slug"] for row in filtered] == ["echafaudage"]


def test_the_list_links_to_the_csv_of_its_results(client, catalogue):  # noqa: F811
    text = client.get("/ressources/?type=guide").text
    assert 'href="/ressources/export.csv?type=guide"' in text


def test_csv_export_neutralises_formulas(client, catalogue):  # noqa: F811
    from laureats.models import Resource

    Resource.objects.filter(slug="bloc").update(title="=HYPERLINK(1)")
    rows = csv_rows(client.get("/ressources/export.csv?q=securite"))
    assert rows[0]["titre"] == "'=HYPERLINK(1)"
