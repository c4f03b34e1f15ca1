import csv
import io
from html import unescape

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from laureats.csv_format import COLUMN_NAMES
from laureats.models import Laureate, Organisation

from .factories import make_laureate
from .import_rows import current_row, import_row

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:laureats_laureate_import")
CHANGELIST = reverse("admin:laureats_laureate_changelist")


def csv_file(*rows, name="laureats.csv"):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMN_NAMES, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def xlsx_file(*rows, name="laureats.xlsx", extra_sheet_first=False):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    if extra_sheet_first:
        sheet.title = "À propos"
        sheet.append(["Licence", "Licence Ouverte 2.0"])
        sheet = workbook.create_sheet("Lauréats")
    sheet.append(COLUMN_NAMES)
    for values in rows:
        sheet.append(
            [
                int(values[name]) if name.endswith("_eur") and values[name] else values[name]
                for name in COLUMN_NAMES
            ]
        )
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile(name, out.getvalue())


def body(response):
    return unescape(response.content.decode())


@pytest.fixture
def existing(reference_data):
    return make_laureate(name="Ancien nom", slug="deja-la", status="retenu", scope="nationale")


def test_changelist_has_an_import_button(staff_client, reference_data):
    page = body(staff_client.get(CHANGELIST))
    assert IMPORT in page and "Importer un fichier" in page


def test_import_page_lists_the_columns(staff_client, reference_data):
    page = body(staff_client.get(IMPORT))
    assert "Colonnes du fichier" in page
    for name in COLUMN_NAMES:
        assert f"<code>{name}</code>" in page


def test_preview_shows_created_updated_unchanged_and_writes_nothing(staff_client, existing):
    unchanged = make_laureate(name="Stable", slug="stable", status="retenu", scope="nationale")
    same = current_row(unchanged)
    upload = csv_file(
        import_row(),
        import_row(
            slug="deja-la", nom="Nouveau nom", statut="retenu", portee="nationale", membres=""
        ),
        same,
    )
    response = staff_client.post(IMPORT, {"file": upload})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [r.slug for r in preview.created] == ["projet-sante"]
    assert [r.slug for r in preview.updated] == ["deja-la"]
    assert [r.slug for r in preview.unchanged] == ["stable"]
    assert preview.created[0].row == 2
    changes = {change.column: change for change in preview.updated[0].changes}
    assert (changes["nom"].before, changes["nom"].after) == ("Ancien nom", "Nouveau nom")
    assert changes["sources"].added == [("https://example.org/article", "Un article")]
    assert changes["sources"].removed == []
    page = body(response)
    assert "1 lauréat(s) seront créés, 1 mis à jour, 1 inchangé(s)" in page
    assert "Confirmer l’importation" in page
    # A preview writes nothing.
    assert not Laureate.objects.filter(slug="projet-sante").exists()
    assert Laureate.objects.get(slug="deja-la").name == "Ancien nom"
    assert Organisation.objects.count() == 0


def test_confirm_writes_the_previewed_file(staff_client, admin_user, existing):
    upload = csv_file(import_row(), import_row(slug="deja-la", nom="Nouveau nom", membres=""))
    preview = staff_client.post(IMPORT, {"file": upload})
    token = preview.context["token"]
    response = staff_client.post(IMPORT, {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert response["Location"] == CHANGELIST
    assert Laureate.objects.get(slug="projet-sante").lead.name == "CFA de test"
    renamed = Laureate.objects.get(slug="deja-la")
    assert renamed.name == "Nouveau nom"
    assert renamed.history.latest().history_user == admin_user
    assert "projet sante" in Laureate.objects.get(slug="projet-sante").search_document
    page = body(staff_client.get(CHANGELIST))
    assert "1 lauréat(s) créé(s), 1 mis à jour" in page
    # The file is consumed: confirming twice does not import it again.
    again = staff_client.post(IMPORT, {"confirm": "1", "token": token})
    assert again.status_code == 302 and again["Location"] == IMPORT


def test_confirm_without_a_preview_writes_nothing(staff_client, reference_data):
    response = staff_client.post(IMPORT, {"confirm": "1", "token": "forged"})
    assert response.status_code == 302
    assert Laureate.objects.count() == 0


def test_confirm_imports_the_previewed_text_not_a_new_upload(staff_client, reference_data):
    first = staff_client.post(IMPORT, {"file": csv_file(import_row())})
    staff_client.post(
        IMPORT,
        {
            "confirm": "1",
            "token": first.context["token"],
            "file": csv_file(import_row(slug="autre")),
        },
    )
    assert list(Laureate.objects.values_list("slug", flat=True)) == ["projet-sante"]


def test_a_file_with_one_error_anywhere_writes_nothing(staff_client, reference_data):
    upload = csv_file(
        import_row(),
        import_row(slug="b", secteurs="inconnue"),
        import_row(slug="c", aide_etat_eur="800000"),
    )
    response = staff_client.post(IMPORT, {"file": upload})
    assert response.status_code == 400
    page = body(response)
    assert "rien ne sera importé, 2 problèmes à corriger" in page
    problems = {(p.row, p.column) for p in response.context["preview"].problems}
    assert problems == {(3, "secteurs"), (4, "aide_etat_eur")}
    assert "« inconnue » n'est pas une valeur permise" in page
    assert "Confirmer" not in page
    assert "token" not in response.context or not response.context["token"]
    assert Laureate.objects.count() == 0
    assert Organisation.objects.count() == 0


def test_xlsx_import_works_and_reports_sheet_rows(staff_client, reference_data):
    upload = xlsx_file(
        import_row(), import_row(slug="autre", nom="Autre", membres=""), extra_sheet_first=True
    )
    preview = staff_client.post(IMPORT, {"file": upload})
    assert preview.status_code == 200
    assert [r.slug for r in preview.context["preview"].created] == ["projet-sante", "autre"]
    staff_client.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})
    laureate = Laureate.objects.get(slug="projet-sante")
    assert laureate.total_cost == 1_000_000  # a number cell, read without ".0"
    assert laureate.memberships.count() == 2
    assert Laureate.objects.count() == 2


