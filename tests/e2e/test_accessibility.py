"""axe-core on every public page type, at phone and desktop widths, with screenshots."""

import pytest
from django.urls import Resolver404, resolve

from .conftest import assert_readable_at_every_width

# name: (address, expected status). The names are the screenshots' file names; the laureate
# and the organisation are those of the sample catalogue (tests/factories.py).
PAGES = {
    "accueil": ("/", 200),
    "laureats": ("/laureats/", 200),
    "laureats-filtres": ("/laureats/?secteur=construction-btp&portee=nationale", 200),
    # No result, and the programme's figure for the sector said instead (issue 23).
    "laureats-vide": ("/laureats/?secteur=sante-social&region=53", 200),
    "laureat": ("/laureats/chantier-numerique-fictif/", 200),
    "organisations": ("/organisations/", 200),
    "organisation": ("/organisations/reseau-fictif-batiment/", 200),
    "statistiques": ("/statistiques/", 200),
    "statistiques-filtrees": ("/statistiques/?secteur=sante-social&region=53", 200),
    "a-completer": ("/a-completer/", 200),
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
    assert_readable_at_every_width(page, name)
