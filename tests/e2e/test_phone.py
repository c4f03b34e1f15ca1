"""On a phone the results come first; on a desktop the filters sit open beside them."""

import pytest
from django.core.management import call_command

from laureats.models import Sector

from ..factories import make_figure, make_laureate
from .conftest import screenshot

PHONE = {"width": 375, "height": 812}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture
def listed(transactional_db):
    """Regions and sectors as shipped, five laureates in two sectors, and the official counts of
    all laureates and of the construction sector (made up, as every test's data)."""
    call_command("loaddata", "regions", "sectors", verbosity=0)
    building = Sector.objects.get(slug="construction-btp")
    health = Sector.objects.get(slug="sante-social")
    make_figure("laureates", 62, label="Lauréats retenus")
    make_figure("sector-construction-btp", 8, label="Lauréats du bâtiment", sector=building)
    for number in range(3):
        make_laureate(name=f"Chantier numérique {number}", sectors=[building], regions=["53"])
    for number in range(2):
        make_laureate(name=f"Soins connectés {number}", sectors=[health], regions=["76"])


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "sans-js"])
def test_first_result_is_visible_on_a_phone_without_scrolling(
    browser, live_server, listed, javascript
):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="fr-FR", java_script_enabled=javascript
    )
    page = context.new_page()
    # Two filters, and the official figure said before the results (issue 23): all of it, and
    # the first result's link, on the first screen, with or without JavaScript.
    page.goto("/laureats/?secteur=construction-btp&region=53")
    screenshot(page, f"telephone-laureats-{'js' if javascript else 'sans-js'}")
    assert page.locator(".results .shortfalls").is_visible()
    link = page.locator(".results .card a").first.bounding_box()
    assert link["y"] + link["height"] <= PHONE["height"], f"premier résultat à {link['y']} px"
    panel = page.locator("#filters-panel")
    assert not panel.evaluate("e => e.open")
    summary = panel.locator("summary.filters-summary")
    assert summary.inner_text() == "Filtrer · 2 actifs"
    # Opened, the panel shows the filters, then applies them as on a desktop.
    summary.click()
    building = page.get_by_role("group", name="Filière").get_by_label("Construction (BTP)")
    assert building.is_visible() and building.is_checked()
    context.close()


def test_filters_are_open_beside_the_results_on_a_wide_screen(page, listed):
    page.set_viewport_size(DESKTOP)
    page.goto("/laureats/")
    assert page.locator("#filters-panel").evaluate("e => e.open")
    assert page.locator("summary.filters-summary").inner_text() == "Filtrer"
    filters = page.locator("form.filters").bounding_box()
    first = page.locator(".results .card").first.bounding_box()
    assert filters["x"] + filters["width"] <= first["x"]


def test_filters_open_without_javascript(browser, live_server, listed):
    context = browser.new_context(
        base_url=live_server.url, viewport=DESKTOP, java_script_enabled=False
    )
    page = context.new_page()
    page.goto("/laureats/")
    # Without the script the panel stays folded, even on a desktop: one click opens it.
    assert page.locator("#filters-panel[open]").count() == 0
    page.locator("summary.filters-summary").click()
    page.get_by_role("group", name="Filière").get_by_label("Construction (BTP)").check()
    page.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url("**/laureats/?*secteur=construction-btp*")
    assert page.locator(".result-count").inner_text() == "3 lauréats trouvés"
    context.close()


FOCUSED = """() => {
    const focused = document.activeElement.getBoundingClientRect();
    const bar = document.querySelector(".filters-actions").getBoundingClientRect();
    const button = document.querySelector(".filters-actions button").getBoundingClientRect();
    return {
        tag: document.activeElement.tagName, id: document.activeElement.id,
        top: focused.top, bottom: focused.bottom, barTop: bar.top,
        buttonTop: button.top, buttonBottom: button.bottom,
    };
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js", "sans-js"])
def test_apply_is_in_sight_from_every_facet_on_a_phone(browser, live_server, listed, javascript):
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="fr-FR", java_script_enabled=javascript
    )
    page = context.new_page()
    page.goto("/laureats/")
    page.locator("summary.filters-summary").click()
    # Every facet and every "sans lauréat saisi" fold opened: the longest the panel can be.
    facets = page.locator("form.filters details")
    assert page.locator("form.filters details.facet").count() == 6
    for index in range(facets.count()):
        if not facets.nth(index).evaluate("e => e.open"):
            facets.nth(index).locator("> summary").click()
    page.get_by_label("Rechercher").focus()
    seen = set()
    for _ in range(120):
        page.keyboard.press("Tab")
        state = page.evaluate(FOCUSED)
        if state["tag"] == "BUTTON":
            break
        seen.add(state["id"])
        # "Appliquer" on screen at every step, and the focused control never under its bar.
        assert state["buttonTop"] >= 0 and state["buttonBottom"] <= PHONE["height"], state
        assert state["bottom"] <= state["barTop"], state
    else:
        pytest.fail("« Appliquer les filtres » jamais atteint avec Tab")
    assert len([name for name in seen if name.startswith("id_region_")]) == 18
    screenshot(page, f"telephone-filtres-ouverts-{'js' if javascript else 'sans-js'}")
    context.close()


def test_options_giving_nothing_fold_under_without_entered_laureate(page, listed):
    page.set_viewport_size(DESKTOP)
    page.goto("/laureats/?secteur=agriculture")
    sectors = page.get_by_role("group", name="Filière")
    assert sectors.get_by_label("Construction (BTP)").is_visible()
    # Ticked, an option that gives nothing stays in sight.
    assert sectors.get_by_label("Agriculture").is_visible()
    transport = sectors.get_by_label("Transports")
    assert not transport.is_visible()
    more = sectors.locator("summary", has_text="sans lauréat saisi")
    assert more.inner_text() == "sans lauréat saisi (5)"
    more.click()
    assert transport.is_visible()
