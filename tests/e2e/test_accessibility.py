"""axe-core on every public page type, at phone and desktop widths, with screenshots."""

import pytest
from django.urls import Resolver404, resolve

from .conftest import WIDTHS, accessibility_problems, screenshot

# name: (address, expected status). The names are the screenshots' file names; the laureate
# and the organisation are those of the sample catalogue (tests/factories.py).
PAGES = {
    "accueil": ("/", 200),
    "laureats": ("/laureats/", 200),
    "laureats-filtres": ("/laureats/?secteur=construction-btp&portee=nationale", 200),
    "laureat": ("/laureats/chantier-numerique-fictif/", 200),
    "organisations": ("/organisations/", 200),
    "organisation": ("/organisations/reseau-fictif-batiment/", 200),
    "statistiques": ("/statistiques/", 200),
    "donnees": ("/donnees/", 200),
    "contribuer": ("/contribuer/", 200),
    "plan-du-site": ("/plan-du-site/", 200),
    "accessibilite": ("/accessibilite/", 200),
    "mentions-legales": ("/mentions-legales/", 200),
    "introuvable": ("/laureats/ce-laureat-n-existe-pas/", 404),
}


@pytest.mark.parametrize("name", PAGES)
def test_page_has_no_serious_accessibility_violation(page, portal_data, name):
    path, status = PAGES[name]
    if status == 200:
        try:
            resolve(path.split("?")[0])
        except Resolver404:
            pytest.skip(f"{path} n'existe pas encore : page d'un autre chantier, pas encore servie")
    response = page.goto(path)
    assert response.status == status
    # The stylesheet is served and applied (a missing one would make every check meaningless).
    assert page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor") == (
        "rgb(29, 78, 137)"
    )
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        # Every screenshot first: a person looks at them even when a check fails.
        screenshot(page, name)
        problems += [f"{width} px : {line}" for line in accessibility_problems(page)]
        # Nothing is wider than the screen: no horizontal scrolling on a phone.
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{width} px : la page déborde de {overflow} px en largeur")
    if problems:
        pytest.fail(f"{page.url}\n" + "\n".join(problems), pytrace=False)
