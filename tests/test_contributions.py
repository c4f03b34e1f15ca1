from html import unescape

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse

from laureats.models import Laureate, ProgrammeFigure, Proposal, Source

from .factories import make_laureate
from .html_forms import as_post, form_fields

pytestmark = pytest.mark.django_db

CONTRIBUTE = reverse("laureats:contribute")


@pytest.fixture(autouse=True)
def _fresh_cache(settings):
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
        for alias in ("default", settings.LIMITS_CACHE)
    }
    yield


@pytest.fixture
def public():
    """An anonymous visitor, apart from `client`, which `staff_client` logs in."""
    return Client()


def text(response):
    return unescape(response.content.decode())


def correction(target, **values):
    data = {
        "kind": Proposal.Kind.CORRECTION,
        "laureate": target.slug,
        "field": "state_aid",
        "value": "600 000 €",
        "source_url": "https://www.example.org/communique-deffinum",
        "comment": "Montant du communiqué de la région.",
        "email": "contact@example.org",
        "site_perso": "",
    }
    data.update(values)
    return data


def new_laureate(**values):
    data = {
        "kind": Proposal.Kind.NEW_LAUREATE,
        "proposed_name": "Compétences numériques du littoral",
        "value": "Porteur : un CFA de Bretagne.",
        "source_url": "https://www.example.org/liste-des-laureats",
        "email": "contact@example.org",
    }
    data.update(values)
    return data


@pytest.fixture
def laureate(reference_data):
    return make_laureate(
        name="Projet relu", slug="projet-relu", total_cost=1_000_000, state_aid=500_000
    )


def accept(staff_client, proposal):
    """Press "Accepter" on the proposal's page, as a browser posts its form."""
    url = reverse("admin:laureats_proposal_change", args=[proposal.pk])
    fields = form_fields(staff_client.get(url).content.decode(), form_id="proposal_form")
    return staff_client.post(url, as_post(fields, _accept="Accepter"))


# The public form --------------------------------------------------------------------------


def test_form_page_explains_the_process_and_keeps_no_ip(client, laureate):
    ProgrammeFigure.objects.create(key="laureates", label="Lauréats", value=62)
    response = client.get(CONTRIBUTE)
    assert response.status_code == 200
    body = text(response)
    assert "Proposer une correction ou un nouveau lauréat" in body
    assert "Rien n'est publié" in body
    assert "Nous n'enregistrons pas votre adresse IP" in body
    assert "1 lauréat référencé sur 62 annoncés" in body


def test_every_laureate_page_links_to_a_prefilled_form(client, laureate):
    detail = text(client.get(laureate.get_absolute_url()))
    assert "Proposer une correction" in detail
    assert f"{CONTRIBUTE}?laureat=projet-relu" in detail
    form = client.get(CONTRIBUTE, {"laureat": "projet-relu"}).context["form"]
    assert form.initial["laureate"] == laureate
    assert form.initial["kind"] == Proposal.Kind.CORRECTION
    body = text(client.get(CONTRIBUTE, {"laureat": "projet-relu"}))
    assert '<option value="projet-relu" selected>' in body


def test_unknown_laureate_in_the_query_gives_a_notice_not_an_error(client, laureate):
    response = client.get(CONTRIBUTE, {"laureat": "n-existe-pas"})
    assert response.status_code == 200
    assert "Aucun lauréat publié ne porte l'identifiant « n-existe-pas »" in text(response)


def test_unpublished_laureates_are_not_offered(client, laureate):
    make_laureate(name="Brouillon caché", slug="brouillon", is_published=False)
    body = text(client.get(CONTRIBUTE, {"laureat": "brouillon"}))
    assert "Brouillon caché" not in body
    assert "Aucun lauréat publié" in body
    response = client.post(CONTRIBUTE, correction(laureate, laureate="brouillon"))
    assert response.status_code == 200
    assert not Proposal.objects.exists()


def test_submitting_creates_a_pending_proposal_and_publishes_nothing(client, laureate):
    response = client.post(CONTRIBUTE, correction(laureate))
    assert response.status_code == 302
    assert response["Location"] == reverse("laureats:contribute-done")
    proposal = Proposal.objects.get()
    assert proposal.status == Proposal.Status.PENDING
    assert proposal.laureate == laureate
    assert proposal.value == "600 000 €"
    laureate.refresh_from_db()
    assert laureate.state_aid == 500_000
    assert "relu" in text(client.get(reverse("laureats:contribute-done")))


