"""A list saved the way French administrators save it — Excel's two CSV formats, an XLSX and a
LibreOffice ODS — imports through `import_laureates` and the admin with the data intact on the
public pages. The rows are test rows, not real laureates."""

import datetime
import io
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from laureats.models import Laureate

from .spreadsheet_files import csv_text, ods_file, xlsx_file

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:laureats_laureate_import")
NBSP, NNBSP = "\u00a0", "\u202f"
HEADER = [
    "slug",
    "Nom du projet",
    "statut",
    "portee",
    "regions",
    "cout_total_eur",
    "aide_etat_eur",
    "nature_aide",
    "date_debut",
    "date_fin",
    "membres",
    "publie",
]
# As typed in a spreadsheet: capitalised labels, French dates and amounts.
ROWS = [
    [
        "projet-essai-lyon",
        "Projet d'essai à Lyon",
        "Retenu",
        "Interrégionale",
        "Auvergne-Rhône-Alpes | Bourgogne-Franche-Comté",
        f"1{NBSP}234{NBSP}567,00{NBSP}€",
        "800 000 €",
        "Demandée",
        "01/09/2023",
        "31/08/2026",
        "porteur:CFA::CFA d’essai | partenaire:Entreprise::Société d'essai",
        "Oui",
    ],
    [
        "projet-essai-lille",
        "Projet d'essai à Lille",
        "RETENU",
        "nationale",
        "",
        "2 000 000",
        "1 400 000,00",
        "",
        "2023-10-02",
        "",
        "porteur:association::Association d'essai",
        "non",
    ],
]


def excel_csv_cp1252():
    """Excel's "CSV (séparateur : point-virgule)": Windows-1252, no narrow space possible."""
    return csv_text([HEADER, *ROWS]).replace(NNBSP, NBSP).encode("cp1252")


def excel_csv_utf8():
    """Excel's "CSV UTF-8 (délimité par des virgules)", which writes semicolons in French."""
    rows = [[value.replace(NBSP, NNBSP) for value in row] for row in ROWS]
    return csv_text([HEADER, *rows]).encode("utf-8-sig")


def typed(row):
    """The row as a spreadsheet types it: dates as dates, amounts as numbers."""
    values = list(row)
    for index in (8, 9):
        if values[index]:
            day = values[index]
            values[index] = (
                datetime.datetime.strptime(day, "%d/%m/%Y")
                if "/" in day
                else datetime.datetime.fromisoformat(day)
            )
    values[5] = 1234567.0 if values[0].endswith("lyon") else 2_000_000
    values[6] = 800000 if values[0].endswith("lyon") else 1400000.0
    return values


def xlsx():
    return xlsx_file([("Lauréats", [HEADER, *map(typed, ROWS)])])


def ods():
    return ods_file("Lauréats", [HEADER, *map(typed, ROWS)])


FILES = {
    "liste-excel.csv": excel_csv_cp1252,
    "liste-excel-utf8.csv": excel_csv_utf8,
    "liste.xlsx": xlsx,
    "liste.ods": ods,
}


def assert_imported_intact(client):
    lyon = Laureate.objects.get(slug="projet-essai-lyon")
    assert lyon.name == "Projet d'essai à Lyon"
    assert (lyon.status, lyon.scope) == ("retenu", "interregionale")
    assert sorted(lyon.regions.values_list("code", flat=True)) == ["27", "84"]
    assert (lyon.total_cost, lyon.state_aid, lyon.state_aid_kind) == (
        1_234_567,
        800_000,
        "demandee",
    )
    assert (lyon.start_date, lyon.end_date) == (
        datetime.date(2023, 9, 1),
        datetime.date(2026, 8, 31),
    )
    assert lyon.lead.name == "CFA d’essai"
    assert lyon.is_published
    lille = Laureate.objects.get(slug="projet-essai-lille")
    assert (lille.total_cost, lille.state_aid, lille.state_aid_kind) == (
        2_000_000,
        1_400_000,
        "accordee",
    )
    assert (lille.start_date, lille.end_date, lille.is_published) == (
        datetime.date(2023, 10, 2),
        None,
        False,
    )
    page = unescape(client.get(lyon.get_absolute_url()).content.decode())
    assert "Projet d'essai à Lyon" in page
    assert "CFA d’essai" in page and "Société d'essai" in page


@pytest.mark.parametrize("name", FILES)
def test_command_imports_french_files(reference_data, tmp_path, client, name):
    path = tmp_path / name
    path.write_bytes(FILES[name]())
    out = io.StringIO()
    call_command("import_laureates", str(path), "--dry-run", stdout=out, stderr=io.StringIO())
    assert "2 lauréat(s) créé(s)" in out.getvalue()
    assert not Laureate.objects.exists()
    call_command("import_laureates", str(path), stdout=out, stderr=io.StringIO())
    assert_imported_intact(client)


@pytest.mark.parametrize("name", FILES)
def test_admin_imports_french_files(reference_data, staff_client, client, name):
    preview = staff_client.post(IMPORT, {"file": SimpleUploadedFile(name, FILES[name]())})
    assert preview.status_code == 200, [str(p) for p in preview.context["preview"].problems]
    assert not Laureate.objects.exists()
    response = staff_client.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})
    assert response.status_code == 302
    assert_imported_intact(client)


def test_excel_separator_hint_line_is_not_the_header(reference_data, tmp_path, client):
    # "sep=;" on line 1 makes Excel split on ";" whatever its locale, and Excel does not show
    # it: the header is row 1 for the admin, and the rows are numbered from it.
    path = tmp_path / "liste.csv"
    path.write_bytes(b"sep=;\r\n" + excel_csv_cp1252())
    call_command("import_laureates", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    assert_imported_intact(client)
    path.write_bytes(b"sep=;\r\nslug;nom;statut\r\nprojet-essai-lyon;Nom;inconnu\r\n")
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_laureates", str(path), stdout=io.StringIO(), stderr=err)
    assert err.getvalue().startswith("ligne 2, colonne « statut » : « inconnu »")
