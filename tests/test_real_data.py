"""The shipped data: only what the public sources state, loaded the way `make run` loads it."""

import json
from pathlib import Path

import pytest
from django.core.management import call_command

from laureats.models import (
    Laureate,
    Membership,
    Organisation,
    ProgrammeFigure,
    Region,
    Sector,
    Source,
)
from laureats.stats import LaureateStatistics

pytestmark = pytest.mark.django_db

FACTS = Path(__file__).resolve().parents[1] / "fixtures"


def test_real_data_gives_the_documented_counts(real_data):
    assert Region.objects.count() == 18
    assert Sector.objects.count() == 8
    assert Laureate.objects.count() == 4
    assert Organisation.objects.count() == 5
    assert Membership.objects.filter(role=Membership.Role.LEAD).count() == 4
    assert Source.objects.count() == 8
    assert ProgrammeFigure.objects.get(key="laureates").value == 62
    assert ProgrammeFigure.objects.filter(sector__isnull=False).count() == 7


def test_regions_have_their_insee_codes(real_data):
    assert Region.objects.get(pk="27").name == "Bourgogne-Franche-Comté"
    assert Region.objects.get(pk="06").name == "Mayotte"
    assert Region.objects.get(pk="94").name == "Corse"


def test_every_laureate_has_a_lead_and_a_source(real_data):
    for laureate in Laureate.objects.all():
        assert laureate.lead is not None, laureate
        assert laureate.sources.exists(), laureate


def test_every_figure_has_a_source(real_data):
    for figure in ProgrammeFigure.objects.all():
        assert figure.sources.exists(), figure


def test_amounts_are_the_published_ones(real_data):
    laureate = Laureate.objects.get(slug="nid-ai-e")
    assert (laureate.total_cost, laureate.state_aid) == (6_928_135, 4_849_695)
    assert laureate.status == Laureate.Status.RETAINED


def test_cumulative_state_aid_adds_granted_amounts_only(real_data):
    # e-deffinum's 5,398,685 € is the amount it requested (its data_note and source say so),
    # for a project redirected to another programme: it is shown apart, never added.
    assert Laureate.objects.get(slug="e-deffinum").state_aid_kind == "demandee"
    totals = LaureateStatistics(Laureate.objects.published()).totals
    assert totals["total_aid"] == 4_849_695 + 3_560_739 == 8_410_434
    assert totals["total_requested_aid"] == 5_398_685


def test_ccca_btp_project_is_national_construction_and_redirected(real_data):
    laureate = Laureate.objects.get(slug="creer-innover-hybrider-metiers-batiment")
    assert laureate.scope == Laureate.Scope.NATIONAL
    assert list(laureate.sectors.values_list("slug", flat=True)) == ["construction-btp"]
    assert laureate.status == Laureate.Status.REDIRECTED
    assert laureate.total_cost is None and laureate.state_aid is None


def test_loading_twice_keeps_what_an_admin_changed(real_data):
    Laureate.objects.filter(slug="e-deffinum").update(summary="Corrigé par un administrateur")
    call_command("load_real_data", verbosity=0)
    assert Laureate.objects.get(slug="e-deffinum").summary == "Corrigé par un administrateur"
    assert Laureate.objects.count() == 4


def test_fixtures_reload_without_duplicates(real_data):
    call_command("load_real_data", "--force", verbosity=0)
    assert Laureate.objects.count() == 4
    assert Organisation.objects.count() == 5


def test_no_synthetic_record_in_the_fixtures():
    for path in FACTS.glob("*.json"):
        for record in json.loads(path.read_text()):
            assert not record["fields"].get("is_synthetic"), path
