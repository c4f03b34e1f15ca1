"""`Organisation.in_published_laureate` follows every write, and the pages that read it (the
statistics, the home page, the organisation list, the site maps, the open data page) show the
numbers the semi-join over the memberships gave."""

import importlib
import io

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from laureats.models import Laureate, Membership, Organisation
from laureats.statistics.figures import LaureateStatistics

from .factories import MembershipFactory, OrganisationFactory, make_laureate
from .import_rows import csv_line, run_import, write

pytestmark = pytest.mark.django_db


def public_the_slow_way():
    """The organisations the rows say are public: a member of at least one published laureate."""
    return set(
        Organisation.objects.filter(memberships__laureate__is_published=True).values_list(
            "slug", flat=True
        )
    )


def flagged():
    return set(
        Organisation.objects.filter(in_published_laureate=True).values_list("slug", flat=True)
    )


def assert_flags_follow_the_rows():
    assert flagged() == public_the_slow_way()


def is_flagged(organisation):
    organisation.refresh_from_db()
    return organisation.in_published_laureate


def test_memberships_and_publication_keep_the_flag(db):
    organisation = OrganisationFactory(slug="suivie")
    assert not is_flagged(organisation)
    laureate = make_laureate(slug="publie")
    membership = MembershipFactory(laureate=laureate, organisation=organisation)
    assert is_flagged(organisation)

    # Withdrawn and published again, saved whole or by update_fields.
    laureate.is_published = False
    laureate.save()
    assert not is_flagged(organisation)
    laureate.is_published = True
    laureate.save(update_fields=["is_published"])
    assert is_flagged(organisation)

    # Moved to an unpublished laureate, then back.
    hidden = make_laureate(slug="cache", is_published=False)
    membership.laureate = hidden
    membership.save()
    assert not is_flagged(organisation)
    membership.laureate = laureate
    membership.save()
    assert is_flagged(organisation)

    # Moved to another organisation: the first one is no longer public, the second one is.
    other = OrganisationFactory(slug="autre")
    membership.organisation = other
    membership.save()
    assert not is_flagged(organisation) and is_flagged(other)

    # A new role changes nothing.
    membership.role = Membership.Role.LEAD
    membership.save()
    assert is_flagged(other)

    Membership.objects.get(pk=membership.pk).delete()
    assert not is_flagged(other)
    assert_flags_follow_the_rows()


def test_saving_an_organisation_read_before_keeps_the_flag(db):
    # Its instance still holds the flag it had when read: save() must not write it back.
    organisation = OrganisationFactory()
    make_laureate(members=[organisation])
    assert not organisation.in_published_laureate
    organisation.city = "Villeurbanne"
    organisation.save()
    assert is_flagged(organisation)
    # Nor can one be created public, or made public by hand.
    created = OrganisationFactory(in_published_laureate=True)
    assert not is_flagged(created)
    created.in_published_laureate = True
    created.save(update_fields=["in_published_laureate"])
    assert not is_flagged(created)
    assert_flags_follow_the_rows()


def test_deleting_laureates_keeps_the_flag(db):
    shared, alone = OrganisationFactory(slug="partagee"), OrganisationFactory(slug="seule")
    first = make_laureate(slug="premier", members=[shared, alone])
    make_laureate(slug="second", members=[shared])
    third = make_laureate(slug="troisieme", partners=2)
    assert flagged() == public_the_slow_way() and {"partagee", "seule"} <= flagged()

    first.delete()
    assert is_flagged(shared) and not is_flagged(alone)
    assert_flags_follow_the_rows()

    # A queryset's delete(), several laureates at once.
    left = set(third.memberships.values_list("organisation__slug", flat=True))
    Laureate.objects.filter(slug__in=["second", "troisieme"]).delete()
    assert flagged().isdisjoint(left | {"partagee"})
    assert_flags_follow_the_rows()


def test_an_unpublished_laureate_deleted_changes_nothing_else(db):
    organisation = OrganisationFactory()
    make_laureate(slug="publie", members=[organisation])
    make_laureate(slug="cache", members=[organisation], is_published=False).delete()
    assert is_flagged(organisation)


