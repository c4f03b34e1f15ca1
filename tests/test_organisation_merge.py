"""Likely duplicate organisations found, and two records of one organisation merged with
nothing lost: memberships, proposals, history, names."""

from html import unescape

import pytest
from django.urls import reverse

from laureats import derived
from laureats.models import Membership, Organisation, Proposal
from laureats.organisations.merge import MergeRefused, duplicate_groups, merge

from .factories import LaureateFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

SIREN = "732829320"
SIRET = "73282932000074"


def test_duplicates_are_found_by_siren_and_by_folded_names_and_aliases():
    cfa = OrganisationFactory(name="CFA du Bâtiment Provence-Alpes-Côte d'Azur")
    same_name = OrganisationFactory(name="cfa du batiment provence alpes cote d’azur")
    by_alias = OrganisationFactory(name="BTP CFA Sud", aliases="CFA BTP Paca\n")
    acronym = OrganisationFactory(name="CFA BTP PACA")
    first_siren = OrganisationFactory(name="Société A", siren=SIREN)
    second_siren = OrganisationFactory(name="A (ancien nom)", siren="", aliases="")
    Organisation.objects.filter(pk=second_siren.pk).update(siren="")
    alone = OrganisationFactory(name="Lycée Jean Moulin")
    groups = duplicate_groups(Organisation.objects.order_by("pk"))
    as_sets = sorted(sorted(o.pk for o in group) for group in groups)
    assert as_sets == sorted([sorted([cfa.pk, same_name.pk]), sorted([by_alias.pk, acronym.pk])])
    assert all(alone not in group and first_siren not in group for group in groups)


def test_a_shared_siren_makes_a_duplicate():
    first = OrganisationFactory(name="Nom officiel", siren=SIREN)
    second = Organisation(name="Autre graphie", slug="autre-graphie", siren=SIREN)
    # The unique constraint keeps a second row with this SIREN out of the table: built here.
    groups = duplicate_groups([first, Organisation(pk=10**6, name="x", slug="x"), second])
    assert [[o.name for o in group] for group in groups] == [["Nom officiel", "Autre graphie"]]


def merge_pair():
    kept = OrganisationFactory(name="CFA du Bâtiment PACA", city="", aliases="CFA BTP")
    absorbed = OrganisationFactory(
        name="CFA BTP Paca", city="Marseille", siren=SIREN, siret=SIRET, aliases="BTP Sud"
    )
    only_absorbed = LaureateFactory(is_published=True)
    both = LaureateFactory(is_published=True)
    MembershipFactory(laureate=only_absorbed, organisation=absorbed, role=Membership.Role.LEAD)
    MembershipFactory(laureate=both, organisation=kept, role=Membership.Role.PARTNER)
    MembershipFactory(laureate=both, organisation=absorbed, role=Membership.Role.LEAD)
    kept_only = LaureateFactory(is_published=True)
    MembershipFactory(laureate=kept_only, organisation=kept)
    proposal = Proposal.objects.create(
        kind=Proposal.Kind.ORGANISATION,
        organisation=absorbed,
        value="Marseille",
        source_url="https://example.org/",
        email="a@example.org",
    )
    kept.refresh_from_db()
    absorbed.refresh_from_db()
    return kept, absorbed, (only_absorbed, both, kept_only), proposal


def test_a_merge_loses_nothing():
    kept, absorbed, (only_absorbed, both, kept_only), proposal = merge_pair()
    absorbed_pk, history_before = absorbed.pk, absorbed.history.count()
    merge(kept.pk, absorbed.pk, kept.version, absorbed.version)

    assert not Organisation.objects.filter(pk=absorbed_pk).exists()
    kept.refresh_from_db()
    members = {m.laureate_id: m.role for m in kept.memberships.all()}
    assert members == {
        only_absorbed.pk: Membership.Role.LEAD,
        both.pk: Membership.Role.LEAD,  # one membership, lead as the other one was
        kept_only.pk: Membership.Role.PARTNER,
    }
    assert Membership.objects.filter(laureate=both).count() == 1
    # Names: the other's name and aliases become aliases; empty fields are filled.
    assert kept.alias_list() == ["CFA BTP", "CFA BTP Paca", "BTP Sud"]
    assert (kept.city, kept.siren, kept.siret) == ("Marseille", SIREN, SIRET)
    proposal.refresh_from_db()
    assert proposal.organisation == kept
    # History: the other's records stay, ending with its deletion and the reason.
    gone = Organisation.history.filter(id=absorbed_pk).order_by("-history_id")
    assert gone.count() == history_before + 1
    assert gone[0].history_type == "-"
    assert "Fusion" in gone[0].history_change_reason
    assert gone[0].siret == SIRET
    assert "Fusion" in kept.history.latest().history_change_reason
    # Derived columns (search text, public flag, laureates' member names) follow.
    assert not derived.check()
    both.refresh_from_db()
    assert "cfa du batiment paca" in both.search_document


