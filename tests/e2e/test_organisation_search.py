"""Issue 23 item 4 as a person sees it: on /organisations/, "besancon" and "batiment" typed
without accents find the organisations written with them, at 375 and 1,280 px."""

import pytest

from ..factories import OrganisationFactory, make_laureate
from .conftest import accessibility_problems, screenshot

SCREENS = {375: {"width": 375, "height": 812}, 1280: {"width": 1280, "height": 800}}


@pytest.fixture
def organisations(portal_data):
    gip = OrganisationFactory(name="GIP FTLV de l'académie de Besançon", city="Besançon")
    make_laureate(name="Projet franc-comtois fictif", members=[gip])


@pytest.mark.parametrize("width", SCREENS)
@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("besancon", "GIP FTLV de l'académie de Besançon"),
        ("BATIMENT", "Réseau fictif des métiers du bâtiment"),
    ],
)
def test_organisation_search_ignores_accents_and_case(page, organisations, width, typed, found):
    page.set_viewport_size(SCREENS[width])
    page.goto("/organisations/")
    search = page.locator('input[name="q"]')
    if not search.is_visible():  # folded behind "Filtrer" on a phone
        page.locator("summary", has_text="Filtrer").first.click()
    search.fill(typed)
    search.press("Enter")
    page.wait_for_url(f"**/organisations/?q={typed}*")
    results = page.locator("main").get_by_role("link", name=found)
    assert results.is_visible()
    screenshot(page, f"organisations-recherche-{typed}")
    assert accessibility_problems(page, impacts=("minor", "moderate", "serious", "critical")) == []
