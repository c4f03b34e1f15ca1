"""The partner-finder of an organisation's page: its partners in published consortia with
their roles, and "Partenaires possibles" near it (issue 25)."""

from html import unescape

import pytest

from laureats.models import Membership, Organisation, Sector
from laureats.organisations.partners import partners, possible_partners

from .factories import OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db

CFA = Organisation.Kind.CFA


@pytest.fixture
def network(reference_data):
    """A CFA in Brittany (53) with two published consortia, one unpublished, and neighbours."""
    sector = Sector.objects.get(slug="construction-btp")
    other_sector = Sector.objects.get(slug="sante-social")
    cfa = OrganisationFactory(name="CFA des Bâtisseurs", kind=CFA, region_id="53")
    lab = OrganisationFactory(name="Laboratoire Armor", kind="laboratoire", region_id="53")
    branch = OrganisationFactory(name="Branche BTP", kind="branche-opco", region_id="84")
    hidden = OrganisationFactory(name="Partenaire non publié", kind=CFA, region_id="53")
    make_laureate(
        name="Chantier école",
        lead=cfa,
        members=[lab, branch],
        sectors=[sector],
        is_published=True,
    )
    make_laureate(name="Bâtir demain", lead=branch, members=[cfa], is_published=True)
    make_laureate(name="Brouillon", lead=hidden, members=[cfa], is_published=False)
    # Neighbours: same region and kind; same region and sector; same region, neither; elsewhere.
    same_kind = OrganisationFactory(name="CFA de Vannes", kind=CFA, region_id="53")
    same_sector = OrganisationFactory(name="Entreprise Menhir", kind="entreprise", region_id="53")
    unrelated = OrganisationFactory(name="Hôpital Iroise", kind="acteur-public", region_id="53")
    far = OrganisationFactory(name="CFA de Nice", kind=CFA, region_id="93")
    make_laureate(name="Voisins 1", lead=same_kind, members=[far], is_published=True)
    make_laureate(name="Voisins 2", lead=same_sector, sectors=[sector], is_published=True)
    make_laureate(name="Voisins 3", lead=unrelated, sectors=[other_sector], is_published=True)
    return cfa


def detail(cfa):
    return Organisation.objects.for_detail().get(pk=cfa.pk)


def test_partners_are_those_of_published_consortia_with_their_roles(network):
    found = partners(detail(network))
    assert [p.organisation.name for p in found] == ["Branche BTP", "Laboratoire Armor"]
    branch = found[0]
    assert sorted(
        (laureate.name, mine.role, theirs.role) for laureate, mine, theirs in branch.consortia
    ) == [
        ("Bâtir demain", Membership.Role.PARTNER, Membership.Role.LEAD),
        ("Chantier école", Membership.Role.LEAD, Membership.Role.PARTNER),
    ]


def test_possible_partners_are_near_and_alike_and_not_yet_partners(network):
    organisation = detail(network)
    found = possible_partners(organisation, [p.organisation.pk for p in partners(organisation)])
    assert [o.name for o in found] == ["CFA de Vannes", "Entreprise Menhir"]


def test_without_a_region_no_neighbour_is_suggested(network):
    Organisation.objects.filter(pk=network.pk).update(region=None)
    assert possible_partners(detail(network), []) is None
    page = unescape(network_page_text(network))
    assert "Sa région n'est pas renseignée" in page


def network_page_text(organisation):
    from django.test import Client

    return Client().get(organisation.get_absolute_url()).content.decode()


def test_the_page_shows_partners_as_a_table_and_possible_partners(client, network):
    page = unescape(client.get(network.get_absolute_url()).content.decode())
    assert "2 organisations partagent un consortium publié avec elle" in page
    branch = Organisation.objects.get(name="Branche BTP")
    assert f'<th scope="row"><a href="{branch.get_absolute_url()}">Branche BTP</a></th>' in page
    assert "porteur ; rôle de cette organisation : partenaire" in page
    assert "Partenaires possibles" in page
    assert "CFA de Vannes" in page and "Entreprise Menhir" in page
    assert "Hôpital Iroise" not in page and "CFA de Nice" not in page
    assert "Partenaire non publié" not in page


def add_neighbours(cfa, count):
    """`count` published consortia of organisations of the CFA's region, each with partners."""
    for index in range(count):
        lead = OrganisationFactory(name=f"CFA voisin {index}", kind=CFA, region_id="53")
        make_laureate(
            name=f"Voisinage {index}", lead=lead, members=[cfa], partners=3, is_published=True
        )


@pytest.mark.parametrize("extra", [0, 30])
def test_the_page_query_count_is_fixed(client, network, django_assert_num_queries, extra):
    add_neighbours(network, extra)
    with django_assert_num_queries(4):
        response = client.get(network.get_absolute_url())
    assert response.status_code == 200
    assert len(response.context["partners"]) == 2 + 4 * extra
    assert len(response.context["possible_partners"]) == min(12, 1 + 1 + 0)


def test_the_graph_links_every_partner_and_joins_partners_of_one_consortium(client, network):
    response = client.get(network.get_absolute_url())
    graph = response.context["partner_graph"]
    assert [node.name for node in graph["nodes"]] == ["Branche BTP", "Laboratoire Armor"]
    # Both are in "Chantier école": one line between them.
    assert [(a.name, b.name) for a, b in graph["between"]] == [("Branche BTP", "Laboratoire Armor")]
    page = unescape(response.content.decode())
    assert 'role="group" aria-labelledby="partner-graph-title"' in page
    assert 'aria-label="Branche BTP : 2 consortiums en commun"' in page


def test_a_large_network_draws_the_most_connected_and_says_how_many_are_left(client, network):
    add_neighbours(network, 6)
    graph = client.get(network.get_absolute_url()).context["partner_graph"]
    assert len(graph["nodes"]) == 16
    assert graph["hidden"] == 2 + 6 * 4 - 16
    assert graph["nodes"][0].name == "Branche BTP"
