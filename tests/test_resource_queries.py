"""The shared productions' pages cost a fixed number of queries, however many resources."""

import pytest

from laureats.models import Laureate, Resource, Sector

from .test_resource_pages import catalogue  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

PAGES = {
    "list": "/ressources/",
    "list_filtered": "/ressources/?secteur=construction-btp&public=apprentis&laureat=chantier-fictif",
    "list_search": "/ressources/?q=module",
    "detail": "/ressources/commun/",
}
# The list: sectors and laureates offered (2), the facets not ticked with the results' count
# (1) and the laureates' options apart, in one GROUP BY (1), one query per facet ticked, the page and its prefetches (sectors, laureates, their
# sectors). The detail: the resource, its sectors, laureates, their sectors, sources.
EXPECTED = {"list": 8, "list_filtered": 10, "list_search": 8, "detail": 5}


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


def test_thousands_of_laureates_with_resources_are_counted_in_one_query(client, settings):
    # One facet option per laureate: one column each went past PostgreSQL's 1,664 (a 500).
    settings.PAGE_CACHE_ENABLED = False
    laureates = Laureate.objects.bulk_create(
        Laureate(name=f"Lauréat {n}", slug=f"laureat-{n}", status="retenu") for n in range(1700)
    )
    resources = Resource.objects.bulk_create(
        Resource(title=f"Module {n}", slug=f"module-{n}") for n in range(1700)
    )
    Resource.laureates.through.objects.bulk_create(
        Resource.laureates.through(resource=resource, laureate=laureate)
        for resource, laureate in zip(resources, laureates, strict=True)
    )
    response = client.get("/ressources/?type=guide")
    assert response.status_code == 200
    facets = {facet["name"]: facet for facet in response.context["facets"]}
    assert len(facets["laureat"]["options"]) == 1700
    # None is a guide: every laureate's option counts 0 under that filter.
    assert {option["count"] for option in facets["laureat"]["options"]} == {0}
    counts = {
        option["value"]: option["count"]
        for option in {f["name"]: f for f in client.get("/ressources/").context["facets"]}[
            "laureat"
        ]["options"]
    }
    assert counts["laureat-7"] == 1 and sum(counts.values()) == 1700
