"""Spreadsheets of a few hundred bytes that made python-calamine abort the web worker or take
gigabytes (issue 22): each one, built by tests/crafted_sheets.py, gets a French message naming
the problem and a 400, and the test process, which reads them all, survives. Formulas stored
without their value are refused, naming the cell, instead of being read as empty cells."""

import io
import logging
import signal
import subprocess
import sys

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from laureats.csv_format import spreadsheets
from laureats.models import Laureate

from .crafted_sheets import (
    FORMULA_WITHOUT_VALUE,
    HUGE,
    ODS_HEADER,
    XLSX_HEADER,
    XLSX_LAUREATE,
    ods,
    ods_row,
    ods_text,
    row,
    text,
    xlsx,
)
from .factories import make_laureate

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

IMPORT = reverse("admin:laureats_laureate_import")

# What the message of each crafted file names.
NAMED = {
    "cellule-XFD1048576.xlsx": "la feuille « Lauréats » va de A1 à XFD1048576",
    "chaines-4-milliards.xlsx": "textes partagés",
    "cellule-XFD3000.xlsx": "la feuille « Lauréats » va de A1 à XFD3000",
    "ligne-99999999999.xlsx": "nomme la cellule « A99999999999 », hors de la grille",
    "colonne-AAAAAAA.xlsx": "nomme la cellule « AAAAAAA1 », hors de la grille",
    "repetitions-4000-colonnes.ods": "la feuille « Lauréats » va de A1 à EWV4991",
    "repetitions-16000-colonnes.ods": "la feuille « Lauréats » va de A1 à WQJ4991",
    "espaces-2-milliards.ods": "la cellule B2 de la feuille « Lauréats » dépasse 100000 caractères",
    "texte-partage-repete.xlsx": "le texte des cellules du classeur dépasse",
}
# The files whose refusal depends on a limit of sandbox/bounds.py (not on a reference outside
# any sheet): raised out of reach, only the reading process's caps stand.
PAST_A_LIMIT = [name for name in HUGE if "hors de la grille" not in NAMED[name]]
NO_LIMITS = {
    "MAX_CELLS": 10**15,
    "MAX_TEXT_CHARS": 10**15,
    "MAX_SHARED_STRINGS": 10**15,
    "MAX_CELL_CHARS": 10**15,
}


@pytest.fixture
def existing(reference_data):
    return make_laureate(name="Nom d'origine", slug="deja-la")


def admin_problems(client, name, data):
    response = client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 400
    return [str(problem) for problem in response.context["preview"].problems]


@pytest.mark.parametrize("name", HUGE)
def test_admin_refuses_a_crafted_spreadsheet_naming_the_problem(staff_client, existing, name):
    problems = admin_problems(staff_client, name, HUGE[name]())
    assert len(problems) == 1 and NAMED[name] in problems[0], problems
    assert problems[0].startswith("fichier : ")
    assert Laureate.objects.get().name == "Nom d'origine"


