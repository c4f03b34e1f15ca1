"""The first edit of loaded data in the change log (issue 21): what /journal/ and the fiche's
history say right after data loaded the way `make run` loads it (load_real_data) or by an
import, then edited in the admin or with save(), however soon after the load."""

from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from laureats.importer import apply_plan, plan_file
from laureats.management.commands.load_real_data import load_fixtures
from laureats.models import Laureate, Membership, Organisation, Sector, Source

from .factories import OrganisationFactory, make_laureate
from .html_forms import form_data
from .test_journal import JOURNAL, entries

pytestmark = pytest.mark.django_db

ORIGINAL = "Résumé d'origine fictif tel que chargé"
EDITED = "Résumé corrigé fictif"
SLUG = "projet-fictif-charge"


@pytest.fixture
def loaded(reference_data, tmp_path):
    """A made-up laureate with a sector, a lead and a source, written to a fixture file and
    loaded from it as load_real_data loads the shipped files: no history but the load's."""
    make_laureate(
        name="Projet fictif chargé",
        slug=SLUG,
        summary=ORIGINAL,
        sectors=[Sector.objects.first()],
        lead=OrganisationFactory(name="Organisation fictive chargée"),
        sources=1,
    )
    path = tmp_path / "chargement-fictif.json"
    call_command(
        "dumpdata",
        "laureats.organisation",
        "laureats.laureate",
        "laureats.membership",
        "laureats.source",
        output=str(path),
        verbosity=0,
    )
    Laureate.objects.all().delete()
    Organisation.objects.all().delete()
    for model in [Laureate, Membership, Source, Organisation]:
        model.history.all().delete()
    load_fixtures(str(path))
    return SimpleNamespace(laureate=Laureate.objects.get(slug=SLUG), path=path)


def edit_with_save(staff_client, laureate, summary):
    laureate.summary = summary
    laureate.save()


def edit_in_the_admin(staff_client, laureate, summary):
    """The change form as a browser posts it: every field as shown, but the summary."""
    url = reverse("admin:laureats_laureate_change", args=[laureate.pk])
    data = form_data(staff_client.get(url).content.decode(), "laureate_form")
    assert data["summary"] == laureate.summary
    data["summary"] = summary
    response = staff_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def public_log(slug):
    """The text of /journal/'s entries and of the fiche's history, as a visitor reads them."""
    client = Client()
    history = reverse("laureats:laureate-history", args=[slug])
    return entries(client.get(JOURNAL)), entries(client.get(history))


@pytest.mark.parametrize("edit", [edit_with_save, edit_in_the_admin])
def test_the_first_edit_of_loaded_data_shows_the_field_before_and_after(loaded, staff_client, edit):
    for page in public_log(SLUG):
        assert "Aucun changement public à montrer." in page  # the load is no change

    edit(staff_client, loaded.laureate, EDITED)
    for page in public_log(SLUG):
        assert f"Résumé : {ORIGINAL} → {EDITED}" in page
        assert "publiée" not in page
    journal, _history = public_log(SLUG)
    assert journal.count("Résumé :") == 1


def test_the_first_edit_after_a_reload_reads_from_the_reloaded_value(loaded, staff_client):
    """`load_real_data --force` over an edited base: the reload shows as what it changed, and
    the next edit starts from the reloaded value."""
    edit_with_save(staff_client, loaded.laureate, EDITED)
    load_fixtures(str(loaded.path))
    journal, _history = public_log(SLUG)
    assert f"Résumé : {EDITED} → {ORIGINAL}" in journal

    edit_with_save(staff_client, Laureate.objects.get(slug=SLUG), "Troisième résumé fictif")
    journal, history = public_log(SLUG)
    for page in [journal, history]:
        assert f"Résumé : {ORIGINAL} → Troisième résumé fictif" in page
        assert f"Résumé : {EDITED} → Troisième résumé fictif" not in page


@pytest.mark.parametrize("edit", [edit_with_save, edit_in_the_admin])
def test_the_first_edit_of_imported_data_shows_the_field_before_and_after(
    reference_data, staff_client, edit
):
    data = f"slug,nom,statut,resume,publie\n{SLUG},Projet fictif importé,retenu,{ORIGINAL},oui\n"
    apply_plan(plan_file("lot-fictif.csv", data.encode()))
    edit(staff_client, Laureate.objects.get(slug=SLUG), EDITED)
    for page in public_log(SLUG):
        # The import published the fiche: one entry; the edit is another, with its values.
        assert "Fiche : publiée" in page
        assert "« lot-fictif.csv »" in page
        assert f"Résumé : {ORIGINAL} → {EDITED}" in page
