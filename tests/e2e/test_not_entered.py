"""Issue 23, as a visitor sees it at 375 and 1,280 px: a count of a sector or a scope says how
many the programme announced and how many are entered; the progress and "Proposer un lauréat"
lead the home page and the list; /a-completer/ opens with the missing laureates."""

import pytest

from .conftest import WIDTHS, screenshot

HEALTH = "9 lauréats Santé et social annoncés, 1 saisi sur ce portail"


def on_first_screen(locator, page):
    box = locator.bounding_box()
    return box is not None and box["y"] + box["height"] <= page.viewport_size["height"]


@pytest.mark.parametrize("width", WIDTHS)
def test_an_empty_result_says_the_laureates_are_not_entered(page, portal_data, width):
    page.set_viewport_size({"width": width, "height": 812})
    page.goto("/laureats/?secteur=sante-social&region=53")
    screenshot(page, "laureats-vide-non-saisis")
    note = page.locator(".results .shortfalls")
    assert note.is_visible()
    assert HEALTH in note.inner_text()
    # Seen at once, with the figure's source and where to propose a laureate.
    assert on_first_screen(note, page)
    assert (
        note.get_by_role("link", name="source")
        .get_attribute("href")
        .startswith("https://chiffres.example.org/")
    )
    note.get_by_role("link", name="Proposer un lauréat").click()
    page.wait_for_url("**/contribuer/")


@pytest.mark.parametrize("width", WIDTHS)
def test_progress_and_proposal_lead_the_home_page_and_the_list(page, portal_data, width):
    for path, name in [("/", "accueil-avancement"), ("/laureats/", "laureats-avancement")]:
        page.set_viewport_size({"width": width, "height": 812})
        page.goto(path)
        progress = page.locator(".progress").first
        assert progress.locator(".progress-figure").inner_text() == "5 / 62 lauréats saisis"
        button = progress.get_by_role("link", name="Proposer un lauréat")
        # A button, in sight without scrolling.
        assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(29, 78, 137)"
        assert on_first_screen(button, page), path
        page.evaluate("window.scrollTo(0, 0)")
        screenshot(page, name)


@pytest.mark.parametrize("width", WIDTHS)
def test_statistics_and_home_name_the_missing_beside_their_charts(page, portal_data, width):
    page.set_viewport_size({"width": width, "height": 812})
    page.goto("/statistiques/")
    sectors = page.locator("#chart-filieres-section .shortfalls")
    assert HEALTH in sectors.inner_text()
    assert (
        "40 lauréats de portée nationale annoncés"
        in page.locator("#carte .shortfalls").inner_text()
    )
    screenshot(page, "statistiques-non-saisis")
    page.goto("/")
    assert HEALTH in page.locator(".shortfalls").first.inner_text()
    assert (
        "40 lauréats de portée nationale annoncés"
        in page.locator(".home-map .shortfalls").inner_text()
    )


@pytest.mark.parametrize("width", WIDTHS)
def test_to_complete_opens_with_the_missing_laureates(page, portal_data, width):
    page.set_viewport_size({"width": width, "height": 812})
    page.goto("/a-completer/")
    screenshot(page, "a-completer")
    headings = page.get_by_role("heading", level=2).all_inner_texts()
    assert headings[:2] == [
        "Les lauréats qui manquent",
        "Les informations manquantes des fiches saisies",
    ]
    table = page.get_by_role("table", name="Par filière, d'après les décomptes officiels")
    assert table.get_by_role("row", name="Santé et social 9 1 8").is_visible()
    assert on_first_screen(page.get_by_role("link", name="Proposer un lauréat"), page)
