"""Completeness, comparison and citation pages in a real browser: axe-core at phone and desktop
widths, screenshots (tests/screenshots/compare-*.png), and the ways to reach /comparer/."""

import pytest

from .conftest import assert_readable_at_every_width

BUILDING = "chantier-numerique-fictif"
HEALTH = "soins-connectes-fictifs"
FARM = "ferme-ecole-virtuelle-fictive"

PAGES = {
    "compare-deux": f"/comparer/?l={BUILDING}&l={HEALTH}",
    "compare-quatre": f"/comparer/?l={BUILDING}&l={HEALTH}&l={FARM}&l=atelier-fictif-sans-details",
    "compare-choisir": f"/comparer/?l={BUILDING}&l=inconnu",
    "compare-en": f"/en/comparer/?l={BUILDING}&l={HEALTH}",
    "compare-a-completer": "/a-completer/",
    "compare-a-completer-en": "/en/a-completer/",
    "compare-quatre-en": f"/en/comparer/?l={BUILDING}&l={HEALTH}&l={FARM}&l=atelier-fictif-sans-details",
    "compare-choisir-en": f"/en/comparer/?l={BUILDING}&l=inconnu",
    "compare-liste-completude": "/laureats/?tri=completude&manque=dates",
    "compare-fiche": f"/laureats/{BUILDING}/",
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violation(page, portal_data, name):
    response = page.goto(PAGES[name])
    assert response.status == 200
    # Citations open, so that axe and the screenshot see them.
    for summary in page.locator(".cite summary").all():
        summary.click()
    assert_readable_at_every_width(page, name)


def compared_names(page):
    return page.locator(".compare-table thead th").all_inner_texts()


def test_ticked_cards_open_the_comparison(page, portal_data):
    page.goto("/laureats/")
    page.get_by_label("Comparer Chantier numérique fictif").check()
    page.get_by_label("Comparer Soins connectés fictifs").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Comparer les lauréats cochés").click()
    assert "/comparer/?l=" in page.url
    assert [name.split(" (")[0] for name in compared_names(page)] == [
        "Chantier numérique fictif",
        "Soins connectés fictifs",
    ]


def test_a_fiche_starts_a_comparison_with_another(page, portal_data):
    page.goto(f"/laureats/{BUILDING}/")
    page.get_by_role("link", name="Comparer avec un autre lauréat…").click()
    page.get_by_label("Ajouter un lauréat à la comparaison").select_option(FARM)
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter").click()
    assert len(compared_names(page)) == 2
    page.set_viewport_size({"width": 375, "height": 800})
    # On a phone the table scrolls inside its frame, not the page.
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
