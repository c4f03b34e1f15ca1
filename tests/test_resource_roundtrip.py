"""The catalogue's export imports again (docs/import.md): exported, corrected in a spreadsheet
and given back, it changes what was corrected and nothing else. Test rows, not real data."""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from laureats.importer import ImportFailed, apply_plan, plan_file
from laureats.models import Resource, Sector

from .factories import LaureateFactory, ResourceFactory, ResourceSourceFactory

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:laureats_laureate_import")


def export(client, extension="csv", query=""):
    response = client.get(reverse("laureats:resource-export", args=[extension]) + query)
    assert response.status_code == 200
    return response.getvalue()


@pytest.fixture
def catalogue(reference_data):
    """One production with every field and sectors of its own, one that follows its laureates'
    sectors."""
    building = Sector.objects.get(slug="construction-btp")
    health = Sector.objects.get(slug="sante-social")
    site = LaureateFactory(slug="chantier-essai", name="Chantier d'essai")
    site.sectors.set([building])
    care = LaureateFactory(slug="soins-essai", name="Soins d'essai")
    care.sectors.set([health])
    full = ResourceFactory(
        title="Simulation | échafaudage",
        slug="simulation-echafaudage",
        kind=Resource.Kind.IMMERSIVE,
        description="Monter un échafaudage ; en réalité virtuelle.",
        laureates=[site, care],
        audience=["apprentis", "formateurs"],
        # Typed with a comma, as the admin's form allows.
        certifications="RNCP34567, RS5678",
        licence=Resource.Licence.CC_BY_SA,
        access=Resource.Access.ON_REQUEST,
        url="https://simulation.example.org/echafaudage?niveau=1",
        language=Resource.Language.FRENCH,
        status=Resource.Status.AVAILABLE,
        available_on=datetime.date(2024, 9, 1),
    )
    full.sectors.set([building])
    ResourceSourceFactory(
        resource=full, url="https://presse.example.org/a", title="Annonce | région"
    )
    ResourceSourceFactory(resource=full, url="https://presse.example.org/b", title="")
    following = ResourceFactory(
        title="Guide des soins", slug="guide-soins", laureates=[care], description="=1+1 ; -2"
    )
    return full, following


def state(resource):
    resource.refresh_from_db()
    return (
        [
            getattr(resource, name)
            for name in (
                "title",
                "kind",
                "description",
                "audience",
                "certifications",
                "licence",
                "access",
                "url",
                "language",
                "status",
                "available_on",
                "is_published",
            )
        ],
        sorted(resource.laureates.values_list("slug", flat=True)),
        sorted(resource.sectors.values_list("slug", flat=True)),
        sorted(resource.sources.values_list("url", "title")),
    )


@pytest.mark.parametrize("extension", ["csv", "xlsx"])
def test_the_export_imports_again_without_a_change(client, catalogue, extension):
    before = [state(resource) for resource in catalogue]
    plan = plan_file(f"productions.{extension}", export(client, extension))
    assert plan.summary().startswith(
        "0 production(s) partagée(s) créée(s), 0 mise(s) à jour, 2 inchangée(s)"
    )
    apply_plan(plan)
    assert [state(resource) for resource in catalogue] == before


def test_a_corrected_export_saved_by_french_excel_changes_only_what_was_corrected(
    client, staff_client, catalogue
):
    full, following = catalogue
    rows = list(csv.reader(io.StringIO(export(client).decode("utf-8-sig"))))
    header = rows[0]
    for row in rows[1:]:
        if row[header.index("slug")] == "guide-soins":
            row[header.index("licence")] = "Licence Ouverte 2.0"
            row[header.index("acces")] = "public"
    # Saved again as Excel saves a French CSV: semicolons, Windows-1252.
    saved = io.StringIO()
    csv.writer(saved, delimiter=";", lineterminator="\r\n").writerows(rows)
    data = saved.getvalue().encode("cp1252")
    before = state(full)

    preview = staff_client.post(IMPORT, {"file": SimpleUploadedFile("export.csv", data)})
    assert preview.status_code == 200, preview.context["preview"].problems
    assert "1 mise(s) à jour, 1 inchangée(s)" in preview.content.decode()
    done = staff_client.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})
    assert done.status_code == 302

    following.refresh_from_db()
    assert (following.licence, following.access) == ("licence-ouverte-2.0", "public")
    # Still filed under its laureates' sectors, and following them: none of its own.
    assert not following.sectors.exists()
    assert state(full) == before


