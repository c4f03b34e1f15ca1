"""Optimistic concurrency in the admin (issue 21, item 2): a change form saved after someone
else's change (an accepted proposal, an import, another administrator, a member added
elsewhere) writes nothing and shows what changed in between; the person then saves their
values knowingly, or starts again from the current fiche."""

from html import unescape

import pytest
from concurrency.exceptions import RecordModifiedError
from django.db import transaction
from django.test import Client
from django.urls import reverse

from laureats.contributions import moderation
from laureats.importer import apply_plan, plan_file
from laureats.models import Laureate, Membership, Organisation, Proposal

from .factories import MembershipFactory, OrganisationFactory, SourceFactory, make_laureate
from .html_forms import as_post, form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def laureate(reference_data):
    lead = OrganisationFactory(name="CFA du Littoral")
    laureate = make_laureate(
        name="Projet relu",
        slug="projet-relu",
        summary="Résumé d'origine.",
        description="Première ligne.\nDeuxième ligne.",
        total_cost=1_000_000,
        state_aid=500_000,
        lead=lead,
        sources=1,
    )
    return laureate


def change_url(obj):
    return reverse(f"admin:laureats_{obj._meta.model_name}_change", args=[obj.pk])


def open_form(client, obj):
    """The change form as a browser shows it: what it would post back."""
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return form_fields(response.content.decode(), form_id=f"{obj._meta.model_name}_form")


def text(response):
    return unescape(response.content.decode())


def accept_summary_proposal(laureate, user, value="Résumé corrigé par une proposition."):
    proposal = Proposal.objects.create(
        kind=Proposal.Kind.CORRECTION,
        laureate=laureate,
        field="summary",
        value=value,
        source_url="https://www.example.org/communique",
        email="contact@example.org",
    )
    moderation.accept(proposal, user)


def test_a_form_opened_before_an_accepted_proposal_shows_a_conflict(
    staff_client, admin_user, laureate
):
    fields = open_form(staff_client, laureate)
    accept_summary_proposal(laureate, admin_user)
    response = staff_client.post(
        change_url(laureate), as_post(fields, name="Projet relu et renommé", _save="1")
    )
    assert response.status_code == 409
    page = text(response)
    assert "Rien n'a été enregistré" in page
    assert "Champs modifiés entre-temps" in page
    # The field changed in between, with the person's value and the current one.
    assert "Résumé" in page
    assert "Résumé d'origine." in page and "Résumé corrigé par une proposition." in page
    assert "vous ne l'avez pas modifié" in page
    # Their own change is listed apart (and only it: the description they posted back, with a
    # browser's line breaks, is the one they read); nothing of it is written yet.
    assert "Vos autres modifications" in page and "Projet relu et renommé" in page
    own = page[page.index('class="conflict-own"') :]
    assert own[: own.index("</ul>")].count("<li>") == 1
    laureate.refresh_from_db()
    assert laureate.summary == "Résumé corrigé par une proposition."
    assert laureate.name == "Projet relu"


def test_the_person_can_save_their_values_knowingly(staff_client, admin_user, laureate):
    fields = open_form(staff_client, laureate)
    accept_summary_proposal(laureate, admin_user)
    conflict = staff_client.post(
        change_url(laureate), as_post(fields, name="Projet relu et renommé", _save="1")
    )
    # The conflict page's own form: the person's values, at today's version.
    again = form_fields(conflict.content.decode(), form_id=None, form_index=1)
    response = staff_client.post(change_url(laureate), as_post(again))
    assert response.status_code == 302
    laureate.refresh_from_db()
    assert laureate.name == "Projet relu et renommé"
    assert laureate.summary == "Résumé d'origine."
    assert laureate.memberships.get().organisation.name == "CFA du Littoral"


def test_starting_again_shows_the_current_values(staff_client, admin_user, laureate):
    fields = open_form(staff_client, laureate)
    accept_summary_proposal(laureate, admin_user)
    conflict = staff_client.post(change_url(laureate), as_post(fields, _save="1"))
    assert f'href="{change_url(laureate)}" class="button"' in conflict.content.decode()
    fresh = dict(open_form(staff_client, laureate))
    assert fresh["summary"] == "Résumé corrigé par une proposition."
    response = staff_client.post(change_url(laureate), as_post(list(fresh.items()), _save="1"))
    assert response.status_code == 302


def test_a_form_opened_before_an_import_shows_a_conflict(staff_client, admin_user, laureate):
    fields = open_form(staff_client, laureate)
    apply_plan(plan_file("lot.csv", b"slug,resume\nprojet-relu,Resume importe.\n"))
    response = staff_client.post(change_url(laureate), as_post(fields, acronym="PR", _continue="1"))
    assert response.status_code == 409
    assert "Resume importe." in text(response)
    laureate.refresh_from_db()
    assert (laureate.summary, laureate.acronym) == ("Resume importe.", "")


