"""The import bugs of issue 10, each reproduced the way an administrator met it."""

import csv
import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import translation

from laureats.models import Laureate, Membership, Organisation, Region, Sector, Source

from .factories import OrganisationFactory, SectorFactory, make_laureate
from .import_rows import export_text

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:laureats_laureate_import")


def run_import(path, *args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_laureates", str(path), *args, stdout=out, stderr=err)
    except CommandError as error:
        return False, out.getvalue(), err.getvalue() + str(error)
    return True, out.getvalue(), err.getvalue()


def write(tmp_path, text, name="laureats.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def rich(reference_data):
    """A laureate with members, sources, sectors and regions, unpublished by an admin."""
    sector = Sector.objects.first()
    lead = OrganisationFactory(name="CFA de l'Ouest", slug="cfa-ouest", kind="cfa")
    partner = OrganisationFactory(name="Laboratoire", slug="labo", kind="laboratoire")
    laureate = make_laureate(
        name="Projet riche",
        slug="projet-riche",
        sectors=[sector],
        regions=["27", "84"],
        lead=lead,
        members=[partner],
        is_published=False,
        total_cost=1_000_000,
        state_aid=700_000,
    )
    Source.objects.create(laureate=laureate, url="https://example.org/a", title="Article")
    return laureate


def test_three_column_reimport_keeps_everything_it_does_not_name(rich, tmp_path):
    ok, _out, err = run_import(
        write(tmp_path, "slug,nom,statut\nprojet-riche,Projet riche renommé,retenu\n")
    )
    assert ok, err
    rich.refresh_from_db()
    assert rich.name == "Projet riche renommé"
    assert rich.memberships.count() == 2
    assert rich.sources.count() == 1
    assert rich.sectors.count() == 1
    assert sorted(rich.regions.values_list("code", flat=True)) == ["27", "84"]
    assert rich.is_published is False
    assert rich.total_cost == 1_000_000


def test_reimport_of_unchanged_row_writes_no_history(rich, tmp_path):
    before = rich.history.count()
    ok, out, err = run_import(
        write(tmp_path, "slug,nom,statut\nprojet-riche,Projet riche,retenu\n")
    )
    assert ok, err
    assert "1 inchangé" in out
    assert rich.history.count() == before


def test_reimport_with_unchanged_members_rewrites_no_organisation(rich, tmp_path):
    # Matching the members used to mark every organisation as updated: each was saved again,
    # with a history entry, though the file changed nothing.
    before = Organisation.history.count()
    members = "porteur:cfa::CFA de l'Ouest | partenaire:laboratoire::Laboratoire"
    ok, out, err = run_import(
        write(tmp_path, f'slug,nom,statut,membres\nprojet-riche,Projet riche,retenu,"{members}"\n')
    )
    assert ok, err
    assert "1 inchangé" in out
    assert Organisation.history.count() == before


def test_organisation_with_an_apostrophe_is_matched_not_duplicated(rich, tmp_path):
    text = (
        "slug,nom,statut,membres\n"
        "projet-riche,Projet riche,retenu,porteur:cfa::CFA de l'Ouest | "
        "partenaire:laboratoire::Laboratoire\n"
    )
    ok, out, err = run_import(write(tmp_path, text))
    assert ok, err
    assert Organisation.objects.count() == 2
    assert "1 inchangé" in out
    assert Membership.objects.filter(organisation__slug="cfa-ouest").exists()


FRENCH_EXCEL = (
    "slug;nom;statut;cout_total_eur;aide_etat_eur;date_debut;publie\r\n"
    "projet-excel;Projet «Excel» été;Retenu;1 000 000;700\u00a0000 €;01/09/2023;Oui\r\n"
)


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_french_excel_csv_imports(reference_data, tmp_path, encoding):
    ok, _out, err = run_import(write(tmp_path, FRENCH_EXCEL, encoding=encoding))
    assert ok, err
    laureate = Laureate.objects.get(slug="projet-excel")
    assert laureate.name == "Projet «Excel» été"
    assert laureate.status == "retenu"
    assert laureate.total_cost == 1_000_000 and laureate.state_aid == 700_000
    assert laureate.start_date.isoformat() == "2023-09-01"


def test_cp1252_is_detected_and_said(reference_data, tmp_path):
    ok, out, err = run_import(write(tmp_path, FRENCH_EXCEL, encoding="cp1252"))
    assert ok, err
    assert "Windows-1252" in out


def test_header_mismatch_names_separator_and_encoding(reference_data, tmp_path):
    ok, _out, err = run_import(write(tmp_path, "foo;bar\r\n1;2\r\n", encoding="utf-8-sig"))
    assert not ok
    assert "« ; »" in err and "UTF-8" in err
    assert err.count("colonne obligatoire absente") <= 1


def test_command_reads_xlsx(reference_data, tmp_path):
    workbook = openpyxl.Workbook()
    workbook.active.append(["slug", "nom", "statut", "cout_total_eur"])
    workbook.active.append(["projet-xlsx", "Projet XLSX", "retenu", 5000])
    path = tmp_path / "laureats.xlsx"
    workbook.save(path)
    ok, _out, err = run_import(path)
    assert ok, err
    assert Laureate.objects.get(slug="projet-xlsx").total_cost == 5000


def test_row_numbers_are_spreadsheet_rows_despite_multiline_cells(reference_data, tmp_path):
    text = 'slug,nom,statut,description\na,A,retenu,"une\ndeux\ntrois"\nb,B,gagne,x\n'
    ok, _out, err = run_import(write(tmp_path, text))
    assert not ok
    assert "ligne 3" in err and "ligne 5" not in err


def test_pipe_in_a_source_title_and_organisation_name_round_trips(reference_data, tmp_path):
    lead = OrganisationFactory(name="Alpha | Beta", slug="alpha-beta", kind="cfa")
    laureate = make_laureate(name="Projet pipe", slug="projet-pipe", lead=lead)
    Source.objects.create(
        laureate=laureate, url="https://example.org/p", title="Deffinum | Ministère du Travail"
    )
    exported = export_text(Laureate.objects.all())
    laureate.delete()
    lead.delete()
    ok, _out, err = run_import(write(tmp_path, exported))
    assert ok, err
    imported = Laureate.objects.get(slug="projet-pipe")
    assert imported.lead.name == "Alpha | Beta"
    assert imported.sources.get().title == "Deffinum | Ministère du Travail"


@pytest.mark.parametrize(
    "content",
    [
        "slug,nom,statut,description\na,A,retenu," + "x" * 140_000 + "\n",
        "slug,nom,statut\na,A\x00,retenu\n",
    ],
)
def test_huge_cell_or_nul_byte_is_a_message_not_a_traceback(reference_data, tmp_path, content):
    ok, _out, err = run_import(write(tmp_path, content))
    assert not ok
    assert "Traceback" not in err
    assert "rien n'a été importé" in err
    assert Laureate.objects.count() == 0


def test_summary_longer_than_the_model_allows_is_refused(reference_data, tmp_path):
    ok, _out, err = run_import(write(tmp_path, "slug,nom,statut,resume\na,A,retenu," + "x" * 1001))
    assert not ok
    assert "resume" in err and "1000" in err


def test_aid_rule_is_mapped_to_its_column_in_english(reference_data, tmp_path):
    text = "slug,nom,statut,cout_total_eur,aide_etat_eur\na,A,retenu,1000,900\n"
    with translation.override("en"):
        ok, _out, err = run_import(write(tmp_path, text))
    assert not ok
    assert "aide_etat_eur" in err


def csv_export_cells(response):
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return content.decode()


def test_csv_exports_neutralise_formulas_and_quote_bare_cr(client, reference_data):
    make_laureate(name="=HYPERLINK(1)", slug="formule", summary="a\rb")
    text = csv_export_cells(client.get(reverse("laureats:laureate-export", args=["csv"])))
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert rows[1][1] == "'=HYPERLINK(1)"
    assert '"a\rb"' in text


def test_members_and_statistics_csv_neutralise_formulas(client, reference_data):
    lead = OrganisationFactory(name="@Formule", slug="formule-org", kind="cfa")
    SectorFactory(name="+Filière", slug="plus-filiere")
    make_laureate(name="Projet", slug="projet", lead=lead, sectors=Sector.objects.all())
    members = csv_export_cells(client.get(reverse("laureats:member-export", args=["csv"])))
    assert "'@Formule" in members
    stats = csv_export_cells(client.get(reverse("laureats:statistics-csv", args=["filieres"])))
    assert "'+Filière" in stats


def test_reimport_queries_are_bounded(rich, tmp_path, django_assert_max_num_queries):
    lines = ["slug,nom,statut"] + [f"p{n},Projet {n},retenu" for n in range(4)]
    path = write(tmp_path, "\n".join(lines) + "\n")
    run_import(path)
    with django_assert_max_num_queries(40):
        run_import(path)


def test_admin_refuses_a_zip_bomb_without_a_500(staff_client, reference_data):
    buffer = io.BytesIO()
    import zipfile

    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/sharedStrings.xml", "<sst>" + "a" * 200_000_000 + "</sst>")
    upload = SimpleUploadedFile("bombe.xlsx", buffer.getvalue())
    response = staff_client.post(IMPORT, {"file": upload})
    assert response.status_code == 400
    assert Laureate.objects.count() == 0


def test_admin_accepts_semicolon_csv(staff_client, reference_data):
    upload = SimpleUploadedFile("l.csv", FRENCH_EXCEL.encode("utf-8-sig"))
    response = staff_client.post(IMPORT, {"file": upload})
    assert response.status_code == 200, response.context["preview"].problems
    assert Region.objects.count() == 18
