"""The empty files to fill in, offered by the import page (issue 23): the header row the
importer reads, as the XLSX a person opens and as the CSV French Excel saves; each read back by
the importer finds every column and no row."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from laureats.csv_format import COLUMN_NAMES, read_file
from laureats.importer import Planner

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:laureats_laureate_import")


def model_file(client, extension):
    return client.get(reverse("admin:laureats_laureate_import_model", args=[extension]))


def test_the_import_page_links_to_both_model_files(staff_client, reference_data):
    html = staff_client.get(IMPORT).content.decode()
    for extension in ("csv", "xlsx"):
        assert f'href="{IMPORT}modele.{extension}" download' in html


def test_the_csv_model_is_what_french_excel_saves_and_the_importer_reads(staff_client, db):
    response = model_file(staff_client, "csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="laureats-modele-vide.csv"'
    data = response.content
    assert data == ("\ufeff" + ";".join(COLUMN_NAMES) + "\r\n").encode("utf-8")
    table = read_file("laureats-modele-vide.csv", data)
    assert table.header == COLUMN_NAMES
    assert list(table.rows) == []
    assert "point-virgule" in table.describe()
    columns = Planner().read_header(table)
    assert [column.name for column in columns.values()] == COLUMN_NAMES


def test_the_xlsx_model_has_the_header_and_a_guide_and_the_importer_reads_it(staff_client, db):
    response = model_file(staff_client, "xlsx")
    assert response.status_code == 200
    assert response["Content-Type"].endswith("spreadsheetml.sheet")
    table = read_file("laureats-modele-vide.xlsx", response.content)
    assert table.header == COLUMN_NAMES
    assert list(table.rows) == []
    assert [column.name for column in Planner().read_header(table).values()] == COLUMN_NAMES
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert workbook.sheetnames == [
        "Lauréats",
        "Productions partagées",
        "Colonnes",
        "Colonnes des productions",
    ]
    guide = [row[0] for row in workbook["Colonnes"].iter_rows(min_row=2, values_only=True)]
    assert guide == COLUMN_NAMES


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_a_model_uploaded_empty_says_it_has_no_row(staff_client, reference_data, extension):
    data = model_file(staff_client, extension).content
    upload = SimpleUploadedFile(f"laureats-modele-vide.{extension}", data)
    response = staff_client.post(IMPORT, {"file": upload})
    assert response.status_code == 400
    problems = response.context["preview"].problems
    assert [problem.message for problem in problems] == [
        "le fichier ne contient aucune ligne de lauréat."
    ]


def test_an_unknown_model_format_is_a_404(staff_client, db):
    assert model_file(staff_client, "ods").status_code == 404


def test_the_model_needs_the_import_permissions(client, django_user_model, db):
    user = django_user_model.objects.create_user("lecteur", password="x", is_staff=True)
    client.force_login(user)
    assert model_file(client, "csv").status_code == 403
