"""Issue 23 item 8 as an English reader sees it, at 375 and 1,280 px: sectors, regions and the
official figures named in English, French content marked lang="fr", axe-core silent."""

import pytest

from laureats.models import ProgrammeFigure

from .conftest import accessibility_problems, screenshot

SCREENS = {375: {"width": 375, "height": 812}, 1280: {"width": 1280, "height": 800}}
EVERY_IMPACT = ("minor", "moderate", "serious", "critical")

PAGES = {
    "en-accueil": "/en/",
    "en-laureat": "/en/laureats/soins-connectes-fictifs/",
    "en-statistiques": "/en/statistiques/",
    "en-organisation": "/en/organisations/institut-fictif-sante/",
    "en-organisations": "/en/organisations/",
}


@pytest.fixture
def translated(portal_data):
    # The made-up figures have no translation but this one: both cases on the page.
    ProgrammeFigure.objects.filter(key="laureates").update(label_en="Laureates selected")


@pytest.mark.parametrize("width", SCREENS)
@pytest.mark.parametrize("name", PAGES)
def test_english_pages_say_names_in_english_and_mark_french(page, translated, name, width):
    page.set_viewport_size(SCREENS[width])
    response = page.goto(PAGES[name])
    assert response.status == 200
    screenshot(page, name)
    assert accessibility_problems(page, impacts=EVERY_IMPACT) == []
    body = page.locator("main")
    text = body.inner_text()
    for french in ("Santé et social", "Bretagne", "Auvergne-Rhône-Alpes (", "Lauréats retenus"):
        assert french not in text
    # Everything left in French says so.
    for element in body.locator("[lang]").all():
        assert element.get_attribute("lang") == "fr"
    if name == "en-laureat":
        assert body.get_by_role("link", name="Health and social care").is_visible()
        assert body.locator('h1 [lang="fr"]').inner_text() == "Soins connectés fictifs"
    if name == "en-accueil":
        assert body.get_by_text("Laureates selected").is_visible()
