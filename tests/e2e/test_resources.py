"""The shared productions in a real browser, on a phone and a desktop: found by facet and by
search, their page, the laureate's section; no axe violation of any impact (issue 26)."""

import pytest

from laureats.models import Resource, Sector

from ..factories import ResourceFactory
from .conftest import WIDTHS, accessibility_problems, screenshot

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


@pytest.fixture
def resources(portal_data):
    laureate = portal_data.laureates["chantier"]
    health = Sector.objects.get(slug="sante-social")
    ResourceFactory(
        title="Simulation immersive de l'échafaudage",
        slug="echafaudage-vr",
        kind=Resource.Kind.IMMERSIVE,
        laureates=[laureate],
        audience=["apprentis", "formateurs"],
        licence=Resource.Licence.CC_BY_SA,
        access=Resource.Access.PUBLIC,
        status=Resource.Status.AVAILABLE,
        certifications="RNCP34567",
        description="Monter un échafaudage en sécurité, casque de réalité virtuelle sur la tête.",
    )
    ResourceFactory(
        title="Guide des gestes de soin",
        slug="gestes-soin",
        kind=Resource.Kind.GUIDE,
        laureates=[laureate],
        sectors=[health],
    )
    return laureate


def check(page, name):
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        screenshot(page, name)
        problems += [f"{width} px : {line}" for line in accessibility_problems(page, EVERY_IMPACT)]
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{width} px : la page déborde de {overflow} px en largeur")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
def test_a_resource_is_found_by_facet_and_by_search(page, resources, width):
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/")
    with page.expect_navigation():
        page.get_by_role("navigation", name="Navigation principale").get_by_role(
            "link", name="Productions"
        ).click()
    assert page.locator("h1").inner_text() == "Productions partagées"
    assert "2 productions trouvées" in page.get_by_role("status").inner_text()
    panel = page.locator("#filters-panel")
    if not panel.evaluate("e => e.open"):
        page.locator("#filters-title").click()
    page.get_by_label("simulation immersive (VR/AR) (1)").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Appliquer les filtres").click()
    assert "1 production trouvée" in page.get_by_role("status").inner_text()
    with page.expect_navigation():
        page.get_by_role("link", name="Simulation immersive de l'échafaudage").click()
    assert "RNCP34567" in page.locator("main").inner_text()

    page.goto("/ressources/")
    if not page.locator("#filters-panel").evaluate("e => e.open"):
        page.locator("#filters-title").click()
    page.get_by_label("Rechercher").fill("SOIN")
    with page.expect_navigation():
        page.get_by_role("button", name="Appliquer les filtres").click()
    assert "1 production trouvée" in page.get_by_role("status").inner_text()
    assert page.get_by_role("link", name="Guide des gestes de soin").is_visible()


@pytest.mark.parametrize(
    ("name", "path"),
    [
        ("ressources", "/ressources/"),
        ("ressources-filtrees", "/ressources/?type=simulation-immersive&public=apprentis"),
        ("ressource", "/ressources/echafaudage-vr/"),
        ("laureat-productions", "/laureats/chantier-numerique-fictif/"),
        # Their figures with « non saisi », and those to complete (issue 26's third part).
        ("statistiques-productions", "/statistiques/#productions"),
        ("accueil-productions", "/"),
        ("a-completer-productions", "/a-completer/"),
    ],
)
def test_resource_pages_have_no_accessibility_violation(page, resources, name, path):
    assert page.goto(path).status == 200
    check(page, name)


def test_the_empty_catalogue_page_has_no_accessibility_violation(page, portal_data):
    assert page.goto("/ressources/").status == 200
    assert "Aucune production partagée n'est encore saisie" in page.locator("main").inner_text()
    check(page, "ressources-vide")