def test_the_email_is_never_shown_publicly(client, laureate):
    client.post(CONTRIBUTE, correction(laureate, email="discret@example.org"))
    assert Proposal.objects.get().email == "discret@example.org"
    for url in [
        reverse("laureats:contribute-done"),
        CONTRIBUTE,
        laureate.get_absolute_url(),
        reverse("laureats:laureate-list"),
        reverse("laureats:home"),
    ]:
        assert "discret@example.org" not in text(client.get(url)), url


def test_a_new_laureate_needs_a_name(client, laureate):
    response = client.post(CONTRIBUTE, new_laureate(proposed_name=""))
    assert response.status_code == 200
    assert "Indiquez le nom du projet lauréat." in text(response)
    assert not Proposal.objects.exists()


def test_a_correction_needs_a_laureate_and_a_field(client, laureate):
    response = client.post(CONTRIBUTE, correction(laureate, laureate="", field=""))
    body = text(response)
    assert "Choisissez le lauréat à corriger." in body
    assert "Choisissez le champ à corriger." in body
    assert not Proposal.objects.exists()


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"source_url": ""}, "source_url", "Ce champ est obligatoire."),
        ({"source_url": "pas une adresse"}, "source_url", "Saisissez une URL valide."),
        ({"source_url": "javascript:alert(1)"}, "source_url", "Saisissez une URL valide."),
        ({"source_url": "ftp://example.org/x"}, "source_url", "Saisissez une URL valide."),
        ({"value": "x" * 50_000}, "value", "au plus 5000 caractères"),
        ({"comment": "x" * 50_000}, "comment", "au plus 2000 caractères"),
        ({"email": "pas-un-email"}, "email", "Saisissez une adresse e-mail valide."),
        ({"value": ""}, "value", "Ce champ est obligatoire."),
    ],
)
def test_bad_input_is_refused_field_by_field_and_nothing_saved(
    client, laureate, values, field, message
):
    response = client.post(CONTRIBUTE, correction(laureate, **values))
    assert response.status_code == 200
    form = response.context["form"]
    assert message in " ".join(form.errors[field])
    assert message in text(response)
    assert not Proposal.objects.exists()


def test_a_50_kb_value_gets_one_message_per_field(client, laureate):
    data = correction(laureate, value="x" * 50_000, comment="y" * 50_000, source_url="")
    response = client.post(CONTRIBUTE, data)
    errors = response.context["form"].errors
    assert set(errors) == {"value", "comment", "source_url"}
    assert "3 champs à corriger" in text(response)
    assert not Proposal.objects.exists()


def test_submitted_text_is_escaped_when_shown_again(client, laureate):
    response = client.post(
        CONTRIBUTE, correction(laureate, value="<script>alert(1)</script>", source_url="")
    )
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body


