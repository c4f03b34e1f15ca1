"""A file of shared productions imports through the admin's import page with the laureates'
rules (issue 26): recognised by its `ressource` column, previewed field by field, written all
or nothing, a column left out left as it is, a stale preview shown again; saved as French Excel
and LibreOffice save it. The rows are test rows, not real productions."""

import datetime
import io
from html import unescape

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from laureats.csv_format import read_file
from laureats.csv_format.resource_columns import RESOURCE_COLUMN_NAMES
from laureats.importer import ImportFailed, PlanMoved, apply_plan, plan_file
from laureats.models import Resource
from tests.factories import LaureateFactory, ResourceFactory, ResourceSourceFactory

from .spreadsheet_files import csv_text, ods_file, xlsx_file

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:laureats_laureate_import")
RESOURCES = reverse("admin:laureats_resource_changelist")
NBSP = "\u00a0"
HEADER = [
    "ressource",
    "Titre",
    "laureats",
    "type",
    "licence",
    "Accès",
    "etat",
    "publics",
    "certifications",
    "url",
    "date_mise_a_disposition",
    "description",
    "sources",
]
# As typed in a spreadsheet: French labels, capitals, a French date, a laureate by its name.
ROWS = [
    [
        "jeu-essai-soudure",
        "Jeu d'essai : la soudure à l’arc",
        "Projet d'essai à Lyon",
        "Jeu sérieux",
        "Licence Ouverte 2.0",
        "public",
        "Disponible",
        "Apprentis | Formateurs",
        "RNCP34567, RS5678",
        "https://jeu.example.org/soudure",
        "01/09/2024",
        f"Un jeu d'essai{NBSP}; pour les tests.",
        "https://presse.example.org/jeu Annonce du jeu",
    ],
    [
        "module-essai-btp",
        "Module d'essai BTP",
        "projet-essai-lyon | projet-essai-lille",
        "module-elearning",
        "CC BY-SA",
        "sur demande",
        "prévue",
        "",
        "",
        "",
        "",
        "",
        "",
    ],
]


@pytest.fixture
def laureates(reference_data):
    return [
        LaureateFactory(slug="projet-essai-lyon", name="Projet d'essai à Lyon"),
        LaureateFactory(slug="projet-essai-lille", name="Projet d'essai à Lille"),
    ]


def excel_csv_cp1252():
    """Excel's "CSV (séparateur : point-virgule)": Windows-1252."""
    return csv_text([HEADER, *ROWS]).replace("’", "'").encode("cp1252")


def excel_csv_utf8():
    """Excel's "CSV UTF-8": a BOM, semicolons in French."""
    return csv_text([HEADER, *ROWS]).encode("utf-8-sig")


def typed(row):
    values = list(row)
    if values[10]:
        values[10] = datetime.datetime.strptime(values[10], "%d/%m/%Y")
    return values


def xlsx(sheets=None):
    """A workbook as Excel saves it: the productions' sheet, its date a date."""
    return xlsx_file(sheets or [("Productions partagées", [HEADER, *map(typed, ROWS)])])


def ods():
    return ods_file("Productions partagées", [HEADER, *map(typed, ROWS)])


FILES = {
    "productions-excel.csv": excel_csv_cp1252,
    "productions-excel-utf8.csv": excel_csv_utf8,
    "productions.xlsx": xlsx,
    "productions.ods": ods,
}


def upload(client, name, data):
    return client.post(IMPORT, {"file": SimpleUploadedFile(name, data)})


def confirm(client, preview):
    return client.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})


def text(response):
    return unescape(response.content.decode())