def test_two_administrators_editing_the_same_laureate(admin_user, django_user_model, laureate):
    first, second = Client(), Client()
    first.force_login(admin_user)
    second.force_login(django_user_model.objects.create_superuser("deux", "d@example.org", "x"))
    first_fields, second_fields = open_form(first, laureate), open_form(second, laureate)
    saved = second.post(
        change_url(laureate), as_post(second_fields, summary="Résumé du second.", _save="1")
    )
    assert saved.status_code == 302
    refused = first.post(
        change_url(laureate), as_post(first_fields, summary="Résumé du premier.", _save="1")
    )
    assert refused.status_code == 409
    page = text(refused)
    assert "Résumé du premier." in page and "Résumé du second." in page
    assert "vous l'avez modifié aussi" in page
    laureate.refresh_from_db()
    assert laureate.summary == "Résumé du second."


def test_a_member_added_elsewhere_is_a_change_of_the_laureate(staff_client, laureate):
    fields = open_form(staff_client, laureate)
    MembershipFactory(laureate=laureate, organisation=OrganisationFactory(name="Lycée ajouté"))
    response = staff_client.post(change_url(laureate), as_post(fields, _save="1"))
    assert response.status_code == 409
    page = text(response)
    assert "Membres" in page and "Lycée ajouté" in page
    assert laureate.memberships.count() == 2


def test_a_role_changed_elsewhere_is_not_undone_by_the_organisation_form(staff_client, laureate):
    organisation = Organisation.objects.get(name="CFA du Littoral")
    fields = open_form(staff_client, organisation)
    membership = laureate.memberships.get()
    membership.role = Membership.Role.PARTNER
    membership.save()
    response = staff_client.post(change_url(organisation), as_post(fields, city="Brest"))
    assert response.status_code == 409
    assert "participations à des consortiums" in text(response).lower()
    membership.refresh_from_db()
    organisation.refresh_from_db()
    assert membership.role == Membership.Role.PARTNER
    assert organisation.city != "Brest"


def test_a_version_moved_by_an_untouched_save_does_not_stop_the_form(staff_client, laureate):
    fields = open_form(staff_client, laureate)
    Laureate.objects.get(pk=laureate.pk).save()  # saved as it was: nothing shown has changed
    response = staff_client.post(change_url(laureate), as_post(fields, acronym="PR", _save="1"))
    assert response.status_code == 302
    laureate.refresh_from_db()
    assert laureate.acronym == "PR"


def test_an_unchanged_form_saves_as_before(staff_client, laureate):
    fields = open_form(staff_client, laureate)
    response = staff_client.post(change_url(laureate), as_post(fields, acronym="PR", _save="1"))
    assert response.status_code == 302
    laureate.refresh_from_db()
    assert laureate.acronym == "PR"
    assert laureate.sources.count() == 1


def test_a_tampered_version_is_a_bad_request(staff_client, laureate):
    fields = open_form(staff_client, laureate)
    response = staff_client.post(change_url(laureate), as_post(fields, version="12:forged"))
    assert response.status_code == 400


def test_the_orm_refuses_a_save_from_a_stale_read(laureate):
    stale = Laureate.objects.get(pk=laureate.pk)
    SourceFactory(laureate=laureate)  # a change of the laureate, through one of its children
    stale.summary = "Écrit depuis une lecture périmée."
    with pytest.raises(RecordModifiedError), transaction.atomic():
        stale.save()
    laureate.refresh_from_db()
    assert laureate.summary == "Résumé d'origine."


def test_the_writer_of_a_child_can_still_save_its_laureate(laureate):
    # memberships.create() changed this very object: it follows its row.
    laureate.memberships.create(organisation=OrganisationFactory(), role="partenaire")
    laureate.sectors.clear()
    laureate.name = "Renommé ensuite"
    laureate.save()
    assert Laureate.objects.get(pk=laureate.pk).name == "Renommé ensuite"


def test_restoring_an_old_version_after_a_newer_change_restores_nothing(
    staff_client, admin_user, laureate
):
    first = laureate.history.earliest()
    url = reverse("admin:laureats_laureate_simple_history", args=[laureate.pk, first.history_id])
    page = staff_client.get(url)
    assert page.status_code == 200
    fields = form_fields(page.content.decode(), form_id="historicallaureate_form")
    accept_summary_proposal(laureate, admin_user)
    response = staff_client.post(url, as_post(fields, _save="1"), follow=True)
    assert response.status_code == 200
    assert "Rien n'a été rétabli" in text(response)
    laureate.refresh_from_db()
    assert laureate.summary == "Résumé corrigé par une proposition."


def test_restoring_an_old_version_still_works(staff_client, laureate):
    first = laureate.history.earliest()
    laureate.summary = "Résumé changé."
    laureate.save()
    url = reverse("admin:laureats_laureate_simple_history", args=[laureate.pk, first.history_id])
    page = staff_client.get(url)
    fields = form_fields(page.content.decode(), form_id="historicallaureate_form")
    response = staff_client.post(url, as_post(fields, _save="1"))
    assert response.status_code == 302
    laureate.refresh_from_db()
    assert laureate.summary == first.summary