def test_admin_edit_keeps_the_flag(staff_client, reference_data):
    from .test_admin import laureate_form_data

    laureate = make_laureate(slug="edite", name="Édité", scope="nationale")
    lead, partner = OrganisationFactory(), OrganisationFactory()
    data = laureate_form_data(laureate, [(lead, Membership.Role.LEAD), (partner, "partenaire")])
    url = reverse("admin:laureats_laureate_change", args=[laureate.pk])
    assert staff_client.post(url, data).status_code == 302
    assert is_flagged(lead) and is_flagged(partner)

    # Unpublished in the admin: the checkbox left out of the form.
    data = laureate_form_data(laureate, [])
    del data["is_published"]
    assert staff_client.post(url, data).status_code == 302
    assert not is_flagged(lead) and not is_flagged(partner)
    assert_flags_follow_the_rows()


def test_import_keeps_the_flag(reference_data, tmp_path):
    run_import(write(tmp_path, csv_line(), csv_line(slug="cache", nom="Caché", publie="non")))
    assert flagged() == {"cfa-de-test", "laboratoire-de-test"} == public_the_slow_way()

    # The laboratory leaves the consortium (a bulk delete, no signal); the hidden one is
    # published.
    members = "porteur:cfa::CFA de test"
    run_import(
        write(tmp_path, csv_line(membres=members), csv_line(slug="cache", nom="Caché", membres=""))
    )
    assert flagged() == {"cfa-de-test"} == public_the_slow_way()
    assert_flags_follow_the_rows()


def test_generated_data_has_its_flags(db):
    call_command("generate_synthetic", "--laureates", "30", stdout=io.StringIO())
    assert flagged()
    assert_flags_follow_the_rows()


def test_the_migration_fills_the_flag(sample_catalogue):
    migration = importlib.import_module(
        "laureats.migrations.0014_organisation_in_published_laureate"
    )
    expected = flagged()
    Organisation.objects.update(in_published_laureate=False)
    migration.fill_flag(apps, None)
    assert flagged() == expected == public_the_slow_way()


def member_kinds_the_slow_way(laureates):
    members = Membership.objects.filter(laureate__in=laureates).values("organisation_id")
    return dict(
        Organisation.objects.filter(pk__in=members)
        .order_by()
        .values_list("kind")
        .annotate(n=Count("pk"))
    )


def counts(breakdown):
    return {row.value: (row.count, row.laureates) for row in breakdown.rows}


def test_pages_show_the_numbers_of_the_semi_join(client, sample_catalogue):
    published = Laureate.objects.published()
    slow = member_kinds_the_slow_way(published)
    by_flag = LaureateStatistics.of_published().member_kinds
    by_join = LaureateStatistics(published).member_kinds
    assert counts(by_flag) == counts(by_join)
    assert {row.value: row.count for row in by_flag.rows} == slow

    statistics = client.get(reverse("laureats:statistics"))
    chart = next(c for c in statistics.context["charts"] if c["key"] == "types-membres")
    assert {row["value"]: row["count"] for row in chart["rows"]} == slow
    home = client.get(reverse("laureats:home"))
    chart = next(c for c in home.context["home_charts"] if c["key"] == "types-membres")
    assert {row["value"]: row["count"] for row in chart["rows"]} == slow

    public = public_the_slow_way()
    listed = client.get(reverse("laureats:organisation-list"))
    assert listed.context["page_obj"].paginator.count == len(public)
    assert {o.slug for o in listed.context["page_obj"]} == public
    opendata = client.get(reverse("laureats:open-data"))
    assert opendata.context["organisation_count"] == len(public)
    site_map = client.get(reverse("laureats:site-map"))
    assert {o.slug for o in site_map.context["organisations"]} == public


def test_a_filtered_statistics_page_still_counts_its_own_members(client, sample_catalogue):
    national = Laureate.objects.published().filter(scope=Laureate.Scope.NATIONAL)
    response = client.get(reverse("laureats:statistics"), {"portee": "nationale"})
    chart = next(c for c in response.context["charts"] if c["key"] == "types-membres")
    assert {row["value"]: row["count"] for row in chart["rows"]} == member_kinds_the_slow_way(
        national
    )