@pytest.mark.parametrize("name", FILES)
def test_a_french_spreadsheet_of_productions_previews_then_imports_intact(
    staff_client, laureates, name
):
    preview = upload(staff_client, name, FILES[name]())
    assert preview.status_code == 200, preview.context["preview"].problems
    page = text(preview)
    assert "2 production(s) seront créées" in page
    # Field by field, as a person reads them: labels, not codes.
    assert "Licence Ouverte 2.0 (Etalab)" in page and "jeu sérieux" in page
    assert "Projet d'essai à Lille" in page and "formateurs" in page
    assert not Resource.objects.exists()

    done = confirm(staff_client, preview)
    assert done.status_code == 302 and done["Location"] == RESOURCES
    game = Resource.objects.get(slug="jeu-essai-soudure")
    assert game.title.startswith("Jeu d'essai : la soudure")
    assert (game.kind, game.licence, game.access, game.status) == (
        "jeu-serieux",
        "licence-ouverte-2.0",
        "public",
        "disponible",
    )
    assert game.audience == ["apprentis", "formateurs"]
    assert game.certifications == "RNCP34567 RS5678"
    assert game.available_on == datetime.date(2024, 9, 1)
    assert [laureate.slug for laureate in game.laureates.all()] == ["projet-essai-lyon"]
    assert [(s.url, s.title) for s in game.sources.all()] == [
        ("https://presse.example.org/jeu", "Annonce du jeu")
    ]
    entry = game.history.get()
    assert entry.history_change_reason == f"Import : {name}"
    assert [m.laureate_id for m in entry.laureates.all()] == [laureates[0].pk]
    module = Resource.objects.get(slug="module-essai-btp")
    assert module.laureates.count() == 2 and module.licence == "cc-by-sa"
    public = text(staff_client.get(game.get_absolute_url()))
    assert "la soudure à" in public and "RNCP34567" in public


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("licence", "GPL v3", "« GPL v3 » n'est pas une valeur permise"),
        ("type", "film", "« film » n'est pas une valeur permise"),
        ("certifications", "RNCP-12", "un code de certification s'écrit RNCP"),
        ("url", "www.example.org", "n'est pas une adresse web"),
        ("date_mise_a_disposition", "31/02/2024", "n'est pas une date"),
        ("laureats", "Projet inconnu", "aucun lauréat n'a cet identifiant (slug) ou ce nom"),
        ("etat", "en cours", "« en cours » n'est pas une valeur permise"),
        ("Accès", "payant", "« payant » n'est pas une valeur permise"),
    ],
)
def test_a_bad_value_names_its_row_and_column_and_nothing_is_written(
    staff_client, laureates, column, value, message
):
    rows = [list(row) for row in ROWS]
    rows[1][HEADER.index(column)] = value
    response = upload(staff_client, "productions.csv", csv_text([HEADER, *rows]).encode())
    assert response.status_code == 400
    problems = response.context["preview"].problems
    assert [(p.row, p.column) for p in problems] == [(3, column)]
    assert message in problems[0].message
    assert f"ligne 3, colonne « {column} »" in str(problems[0])
    assert not Resource.objects.exists()


def test_the_allowed_values_are_listed_with_their_labels(laureates):
    data = b"ressource;titre;laureats;licence\nx;X;projet-essai-lyon;WTFPL\n"
    with pytest.raises(ImportFailed) as refused:
        plan_file("p.csv", data)
    assert "licence-ouverte-2.0 (Licence Ouverte 2.0 (Etalab))" in str(refused.value)


def test_a_name_two_laureates_share_asks_for_the_identifier(reference_data):
    LaureateFactory(slug="homonyme-1", name="Projet homonyme")
    LaureateFactory(slug="homonyme-2", name="Projet homonyme")
    data = b"ressource;titre;laureats\nx;X;Projet homonyme\n"
    with pytest.raises(ImportFailed) as refused:
        plan_file("p.csv", data)
    assert "plusieurs lauréats portent ce nom" in str(refused.value)
    plan = plan_file("p.csv", b"ressource;titre;laureats\nx;X;homonyme-2\n")
    assert plan.rows[0].values["laureats"] == ["homonyme-2"]


def test_creating_needs_the_title_and_the_laureates(laureates):
    with pytest.raises(ImportFailed) as refused:
        plan_file("p.csv", b"ressource;licence\nnouvelle;cc-by\n")
    assert {problem.column for problem in refused.value.problems} == {"titre", "laureats"}


def test_a_column_left_out_is_left_as_it_is(staff_client, laureates):
    resource = ResourceFactory(
        slug="jeu-essai-soudure",
        title="Titre saisi",
        description="Description saisie",
        licence=Resource.Licence.CC_BY,
        laureates=laureates,
    )
    ResourceSourceFactory(resource=resource, url="https://presse.example.org/garde")
    data = "ressource;licence\r\njeu-essai-soudure;Licence Ouverte\r\n".encode("utf-8-sig")
    preview = upload(staff_client, "licence.csv", data)
    page = text(preview)
    assert "0 production(s) seront créées, 1 mise(s) à jour" in page
    assert "CC BY" in page and "Licence Ouverte 2.0 (Etalab)" in page
    assert confirm(staff_client, preview).status_code == 302
    resource.refresh_from_db()
    assert resource.licence == "licence-ouverte-2.0"
    assert (resource.title, resource.description) == ("Titre saisi", "Description saisie")
    assert resource.laureates.count() == 2
    assert list(resource.sources.values_list("url", flat=True)) == [
        "https://presse.example.org/garde"
    ]
    assert resource.history.first().history_change_reason == "Import : licence.csv"


def test_an_unchanged_row_is_not_written(laureates):
    resource = ResourceFactory(slug="x", title="X", laureates=[laureates[0]])
    entries = resource.history.count()
    plan = plan_file("p.csv", b"ressource;titre;laureats\nx;X;projet-essai-lyon\n")
    assert plan.summary().startswith("0 production(s) partagée(s) créée(s), 0 mise(s) à jour, 1")
    apply_plan(plan)
    assert resource.history.count() == entries


