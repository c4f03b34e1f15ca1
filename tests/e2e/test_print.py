"""Issue 23: a laureate's and an organisation's fiche print as a document of their own, checked
in the PDF Chromium prints (static/css/print.css): the fiche's name and address, its sources'
addresses written out, and none of the site's navigation."""

import io
import unicodedata

import pytest
from pypdf import PdfReader

from .conftest import SCREENSHOTS

PAGES = {
    "laureat": ("/laureats/chantier-numerique-fictif/", "Chantier numérique fictif"),
    "organisation": (
        "/organisations/reseau-fictif-batiment/",
        "Réseau fictif des métiers du bâtiment",
    ),
}


def printed_text(page):
    """The PDF's text as a PDF reader extracts it, ligatures ("ﬁ") and line ends undone."""
    reader = PdfReader(io.BytesIO(page.pdf(format="A4")))
    text = "\n".join(sheet.extract_text() for sheet in reader.pages)
    return unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize("name", PAGES)
def test_a_fiche_prints_without_the_site_around_it(page, portal_data, live_server, name):
    path, title = PAGES[name]
    page.goto(path)
    page.emulate_media(media="print")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"impression-{name}.png", full_page=True)
    text = printed_text(page)
    flat = " ".join(text.split())
    assert title in flat
    # The page's own address, written out for whoever holds the paper.
    assert f"{live_server.url}{path}" in text.replace("\n", "")
    # None of the site's navigation, language switcher, breadcrumb, links to other pages.
    for words in [
        "Organisations Contribuer",
        "Statistiques Données",
        "English",
        "Accueil",
        "Aller au contenu",
        "Plan du site",
        "Mentions légales",
        "Comparer avec un autre lauréat",
    ]:
        assert words not in flat, words


def test_a_printed_laureate_writes_out_its_sources(page, portal_data, live_server):
    page.goto(PAGES["laureat"][0])
    sources = page.locator("ul.sources a").evaluate_all("links => links.map(l => l.href)")
    external = [url for url in sources if not url.startswith(live_server.url)]
    assert len(external) == 2
    text = printed_text(page).replace("\n", "")
    for url in external:
        assert f"<{url}>" in text
    # On screen the addresses are not written: only the print stylesheet adds them.
    page.emulate_media(media="screen")
    assert external[0] not in page.locator("main").inner_text()