@pytest.mark.parametrize("name", HUGE)
def test_command_refuses_a_crafted_spreadsheet_naming_the_problem(existing, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(HUGE[name]())
    err = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_laureates", str(path), stdout=io.StringIO(), stderr=err)
    assert NAMED[name] in err.getvalue()
    assert Laureate.objects.get().name == "Nom d'origine"


@pytest.mark.parametrize("name", PAST_A_LIMIT)
def test_the_reading_process_caps_hold_what_the_measure_lets_through(
    staff_client, existing, monkeypatch, caplog, name
):
    for limit, value in NO_LIMITS.items():
        monkeypatch.setattr(spreadsheets, limit, value)
    with caplog.at_level(logging.WARNING, logger="laureats.csv_format.spreadsheets"):
        problems = admin_problems(staff_client, name, HUGE[name]())
    assert problems == [
        "fichier : lire ce classeur demanderait plus de 200 Mo de mémoire (des cellules très "
        "éloignées ou très répétées, sans doute) : copiez les seules données dans un nouveau "
        "classeur et importez celui-ci."
    ]
    # calamine's own words, for the operator
    assert "memory allocation" in caplog.text or "exit 3" in caplog.text
    assert Laureate.objects.get().name == "Nom d'origine"


@pytest.mark.parametrize(
    "name", ["cellule-XFD1048576.xlsx", "chaines-4-milliards.xlsx", "ligne-99999999999.xlsx"]
)
def test_the_same_file_read_without_the_guard_kills_its_process(name):
    # What the worker did before: python-calamine in the process itself. These three ask for
    # tens of gigabytes at once, so the allocation fails at once, without using memory.
    read = (
        "import io, sys; from python_calamine import CalamineWorkbook; "
        "book = CalamineWorkbook.from_filelike(io.BytesIO(sys.stdin.buffer.read())); "
        "[list(book.get_sheet_by_index(i).iter_rows()) for i in range(len(book.sheet_names))]"
    )
    done = subprocess.run(
        [sys.executable, "-c", read], input=HUGE[name](), capture_output=True, timeout=60
    )
    assert done.returncode == -signal.SIGABRT
    assert b"memory allocation" in done.stderr


def test_a_read_that_takes_too_long_is_stopped(staff_client, existing, monkeypatch):
    # The reading process is killed at once: the administrator is told, the worker carries on.
    monkeypatch.setattr(spreadsheets, "READER_SECONDS", 0)
    data = xlsx(XLSX_HEADER + XLSX_LAUREATE)
    problems = admin_problems(staff_client, "liste.xlsx", data)
    assert problems == [
        "fichier : lire ce classeur prend plus de 0 secondes : copiez les seules données dans "
        "un nouveau classeur et importez celui-ci."
    ]


@pytest.mark.parametrize("name", FORMULA_WITHOUT_VALUE)
def test_admin_refuses_a_formula_without_its_value_naming_the_cell(staff_client, existing, name):
    problems = admin_problems(staff_client, name, FORMULA_WITHOUT_VALUE[name]())
    assert problems == [
        "ligne 2, colonne « acronyme » : la cellule D2 de la feuille « Lauréats » contient une "
        "formule dont la valeur n'est pas enregistrée dans le fichier : ouvrez-le dans Excel ou "
        "LibreOffice et enregistrez-le (les valeurs calculées sont alors enregistrées), ou "
        "remplacez les formules par leurs valeurs (copier, puis « Collage spécial » > « Valeurs "
        "uniquement »)."
    ]
    assert Laureate.objects.get().name == "Nom d'origine"


@pytest.mark.parametrize("name", FORMULA_WITHOUT_VALUE)
def test_command_refuses_a_formula_without_its_value(existing, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(FORMULA_WITHOUT_VALUE[name]())
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 problème"):
        call_command("import_laureates", str(path), stdout=io.StringIO(), stderr=err)
    assert "la cellule D2 de la feuille « Lauréats » contient une formule" in err.getvalue()
    assert not Laureate.objects.filter(slug="projet-essai").exists()


def test_many_formulas_without_values_are_counted_past_the_first_hundred(staff_client, existing):
    cells = "".join(
        row(n, text(f"A{n}", f"projet-{n}"), f'<c r="B{n}"><f>"Nom "&amp;{n}</f></c>')
        for n in range(2, 152)
    )
    problems = admin_problems(staff_client, "liste.xlsx", xlsx(XLSX_HEADER + cells))
    assert len(problems) == 101
    assert problems[0].startswith("ligne 2, colonne « nom » : la cellule B2 ")
    assert problems[-1] == "fichier : et 50 autres formules sans valeur."


def test_formulas_with_their_stored_values_import(reference_data, staff_client):
    # As Excel and LibreOffice save them: the formula and its last computed value.
    spreadsheets_with_values = {
        "liste.xlsx": xlsx(
            XLSX_HEADER
            + row(
                2,
                text("A2", "projet-essai"),
                '<c r="B2" t="str"><f>"Projet "&amp;"d\'essai"</f><v>Projet d\'essai</v></c>',
                text("C2", "retenu"),
            )
        ),
        "liste.ods": ods(
            ODS_HEADER
            + ods_row(
                ods_text("projet-essai"),
                '<table:table-cell table:formula="of:=&quot;Projet d&apos;essai&quot;" '
                'office:value-type="string" office:string-value="Projet d\'essai">'
                "<text:p>Projet d'essai</text:p></table:table-cell>",
                ods_text("retenu"),
            )
        ),
    }
    for name, data in spreadsheets_with_values.items():
        preview = staff_client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})
        assert preview.status_code == 200, [str(p) for p in preview.context["preview"].problems]
        assert [row.slug for row in preview.context["preview"].created] == ["projet-essai"]
        assert preview.context["preview"].created[0].name == "Projet d'essai"


def test_what_spreadsheet_applications_leave_past_the_data_is_not_counted(
    reference_data, staff_client
):
    # LibreOffice writes the formatted rest of a sheet as one empty row repeated to the last
    # row, 1,024 empty cells wide; Excel writes a formatted empty cell where it was formatted.
    # calamine builds neither, so neither counts against the limits.
    libreoffice = ods(
        ODS_HEADER
        + ods_row(ods_text("projet-essai"), ods_text("Projet d'essai"), ods_text("retenu"))
        + ods_row('<table:table-cell table:number-columns-repeated="1024"/>', repeated=1048573)
    )
    excel = xlsx(XLSX_HEADER + XLSX_LAUREATE + row(1048576, '<c r="XFD1048576" s="1"/>'))
    for name, data in {"liste.ods": libreoffice, "liste.xlsx": excel}.items():
        preview = staff_client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})
        assert preview.status_code == 200, [str(p) for p in preview.context["preview"].problems]
        assert [row.slug for row in preview.context["preview"].created] == ["projet-essai"]