def test_xlsx_errors_give_the_row_of_the_sheet(staff_client, reference_data):
    multiline = import_row(description="Première ligne\nDeuxième ligne")
    upload = xlsx_file(multiline, import_row(slug="b", regions="99"))
    response = staff_client.post(IMPORT, {"file": upload})
    assert response.status_code == 400
    assert [(p.row, p.column) for p in response.context["preview"].problems] == [(3, "regions")]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("l.xlsx", b"not a zip"),
            "n'est pas un classeur XLSX, XLS ou ODS lisible",
        ),
        (SimpleUploadedFile("l.csv", "é".encode("latin-1")), "UTF-8"),
        (SimpleUploadedFile("l.pdf", b"%PDF"), "déposez un fichier .csv, .xlsx, .xls ou .ods"),
        (SimpleUploadedFile("l.csv", b""), "vide"),
    ],
)
def test_unreadable_files_get_a_message_not_an_error(staff_client, reference_data, upload, message):
    response = staff_client.post(IMPORT, {"file": upload})
    assert response.status_code in {200, 400}
    assert message in body(response)
    assert Laureate.objects.count() == 0


def test_files_over_5_mb_are_refused(staff_client, reference_data):
    upload = SimpleUploadedFile("gros.csv", b"x" * (5 * 1024 * 1024 + 1))
    response = staff_client.post(IMPORT, {"file": upload})
    assert "5 Mo au plus" in body(response)
    assert "laureate_import" not in staff_client.session


def test_import_needs_the_add_and_change_permissions(client, django_user_model, reference_data):
    viewer = django_user_model.objects.create_user("lecteur", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_laureate"))
    client.force_login(viewer)
    assert client.get(IMPORT).status_code == 403
    page = body(client.get(CHANGELIST))
    assert "Importer un fichier" not in page


def test_export_action_returns_the_selected_rows_as_csv(staff_client, existing):
    other = make_laureate(name="Autre", slug="autre", state_aid=1000, total_cost=5000)
    make_laureate(name="Pas choisi", slug="pas-choisi")
    response = staff_client.post(
        CHANGELIST,
        {"action": "export_csv", "_selected_action": [existing.pk, other.pk]},
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'attachment; filename="laureats-selection-' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["slug"] for r in rows] == ["deja-la", "autre"]  # ordered by name
    assert rows[1]["aide_etat_eur"] == "1000"
    assert list(rows[0]) == COLUMN_NAMES


def test_exported_xlsx_imports_back_unchanged(staff_client, reference_data):
    laureate = make_laureate(
        name="=Projet formule", slug="projet-formule", total_cost=5000, state_aid=3500
    )
    response = staff_client.post(
        CHANGELIST, {"action": "export_xlsx", "_selected_action": [laureate.pk]}
    )
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sheet = workbook["Lauréats"]
    assert [cell.value for cell in sheet[1]] == COLUMN_NAMES
    assert sheet["B2"].value == "=Projet formule" and sheet["B2"].data_type == "s"
    upload = SimpleUploadedFile("export.xlsx", response.content)
    preview = staff_client.post(IMPORT, {"file": upload}).context["preview"]
    assert [r.slug for r in preview.unchanged] == ["projet-formule"]
    assert not preview.created and not preview.updated and not preview.problems
