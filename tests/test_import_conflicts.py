"""A previewed import never writes over a newer change (issue 21, item 1), and waits for its
confirmation in the database, not in the cache (issue 22, item 7)."""

import csv
import io
import re
from datetime import timedelta
from html import unescape

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laureats.contributions import moderation
from laureats.csv_format import COLUMN_NAMES
from laureats.importer import PlanMoved, apply_plan, plan_file
from laureats.models import Laureate, Organisation, PendingImport, Proposal

from .factories import OrganisationFactory, make_laureate
from .html_forms import as_post, form_fields
from .import_rows import current_row

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:laureats_laureate_import")
CHANGELIST = reverse("admin:laureats_laureate_changelist")
# Nothing listens on port 1: every cache call fails at once with a connection error.
UNREACHABLE_REDIS = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
}


@pytest.fixture
def laureate(reference_data):
    return make_laureate(
        name="Ancien nom",
        slug="deja-la",
        summary="Résumé d'origine.",
        status="retenu",
        scope="nationale",
    )


def csv_file(*rows, columns=COLUMN_NAMES, name="laureats.csv"):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile(name, out.getvalue().encode("utf-8"), content_type="text/csv")


def renaming_file(laureate):
    """The laureate exported whole, with only its name changed: what A previews."""
    return csv_file(current_row(laureate) | {"nom": "Nouveau nom"})


def text(response):
    return unescape(response.content.decode())


def edit_in_the_admin(laureate, user_model):
    other = Client()
    other.force_login(user_model.objects.create_superuser("b", "b@example.org", "x"))
    url = reverse("admin:laureats_laureate_change", args=[laureate.pk])
    fields = form_fields(other.get(url).content.decode(), form_id="laureate_form")
    response = other.post(url, as_post(fields, summary="Résumé de B.", _save="1"))
    assert response.status_code == 302
    return "Résumé de B."


def accept_a_proposal(laureate, user_model):
    proposal = Proposal.objects.create(
        kind=Proposal.Kind.CORRECTION,
        laureate=laureate,
        field="summary",
        value="Résumé d'une proposition.",
        source_url="https://www.example.org/communique",
        email="contact@example.org",
    )
    moderation.accept(proposal, user_model.objects.create_superuser("m", "m@example.org", "x"))
    return "Résumé d'une proposition."


def land_another_import(laureate, user_model):
    apply_plan(plan_file("autre.csv", b"slug,resume\ndeja-la,Resume d'un autre import.\n"))
    return "Resume d'un autre import."


@pytest.mark.parametrize("newer_edit", [edit_in_the_admin, accept_a_proposal, land_another_import])
def test_a_stale_preview_does_not_overwrite_a_newer_edit(
    staff_client, django_user_model, laureate, newer_edit
):
    preview = staff_client.post(IMPORT, {"file": renaming_file(laureate)})
    assert [row.slug for row in preview.context["preview"].updated] == ["deja-la"]
    newer = newer_edit(laureate, django_user_model)

    confirm = staff_client.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})
    # Nothing imported: the new plan is shown, marked as changed.
    assert confirm.status_code == 409
    page = text(confirm)
    assert "Rien n'a été importé : les données ont changé" in page
    assert confirm.context["preview"].moved == {"deja-la"}
    assert "changé</strong>" in page
    # Read as a person reads it: the before and after are marked up as <del> and <ins>.
    assert f"« {newer} » → « Résumé d'origine. »" in re.sub(r"<[^>]+>", "", page)
    laureate.refresh_from_db()
    assert (laureate.name, laureate.summary) == ("Ancien nom", newer)

    # The first preview can no longer be confirmed; the one shown now imports what it shows.
    again = staff_client.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})
    assert again.status_code == 302 and again["Location"] == IMPORT
    done = staff_client.post(IMPORT, {"confirm": "1", "token": confirm.context["token"]})
    assert done.status_code == 302 and done["Location"] == CHANGELIST
    laureate.refresh_from_db()
    assert (laureate.name, laureate.summary) == ("Nouveau nom", "Résumé d'origine.")


def test_a_newer_edit_the_file_does_not_touch_lets_the_import_through(
    staff_client, django_user_model, laureate
):
    upload = csv_file({"slug": "deja-la", "nom": "Nouveau nom"}, columns=["slug", "nom"])
    preview = staff_client.post(IMPORT, {"file": upload})
    edit_in_the_admin(laureate, django_user_model)
    confirm = staff_client.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})
    assert confirm.status_code == 302 and confirm["Location"] == CHANGELIST
    laureate.refresh_from_db()
    assert (laureate.name, laureate.summary) == ("Nouveau nom", "Résumé de B.")


def test_applying_refuses_a_plan_whose_laureate_moved(laureate):
    plan = plan_file("lot.csv", b"slug,nom\ndeja-la,Nouveau nom\n")
    # Written after the plan, by a path that no fingerprint of the database notices.
    Laureate.objects.filter(pk=laureate.pk).update(summary="Écrit entre-temps.", version=99)
    with pytest.raises(PlanMoved):
        apply_plan(plan)
    laureate.refresh_from_db()
    assert (laureate.name, laureate.summary) == ("Ancien nom", "Écrit entre-temps.")


