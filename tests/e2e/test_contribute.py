"""Issue 23 item 7 as a person sees it, at 375 and 1,280 px: a failed /contribuer/ opens on its
error summary, on the first screen and focused; an organisation page leads to a correction form
of the organisation's own fields. axe-core reports nothing, of any impact."""

import pytest

from laureats.models import Proposal

from .conftest import (
    accessibility_problems,
    screenshot,
    send_form,
    summary_on_first_screen_and_focused,
)

SCREENS = {375: {"width": 375, "height": 812}, 1280: {"width": 1280, "height": 800}}


@pytest.mark.parametrize("width", SCREENS)
def test_a_failed_proposal_opens_on_its_focused_error_summary(page, portal_data, width):
    viewport = SCREENS[width]
    page.set_viewport_size(viewport)
    page.goto("/contribuer/")
    send_form(page)
    assert page.title().startswith("Erreur")
    summary_on_first_screen_and_focused(page, viewport)
    screenshot(page, "contribuer-erreurs")
    assert accessibility_problems(page, impacts=("minor", "moderate", "serious", "critical")) == []
    # Its links lead to the fields.
    page.locator(".error-summary a").first.click()
    assert page.evaluate("location.hash").startswith("#champ-")


@pytest.mark.parametrize("width", SCREENS)
def test_an_organisation_page_leads_to_its_correction_form(page, portal_data, width):
    viewport = SCREENS[width]
    page.set_viewport_size(viewport)
    page.goto("/organisations/reseau-fictif-batiment/")
    assert accessibility_problems(page, impacts=("minor", "moderate", "serious", "critical")) == []
    screenshot(page, "organisation-proposer")
    page.get_by_role("link", name="Proposer la ville").click()
    page.wait_for_url("**/contribuer/organisation/reseau-fictif-batiment/?champ=city")
    assert page.get_by_label("Champ à corriger").input_value() == "city"
    screenshot(page, "organisation-correction")
    assert accessibility_problems(page, impacts=("minor", "moderate", "serious", "critical")) == []

    # Sent without its source: the summary first, focused.
    page.get_by_label("Nouvelle valeur ou informations").fill("Besançon")
    page.get_by_label("Votre adresse e-mail").fill("contributrice@example.org")
    send_form(page)
    summary_on_first_screen_and_focused(page, viewport)
    screenshot(page, "organisation-correction-erreurs")
    assert accessibility_problems(page, impacts=("minor", "moderate", "serious", "critical")) == []

    page.get_by_label("Source (adresse web)").fill("https://example.org/annuaire")
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url("**/contribuer/merci/")
    proposal = Proposal.objects.get()
    assert proposal.kind == Proposal.Kind.ORGANISATION
    assert proposal.organisation.slug == "reseau-fictif-batiment"
    assert (proposal.organisation_field, proposal.value) == ("city", "Besançon")
