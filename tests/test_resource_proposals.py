"""The public proposes a shared production at /contribuer/production/ (issue 26): a form of the
resource's main fields with a source and an e-mail, the same hourly limit and bot trap as the
other proposals; moderated in the admin, where accepting creates the resource (published, with
the proposal's source and number in its history) and rejecting needs a reason. Test data only."""

import json
import re
from html import unescape

import pytest
from django.test import Client
from django.urls import reverse

from laureats.models import Proposal, Resource

from .factories import LaureateFactory, ResourceFactory
from .html_forms import as_post, form_fields

pytestmark = pytest.mark.django_db

PROPOSE = reverse("laureats:contribute-resource")


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
        for alias in ("default", settings.LIMITS_CACHE)
    }


@pytest.fixture
def laureates(reference_data):
    return [
        LaureateFactory(slug="projet-essai-lyon", name="Projet d'essai à Lyon"),
        LaureateFactory(slug="projet-essai-lille", name="Projet d'essai à Lille"),
    ]


@pytest.fixture
def public():
    return Client()


def text(response):
    return unescape(response.content.decode())


def proposal_data(**values):
    data = {
        "title": "Simulateur d'essai de soudure",
        "laureates": ["projet-essai-lyon", "projet-essai-lille"],
        "kind": "simulation-immersive",
        "description": "Un simulateur d'essai pour les tests.",
        "url": "https://simulateur.example.org/",
        "licence": "cc-by-sa",
        "access": "sur-demande",
        "status": "disponible",
        "source_url": "https://presse.example.org/simulateur",
        "comment": "",
        "email": "contact@example.org",
        "site_perso": "",
    }
    data.update(values)
    return data


def accept(staff_client, proposal):
    url = reverse("admin:laureats_proposal_change", args=[proposal.pk])
    fields = form_fields(staff_client.get(url).content.decode(), form_id="proposal_form")
    return staff_client.post(url, as_post(fields, _accept="Accepter"))


def test_the_laureate_page_links_to_the_form_with_the_laureate_ticked(public, laureates):
    page = text(public.get(laureates[0].get_absolute_url()))
    link = f'{PROPOSE}?laureat=projet-essai-lyon"'
    assert link in page
    form = text(public.get(PROPOSE + "?laureat=projet-essai-lyon"))
    boxes = dict(
        re.findall(r'<input type="checkbox" name="laureates" value="([^"]+)"([^>]*)>', form)
    )
    assert "checked" in boxes["projet-essai-lyon"]
    assert "checked" not in boxes["projet-essai-lille"]


def test_a_laureate_that_has_productions_keeps_no_proposal_link(public, laureates):
    ResourceFactory(laureates=[laureates[0]])
    assert PROPOSE not in text(public.get(laureates[0].get_absolute_url()))


def test_an_unknown_laureate_in_the_link_is_a_notice_not_an_error(public, laureates):
    response = public.get(PROPOSE + "?laureat=inconnu%00")
    assert response.status_code == 200
    assert "Aucun lauréat publié ne porte l'identifiant" in text(response)


def test_the_contribute_page_points_to_the_form(public, laureates):
    assert f'href="{PROPOSE}"' in text(public.get(reverse("laureats:contribute")))


def test_a_proposal_is_kept_pending_with_its_fields_as_json(public, laureates):
    response = public.post(PROPOSE, proposal_data())
    assert response.status_code == 302
    assert response["Location"] == reverse("laureats:contribute-done")
    proposal = Proposal.objects.get()
    assert proposal.kind == Proposal.Kind.NEW_RESOURCE
    assert proposal.status == Proposal.Status.PENDING
    assert proposal.proposed_name == "Simulateur d'essai de soudure"
    assert proposal.laureate == laureates[1]  # the first in name order: Lille
    values = json.loads(proposal.value)
    assert values["laureates"] == ["projet-essai-lille", "projet-essai-lyon"]
    assert (values["kind"], values["licence"], values["access"]) == (
        "simulation-immersive",
        "cc-by-sa",
        "sur-demande",
    )
    assert not Resource.objects.exists()


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "Ce champ est obligatoire"),
        ("laureates", [], "Cochez au moins un lauréat"),
        ("laureates", ["inconnu"], "Sélectionnez un choix valide"),
        ("kind", "", "Choisissez le type de la production"),
        ("kind", "film", "Sélectionnez un choix valide"),
        ("licence", "gpl", "Sélectionnez un choix valide"),
        ("url", "ftp://exemple.org/x", "Saisissez une URL valide"),
        ("source_url", "", "Ce champ est obligatoire"),
        ("email", "pas-une-adresse", "Saisissez une adresse e-mail valide"),
    ],
)
def test_a_bad_value_is_a_french_message_and_nothing_is_kept(
    public, laureates, field, value, message
):
    response = public.post(PROPOSE, proposal_data(**{field: value}))
    assert response.status_code == 200
    body = text(response)
    assert message in body
    assert body.count("<h1") == 1 and "Erreur" in body.split("</title>")[0]
    assert not Proposal.objects.exists()