def test_a_stale_merge_page_merges_nothing():
    kept, absorbed, _laureates, _proposal = merge_pair()
    version = absorbed.version
    absorbed.city = "Toulon"
    absorbed.save()
    with pytest.raises(MergeRefused):
        merge(kept.pk, absorbed.pk, kept.version, version)
    assert Organisation.objects.filter(pk=absorbed.pk).exists()
    assert absorbed.memberships.count() == 2


def test_two_sirens_are_two_companies():
    kept = OrganisationFactory(name="A", siren=SIREN)
    other = OrganisationFactory(name="A", siren="552081317")
    with pytest.raises(MergeRefused, match="SIREN différents"):
        merge(kept.pk, other.pk, kept.version, other.version)


def test_every_relation_to_an_organisation_is_handled_by_the_merge():
    # A new table pointing at organisations must be taught to the merge, or it would lose rows.
    relations = {rel.related_model.__name__ for rel in Organisation._meta.related_objects}
    assert relations == {"Membership", "Proposal"}


def test_the_admin_lists_duplicates_and_merges_them(staff_client):
    kept, absorbed, _laureates, _proposal = merge_pair()
    Organisation.objects.filter(pk=kept.pk).update(aliases="CFA BTP\nCFA BTP Paca")
    changelist = reverse("admin:laureats_organisation_changelist")
    page = staff_client.post(
        changelist, {"action": "find_duplicates", "_selected_action": [kept.pk]}
    )
    assert page.status_code == 200
    text = unescape(page.content.decode())
    # The first in name order is offered as the one kept.
    assert "Fusionner CFA du Bâtiment PACA" in text
    merge_page = staff_client.get(
        reverse("admin:laureats_organisation_merge"),
        {"garder": kept.pk, "fusionner": absorbed.pk},
    )
    assert "1 participation déplacée" in unescape(merge_page.content.decode())
    kept.refresh_from_db()
    response = staff_client.post(
        reverse("admin:laureats_organisation_merge"),
        {
            "kept": kept.pk,
            "absorbed": absorbed.pk,
            "kept_version": kept.version,
            "absorbed_version": absorbed.version,
        },
    )
    assert response.status_code == 302
    assert not Organisation.objects.filter(pk=absorbed.pk).exists()


@pytest.mark.parametrize(
    "query", [{}, {"garder": "abc", "fusionner": "1"}, {"garder": "1", "fusionner": "1"}]
)
def test_a_merge_page_without_two_organisations_says_so(staff_client, query):
    response = staff_client.get(reverse("admin:laureats_organisation_merge"), query, follow=True)
    assert response.status_code == 200
    assert "organisations" in unescape(response.content.decode())


def test_a_siren_that_contradicts_the_kept_siret_is_not_taken():
    kept = OrganisationFactory(name="B", siret=SIRET)
    other = OrganisationFactory(name="B", siren="552081317")
    merge(kept.pk, other.pk, kept.version, other.version)
    kept.refresh_from_db()
    assert (kept.siren, kept.siret) == ("", SIRET)
    kept.full_clean()


def test_the_merge_action_takes_exactly_two_organisations(staff_client):
    first, second, third = (OrganisationFactory(name=name) for name in ["A", "B", "C"])
    changelist = reverse("admin:laureats_organisation_changelist")
    two = staff_client.post(
        changelist, {"action": "merge_two", "_selected_action": [first.pk, second.pk]}
    )
    assert two.status_code == 302
    assert two["Location"].endswith(f"?garder={first.pk}&fusionner={second.pk}")
    three = staff_client.post(
        changelist,
        {"action": "merge_two", "_selected_action": [first.pk, second.pk, third.pk]},
        follow=True,
    )
    assert "Sélectionnez exactement deux organisations" in unescape(three.content.decode())
    assert Organisation.objects.count() == 3
