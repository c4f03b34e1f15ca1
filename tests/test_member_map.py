"""The map of members by commune: points placed by the region map's projection, each a link
with a title, a table saying the same, and an honest count of the organisations not placed."""

import re

import pytest
from django.urls import reverse

from laureats.models import Membership, Organisation
from laureats.statistics.member_map import member_map
from laureats.statistics.region_map import load_region_map, place

from .factories import LaureateFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

LYON = {
    "city": "Lyon",
    "commune_code": "69123",
    "latitude": 45.758,
    "longitude": 4.835,
    "region_id": "84",
}
RENNES = {
    "city": "Rennes",
    "commune_code": "35238",
    "latitude": 48.111,
    "longitude": -1.68,
    "region_id": "53",
}
SAINT_DENIS = {
    "city": "Saint-Denis",
    "commune_code": "97411",
    "latitude": -20.882,
    "longitude": 55.45,
}


def rings(path):
    """The rings of an SVG path as the region map writes it: "M x yL x y x y ...Z", repeated."""
    for ring in re.findall(r"M([^Z]+)Z", path):
        numbers = [float(n) for n in ring.replace("L", " ").split()]
        yield list(zip(numbers[::2], numbers[1::2], strict=True))


def inside(point, ring):
    """Ray casting: whether `point` is inside the polygon `ring`."""
    x, y = point
    crossings = 0
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
            crossings += 1
    return crossings % 2 == 1


def region_at(point):
    """The region whose outline (as drawn) holds the point."""
    found = [
        region["code"]
        for region in load_region_map()["regions"]
        if sum(inside(point, ring) for ring in rings(region["path"])) % 2 == 1
    ]
    assert len(found) == 1, found
    return found[0]


def test_points_fall_in_their_region():
    assert region_at(place(LYON["longitude"], LYON["latitude"])) == "84"
    assert region_at(place(RENNES["longitude"], RENNES["latitude"])) == "53"
    # La Réunion is drawn in its inset, not somewhere in the Indian Ocean off the map.
    assert region_at(place(SAINT_DENIS["longitude"], SAINT_DENIS["latitude"])) == "04"
    assert region_at(place(2.3522, 48.8566)) == "11"  # Paris
    assert region_at(place(7.75, 48.58)) == "44"  # Strasbourg
    assert place(13.4, 52.5) is None  # Berlin: off the map


@pytest.fixture
def consortium(reference_data):
    laureate = LaureateFactory(is_published=True, slug="consortium-carte")
    for slug, place_fields in [
        ("cfa-lyon", LYON),
        ("labo-lyon", LYON),
        ("cfa-rennes", RENNES),
        ("sans-coordonnees", {"city": "Dijon", "commune_code": "21231"}),
    ]:
        organisation = OrganisationFactory(slug=slug, name=slug.replace("-", " "), **place_fields)
        MembershipFactory(laureate=laureate, organisation=organisation)
    return laureate


def test_map_groups_organisations_by_commune(consortium):
    drawn = member_map(Organisation.objects.all())

    assert [(commune.name, commune.count) for commune in drawn.communes] == [
        ("Lyon", 2),
        ("Rennes", 1),
    ]
    assert (drawn.total, drawn.unlocated, drawn.located) == (4, 1, 3)
    assert "1 organisation sur 4 n'est pas encore localisée" in drawn.unlocated_text


def test_laureate_page_draws_its_members_with_links_and_a_table(client, consortium):
    html = client.get(reverse("laureats:laureate-detail", args=[consortium.slug])).content.decode()

    points = re.findall(r'<a class="member-point" href="([^"]+)" aria-label="([^"]+)"', html)
    assert sorted(points) == [
        ("/organisations/?commune=69123", "Lyon : 2 organisations"),
        ("/organisations/cfa-rennes/", "Rennes : 1 organisation"),
    ]
    assert "<title>Lyon : 2 organisations</title>" in html
    table = html[html.index('member-map-table"') :]
    assert '<th scope="row">Lyon <span class="hint">(69123)</span></th>' in table
    assert 'href="/organisations/labo-lyon/"' in table
    assert "1 organisation sur 4 n&#x27;est pas encore localisée (non localisée)" in html


def test_organisation_page_draws_it_and_its_partners(client, consortium):
    html = client.get(reverse("laureats:organisation-detail", args=["cfa-rennes"])).content
    html = html.decode()
    assert "Où sont cette organisation et ses partenaires" in html
    points = re.findall(r'<a class="member-point" href="([^"]+)" aria-label="([^"]+)"', html)
    assert sorted(points) == [
        ("/organisations/?commune=69123", "Lyon : 2 organisations"),
        ("/organisations/cfa-rennes/", "Rennes : 1 organisation"),
    ]
    assert "1 organisation sur 4 n&#x27;est pas encore localisée (non localisée)" in html


def test_organisations_list_map_follows_the_filters(client, consortium):
    url = reverse("laureats:organisation-list")

    everything = client.get(url).context["member_map"]
    rennes = client.get(url, {"region": "53"}).context["member_map"]

    assert everything.located == 3
    assert [commune.name for commune in rennes.communes] == ["Rennes"]
    # Of thousands, only the located are read; the others are counted from the list's total.
    assert (everything.total, everything.unlocated) == (4, 1)
    assert len(Organisation.objects.for_map()) == 3


def test_no_located_member_says_so_instead_of_an_empty_map(client, reference_data):
    laureate = LaureateFactory(is_published=True)
    for _index in range(3):
        MembershipFactory(laureate=laureate, organisation=OrganisationFactory())

    html = client.get(reverse("laureats:laureate-detail", args=[laureate.slug])).content.decode()

    assert "Aucune des 3 organisations n&#x27;est encore localisée (3 non localisées)" in html
    assert "member-point" not in html
    assert "member-map-table" not in html


def add_located_members(laureate, count):
    """`count` more members of `laureate`, each in a commune of its own, bulk-made."""
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Organisation localisée {n}",
            slug=f"localisee-{n}",
            commune_code=f"{69001 + n}",
            city=f"Commune {n}",
            latitude=45 + n / 1000,
            longitude=4 + n / 1000,
        )
        for n in range(count)
    )
    Membership.objects.bulk_create(
        Membership(laureate=laureate, organisation=organisation) for organisation in organisations
    )
    Organisation.objects.filter(pk__in=[o.pk for o in organisations]).update(
        in_published_laureate=True
    )


@pytest.mark.parametrize("more", [0, 150])
def test_query_counts_do_not_grow_with_the_members(
    client, consortium, django_assert_num_queries, more
):
    add_located_members(consortium, more)
    laureate_url = reverse("laureats:laureate-detail", args=[consortium.slug])
    list_url = reverse("laureats:organisation-list")

    # The laureate, its sectors, regions, sources, members, shared productions: the map reads
    # the members already there.
    with django_assert_num_queries(6):
        response = client.get(laureate_url)
    assert response.context["member_map"].located == 3 + more
    # Regions' and communes' options, the facets with the results' count, the page, the map.
    with django_assert_num_queries(5):
        response = client.get(list_url)
    assert response.context["member_map"].located == 3 + more