def test_an_unpublished_laureate_cannot_be_named(public, laureates):
    LaureateFactory(slug="cache", is_published=False)
    assert 'value="cache"' not in text(public.get(PROPOSE))
    public.post(PROPOSE, proposal_data(laureates=["cache"]))
    assert not Proposal.objects.exists()


def test_the_bot_trap_saves_nothing(public, laureates):
    response = public.post(PROPOSE, proposal_data(site_perso="http://spam.example"))
    assert response.status_code == 302
    assert not Proposal.objects.exists()


def test_the_hourly_limit_is_shared_with_the_other_proposals(public, laureates):
    for number in range(5):
        assert public.post(PROPOSE, proposal_data(title=f"Essai {number}")).status_code == 302
    response = public.post(PROPOSE, proposal_data(title="Sixième"))
    assert response.status_code == 429
    assert "5 propositions en moins d'une heure" in text(response)
    # The correction form counts the same hour.
    assert public.post(reverse("laureats:contribute"), {}).status_code == 429
    assert Proposal.objects.count() == 5


def test_the_moderator_sees_each_field_by_its_label(staff_client, public, laureates):
    public.post(PROPOSE, proposal_data())
    proposal = Proposal.objects.get()
    body = text(staff_client.get(reverse("admin:laureats_proposal_change", args=[proposal.pk])))
    assert "simulation immersive (VR/AR)" in body and "CC BY-SA" in body
    assert "Projet d'essai à Lille" in body and "Projet d'essai à Lyon" in body
    assert "Accepter crée cette production, publiée" in body
    changelist = text(staff_client.get(reverse("admin:laureats_proposal_changelist")))
    assert "nouvelle production : Simulateur d'essai de soudure" in changelist


def test_accepting_creates_the_resource_published_with_its_source_and_history(
    staff_client, admin_user, public, laureates
):
    public.post(PROPOSE, proposal_data())
    proposal = Proposal.objects.get()
    response = accept(staff_client, proposal)
    resource = Resource.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:laureats_resource_change", args=[resource.pk])
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED and proposal.applied
    assert proposal.resource == resource and proposal.reviewer == admin_user
    assert resource.is_published and resource.slug == "simulateur-dessai-de-soudure"
    assert (resource.kind, resource.licence, resource.access, resource.status) == (
        "simulation-immersive",
        "cc-by-sa",
        "sur-demande",
        "disponible",
    )
    assert set(resource.laureates.all()) == set(laureates)
    assert list(resource.sources.values_list("url", flat=True)) == [
        "https://presse.example.org/simulateur"
    ]
    reasons = set(resource.history.values_list("history_change_reason", flat=True))
    assert reasons == {proposal.change_reason}
    # On the public pages at once: the catalogue and the laureate's section.
    assert "Simulateur d'essai de soudure" in text(Client().get(resource.get_absolute_url()))
    assert "Simulateur d'essai de soudure" in text(Client().get(laureates[0].get_absolute_url()))


def test_a_title_already_taken_gets_the_next_slug(staff_client, public, laureates):
    ResourceFactory(slug="simulateur-dessai-de-soudure", laureates=[laureates[0]])
    public.post(PROPOSE, proposal_data())
    accept(staff_client, Proposal.objects.get())
    assert Resource.objects.filter(slug="simulateur-dessai-de-soudure-2").exists()


def test_a_proposal_whose_laureates_are_gone_is_accepted_without_a_resource(
    staff_client, public, laureates
):
    public.post(PROPOSE, proposal_data())
    proposal = Proposal.objects.get()
    for laureate in laureates:
        laureate.delete()
    body = text(staff_client.get(reverse("admin:laureats_proposal_change", args=[proposal.pk])))
    assert "aucun des lauréats proposés n'existe plus" in body
    response = accept(staff_client, proposal)
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED and not proposal.applied
    assert proposal.resource is None and not Resource.objects.exists()


def test_rejecting_needs_a_reason_and_creates_nothing(staff_client, public, laureates):
    public.post(PROPOSE, proposal_data())
    proposal = Proposal.objects.get()
    url = reverse("admin:laureats_proposal_change", args=[proposal.pk])
    response = staff_client.post(url, {"rejection_reason": " ", "_reject": "Refuser"})
    assert "Indiquez la raison du refus" in text(response)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    staff_client.post(url, {"rejection_reason": "Pas une production réutilisable.", "_reject": "1"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED
    assert proposal.rejection_reason == "Pas une production réutilisable."
    assert not Resource.objects.exists()


@pytest.mark.parametrize("count", [2, 12])
def test_the_form_costs_the_same_whatever_the_number_of_laureates(
    public, reference_data, count, django_assert_num_queries
):
    for number in range(count):
        LaureateFactory(slug=f"projet-{number}", name=f"Projet {number}")
    # An anonymous visitor's page: the laureate of ?laureat=, and the published laureates.
    with django_assert_num_queries(2):
        response = public.get(PROPOSE + "?laureat=projet-1")
    assert text(response).count('name="laureates"') == count
