"""An administrator completes an organisation from the register (replayed, built from its
OpenAPI description) in a real browser, ticking what to take; the organisation's page then
shows the register's fields, licence and date, readable and accessible at every width
(issue 25)."""

from django.urls import reverse

from laureats.models import Organisation

from ..factories import LaureateFactory, MembershipFactory, OrganisationFactory
from ..register_replay import API, answer, query, replayed
from .conftest import (
    accessibility_problems,
    assert_readable_at_every_width,
    screenshot,
    session_cookie,
)

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")
SIREN = "356000000"


def test_an_administrator_completes_an_organisation_from_the_register(
    page, live_server, staff_user, portal_data, monkeypatch
):
    organisation = OrganisationFactory(name="La Poste", siren=SIREN, city="", kind="autre")
    MembershipFactory(laureate=LaureateFactory(is_published=True), organisation=organisation)
    page.context.add_cookies(session_cookie(live_server.url, staff_user))
    page.set_viewport_size({"width": 1280, "height": 800})
    with replayed(monkeypatch) as register:
        register.get(API, json=answer("by_siren.json"), match=[query(q=SIREN)])
        page.goto(reverse("admin:laureats_organisation_changelist"))
        page.get_by_role("checkbox", name="La Poste").check()
        page.locator("select[name=action]").select_option("enrich_from_register")
        page.get_by_role("button", name="Envoyer", exact=True).click()
        screenshot(page, "admin-registre")
        assert page.get_by_role("checkbox", name="Adresse").is_checked()
        # Nothing written before confirming; the UAI left out by the person.
        organisation.refresh_from_db()
        assert organisation.register_fetched_at is None
        page.get_by_role("checkbox", name="Code UAI").uncheck()
        page.get_by_role("button", name="Enregistrer les champs cochés").click()
        page.wait_for_url("**/laureats/organisation/")
        assert page.get_by_text("complétée depuis le registre").is_visible()

    organisation.refresh_from_db()
    assert organisation.address == "9 RUE DU COLONEL PIERRE AVIA"
    assert (organisation.uai, organisation.kind) == ("", Organisation.Kind.OTHER)
    assert organisation.history.latest().history_user == staff_user

    page.goto(organisation.get_absolute_url())
    assert page.get_by_role("heading", name="Identité administrative").is_visible()
    assert page.get_by_text("Données du registre récupérées le").is_visible()
    assert_readable_at_every_width(page, "organisation-registre")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert accessibility_problems(page, impacts=EVERY_IMPACT) == [], width
