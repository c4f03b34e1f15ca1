"""On a phone the results come first; on a desktop the filters sit open beside them."""

import pytest
from django.core.management import call_command

from laureats.models import Sector

from ..factories import make_laureate
from .conftest import screenshot

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def listed(transactional_db):
    """Regions and sectors as shipped, and five laureates in two sectors."""
    call_command("loaddata", "regions", "sectors", verbosity=0)
    building = Sector.objects.get(slug="construction-btp")
    health = Sector.objects.get(slug="sante-social")
    for number in range(3):
        make_laureate(name=f"Chantier numérique {number}", sectors=[building], regions=["53"])
    for number in range(2):
        make_laureate(name=f"Soins connectés {number}", sectors=[health], regions=["76"])


def test_first_result_is_visible_on_a_phone_without_scrolling(page, listed):
    page.set_viewport_size(PHONE)
    page.goto("/laureats/?secteur=construction-btp&region=53")
    screenshot(page, "telephone-laureats")
    top = page.locator(".results .card").first.bounding_box()["y"]
    assert top + 40 < PHONE["height"], f"premier résultat à {top} px"
    panel = page.locator("#filters-panel")
    assert not panel.evaluate("e => e.open")
    summary = panel.locator("summary.filters-summary")
    assert summary.inner_text() == "Filtrer · 2 actifs"
    # Opened, the panel shows the filters, then applies them as on a desktop.
    summary.click()
    building = page.get_by_role("group", name="Filière").get_by_label("Construction (BTP)")
    assert building.is_visible() and building.is_checked()


def test_filters_are_open_beside_the_results_on_a_wide_screen(page, listed):
    page.set_viewport_size(DESKTOP)
    page.goto("/laureats/")
    assert page.locator("#filters-panel").evaluate("e => e.open")
    assert page.locator("summary.filters-summary").inner_text() == "Filtrer"
    filters = page.locator("form.filters").bounding_box()
    first = page.locator(".results .card").first.bounding_box()
    assert filters["x"] + filters["width"] <= first["x"]


def test_filters_are_open_without_javascript(browser, live_server, listed):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    page.set_viewport_size(PHONE)
    page.goto("/laureats/")
    # Without the script nothing folds the panel: the filters stay usable.
    assert page.locator("#filters-panel[open]").count() == 1
    assert page.locator("form.filters input[name=secteur]").first.is_visible()
    context.close()


def test_options_giving_nothing_fold_under_others_unless_ticked(page, listed):
    page.set_viewport_size(DESKTOP)
    page.goto("/laureats/?secteur=agriculture")
    sectors = page.get_by_role("group", name="Filière")
    assert sectors.get_by_label("Construction (BTP)").is_visible()
    # Ticked, an option that gives nothing stays in sight.
    assert sectors.get_by_label("Agriculture").is_visible()
    transport = sectors.get_by_label("Transports")
    assert not transport.is_visible()
    more = sectors.locator("summary", has_text="autres")
    assert more.inner_text().startswith("autres (5)")
    more.click()
    assert transport.is_visible()
