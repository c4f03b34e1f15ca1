"""generate_synthetic: synthetic laureates for load tests, never mixed with real data."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q

from laureats import derived
from laureats.models import Laureate, Membership, Organisation, Region, Sector
from laureats.text.folding import normalize_text

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

MARK = "[Synthétique] "


def generate(*args):
    call_command("generate_synthetic", *args, stdout=io.StringIO())


def test_refuses_a_database_with_real_data(sample_catalogue):
    # Real means not marked synthetic: the made-up catalogue stands in for the shipped data.
    before = Laureate.objects.count()
    with pytest.raises(CommandError, match="données réelles"):
        generate("--laureates", "5")
    assert Laureate.objects.count() == before


def test_adds_to_real_data_only_when_told(sample_catalogue):
    real = Laureate.objects.count()
    generate("--laureates", "5", "--allow-real-data")
    assert Laureate.objects.count() == real + 5
    assert Laureate.objects.filter(is_synthetic=False).count() == real


def test_marks_every_record_synthetic(db):
    generate("--laureates", "40")
    assert Laureate.objects.count() == 40
    assert Organisation.objects.count() == 80
    for model in [Laureate, Organisation]:
        assert not model.objects.filter(is_synthetic=False).exists()
        assert not model.objects.exclude(name__startswith=MARK).exists()


def test_every_sector_region_scope_and_status_is_represented(db):
    generate("--laureates", "60")
    laureates = Laureate.objects.all()
    assert set(laureates.values_list("scope", flat=True)) == {"", *Laureate.Scope.values}
    assert set(laureates.values_list("status", flat=True)) == set(Laureate.Status.values)
    assert not Sector.objects.annotate(n=Count("laureates")).filter(n=0).exists()
    assert not Region.objects.annotate(n=Count("laureates")).filter(n=0).exists()
    kinds = set(Organisation.objects.values_list("kind", flat=True))
    assert kinds == set(Organisation.Kind.values)


def test_consortia_look_like_real_ones(db):
    generate("--laureates", "200")
    assert 6 <= Membership.objects.count() / 200 <= 8
    # Exactly one lead each.
    leads = Laureate.objects.annotate(
        leads=Count("memberships", filter=Q(memberships__role=Membership.Role.LEAD))
    )
    assert set(leads.values_list("leads", flat=True)) == {1}
    lengths = [len(name) for name in Laureate.objects.values_list("name", flat=True)]
    assert 40 <= sum(lengths) / len(lengths) <= 120
    with_amounts = Laureate.objects.exclude(total_cost=None)
    assert with_amounts.exists()
    assert all(laureate.aid_rate <= 70 for laureate in with_amounts)


def test_synthetic_laureates_are_searchable(db):
    generate("--laureates", "20")
    for laureate in Laureate.objects.all():
        assert laureate.search_document.startswith(normalize_text(laureate.name))
    # Every derived column, the search text among them, is its owner's recomputation.
    assert not derived.check()


def test_a_second_run_adds_new_records(db):
    generate("--laureates", "10")
    generate("--laureates", "10")
    assert Laureate.objects.count() == 20


def test_synthetic_resources_are_marked_varied_and_searchable(db):
    from laureats.models import Resource

    generate("--laureates", "30", "--resources", "120")
    resources = Resource.objects.all()
    assert resources.count() == 120
    assert not resources.filter(is_synthetic=False).exists()
    assert not resources.exclude(title__startswith=MARK).exists()
    # Every kind, licence, access and status, and some left empty ("non saisi").
    for name in ["kind", "licence", "access", "status", "language"]:
        values = set(resources.values_list(name, flat=True))
        choices = {value for value, _label in Resource._meta.get_field(name).choices}
        assert values == {"", *choices}, name
    assert not resources.annotate(n=Count("laureates")).filter(n=0).exists()
    assert set(resources.values_list("laureates__is_synthetic", flat=True)) == {True}
    # Their search text names their laureates: the owner rebuilt it after the bulk writes.
    assert not derived.check()


def test_resources_are_refused_on_real_data_and_numbered_on(db):
    from laureats.models import Resource

    generate("--laureates", "5", "--resources", "3")
    generate("--laureates", "5", "--resources", "3")
    assert Resource.objects.count() == 6
    with pytest.raises(CommandError, match="négatif"):
        generate("--laureates", "5", "--resources", "-1")
