"""Accepting a proposal without lost updates or a 500 (issue 11, laureats/contributions/moderation.py)."""

from html import unescape
from unittest import mock

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laureats.contributions import moderation
from laureats.models import Laureate, Proposal

from .factories import make_laureate
from .html_forms import as_post, form_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def laureate(reference_data):
    return make_laureate(
        name="Projet relu",
        slug="projet-relu",
        description="Texte d'origine.",
        total_cost=1_000_000,
        state_aid=500_000,
    )


def file_correction(laureate, field="state_aid", value="600 000 €"):
    return Proposal.objects.create(
        kind=Proposal.Kind.CORRECTION,
        laureate=laureate,
        field=field,
        value=value,
        source_url="https://www.example.org/communique",
        email="contact@example.org",
    )


def file_new_laureate(name="Compétences numériques du littoral"):
    return Proposal.objects.create(
        kind=Proposal.Kind.NEW_LAUREATE,
        proposed_name=name,
        value="Porteur : un CFA de Bretagne.",
        source_url="https://www.example.org/liste",
        email="contact@example.org",
    )


def accept_in_admin(staff_client, proposal, fields=None):
    """Press "Accepter" on the proposal's page, opened now (or read before: `fields`)."""
    url = reverse("admin:laureats_proposal_change", args=[proposal.pk])
    if fields is None:
        fields = open_proposal(staff_client, proposal)
    return staff_client.post(url, as_post(fields, _accept="Accepter"), follow=True)


def open_proposal(staff_client, proposal):
    """What the proposal's page would post: its form as the browser shows it."""
    page = staff_client.get(reverse("admin:laureats_proposal_change", args=[proposal.pk]))
    return form_fields(page.content.decode(), form_id="proposal_form")


def test_an_admin_edit_made_after_the_proposal_is_kept(staff_client, admin_user, laureate):
    proposal = file_correction(laureate)
    Laureate.objects.filter(pk=laureate.pk).update(description="Corrigé par un administrateur.")
    accept_in_admin(staff_client, proposal)
    laureate.refresh_from_db()
    assert laureate.state_aid == 600_000
    assert laureate.description == "Corrigé par un administrateur."


def test_an_edit_made_while_accepting_is_not_overwritten(admin_user, laureate):
    # Another writer changes the description between the moment accepting reads the row and
    # the moment it writes it: only the amount may be written back, not the whole row read.
    proposal = file_correction(laureate)
    real_save = Laureate.save

    def save_after_a_concurrent_edit(instance, *args, **kwargs):
        Laureate.objects.filter(pk=instance.pk).update(description="Écrit entre-temps.")
        return real_save(instance, *args, **kwargs)

    with mock.patch.object(Laureate, "save", save_after_a_concurrent_edit):
        moderation.accept(proposal, admin_user)
    laureate.refresh_from_db()
    assert laureate.state_aid == 600_000
    assert laureate.description == "Écrit entre-temps."


def test_accepting_updates_only_the_proposed_field(admin_user, laureate):
    proposal = file_correction(laureate)
    with CaptureQueriesContext(connection) as queries:
        moderation.accept(proposal, admin_user)
    updates = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('UPDATE "laureats_laureate" SET')
        # The derived columns, rebuilt by laureats/derived/, not the accepted edit.
        and "search_document" not in query["sql"]
        and "known_mask" not in query["sql"]
        # The version that the new source adds (laureats/models/version_signals.py).
        and '"version" = ("laureats_laureate"."version" + 1)' not in query["sql"]
    ]
    assert len(updates) == 1
    assigned = updates[0].split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    assert sorted(part.split(" = ")[0] for part in assigned.split(", ")) == [
        '"state_aid"',
        '"updated_at"',
        '"version"',
    ]


@pytest.mark.skipif(
    not connection.features.has_select_for_update,
    reason="SQLite has no row locks: its immediate transactions serialise writers instead",
)
def test_accepting_locks_the_laureate_row(admin_user, laureate):
    proposal = file_correction(laureate)
    with CaptureQueriesContext(connection) as queries:
        moderation.accept(proposal, admin_user)
    locks = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('SELECT "laureats_laureate"') and "FOR UPDATE" in query["sql"]
    ]
    assert locks, [query["sql"] for query in queries]
    # Taken before the amount is written.
    sql = [query["sql"] for query in queries]
    first_update = next(i for i, s in enumerate(sql) if s.startswith('UPDATE "laureats_laureate"'))
    assert sql.index(locks[0]) < first_update


