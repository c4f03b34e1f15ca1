"""Every public page costs a fixed number of queries, however many laureates there are."""

import pytest
from django.urls import reverse

from laureats import derived
from laureats.models import Laureate, Membership, Organisation, Region, Sector

pytestmark = pytest.mark.django_db

# Pages of the sample catalogue (tests/factories.py: build_sample_catalogue). Its national
# construction consortium is led by this branch, with a CFA among its partners.
LAUREATE = "chantier-numerique-fictif"
ORGANISATION = "reseau-fictif-batiment"

PAGES = {
    "home": lambda: reverse("laureats:home"),
    "list": lambda: reverse("laureats:laureate-list"),
    "list_filtered": lambda: (
        reverse("laureats:laureate-list")
        + "?secteur=sante-social&secteur=construction-btp&portee=nationale&statut=reoriente-cma"
        + f"&type_membre=cfa&organisation={ORGANISATION}&tri=-aide"
    ),
    "list_search": lambda: reverse("laureats:laureate-list") + "?q=numerique",
    "list_sector": lambda: reverse("laureats:laureate-list") + "?secteur=construction-btp",
    "laureate": lambda: reverse("laureats:laureate-detail", args=[LAUREATE]),
    "organisation": lambda: reverse("laureats:organisation-detail", args=[ORGANISATION]),
    "organisations": lambda: reverse("laureats:organisation-list") + "?type=cfa",
}

# Exact counts with the sample catalogue, every page showing at least one result. The list:
# 2 option lists, page, 3 prefetches, coverage count, and the facets: one query for those not
# ticked, which also counts the results, one more for each facet ticked (4 in list_filtered).
# A sector, scope or status chosen adds, after each change of the data, the official figures
# of filter values and the laureates entered for each (announced.py; none on the next request:
# tests/test_announced.py).
EXPECTED = {
    # Figures, sources, count, sectors, the entered laureates; the small map and two charts:
    # totals, regions, kinds; the completeness of them all; the shared productions' count.
    "home": 10,
    "list": 8,
    "list_filtered": 14,
    "list_search": 8,
    "list_sector": 11,
    # Its shared productions: one prefetch.
    "laureate": 6,
    # The organisation, its consortia with their members. It has no region: no possible
    # partners are looked for (one more query when it has one: tests/test_partners.py).
    "organisation": 3,
    # The regions' and communes' options, the facets (one query for those not ticked with the
    # results' count, one for the ticked type), the page, and the member map's organisations.
    "organisations": 6,
}


def add_many_laureates(count=200, members_each=7, shared_member=ORGANISATION):
    """Bulk-made laureates with members, sectors and regions, to reveal any N+1 query.

    `shared_member` (an existing organisation's slug) joins every one of them.
    """
    sectors = list(Sector.objects.all())
    regions = list(Region.objects.all())
    laureates = Laureate.objects.bulk_create(
        Laureate(
            name=f"Formation numérique synthétique {n}",
            slug=f"synthetique-{n}",
            status=Laureate.Status.RETAINED,
            scope=Laureate.Scope.INTERREGIONAL,
            is_synthetic=True,
            search_document=f"formation numerique synthetique {n}",
        )
        for n in range(count)
    )
    organisations = Organisation.objects.bulk_create(
        Organisation(name=f"Organisation {n}", slug=f"organisation-synth-{n}", kind="cfa")
        for n in range(count * members_each)
    )
    shared = Organisation.objects.get(slug=shared_member)
    memberships = []
    for index, laureate in enumerate(laureates):
        chunk = organisations[index * members_each : (index + 1) * members_each]
        memberships.append(Membership(laureate=laureate, organisation=chunk[0], role="porteur"))
        memberships += [Membership(laureate=laureate, organisation=o) for o in chunk[1:]]
        memberships.append(Membership(laureate=laureate, organisation=shared))
    Membership.objects.bulk_create(memberships)
    Laureate.sectors.through.objects.bulk_create(
        Laureate.sectors.through(laureate=laureate, sector=sectors[i % len(sectors)])
        for i, laureate in enumerate(laureates)
    )
    Laureate.regions.through.objects.bulk_create(
        Laureate.regions.through(laureate=laureate, region=regions[i % len(regions)])
        for i, laureate in enumerate(laureates)
    )
    # The relation's rows, written without its managers, send no signal: named to the owner.
    derived.note([laureate.pk for laureate in laureates])


@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_is_fixed(client, sample_catalogue, django_assert_num_queries, page):
    url = PAGES[page]()
    with django_assert_num_queries(EXPECTED[page]):
        response = client.get(url)
    assert response.status_code == 200
    if "page_obj" in response.context:
        assert len(response.context["page_obj"]) > 0


@pytest.mark.parametrize("page", PAGES)
def test_page_query_count_does_not_grow_with_data(
    client, sample_catalogue, django_assert_num_queries, page
):
    add_many_laureates()
    url = PAGES[page]()
    with django_assert_num_queries(EXPECTED[page]):
        response = client.get(url)
    assert response.status_code == 200
