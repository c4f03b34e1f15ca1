"""An administrator uploads a file that creates a laureate and removes members and a source
from another: the preview, on a phone and on a desktop, shows the new laureate field by field
and warns of each removal before the confirm button (issue 23). axe-core finds nothing, of any
impact; screenshots in tests/screenshots/admin-import-apercu-*.png."""

import csv
import io

from django.urls import reverse

from laureats.csv_format import COLUMN_NAMES
from laureats.models import Laureate

from ..import_rows import current_row
from .conftest import WIDTHS, accessibility_problems, screenshot, session_cookie

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def upload_bytes(*rows):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, delimiter=";", lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode()


def test_the_import_preview_reads_on_a_phone_and_a_desktop(
    page, live_server, portal_data, staff_user
):
    existing = Laureate.objects.get(slug="soins-connectes-fictifs")
    row = current_row(existing)
    lead = row["membres"].split(" | ")[0]
    new = dict.fromkeys(COLUMN_NAMES, "") | {
        "slug": "campus-numerique-fictif",
        "nom": "Campus numérique fictif",
        "statut": "retenu",
        "portee": "nationale",
        "secteurs": "transports|technologies-numerique",
        "regions": "11|84",
        "cout_total_eur": "3 000 000",
        "aide_etat_eur": "2 100 000",
        "date_debut": "01/01/2025",
        "date_fin": "31/12/2027",
        "membres": "porteur:universite-ecole::Université fictive | partenaire:entreprise:732829320:Entreprise fictive",
        "sources": "https://example.org/campus Annonce du campus fictif",
        "publie": "non",
        "resume": "Un campus fictif pour l'essai de l'aperçu.",
    }
    data = upload_bytes(row | {"membres": lead, "sources": "", "cout_total_eur": ""}, new)

    page.context.add_cookies(session_cookie(live_server.url, staff_user))
    page.goto(reverse("admin:laureats_laureate_import"))
    page.set_input_files(
        "#id_file", files=[{"name": "laureats.csv", "mimeType": "text/csv", "buffer": data}]
    )
    page.get_by_role("button", name="Vérifier le fichier").click()

    warning = page.get_by_role("alert").filter(has_text="retraits à vérifier")
    heading = warning.get_by_role("heading")
    assert heading.inner_text().startswith("Attention :")
    text = warning.inner_text()
    assert "Soins connectés fictifs" in text
    assert "Membre retiré" in text and "Source retirée" in text
    assert "Champ vidé : Coût total (€) (était : 2 000 000 €)" in text.replace(
        "\u202f", " "
    ).replace("\xa0", " ")
    # Above the confirm button, in the reading order.
    assert (
        warning.bounding_box()["y"]
        < page.get_by_role("button", name="Confirmer l’importation").bounding_box()["y"]
    )

    card = page.get_by_role("article", name="Campus numérique fictif")
    card_text = card.inner_text().replace("\u202f", " ").replace("\xa0", " ")
    for shown in [
        "3 000 000 €",
        "2 100 000 €",
        "1 janvier 2025",
        "31 décembre 2027",
        "Transports",
        "Île-de-France (11)",
        "Université fictive — porteur, université ou école, nouvelle organisation",
        "Annonce du campus fictif",
    ]:
        assert shown in card_text, shown

    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        screenshot(page, "admin-import-apercu")
        problems += [f"{width} px : {line}" for line in accessibility_problems(page, EVERY_IMPACT)]
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{width} px : la page déborde de {overflow} px en largeur")
    assert problems == []
    assert not Laureate.objects.filter(slug="campus-numerique-fictif").exists()