def test_a_slug_taken_between_check_and_insert_gets_the_next_one(admin_user, laureate):
    # Another moderator inserts "competences-numeriques-du-littoral" after unique_slug checked it.
    make_laureate(name="Inséré en même temps", slug="competences-numeriques-du-littoral")
    proposal = file_new_laureate()
    real_unique_slug = moderation.unique_slug
    answers = iter(["competences-numeriques-du-littoral"])

    def stale_then_fresh(name):
        return next(answers, None) or real_unique_slug(name)

    with mock.patch.object(moderation, "unique_slug", stale_then_fresh):
        outcome = moderation.accept(proposal, admin_user)
    assert outcome.created
    assert outcome.laureate.slug == "competences-numeriques-du-littoral-2"
    assert Laureate.objects.filter(name="Compétences numériques du littoral").count() == 1


def test_a_slug_collision_that_persists_is_a_message_not_a_500(staff_client, laureate):
    make_laureate(name="Inséré en même temps", slug="competences-numeriques-du-littoral")
    proposal = file_new_laureate()
    with mock.patch.object(
        moderation, "unique_slug", return_value="competences-numeriques-du-littoral"
    ):
        response = accept_in_admin(staff_client, proposal)
    assert response.status_code == 200
    body = unescape(response.content.decode())
    assert f"Proposition n°{proposal.pk} non acceptée" in body
    assert "Réessayez" in body
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    assert not Laureate.objects.filter(name="Compétences numériques du littoral").exists()


# The field changed since the proposal, or since the moderator's page (issue 21) ---------------


def test_a_field_changed_since_the_proposal_shows_the_three_values(staff_client, laureate):
    proposal = file_correction(laureate, field="description", value="Texte proposé.")
    assert proposal.value_when_proposed == "Texte d'origine."
    laureate.description = "Corrigé par un administrateur."
    laureate.save()
    page = unescape(
        staff_client.get(
            reverse("admin:laureats_proposal_change", args=[proposal.pk])
        ).content.decode()
    )
    assert "Ce champ a changé depuis la proposition" in page
    assert "valeur lors de la proposition" in page
    for value in ["Texte d'origine.", "Corrigé par un administrateur.", "Texte proposé."]:
        assert value in page


def test_a_field_unchanged_since_the_proposal_shows_no_warning(staff_client, laureate):
    proposal = file_correction(laureate, field="description", value="Texte proposé.")
    page = unescape(
        staff_client.get(
            reverse("admin:laureats_proposal_change", args=[proposal.pk])
        ).content.decode()
    )
    assert "Ce champ a changé depuis la proposition" not in page


def test_a_proposal_page_opened_before_a_change_applies_nothing(staff_client, laureate):
    proposal = file_correction(laureate, field="description", value="Texte proposé.")
    fields = open_proposal(staff_client, proposal)
    laureate.description = "Corrigé par un administrateur."
    laureate.save()
    response = accept_in_admin(staff_client, proposal, fields)
    body = unescape(response.content.decode())
    assert f"Proposition n°{proposal.pk} non acceptée : la fiche" in body
    # Back on the proposal: the current value next to the proposed one.
    assert response.redirect_chain[-1][0].endswith(f"/proposal/{proposal.pk}/change/")
    assert "Corrigé par un administrateur." in body and "Texte proposé." in body
    proposal.refresh_from_db()
    laureate.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    assert laureate.description == "Corrigé par un administrateur."
    # Accepted from the page as it is now, it applies.
    accept_in_admin(staff_client, proposal)
    laureate.refresh_from_db()
    assert laureate.description == "Texte proposé."


def test_an_accepted_proposal_counts_as_a_change_of_the_laureate(admin_user, laureate):
    before = laureate.version
    moderation.accept(file_correction(laureate), admin_user)
    laureate.refresh_from_db()
    assert laureate.version > before


def test_a_tampered_seen_version_is_a_bad_request(staff_client, laureate):
    proposal = file_correction(laureate)
    fields = open_proposal(staff_client, proposal)
    response = staff_client.post(
        reverse("admin:laureats_proposal_change", args=[proposal.pk]),
        as_post(fields, seen_version="7:forged", _accept="Accepter"),
    )
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
