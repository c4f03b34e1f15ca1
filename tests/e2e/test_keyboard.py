"""Keyboard only: the list's filter form and the statistics map are usable without a mouse."""

import pytest
from django.urls import reverse

from laureats.models import Sector

from ..factories import make_laureate

MAX_TABS = 400

# What the focused element shows: its outline, or for a region of the map (an SVG link, whose
# outline the stylesheet replaces) the thicker border of its shape.
FOCUS_STATE = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  const shape = element.querySelector && element.querySelector('.map-shape');
  return {
    id: element.id,
    tag: element.tagName.toLowerCase(),
    type: element.getAttribute('type'),
    name: element.getAttribute('name'),
    value: element.getAttribute('value'),
    classes: element.getAttribute('class') || '',
    href: element.getAttribute('href'),
    focusVisible: element.matches(':focus-visible'),
    outline: style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    shapeStroke: shape ? parseFloat(getComputedStyle(shape).strokeWidth) : 0,
  };
}"""


def tab(page):
    page.keyboard.press("Tab")
    return page.evaluate(FOCUS_STATE)


def assert_focus_visible(state):
    assert state["focusVisible"], state
    assert state["outline"] or state["shapeStroke"] >= 4, f"focus invisible : {state}"


def test_filter_form_with_the_keyboard_alone(page, portal_data):
    building, farming = (
        Sector.objects.get(slug="construction-btp"),
        Sector.objects.get(slug="agriculture"),
    )
    make_laureate(name="Projet du bâtiment en Occitanie", sectors=[building], regions=["76"])
    make_laureate(name="Projet agricole en Occitanie", sectors=[farming], regions=["76"])
    page.goto(reverse("laureats:laureate-list"))
    checkboxes = set(
        page.locator("form.filters input[type=checkbox]").evaluate_all(
            "elements => elements.map(e => e.id)"
        )
    )
    assert len(checkboxes) > 20

    reached, toggled, unfolded = set(), [], []
    for _ in range(MAX_TABS):
        state = tab(page)
        assert_focus_visible(state)
        if state["tag"] == "summary" and not page.evaluate(
            "document.activeElement.parentElement.open"
        ):
            # A folded facet (regions, member kinds, missing facts) opens with Enter.
            page.keyboard.press("Enter")
            unfolded.append(page.evaluate("document.activeElement.textContent").strip())
        if state["type"] == "checkbox":
            reached.add(state["id"])
            if (state["name"], state["value"]) in {
                ("secteur", "construction-btp"),
                ("region", "76"),
            }:
                page.keyboard.press("Space")
                assert page.locator(f"#{state['id']}").is_checked()
                toggled.append(state["value"])
        if state["tag"] == "button" and "Appliquer" in page.evaluate(
            "document.activeElement.textContent"
        ):
            break
    else:
        pytest.fail("Le bouton « Appliquer les filtres » n'est jamais atteint avec Tab.")

    assert reached == checkboxes, f"jamais atteintes : {checkboxes - reached}"
    assert toggled == ["construction-btp", "76"]
    # Options giving no result are folded under "sans lauréat saisi (n)" inside each facet.
    assert [name for name in unfolded if not name.startswith("sans lauréat saisi")] == [
        "Région",
        "Type de membre",
        "Information manquante",
    ]
    page.keyboard.press("Enter")
    page.wait_for_url("**/laureats/?*secteur=construction-btp*")
    assert "region=76" in page.url
    assert page.locator(".result-count").inner_text().startswith("1 lauréat trouvé")
    assert page.get_by_role("link", name="Projet du bâtiment en Occitanie").is_visible()


def test_every_region_of_the_map_is_reached_with_the_keyboard(page, portal_data):
    response = page.goto("/statistiques/")
    assert response.status == 200, "/statistiques/ n'est pas servie"
    regions = page.locator("a.map-region")
    expected = set(regions.evaluate_all("links => links.map(l => l.getAttribute('href'))"))
    assert len(expected) >= 13

    reached = set()
    for _ in range(MAX_TABS):
        state = tab(page)
        if "map-region" in state["classes"]:
            assert_focus_visible(state)
            reached.add(state["href"])
            if reached == expected:
                break
    assert reached == expected, f"régions jamais atteintes : {expected - reached}"

    # Enter follows the focused region's link to the list of its laureates.
    page.keyboard.press("Enter")
    page.wait_for_url("**/laureats/?*region=*")
