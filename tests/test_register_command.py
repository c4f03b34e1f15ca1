"""`manage.py enrich_organisations`: the diff printed without writing, --apply filling only the
empty fields, organisations without SIREN left to the admin, a failing service stopping the
run. The register is replayed."""

from io import StringIO

import pytest
import requests
from django.core.management import CommandError, call_command

from laureats.models import Organisation

from .factories import OrganisationFactory
from .register_replay import API, answer, query, replayed

pytestmark = pytest.mark.django_db

SIREN = "356000000"


@pytest.fixture
def register(monkeypatch, reference_data):
    waits = []
    with replayed(monkeypatch, waits) as mock:
        mock.waits = waits
        yield mock


def run(*args):
    out = StringIO()
    call_command("enrich_organisations", *args, stdout=out)
    return out.getvalue()


def test_a_dry_run_prints_the_diff_and_writes_nothing(register):
    register.get(API, json=answer("by_siren.json"), match=[query(q=SIREN)])
    organisation = OrganisationFactory(siren=SIREN, city="Paris", kind="autre")
    OrganisationFactory(siren="")
    version = organisation.version
    out = run()
    assert "Adresse : non renseigné → 9 RUE DU COLONEL PIERRE AVIA (champ vide)" in out
    assert "Ville : Paris → PARIS 15 (déjà renseigné : gardé)" in out
    assert "type suggéré par la catégorie juridique : entreprise (non appliqué" in out
    assert "1 sans SIREN ni SIRET" in out
    assert "Rien n'a été écrit" in out
    organisation.refresh_from_db()
    assert (organisation.address, organisation.version) == ("", version)


def test_apply_fills_the_empty_fields_only(register):
    register.get(API, json=answer("by_siren.json"), match=[query(q=SIREN)])
    organisation = OrganisationFactory(name="La Poste groupe", siren=SIREN, city="Paris")
    out = run("--apply")
    assert "1 organisation(s) interrogée(s), 1 complétée(s)" in out
    organisation.refresh_from_db()
    assert (organisation.address, organisation.commune_code, organisation.region_id) == (
        "9 RUE DU COLONEL PIERRE AVIA",
        "75115",
        "11",
    )
    assert (organisation.latitude, organisation.is_qualiopi) == (48.83002, False)
    # Already filled, or a person's decision: kept.
    assert (organisation.name, organisation.city) == ("La Poste groupe", "Paris")
    assert organisation.kind == Organisation.Kind.CFA
    assert organisation.register_fetched_at is not None
    assert "Licence Ouverte" in organisation.history.latest().history_change_reason
    # Compared once: the next run leaves it alone, unless --all.
    assert "0 organisation(s) interrogée(s)" in run("--apply")


def test_the_siret_is_asked_when_known(register):
    register.get(API, json=answer("by_siret.json"), match=[query(q="90000000100009")])
    organisation = OrganisationFactory(siret="90000000100009", city="")
    run("--apply", "--organisation", organisation.slug)
    organisation.refresh_from_db()
    assert (organisation.city, organisation.region_id, organisation.siren) == (
        "CORTE",
        "94",
        "900000001",
    )


def test_the_service_failing_stops_the_run(register):
    register.get(API, body=requests.ConnectionError("refused"))
    OrganisationFactory(siren=SIREN)
    OrganisationFactory(siren="732829320")
    with pytest.raises(CommandError, match="injoignable"):
        run("--apply")
    assert len(register.calls) == 1


def test_each_request_waits_its_turn(register):
    for siren in [SIREN, "732829320", "552081317"]:
        register.get(API, json=answer("no_result.json"), match=[query(q=siren)])
        OrganisationFactory(siren=siren)
    out = run()
    assert out.count("ne connaît pas le numéro") == 3
    # Three requests started within one call: the second and third waited (recorded here).
    assert len([wait for wait in register.waits if wait > 0]) >= 2