def test_a_removed_laureate_and_source_are_warned_of_at_the_top(staff_client, laureates):
    resource = ResourceFactory(slug="x", title="X", laureates=laureates)
    ResourceSourceFactory(resource=resource, url="https://presse.example.org/partie")
    data = b"ressource;laureats;sources\nx;projet-essai-lyon;\n"
    page = text(upload(staff_client, "p.csv", data))
    assert "Lauréat retiré : Projet d'essai à Lille" in page
    assert "Source retirée : https://presse.example.org/partie" in page


def test_a_stale_preview_is_shown_again_and_writes_nothing(staff_client, laureates):
    resource = ResourceFactory(slug="x", title="X", laureates=[laureates[0]])
    preview = upload(staff_client, "p.csv", b"ressource;titre\nx;Titre du fichier\n")
    assert preview.status_code == 200
    # Someone edits the title in the admin between the preview and its confirmation.
    resource.title = "Titre de l'administration"
    resource.save()
    moved = confirm(staff_client, preview)
    assert moved.status_code == 409
    assert moved.context["preview"].moved == {"x"}
    resource.refresh_from_db()
    assert resource.title == "Titre de l'administration"
    assert confirm(staff_client, moved).status_code == 302
    resource.refresh_from_db()
    assert resource.title == "Titre du fichier"


def test_applying_refuses_a_plan_whose_resource_moved(laureates):
    resource = ResourceFactory(slug="x", title="X", laureates=[laureates[0]])
    plan = plan_file("p.csv", b"ressource;titre\nx;Y\n")
    Resource.objects.get(pk=resource.pk).save()
    with pytest.raises(PlanMoved):
        apply_plan(plan)
    assert Resource.objects.get(pk=resource.pk).title == "X"


