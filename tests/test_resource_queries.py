"""The shared productions' pages cost a fixed number of queries, however many resources."""

from html import unescape

import pytest
from django.db import connection

from laureats.models import Laureate, Resource, Sector
from laureats.resources.filters import LAUREATE_OPTIONS

from .test_resource_pages import catalogue  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PAGES = {
    "list": "/ressources/",
    "list_filtered": "/ressources/?secteur=construction-btp&public=apprentis&laureat=chantier-fictif",
    "list_search": "/ressources/?q=module",
    "detail": "/ressources/commun/",
}
# The list: sectors and laureates offered (2), the facets not ticked with the results' count
# (1), one query per facet ticked, the page and its prefetches (sectors, laureates, their
# sectors). The detail: the resource, its sectors, laureates, their sectors, sources.
EXPECTED = {"list": 7, "list_filtered": 10, "list_search": 7, "detail": 5}


def add_many_resources(count=150):
    sectors = list(Sector.objects.all())
    laureates = Laureate.objects.bulk_create(
        Laureate(name=f"Lauréat synthétique {n}", slug=f"synthetique-{n}", status="retenu")
        for n in range(40)
    )
    resources = Resource.objects.bulk_create(
        Resource(
            title=f"Module synthétique {n}",
            slug=f"module-synthetique-{n}",
            kind="guide",
            audience=["apprentis", "salaries"],
            search_text=f"module synthetique {n}",
        )
        for n in range(count)
    )
    Resource.laureates.through.objects.bulk_create(
        Resource.laureates.through(resource=resource, laureate=laureates[i % len(laureates)])
        for i, resource in enumerate(resources)
    )
    Resource.sectors.through.objects.bulk_create(
        Resource.sectors.through(resource=resource, sector=sectors[i % len(sectors)])
        for i, resource in enumerate(resources)
        if i % 2
    )
    Laureate.sectors.through.objects.bulk_create(
        Laureate.sectors.through(laureate=laureate, sector=sectors[i % len(sectors)])
        for i, laureate in enumerate(laureates)
    )


@pytest.mark.parametrize("page", PAGES)
def test_resource_page_query_count_is_fixed(client, catalogue, django_assert_num_queries, page):  # noqa: F811
    with django_assert_num_queries(EXPECTED[page]):
        response = client.get(PAGES[page])
    assert response.status_code == 200
    if "page_obj" in response.context:
        assert len(response.context["page_obj"]) > 0


@pytest.mark.parametrize("page", PAGES)
def test_resource_page_query_count_does_not_grow_with_data(
    client,
    catalogue,  # noqa: F811
    django_assert_num_queries,
    page,
):
    add_many_resources()
    with django_assert_num_queries(EXPECTED[page]):
        response = client.get(PAGES[page])
    assert response.status_code == 200
    if "page_obj" in response.context:
        assert len(response.context["page_obj"]) > 0


def laureate_options(client, url):
    facets = {facet["name"]: facet for facet in client.get(url).context["facets"]}
    return {option["value"]: option for option in facets["laureat"]["options"]}


def test_thousands_of_laureates_with_resources_offer_the_most_provided_and_the_ticked(
    client, settings
):
    # One option per laureate once went past PostgreSQL's 1,664 columns (a 500), and 1,700
    # checkboxes took seconds to render: the facet offers the laureates with the most
    # productions, and any one ticked (a laureate's page links to its productions).
    settings.PAGE_CACHE_ENABLED = False
    laureates = Laureate.objects.bulk_create(
        Laureate(name=f"Lauréat {n}", slug=f"laureat-{n}", status="retenu") for n in range(1700)
    )
    resources = Resource.objects.bulk_create(
        Resource(title=f"Module {n}", slug=f"module-{n}") for n in range(1703)
    )
    # Lauréat 1500 shares four productions: the most provided.
    links = list(zip(resources[:1700], laureates, strict=True))
    links += [(resource, laureates[1500]) for resource in resources[1700:]]
    Resource.laureates.through.objects.bulk_create(
        Resource.laureates.through(resource=resource, laureate=laureate)
        for resource, laureate in links
    )
    offered = laureate_options(client, "/ressources/")
    assert len(offered) == LAUREATE_OPTIONS
    assert offered["laureat-1500"]["count"] == 4
    # A laureate ticked is offered and counted, beyond the most provided.
    ticked = laureate_options(client, "/ressources/?laureat=laureat-1234")
    assert ticked["laureat-1234"] == ticked["laureat-1234"] | {"checked": True, "count": 1}
    response = client.get("/ressources/?laureat=laureat-1234")
    assert [resource.title for resource in response.context["page_obj"]] == ["Module 1234"]
    # None is a guide: every option counts 0 under that filter.
    assert {
        option["count"] for option in laureate_options(client, "/ressources/?type=guide").values()
    } == {0}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL index")
def test_the_catalogue_order_can_be_read_from_an_index():
    # Its first page sorted every resource (12 ms at 10,000): migration 0029's index serves it.
    query = Resource.objects.published().in_title_order().values("pk")[:20]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        sql, params = query.query.sql_with_params()
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "resource_published_title_idx" in plan


@pytest.mark.parametrize("value", ["\x00", "a\x00b", "x" * 300, "é"])
def test_a_laureate_value_that_cannot_be_a_slug_is_refused_not_a_server_error(
    client, settings, value
):
    # Asked laureates are offered in the facet (ASKED_OPTIONS): what reaches the query must be
    # a slug, since PostgreSQL refuses a NUL byte.
    settings.PAGE_CACHE_ENABLED = False
    page = client.get("/ressources/", {"laureat": value})
    assert page.status_code == 200
    assert "n'est pas une valeur possible" in unescape(page.content.decode())
    assert client.get("/api/ressources/", {"laureat": value}).status_code == 400
    assert client.get("/ressources/export.csv", {"laureat": value}).status_code == 200