def test_in_the_import_format_url_is_still_the_address(catalogue):
    # Only the export's `url` is the portal's page, not read: the import's is the address.
    data = b"ressource;titre;url\nguide-soins;Guide des soins;https://a.example.org\n"
    plan = plan_file("p.csv", data)
    apply_plan(plan)
    assert Resource.objects.get(slug="guide-soins").url == "https://a.example.org"


def test_links_to_unpublished_laureates_are_kept(client, catalogue):
    """The export names only published laureates: a link to an unpublished one stays, and a
    production whose laureates are all unpublished (an empty cell) is not refused."""
    full, _following = catalogue
    hidden = LaureateFactory(slug="projet-cache", is_published=False)
    full.laureates.add(hidden)
    alone = ResourceFactory(title="Seul", slug="seul", laureates=[hidden])
    plan = plan_file("productions.csv", export(client))
    assert "0 mise(s) à jour, 3 inchangée(s)" in plan.summary()
    apply_plan(plan)
    assert "projet-cache" in full.laureates.values_list("slug", flat=True)
    assert list(alone.laureates.values_list("slug", flat=True)) == ["projet-cache"]


def test_a_production_changed_since_the_export_is_not_overwritten(client, catalogue):
    full, _following = catalogue
    data = export(client)
    full.title = "Titre corrigé par une collègue"
    full.save()
    with pytest.raises(ImportFailed) as failed:
        plan_file("productions.csv", data)
    [problem] = failed.value.problems
    assert problem.column == "mis_a_jour"
    assert "modifiée le" in problem.message and "Exportez-la de nouveau" in problem.message
    full.refresh_from_db()
    assert full.title == "Titre corrigé par une collègue"


def edited(client, changes):
    """The CSV export with `changes` ({slug: {column: value}}) made to its cells."""
    rows = list(csv.reader(io.StringIO(export(client).decode("utf-8-sig"))))
    header = rows[0]
    for row in rows[1:]:
        for column, value in changes.get(row[header.index("slug")], {}).items():
            row[header.index(column)] = value
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode()


def test_sectors_are_its_own_only_once_it_stops_following_its_laureates(client, catalogue):
    _full, following = catalogue
    # Changed while the row still says it follows its laureates: a problem, not a guess.
    with pytest.raises(ImportFailed) as failed:
        plan_file("p.csv", edited(client, {"guide-soins": {"filieres": "construction-btp"}}))
    [problem] = failed.value.problems
    assert problem.column == "filieres" and "mettez-y « non »" in problem.message
    assert not following.sectors.exists()
    # Said so: its own sectors.
    apply_plan(
        plan_file(
            "p.csv",
            edited(
                client,
                {"guide-soins": {"filieres": "construction-btp", "filieres_des_laureats": "non"}},
            ),
        )
    )
    assert list(following.sectors.values_list("slug", flat=True)) == ["construction-btp"]


def test_a_problem_names_the_exports_own_column(client, catalogue):
    with pytest.raises(ImportFailed) as failed:
        plan_file("p.csv", edited(client, {"guide-soins": {"adresse": "www.example.org"}}))
    [problem] = failed.value.problems
    assert problem.column == "adresse" and "adresse web" in problem.message


def test_the_export_without_its_computed_columns_is_still_read_as_productions(client, catalogue):
    rows = list(csv.reader(io.StringIO(export(client).decode("utf-8-sig"))))
    kept = [i for i, name in enumerate(rows[0]) if name not in {"filieres_des_laureats", "url"}]
    out = io.StringIO()
    csv.writer(out).writerows([[row[i] for i in kept] for row in rows])
    plan = plan_file("p.csv", out.getvalue().encode())
    assert plan.kind == "resources"
