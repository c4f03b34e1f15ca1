"""« Compléter depuis le registre » in the organisations' admin: the diff shown before anything
is written, the ticked fields written through save() (history, derived data, version), a stale
page refused, the suggested kind applied only when ticked. The register is replayed."""

import datetime
import re
from html import unescape

import pytest
import requests
from django.core import signing
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from laureats import derived
from laureats.models import Organisation
from laureats.register.diff import SALT, EnrichmentRefused, apply, diff

from .factories import OrganisationFactory
from .register_replay import API, answer, query, replayed

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:laureats_organisation_changelist")
REGISTER = reverse("admin:laureats_organisation_register")
SIREN = "356000000"
# The changelist's own (session, user, its counts and region filter), the organisations
# selected, and the region the diff names.
QUERIES = 8


@pytest.fixture
def register(monkeypatch, reference_data):
    with replayed(monkeypatch) as mock:
        yield mock


def by_siren(register):
    register.get(API, json=answer("by_siren.json"), match=[query(q=SIREN)])


def show(staff_client, *organisations):
    page = staff_client.post(
        CHANGELIST,
        {"action": "enrich_from_register", "_selected_action": [o.pk for o in organisations]},
    )
    assert page.status_code == 200
    return page


def form_data(page):
    """What the browser would post back: the hidden states and the boxes ticked by default."""
    html = page.content.decode()
    data = {"state": re.findall(r'name="state" value="([^"]+)"', html)}
    for name, value in re.findall(
        r'<input type="checkbox" name="([^"]+)" value="([^"]+)"[^>]* checked', html
    ):
        data.setdefault(name, []).append(value)
    return data


def text(response):
    return unescape(response.content.decode())


def test_the_diff_is_shown_and_nothing_is_written(staff_client, register):
    by_siren(register)
    organisation = OrganisationFactory(name="La Poste", siren=SIREN, city="Paris", kind="autre")
    page = show(staff_client, organisation)
    html, shown = page.content.decode(), text(page)
    assert "9 RUE DU COLONEL PIERRE AVIA" in shown
    assert "Île-de-France" in shown  # the region, from the commune's department
    # Empty fields ticked; the city, which would replace one, is shown and not ticked; the
    # name differs only in case ("LA POSTE"): no change.
    ticked = form_data(page)[f"o{organisation.pk}-fields"]
    assert {"address", "commune_code", "region", "uai"} <= set(ticked)
    assert 'value="city"' in html and "city" not in ticked
    assert 'value="name"' not in html
    assert "Type suggéré par la catégorie juridique 5510" in shown
    kind_box = f'name="o{organisation.pk}-kind" id="o{organisation.pk}-kind">'
    assert kind_box in html  # offered, not ticked
    organisation.refresh_from_db()
    assert organisation.address == "" and organisation.register_fetched_at is None


def test_applying_writes_the_ticked_fields_only(staff_client, register):
    by_siren(register)
    organisation = OrganisationFactory(name="La Poste", siren=SIREN, city="", kind="autre")
    version = organisation.version
    data = form_data(show(staff_client, organisation))
    data[f"o{organisation.pk}-fields"] = ["address", "postal_code", "commune_code", "region"]
    response = staff_client.post(REGISTER, data, follow=True)
    assert "complétée depuis le registre" in text(response)
    organisation.refresh_from_db()
    assert (organisation.address, organisation.postal_code) == (
        "9 RUE DU COLONEL PIERRE AVIA",
        "75015",
    )
    assert (organisation.commune_code, organisation.region_id) == ("75115", "11")
    # Not ticked: not written.
    assert (organisation.city, organisation.uai, organisation.latitude) == ("", "", None)
    assert organisation.name == "La Poste" and organisation.kind == "autre"
    assert organisation.register_fetched_at is not None
    assert organisation.version == version + 1
    reason = organisation.history.latest().history_change_reason
    assert "Registre des entreprises" in reason and "Licence Ouverte" in reason
    assert "adresse" in reason
    assert not derived.check()


def test_a_record_changed_since_the_diff_is_not_written(staff_client, register):
    by_siren(register)
    organisation = OrganisationFactory(siren=SIREN, city="")
    data = form_data(show(staff_client, organisation))
    organisation.website = "https://example.org/"
    organisation.save()
    response = staff_client.post(REGISTER, data, follow=True)
    assert "modifiée depuis l'affichage de la comparaison" in text(response)
    organisation.refresh_from_db()
    assert organisation.address == "" and organisation.register_fetched_at is None


def test_the_suggested_kind_is_applied_only_when_ticked(staff_client, register):
    by_siren(register)
    by_siren(register)
    organisation = OrganisationFactory(siren=SIREN, kind=Organisation.Kind.OTHER)
    staff_client.post(REGISTER, form_data(show(staff_client, organisation)))
    organisation.refresh_from_db()
    assert organisation.kind == Organisation.Kind.OTHER
    data = form_data(show(staff_client, organisation))
    data[f"o{organisation.pk}-kind"] = "on"
    staff_client.post(REGISTER, data)
    organisation.refresh_from_db()
    assert organisation.kind == Organisation.Kind.COMPANY