def test_applying_refuses_a_plan_whose_organisation_moved(laureate):
    lead = OrganisationFactory(name="CFA du Littoral", siren="")
    plan = plan_file("lot.csv", b"slug,membres\ndeja-la,porteur:cfa:732829320:CFA du Littoral\n")
    assert plan.organisation_updates == {lead.pk: {"siren": "732829320"}}
    lead.city = "Brest"
    lead.save()
    with pytest.raises(PlanMoved):
        apply_plan(plan)
    lead.refresh_from_db()
    assert (lead.siren, lead.city) == ("", "Brest")
    assert not laureate.memberships.exists()


def test_an_import_counts_as_a_change_of_what_it_writes(laureate):
    member = OrganisationFactory(name="CFA du Littoral")
    versions = (laureate.version, member.version)
    apply_plan(plan_file("lot.csv", b"slug,membres\ndeja-la,porteur:cfa::CFA du Littoral\n"))
    laureate.refresh_from_db()
    member.refresh_from_db()
    assert laureate.version > versions[0]
    assert member.version > versions[1]


# The cache is not where a pending import waits (issue 22, item 7) ------------------------------


def test_the_import_works_while_the_cache_is_down(staff_client, laureate, settings):
    settings.CACHES = {"default": UNREACHABLE_REDIS}
    preview = staff_client.post(IMPORT, {"file": renaming_file(laureate)})
    assert preview.status_code == 200
    confirm = staff_client.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})
    assert confirm.status_code == 302 and confirm["Location"] == CHANGELIST
    laureate.refresh_from_db()
    assert laureate.name == "Nouveau nom"


def test_a_preview_made_before_a_cache_outage_is_confirmed_during_it(
    staff_client, laureate, settings
):
    preview = staff_client.post(IMPORT, {"file": renaming_file(laureate)})
    settings.CACHES = {"default": UNREACHABLE_REDIS}
    confirm = staff_client.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})
    assert confirm.status_code == 302 and confirm["Location"] == CHANGELIST
    laureate.refresh_from_db()
    assert laureate.name == "Nouveau nom"


def test_a_preview_is_confirmed_from_another_session_of_its_author(admin_user, laureate):
    # Another instance of the portal, or the session lost: the database holds the preview.
    first, second = Client(), Client()
    first.force_login(admin_user)
    second.force_login(admin_user)
    preview = first.post(IMPORT, {"file": renaming_file(laureate)})
    confirm = second.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})
    assert confirm.status_code == 302 and confirm["Location"] == CHANGELIST


def test_a_preview_is_not_confirmed_by_another_administrator(
    staff_client, django_user_model, laureate
):
    preview = staff_client.post(IMPORT, {"file": renaming_file(laureate)})
    other = Client()
    other.force_login(django_user_model.objects.create_superuser("b", "b@example.org", "x"))
    confirm = other.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})
    assert confirm.status_code == 302 and confirm["Location"] == IMPORT
    assert Laureate.objects.get(pk=laureate.pk).name == "Ancien nom"


def test_an_expired_preview_is_not_imported_and_is_cleaned_up(
    staff_client, django_user_model, laureate
):
    preview = staff_client.post(IMPORT, {"file": renaming_file(laureate)})
    PendingImport.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    confirm = staff_client.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})
    assert confirm.status_code == 302 and confirm["Location"] == IMPORT
    assert "n'est plus en attente" in text(staff_client.get(IMPORT))
    assert Laureate.objects.get(pk=laureate.pk).name == "Ancien nom"
    # The next preview, by anyone, deletes it.
    other = Client()
    other.force_login(django_user_model.objects.create_superuser("b", "b@example.org", "x"))
    other.post(IMPORT, {"file": renaming_file(laureate)})
    assert list(PendingImport.objects.values_list("user__username", flat=True)) == ["b"]


def test_a_new_preview_replaces_the_previous_one(staff_client, laureate):
    first = staff_client.post(IMPORT, {"file": renaming_file(laureate)})
    second = staff_client.post(IMPORT, {"file": renaming_file(laureate)})
    assert PendingImport.objects.count() == 1
    assert staff_client.post(IMPORT, {"confirm": "1", "token": first.context["token"]})[
        "Location"
    ] == (IMPORT)
    assert staff_client.post(IMPORT, {"confirm": "1", "token": second.context["token"]})[
        "Location"
    ] == (CHANGELIST)


def test_organisations_are_untouched_by_a_refused_confirmation(
    staff_client, django_user_model, laureate
):
    row = current_row(laureate) | {"membres": "porteur:cfa::Nouvel organisme"}
    preview = staff_client.post(IMPORT, {"file": csv_file(row)})
    edit_in_the_admin(laureate, django_user_model)
    confirm = staff_client.post(IMPORT, {"confirm": "1", "token": preview.context["token"]})
    assert confirm.status_code == 409
    assert not Organisation.objects.filter(name="Nouvel organisme").exists()


def test_the_command_stops_if_a_row_changes_during_the_import(laureate, tmp_path, monkeypatch):
    from django.core.management import CommandError, call_command

    from laureats.management.commands import import_laureates

    def plan_then_someone_edits(name, data):
        plan = plan_file(name, data)
        edited = Laureate.objects.get(pk=laureate.pk)
        edited.summary = "Écrit pendant l'import."
        edited.save()
        return plan

    monkeypatch.setattr(import_laureates, "plan_file", plan_then_someone_edits)
    path = tmp_path / "lot.csv"
    path.write_bytes(b"slug,nom\ndeja-la,Nouveau nom\n")
    with pytest.raises(CommandError, match="rien n'a été importé"):
        call_command("import_laureates", str(path))
    laureate.refresh_from_db()
    assert (laureate.name, laureate.summary) == ("Ancien nom", "Écrit pendant l'import.")