def test_the_blank_workbook_with_its_productions_sheet_filled_imports_them(staff_client, laureates):
    blank = staff_client.get(reverse("admin:laureats_laureate_import_model", args=["xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(blank.content))
    assert workbook.sheetnames[:2] == ["Lauréats", "Productions partagées"]
    sheet = workbook["Productions partagées"]
    assert [cell.value for cell in sheet[1]] == RESOURCE_COLUMN_NAMES
    # Every column present: an empty « publiee » is refused, never guessed (as for laureates).
    typed_in = {"ressource": "module-x", "titre": "Module X", "laureats": "projet-essai-lyon"}
    typed_in |= {"type": "MOOC", "publiee": "Oui"}
    sheet.append([typed_in.get(name, "") for name in RESOURCE_COLUMN_NAMES])
    saved = io.BytesIO()
    workbook.save(saved)
    preview = upload(staff_client, "modele-rempli.xlsx", saved.getvalue())
    assert preview.status_code == 200, preview.context["preview"].problems
    assert confirm(staff_client, preview).status_code == 302
    assert Resource.objects.get(slug="module-x").kind == "mooc"


def test_a_workbook_with_both_sheets_filled_is_refused(staff_client, laureates):
    data = xlsx(
        [
            ("Lauréats", [["slug", "nom", "statut"], ["projet-z", "Projet Z", "retenu"]]),
            ("Productions", [HEADER, *map(typed, ROWS)]),
        ]
    )
    response = upload(staff_client, "deux.xlsx", data)
    assert response.status_code == 400
    message = response.context["preview"].problems[0].message
    assert "lignes de lauréats (feuille n°1)" in message
    assert "productions partagées (feuille n°2)" in message


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_blank_productions_file_is_read_back_with_every_column(staff_client, extension):
    url = reverse("admin:laureats_laureate_import_resource_model", args=[extension])
    response = staff_client.get(url)
    assert response.status_code == 200
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="productions-modele-vide.{extension}"'
    )
    if extension == "csv":
        assert response.content == ("\ufeff" + ";".join(RESOURCE_COLUMN_NAMES) + "\r\n").encode()
    table = read_file(f"p.{extension}", response.content)
    assert table.header == RESOURCE_COLUMN_NAMES and not table.rows
    refused = upload(staff_client, f"p.{extension}", response.content)
    assert [p.message for p in refused.context["preview"].problems] == [
        "le fichier ne contient aucune ligne de production partagée."
    ]


def test_the_import_page_offers_the_productions_model_and_columns(staff_client, db):
    page = text(staff_client.get(IMPORT))
    assert f'href="{IMPORT}modele-productions.xlsx" download' in page
    assert "Colonnes d'un fichier de productions partagées" in page
    assert "<code>date_mise_a_disposition</code>" in page


def test_the_command_imports_a_file_of_productions(laureates, tmp_path):
    path = tmp_path / "productions.csv"
    path.write_bytes(excel_csv_cp1252())
    out = io.StringIO()
    call_command("import_laureates", str(path), "--dry-run", stdout=out)
    assert (
        "Simulation (rien n'a été écrit) : 2 production(s) partagée(s) créée(s)" in out.getvalue()
    )
    assert not Resource.objects.exists()
    call_command("import_laureates", str(path), stdout=io.StringIO())
    assert Resource.objects.count() == 2


def test_the_productions_changelist_links_to_the_import(staff_client, db):
    page = text(staff_client.get(RESOURCES))
    assert f'<a href="{IMPORT}">Importer un fichier de productions</a>' in page


def productions_file(count):
    lines = ["ressource;titre;laureats;type;publics;filieres;sources"]
    lines += [
        f"production-{n};Production {n};projet-essai-lyon | projet-essai-lille;mooc;"
        f"apprentis;sante-social;https://presse.example.org/{n} Annonce {n}"
        for n in range(count)
    ]
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("count", [10, 100])
def test_the_import_costs_the_same_whatever_the_number_of_rows(
    laureates, count, django_assert_num_queries, django_assert_max_num_queries
):
    # The plan: sectors, laureates, the resources named (none yet, so no relation is read).
    with django_assert_num_queries(3):
        plan = plan_file("p.csv", productions_file(count))
    # Written in bulk: 19 statements for any number of rows on SQLite's first batch, the search
    # text and sectors rebuilt by the derived-data owner included (measured); SQLite splits
    # them into batches of 999 parameters beyond. A query per row fails.
    with django_assert_max_num_queries(19 + count // 10):
        apply_plan(plan)
    assert Resource.objects.count() == count
    assert Resource.sources.rel.related_model.objects.count() == count
    # Again: the same three, and the three relations of the resources now there.
    with django_assert_num_queries(6):
        again = plan_file("p.csv", productions_file(count))
    assert len(again.unchanged) == count


def test_labels_are_read_in_french_whatever_language_the_first_reader_used():
    # A column keeps its vocabulary for the process: made while an administrator browsed in
    # English, it knew « serious game » and refused « jeu sérieux ».
    from django.utils import translation

    from laureats.csv_format.values import Vocabulary

    with translation.override("en"):
        vocabulary = Vocabulary(Resource.Kind.choices)
    assert vocabulary.parse("jeu sérieux") == Resource.Kind.SERIOUS_GAME


def test_an_import_of_laureates_or_sectors_only_rebuilds_the_derived_columns(laureates):
    # The relations are written in plain SQL, which no signal tells of (found by review): the
    # search text named the old laureate, the sector facet filed it under the old sectors.
    from django.core.management import call_command as command

    from laureats.models import Sector

    lyon, lille = laureates
    lyon.sectors.set([Sector.objects.get(slug="sante-social")])
    lille.sectors.set([Sector.objects.get(slug="construction-btp")])
    apply_plan(plan_file("p.csv", b"ressource;titre;laureats\nx;X;projet-essai-lyon\n"))
    apply_plan(plan_file("p.csv", b"ressource;laureats\nx;projet-essai-lille\n"))
    resource = Resource.objects.get(slug="x")
    assert "lille" in resource.search_text and "lyon" not in resource.search_text
    assert list(Resource.objects.in_sectors(["construction-btp"])) == [resource]
    # A laureates' file that moves Lille to another sector moves its production too.
    lille_row = b"slug;secteurs\nprojet-essai-lille;transports\n"
    apply_plan(plan_file("l.csv", lille_row))
    assert list(Resource.objects.in_sectors(["transports"])) == [resource]
    output = io.StringIO()
    command("check_derived", stdout=output)
    assert output.getvalue().startswith("Toutes les colonnes dérivées sont à jour")


def test_importing_productions_needs_their_permissions(client, django_user_model, laureates):
    # The import page lets in whoever may add and change laureates; a productions file writes
    # productions (found by review).
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("editeur", password="x", is_staff=True)
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_laureate", "change_laureate"])
    )
    client.force_login(editor)
    upload = SimpleUploadedFile("p.csv", b"ressource;titre;laureats\nx;X;projet-essai-lyon\n")
    assert client.post(IMPORT, {"file": upload}).status_code == 403
    editor.user_permissions.add(
        *Permission.objects.filter(codename__in=["add_resource", "change_resource"])
    )
    editor = django_user_model.objects.get(pk=editor.pk)
    client.force_login(editor)
    upload = SimpleUploadedFile("p.csv", b"ressource;titre;laureats\nx;X;projet-essai-lyon\n")
    assert client.post(IMPORT, {"file": upload}).status_code == 200
    assert not Resource.objects.exists()
