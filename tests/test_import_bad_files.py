"""Files that cannot be imported: each refused with a message the admin can act on, never a
500 or a traceback, and the database left as it was. Run on SQLite and on PostgreSQL, which
refuses a NUL character in text where SQLite would store it."""

import io
import zipfile

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from laureats.models import Laureate

from .factories import make_laureate

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:laureats_laureate_import")


def xlsx_with_nul():
    """An XLSX whose cell holds a NUL character: openpyxl will not write one, a crafted file can."""
    workbook = openpyxl.Workbook()
    workbook.active.append(["slug", "nom", "statut"])
    workbook.active.append(["deja-la", "MARQUE", "retenu"])
    saved = io.BytesIO()
    workbook.save(saved)
    source, crafted = zipfile.ZipFile(saved), io.BytesIO()
    with zipfile.ZipFile(crafted, "w") as archive:
        for member in source.infolist():
            archive.writestr(member, source.read(member).replace(b"MARQUE", b"Nom\x00cache"))
    return crafted.getvalue()


NUL_FILES = {
    "nul.csv": "slug,nom,statut\ndeja-la,Nom\x00caché,retenu\n".encode(),
    "utf16.csv": "slug,nom,statut\ndeja-la,Nom\x00caché,retenu\n".encode("utf-16"),
    "nul.xlsx": xlsx_with_nul(),
}


@pytest.fixture
def existing(reference_data):
    return make_laureate(name="Nom d'origine", slug="deja-la")


@pytest.mark.parametrize("name", NUL_FILES)
def test_admin_refuses_a_nul_character_with_a_message(staff_client, existing, name):
    response = staff_client.post(IMPORT, {"file": SimpleUploadedFile(name, NUL_FILES[name])})
    assert response.status_code == 400
    problems = [str(problem) for problem in response.context["preview"].problems]
    assert any("nul" in problem for problem in problems), problems
    assert Laureate.objects.get().name == "Nom d'origine"


@pytest.mark.parametrize("name", NUL_FILES)
def test_command_refuses_a_nul_character_without_a_traceback(existing, tmp_path, name):
    path = tmp_path / name
    path.write_bytes(NUL_FILES[name])
    err = io.StringIO()
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_laureates", str(path), stdout=io.StringIO(), stderr=err)
    assert "nul" in err.getvalue()
    assert Laureate.objects.get().name == "Nom d'origine"


def test_a_zip_bomb_is_refused_before_it_is_unzipped(staff_client, existing):
    # 128 KB of XLSX whose one shared string unzips to 128 MB (1 MB to 1 GB took a worker to
    # 11 GB; bench/import_bench.py measures that one).
    crafted = io.BytesIO()
    with zipfile.ZipFile(crafted, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/sharedStrings.xml", "w", force_zip64=True) as stream:
            stream.write(b"<sst><si><t>")
            for _ in range(128):
                stream.write(b"a" * 2**20)
            stream.write(b"</t></si></sst>")
    upload = SimpleUploadedFile("bombe.xlsx", crafted.getvalue())
    response = staff_client.post(IMPORT, {"file": upload})
    assert response.status_code == 400
    problems = [str(problem) for problem in response.context["preview"].problems]
    assert problems == [
        "fichier : le classeur décompressé dépasse 40 Mo : ce n'est pas une liste de lauréats."
    ]
    assert Laureate.objects.get().name == "Nom d'origine"