def test_honeypot_pretends_success_and_saves_nothing(client, laureate):
    response = client.post(CONTRIBUTE, correction(laureate, site_perso="https://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == reverse("laureats:contribute-done")
    assert not Proposal.objects.exists()


def test_honeypot_is_hidden_from_people(client, laureate):
    body = text(client.get(CONTRIBUTE))
    assert '<div class="contribute-trap" aria-hidden="true">' in body
    assert "Ne pas remplir" in body
    assert 'tabindex="-1"' in body
    assert "style=" not in body


def test_the_form_is_protected_by_csrf(laureate):
    response = Client(enforce_csrf_checks=True).post(CONTRIBUTE, correction(laureate))
    assert response.status_code == 403
    assert not Proposal.objects.exists()


def test_sixth_proposal_in_an_hour_gets_the_429_page(client, laureate):
    for number in range(5):
        response = client.post(CONTRIBUTE, correction(laureate, value=f"{number} €"))
        assert response.status_code == 302
    response = client.post(CONTRIBUTE, correction(laureate, value="6e"))
    assert response.status_code == 429
    # Said in seconds until the visitor's hour ends: at most the hour, never nothing.
    assert 0 < int(response["Retry-After"]) <= 3600
    body = text(response)
    assert "Trop de demandes en peu de temps" in body
    assert "5 propositions en moins d'une heure" in body
    assert '<html lang="fr">' in body
    assert Proposal.objects.count() == 5


def test_rate_limit_is_per_address(client, laureate):
    for _ in range(5):
        client.post(CONTRIBUTE, correction(laureate), REMOTE_ADDR="192.0.2.1")
    assert client.post(CONTRIBUTE, correction(laureate), REMOTE_ADDR="192.0.2.1").status_code == 429
    assert client.post(CONTRIBUTE, correction(laureate), REMOTE_ADDR="192.0.2.2").status_code == 302
    assert Proposal.objects.count() == 6


def test_rate_limit_cache_holds_no_ip_address(client, laureate, settings):
    client.post(CONTRIBUTE, correction(laureate), REMOTE_ADDR="192.0.2.77")
    keys = [str(key) for key in caches[settings.LIMITS_CACHE]._cache]
    assert keys
    assert not any("192.0.2.77" in key for key in keys)


def test_header_links_to_the_contribution_page(client, laureate):
    body = text(client.get(reverse("laureats:home")))
    assert f'href="{CONTRIBUTE}"' in body
    assert ">Contribuer</a>" in body


# Moderation in the admin ----------------------------------------------------------------


def test_admin_lists_proposals_with_the_pending_count(staff_client, public, laureate):
    public.post(CONTRIBUTE, correction(laureate))
    public.post(CONTRIBUTE, new_laureate())
    response = staff_client.get(reverse("admin:laureats_proposal_changelist"))
    assert response.status_code == 200
    body = text(response)
    assert "2 propositions en attente de relecture" in body
    assert "Compétences numériques du littoral" in body
    pending = staff_client.get(
        reverse("admin:laureats_proposal_changelist"), {"status__exact": "en-attente"}
    )
    assert pending.context["cl"].result_count == 2


def test_admin_compares_the_proposal_with_the_current_value(staff_client, public, laureate):
    public.post(CONTRIBUTE, correction(laureate))
    proposal = Proposal.objects.get()
    response = staff_client.get(reverse("admin:laureats_proposal_change", args=[proposal.pk]))
    assert response.status_code == 200
    body = text(response)
    assert "valeur actuelle" in body
    assert "500\u202f000 €" in body  # current
    assert "600 000 €" in body  # proposed
    assert "Accepter applique cette valeur" in body
    assert "contact@example.org" in body  # admins see the e-mail
    assert 'name="_accept"' in body and 'name="_reject"' in body


def test_accepting_applies_the_change_with_its_source_in_history(
    staff_client, admin_user, public, laureate
):
    public.post(CONTRIBUTE, correction(laureate))
    proposal = Proposal.objects.get()
    response = accept(staff_client, proposal)
    assert response.status_code == 302
    laureate.refresh_from_db()
    assert laureate.state_aid == 600_000
    record = laureate.history.latest()
    assert record.state_aid == 600_000
    assert record.history_user == admin_user
    assert record.history_change_reason == (
        f"Proposition n°{proposal.pk} acceptée — source : "
        "https://www.example.org/communique-deffinum"
    )
    assert Source.objects.filter(
        laureate=laureate, url="https://www.example.org/communique-deffinum"
    ).exists()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert proposal.applied
    assert proposal.reviewer == admin_user
    assert proposal.reviewed_at is not None
    history = staff_client.get(reverse("admin:laureats_laureate_history", args=[laureate.pk]))
    assert "communique-deffinum" in text(history)
    # The public page shows the new amount and the new source.
    public = text(public.get(laureate.get_absolute_url()))
    assert "600\xa0000 €" in public
    assert "communique-deffinum" in public


def test_accepting_a_renaming_refreshes_the_search_text(staff_client, public, laureate):
    public.post(CONTRIBUTE, correction(laureate, field="name", value="Projet Ondine"))
    accept(staff_client, Proposal.objects.get())
    laureate.refresh_from_db()
    assert laureate.name == "Projet Ondine"
    assert "ondine" in laureate.search_document


def test_a_value_breaking_the_70_percent_rule_is_not_applied(staff_client, public, laureate):
    public.post(CONTRIBUTE, correction(laureate, value="900000"))
    proposal = Proposal.objects.get()
    change = text(staff_client.get(reverse("admin:laureats_proposal_change", args=[proposal.pk])))
    assert "ne pourra pas appliquer cette valeur automatiquement" in change
    assert "70 %" in change
    response = accept(staff_client, proposal)
    assert response["Location"] == reverse("admin:laureats_laureate_change", args=[laureate.pk])
    laureate.refresh_from_db()
    assert laureate.state_aid == 500_000
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert not proposal.applied
    followed = text(staff_client.get(response["Location"]))
    assert "pas appliquée automatiquement" in followed
    assert "Reportez-la à la main" in followed


def test_members_are_accepted_for_a_manual_edit(staff_client, public, laureate):
    public.post(CONTRIBUTE, correction(laureate, field="members", value="Ajouter le CFA X"))
    proposal = Proposal.objects.get()
    history_before = laureate.history.count()
    accept(staff_client, proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED and not proposal.applied
    assert laureate.history.count() == history_before


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("scope", "Interrégionale", "interregionale"),
        ("start_date", "01/09/2024", "2024-09-01"),
        ("total_cost", "1 200 000 €", 1_200_000),
        ("website", "https://projet.example.org/", "https://projet.example.org/"),
        ("acronym", "PR", "PR"),
    ],
)
def test_simple_fields_are_applied(staff_client, public, laureate, field, value, expected):
    public.post(CONTRIBUTE, correction(laureate, field=field, value=value))
    accept(staff_client, Proposal.objects.get())
    laureate.refresh_from_db()
    actual = getattr(laureate, field)
    assert (actual.isoformat() if hasattr(actual, "isoformat") else actual) == expected


def test_rejecting_requires_a_reason(staff_client, public, laureate):
    public.post(CONTRIBUTE, correction(laureate))
    proposal = Proposal.objects.get()
    url = reverse("admin:laureats_proposal_change", args=[proposal.pk])
    response = staff_client.post(url, {"rejection_reason": "  ", "_reject": "Refuser"})
    assert response.status_code == 200
    assert "Indiquez la raison du refus" in text(response)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    response = staff_client.post(
        url, {"rejection_reason": "La source ne dit pas cela.", "_reject": "Refuser"}
    )
    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED
    assert proposal.rejection_reason == "La source ne dit pas cela."
    laureate.refresh_from_db()
    assert laureate.state_aid == 500_000


def test_a_reviewed_proposal_cannot_be_decided_again(staff_client, public, laureate):
    public.post(CONTRIBUTE, correction(laureate))
    proposal = Proposal.objects.get()
    accept(staff_client, proposal)
    url = reverse("admin:laureats_proposal_change", args=[proposal.pk])
    page = text(staff_client.get(url))
    assert 'name="_accept"' not in page
    staff_client.post(url, {"_reject": "Refuser", "rejection_reason": "trop tard"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED


def test_accepting_a_new_laureate_creates_it_unpublished(staff_client, public, laureate):
    make_laureate(name="Existant", slug="competences-numeriques-du-littoral")
    public.post(CONTRIBUTE, new_laureate())
    proposal = Proposal.objects.get()
    response = accept(staff_client, proposal)
    created = Laureate.objects.get(name="Compétences numériques du littoral")
    assert created.slug == "competences-numeriques-du-littoral-2"
    assert not created.is_published
    assert response["Location"] == reverse("admin:laureats_laureate_change", args=[created.pk])
    assert created.history.latest().history_change_reason.startswith(
        f"Proposition n°{proposal.pk} acceptée"
    )
    proposal.refresh_from_db()
    assert proposal.laureate == created and proposal.status == Proposal.Status.ACCEPTED
    # Still invisible to the public.
    assert public.get(created.get_absolute_url()).status_code == 404
    assert "Compétences numériques" not in text(public.get(reverse("laureats:laureate-list")))


def test_proposals_cannot_be_added_in_the_admin(staff_client):
    assert staff_client.get(reverse("admin:laureats_proposal_add")).status_code == 403


def test_the_history_of_a_proposal_keeps_no_email(public, laureate):
    public.post(CONTRIBUTE, correction(laureate))
    record = Proposal.objects.get().history.latest()
    assert not hasattr(record, "email")


def test_form_query_count_does_not_grow_with_laureates(client, laureate, django_assert_num_queries):
    # The published count and the list of laureates to choose from.
    with django_assert_num_queries(2):
        client.get(CONTRIBUTE)
    for number in range(30):
        make_laureate(name=f"Projet {number}", slug=f"projet-{number}")
    with django_assert_num_queries(2):
        assert "Projet 29" in text(client.get(CONTRIBUTE))
    # The published count is read once per data version: the chosen laureate instead.
    with django_assert_num_queries(2):
        client.get(CONTRIBUTE, {"laureat": "projet-3"})