def test_without_a_siren_candidates_are_listed_then_one_is_compared(staff_client, register):
    register.get(
        API,
        json=answer("candidates.json"),
        match=[query(q="Association de formation factice", code_commune="13055")],
    )
    register.get(API, json=answer("by_siret.json"), match=[query(q="900000001", per_page=1)])
    organisation = OrganisationFactory(
        name="Association de formation factice", commune_code="13055", city="Marseille"
    )
    page = text(show(staff_client, organisation))
    assert "choisissez la bonne" in page
    assert f"{REGISTER}?organisation={organisation.pk}&siren=900000001" in page
    compared = staff_client.get(REGISTER, {"organisation": organisation.pk, "siren": "900000001"})
    data = form_data(compared)
    assert "siren" in data[f"o{organisation.pk}-fields"]
    staff_client.post(REGISTER, data)
    organisation.refresh_from_db()
    assert (organisation.siren, organisation.region_id) == ("900000001", "93")
    assert organisation.kind == Organisation.Kind.CFA  # suggested association, not ticked


def test_the_service_down_is_said_and_nothing_written(staff_client, register):
    register.get(API, body=requests.ConnectionError("refused"))
    first = OrganisationFactory(siren=SIREN)
    second = OrganisationFactory(siren="732829320")
    page = text(show(staff_client, first, second))
    # Asked once: the second is not asked after the service failed.
    assert page.count("injoignable") == 2
    assert len(register.calls) == 1
    assert "Enregistrer les champs cochés" not in page


def test_at_most_ten_organisations_at_once(staff_client, register):
    organisations = [OrganisationFactory() for _ in range(11)]
    response = staff_client.post(
        CHANGELIST,
        {"action": "enrich_from_register", "_selected_action": [o.pk for o in organisations]},
        follow=True,
    )
    assert "enrich_organisations" in text(response)


@pytest.mark.parametrize(
    "query_string",
    [{}, {"organisation": "abc", "siren": SIREN}, {"organisation": "1", "siren": "12"}],
)
def test_a_register_page_without_an_organisation_says_so(staff_client, register, query_string):
    response = staff_client.get(REGISTER, query_string, follow=True)
    assert response.status_code == 200
    assert "Choisissez une organisation et un SIREN" in text(response)


def test_a_tampered_or_old_form_is_refused(staff_client, register):
    organisation = OrganisationFactory(siren=SIREN)
    response = staff_client.post(REGISTER, {"state": ["forged"]}, follow=True)
    assert "n'est pas valide" in text(response)
    old = signing.dumps(
        {"pk": organisation.pk, "version": organisation.version, "values": {}, "kind": ""},
        salt=SALT,
    )
    later = timezone.now() + datetime.timedelta(hours=3)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.core.signing.time.time", lambda: later.timestamp())
        with pytest.raises(EnrichmentRefused, match="plus de deux heures"):
            apply(old, [])


def test_a_siren_held_by_another_organisation_is_refused(register):
    OrganisationFactory(siren=SIREN)
    organisation = OrganisationFactory(name="Sans SIREN")
    found = diff(organisation, answer("by_siren.json")["results"][0])
    with pytest.raises(EnrichmentRefused, match="SIREN"):
        apply(found.state, ["siren"])
    assert Organisation.objects.get(pk=organisation.pk).siren == ""


def test_taking_the_official_name_keeps_the_former_one_as_an_alias(register):
    organisation = OrganisationFactory(name="La Poste groupe", siren=SIREN, aliases="LP")
    found = diff(organisation, answer("by_siren.json")["results"][0])
    name_change = next(change for change in found.changes if change.field == "name")
    assert name_change.overwrites
    apply(found.state, ["name"])
    organisation.refresh_from_db()
    assert organisation.name == "LA POSTE"
    assert organisation.alias_list() == ["LP", "La Poste groupe"]


def test_the_page_reads_as_many_rows_whatever_the_table_holds(staff_client, register):
    by_siren(register)
    by_siren(register)
    organisation = OrganisationFactory(siren=SIREN)
    with CaptureQueriesContext(connection) as small:
        show(staff_client, organisation)
    OrganisationFactory.create_batch(60)
    with CaptureQueriesContext(connection) as large:
        show(staff_client, organisation)
    assert len(large) == len(small) == QUERIES


def test_a_search_refused_for_one_organisation_does_not_stop_the_others(staff_client, register):
    register.get(API, status=400, json=answer("bad_request.json"), match=[query(q="AB")])
    by_siren(register)
    short = OrganisationFactory(name="AB")
    known = OrganisationFactory(name="La Poste", siren=SIREN, city="")
    page = show(staff_client, short, known)
    shown = text(page)
    assert "au moins un paramètre de recherche" in shown
    assert f"o{known.pk}-fields" in form_data(page)
