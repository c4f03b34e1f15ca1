"""Issue 26 as a visitor does it on a phone (375 px) and a desktop (1,280 px): from a laureate
page's empty « Productions partagées » section to the proposal form, the laureate already
ticked; a form sent without its source opens on its focused error summary; sent complete, it is
a pending proposal. axe-core reports nothing, of any impact."""

import json

import pytest

from laureats.models import Proposal

from .conftest import (
    accessibility_problems,
    screenshot,
    send_form,
    summary_on_first_screen_and_focused,
)

SCREENS = {375: {"width": 375, "height": 812}, 1280: {"width": 1280, "height": 800}}
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


@pytest.mark.parametrize("width", SCREENS)
def test_a_visitor_proposes_a_production_from_a_laureate_page(page, portal_data, width):
    viewport = SCREENS[width]
    page.set_viewport_size(viewport)
    page.goto("/laureats/chantier-numerique-fictif/")
    page.get_by_role("link", name="Proposer une production, avec sa source").click()
    page.wait_for_url("**/contribuer/production/?laureat=chantier-numerique-fictif")
    checked = page.locator('input[name="laureates"]:checked')
    assert [checked.nth(i).get_attribute("value") for i in range(checked.count())] == [
        "chantier-numerique-fictif"
    ]
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    screenshot(page, "production-proposer")
    assert accessibility_problems(page, impacts=EVERY_IMPACT) == []

    page.get_by_label("Titre de la production").fill("Visite virtuelle d'essai")
    page.get_by_label("Type").select_option(label="simulation immersive (VR/AR)")
    page.get_by_label("Licence").select_option(label="CC BY-SA")
    page.get_by_label("Votre adresse e-mail").fill("contributrice@example.org")
    send_form(page)
    assert page.title().startswith("Erreur")
    summary_on_first_screen_and_focused(page, viewport)
    screenshot(page, "production-proposer-erreurs")
    assert accessibility_problems(page, impacts=EVERY_IMPACT) == []

    page.get_by_label("Source (adresse web)").fill("https://example.org/annonce-visite")
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url("**/contribuer/merci/")
    proposal = Proposal.objects.get()
    assert proposal.kind == Proposal.Kind.NEW_RESOURCE
    values = json.loads(proposal.value)
    assert values["laureates"] == ["chantier-numerique-fictif"]
    assert (values["title"], values["kind"], values["licence"]) == (
        "Visite virtuelle d'essai",
        "simulation-immersive",
        "cc-by-sa",
    )
