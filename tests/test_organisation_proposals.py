"""Issue 23 item 7: /contribuer/'s errors come first and take the focus, and organisation pages
get "Proposer une correction" with the organisation's own fields, moderated in the admin like
the laureates' corrections."""

from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laureats.contributions import moderation
from laureats.models import Organisation, Proposal, Region

from .factories import OrganisationFactory, make_laureate
from .html_forms import as_post, form_fields
from .test_search import organisations_found

pytestmark = pytest.mark.django_db

CONTRIBUTE = reverse("laureats:contribute")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # The limits' counters stay in their own cache (settings.LIMITS_CACHE), emptied between
    # tests by conftest.py like every cache.
    settings.PAGE_CACHE_ENABLED = False


def text(response):
    return unescape(response.content.decode())


@pytest.fixture
def organisation(reference_data):
    organisation = OrganisationFactory(
        name="CFA des Deux Rives", slug="cfa-deux-rives", city="", siren="", website=""
    )
    make_laureate(name="Projet des rives", slug="projet-rives", lead=organisation)
    return organisation


def form_url(organisation):
    return reverse("laureats:contribute-organisation", args=[organisation.slug])


def proposal_data(**values):
    data = {
        "organisation_field": "city",
        "value": "Besançon",
        "source_url": "https://www.example.org/annuaire",
        "comment": "",
        "email": "contact@example.org",
        "site_perso": "",
    }
    data.update(values)
    return data


def file_proposal(organisation, field="city", value="Besançon"):
    return Proposal.objects.create(
        kind=Proposal.Kind.ORGANISATION,
        organisation=organisation,
        organisation_field=field,
        value=value,
        source_url="https://www.example.org/annuaire",
        email="contact@example.org",
    )


# /contribuer/: the error summary first, focused ---------------------------------------------


def test_a_failed_submission_opens_on_its_focused_error_summary(client, reference_data):
    response = client.post(CONTRIBUTE, {"kind": Proposal.Kind.CORRECTION})
    html = response.content.decode()
    assert response.status_code == 200
    summary = html.index('id="erreurs"')
    # First after the title, before the explanations and the form; focused without script.
    assert html.index("<h1>") < summary < html.index("Comment ça se passe")
    assert summary < html.index("<form")
    tag = html[html.rindex("<div", 0, summary) : html.index(">", summary)]
    assert 'tabindex="-1"' in tag
    assert "autofocus" in tag


def test_a_page_without_errors_moves_no_focus(client, reference_data):
    assert "autofocus" not in client.get(CONTRIBUTE).content.decode()


def test_the_public_form_offers_no_organisation_kind(client, organisation):
    form = client.get(CONTRIBUTE).context["form"]
    assert Proposal.Kind.ORGANISATION not in dict(form.fields["kind"].choices)
    response = client.post(CONTRIBUTE, {"kind": Proposal.Kind.ORGANISATION})
    assert "kind" in response.context["form"].errors


# The organisation's page and its form ------------------------------------------------------


def test_organisation_page_links_to_its_correction_form(client, organisation):
    page = text(client.get(organisation.get_absolute_url()))
    assert "Proposer une correction" in page
    assert f'href="{form_url(organisation)}"' in page
    # Each field not entered links to the form with that field chosen.
    for field in ("city", "region", "website", "siren"):
        assert f'href="{form_url(organisation)}?champ={field}"' in page


def test_the_form_offers_the_organisations_own_fields(client, organisation):
    response = client.get(form_url(organisation), {"champ": "siren"})
    assert response.status_code == 200
    page = text(response)
    assert "CFA des Deux Rives" in page
    choices = dict(response.context["form"].fields["organisation_field"].choices)
    assert {"city", "siren", "website", "region", "kind", "name"} <= set(choices)
    assert response.context["form"].initial == {"organisation_field": "siren"}
    assert "lauréat concerné" not in page.lower()


def test_an_unknown_field_in_the_link_is_a_notice(client, organisation):
    response = client.get(form_url(organisation), {"champ": "budget"})
    assert response.status_code == 200
    assert "« budget » n'est pas un champ de l'organisation" in text(response)


def test_submitting_files_a_pending_proposal_about_the_organisation(client, organisation):
    response = client.post(form_url(organisation), proposal_data(value="Besançon"))
    assert response.status_code == 302
    assert response["Location"] == reverse("laureats:contribute-done")
    proposal = Proposal.objects.get()
    assert proposal.kind == Proposal.Kind.ORGANISATION
    assert proposal.organisation == organisation
    assert proposal.organisation_field == "city"
    assert proposal.status == Proposal.Status.PENDING
    organisation.refresh_from_db()
    assert organisation.city == ""


def test_errors_of_the_organisation_form_come_first_and_focused(client, organisation):
    response = client.post(form_url(organisation), proposal_data(organisation_field="", value=""))
    html = response.content.decode()
    assert "Choisissez le champ à corriger." in unescape(html)
    assert html.index("<h1>") < html.index('id="erreurs"') < html.index("<form")
    assert not Proposal.objects.exists()


def test_an_organisation_known_only_through_unpublished_laureates_has_no_form(client):
    hidden = OrganisationFactory(slug="cachee")
    make_laureate(lead=hidden, is_published=False)
    assert client.get(form_url(hidden)).status_code == 404
    assert client.post(form_url(hidden), proposal_data()).status_code == 404
    assert client.get("/contribuer/organisation/inconnue/").status_code == 404


def test_the_honeypot_and_the_hourly_budget_apply(client, organisation):
    assert client.post(form_url(organisation), proposal_data(site_perso="x")).status_code == 302
    assert not Proposal.objects.exists()
    statuses = [client.post(form_url(organisation), proposal_data()).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]


# Moderation --------------------------------------------------------------------------------


def open_proposal(staff_client, proposal):
    """What the proposal's page would post: its form as the browser shows it."""
    page = staff_client.get(reverse("admin:laureats_proposal_change", args=[proposal.pk]))
    return form_fields(page.content.decode(), form_id="proposal_form")


def accept_in_admin(staff_client, proposal, fields=None):
    """Press "Accepter" on the proposal's page, opened now (or read before: `fields`)."""
    if fields is None:
        fields = open_proposal(staff_client, proposal)
    return staff_client.post(
        reverse("admin:laureats_proposal_change", args=[proposal.pk]),
        as_post(fields, _accept="Accepter"),
        follow=True,
    )


def test_admin_compares_the_organisation_value_and_says_what_accepting_does(
    staff_client, organisation
):
    proposal = file_proposal(organisation, "siren", "732 829 320")
    page = text(staff_client.get(reverse("admin:laureats_proposal_change", args=[proposal.pk])))
    assert "CFA des Deux Rives" in page
    assert "non renseigné" in page
    assert "732 829 320" in page
    assert "Accepter applique cette valeur à l'organisation" in page
    changelist = text(staff_client.get(reverse("admin:laureats_proposal_changelist")))
    assert "CFA des Deux Rives" in changelist


@pytest.mark.parametrize(
    ("field", "value", "attribute", "expected"),
    [
        ("city", "  Besançon ", "city", "Besançon"),
        ("siren", "732 829 320", "siren", "732829320"),
        (
            "website",
            "https://cfa-deux-rives.example.org",
            "website",
            "https://cfa-deux-rives.example.org",
        ),
        ("kind", "Laboratoire de recherche", "kind", Organisation.Kind.RESEARCH),
        ("region", "bourgogne franche comte", "region_id", "27"),
        ("region", "27", "region_id", "27"),
        ("name", "CFA des Deux Rives (Besançon)", "name", "CFA des Deux Rives (Besançon)"),
    ],
)
def test_accepting_applies_the_organisation_field(
    staff_client, organisation, field, value, attribute, expected
):
    proposal = file_proposal(organisation, field, value)
    response = accept_in_admin(staff_client, proposal)
    assert "acceptée et appliquée" in text(response)
    organisation.refresh_from_db()
    assert getattr(organisation, attribute) == expected
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert proposal.applied
    entry = organisation.history.first()
    assert entry.history_change_reason == proposal.change_reason


def test_an_accepted_city_is_searched(admin_user, organisation):
    moderation.accept(file_proposal(organisation, "city", "Besançon"), admin_user)
    assert organisations_found("besancon") == [organisation.slug]


def test_an_accepted_region_moves_the_organisations_laureates_on_the_map(admin_user, organisation):
    moderation.accept(file_proposal(organisation, "region", "Occitanie"), admin_user)
    laureate = organisation.memberships.get().laureate
    laureate.refresh_from_db()
    assert "|76|" in laureate.region_codes
    assert Region.objects.get(pk="76").name == "Occitanie"


@pytest.mark.parametrize(
    ("field", "value", "reason"),
    [
        ("siren", "12345", "9 chiffres"),
        ("siren", "123456789", "clé de contrôle"),
        ("website", "pas une adresse", "adresse"),
        ("kind", "fusée", "n'est pas une valeur permise"),
        ("region", "Atlantide", "n'est pas une valeur permise"),
        ("other", "Ils ont déménagé.", "ne peut pas être modifié automatiquement"),
    ],
)
def test_a_value_that_is_none_is_accepted_for_a_manual_edit(
    staff_client, organisation, field, value, reason
):
    proposal = file_proposal(organisation, field, value)
    page = text(staff_client.get(reverse("admin:laureats_proposal_change", args=[proposal.pk])))
    assert "ne pourra pas appliquer cette valeur automatiquement" in page
    assert reason in page
    response = accept_in_admin(staff_client, proposal)
    assert "pas appliquée automatiquement" in text(response)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.ACCEPTED
    assert not proposal.applied


def test_a_siren_another_organisation_holds_is_not_applied(admin_user, organisation):
    OrganisationFactory(siren="732829320")
    outcome = moderation.accept(file_proposal(organisation, "siren", "732829320"), admin_user)
    assert not outcome.plan.automatic
    assert "Une organisation porte déjà ce SIREN." in outcome.plan.reason
    organisation.refresh_from_db()
    assert organisation.siren == ""


def test_rejecting_an_organisation_proposal_needs_a_reason(staff_client, organisation):
    proposal = file_proposal(organisation)
    url = reverse("admin:laureats_proposal_change", args=[proposal.pk])
    staff_client.post(url, {"rejection_reason": "", "_reject": "Refuser"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    staff_client.post(url, {"rejection_reason": "Source illisible.", "_reject": "Refuser"})
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.REJECTED


def test_a_reviewed_organisation_proposal_cannot_be_accepted_again(admin_user, organisation):
    proposal = file_proposal(organisation)
    moderation.accept(proposal, admin_user)
    with pytest.raises(moderation.AlreadyReviewed):
        moderation.accept(proposal, admin_user)


def test_the_organisation_form_is_never_cached(client, organisation, settings):
    # It holds a CSRF token of its own, as /contribuer/ does.
    settings.PAGE_CACHE_ENABLED = True
    first = client.get(form_url(organisation))
    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert "csrfmiddlewaretoken" in client.get(form_url(organisation)).content.decode()
    assert client.get(form_url(organisation)).context is not None


# Accepting never overwrites a newer change silently (issue 21), as for a laureate -------------


def proposal_page(staff_client, proposal):
    return text(staff_client.get(reverse("admin:laureats_proposal_change", args=[proposal.pk])))


def organisation_form(staff_client, organisation):
    url = reverse("admin:laureats_organisation_change", args=[organisation.pk])
    return url, form_fields(staff_client.get(url).content.decode(), form_id="organisation_form")


def test_a_proposal_records_the_value_it_was_made_against(client, organisation):
    client.post(form_url(organisation), proposal_data(organisation_field="name", value="CFA 2R"))
    assert Proposal.objects.get().value_when_proposed == "CFA des Deux Rives"


def test_a_field_changed_since_the_proposal_shows_the_three_values(staff_client, organisation):
    proposal = file_proposal(organisation, "name", "CFA des Deux Rives (Besançon)")
    assert proposal_page(staff_client, proposal).count("Ce champ a changé depuis") == 0
    organisation.name = "CFA Deux Rives, renommé par un administrateur"
    organisation.save()
    page = proposal_page(staff_client, proposal)
    assert "Ce champ a changé depuis la proposition" in page
    assert "valeur lors de la proposition" in page
    for value in [
        "CFA des Deux Rives",
        "CFA Deux Rives, renommé par un administrateur",
        "CFA des Deux Rives (Besançon)",
    ]:
        assert f"<td>{value}</td>" in page


def test_a_proposal_page_opened_before_a_change_applies_nothing(staff_client, organisation):
    proposal = file_proposal(organisation, "city", "Besançon")
    fields = open_proposal(staff_client, proposal)
    organisation.city = "Dole"
    organisation.save()
    response = accept_in_admin(staff_client, proposal, fields)
    body = text(response)
    assert f"Proposition n°{proposal.pk} non acceptée : la fiche de « CFA des Deux Rives »" in body
    # Back on the proposal: what it was proposed against, the current value and the proposed one.
    assert response.redirect_chain[-1][0].endswith(f"/proposal/{proposal.pk}/change/")
    assert "Ce champ a changé depuis la proposition" in body
    assert "<td>Dole</td>" in body and "<td>Besançon</td>" in body
    proposal.refresh_from_db()
    organisation.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
    assert organisation.city == "Dole"
    # Accepted from the page as it is now, knowingly, it applies.
    assert "acceptée et appliquée" in text(accept_in_admin(staff_client, proposal))
    organisation.refresh_from_db()
    assert organisation.city == "Besançon"


def test_a_form_of_the_organisation_opened_before_an_acceptance_shows_a_conflict(
    staff_client, admin_user, organisation
):
    url, fields = organisation_form(staff_client, organisation)
    moderation.accept(file_proposal(organisation, "city", "Besançon"), admin_user)
    response = staff_client.post(url, as_post(fields, name="CFA des Deux Rives et du Doubs"))
    assert response.status_code == 409
    page = text(response)
    assert "Rien n'a été enregistré" in page
    assert "Besançon" in page
    organisation.refresh_from_db()
    assert organisation.city == "Besançon"
    assert organisation.name == "CFA des Deux Rives"


def test_accepting_writes_only_the_proposed_field(admin_user, organisation):
    proposal = file_proposal(organisation, "city", "Besançon")
    with CaptureQueriesContext(connection) as queries:
        moderation.accept(proposal, admin_user)
    updates = [
        query["sql"]
        for query in queries
        if query["sql"].startswith('UPDATE "laureats_organisation" SET')
        # Its derived columns, rebuilt by laureats/derived/, not the accepted edit.
        and '"search_text" = ' not in query["sql"]
        and '"in_published_laureate" = ' not in query["sql"]
    ]
    assert len(updates) == 1, updates
    assigned = updates[0].split(" SET ", 1)[1].split(" WHERE ", 1)[0]
    assert sorted(part.split(" = ")[0] for part in assigned.split(", ")) == [
        '"city"',
        '"updated_at"',
        '"version"',
    ]
    organisation.refresh_from_db()
    assert organisation.search_text == "cfa des deux rives\nbesancon"


@pytest.mark.skipif(
    not connection.features.has_select_for_update,
    reason="SQLite has no row locks: its immediate transactions serialise writers instead",
)
def test_accepting_locks_the_organisation_row_before_writing(admin_user, organisation):
    proposal = file_proposal(organisation, "city", "Besançon")
    with CaptureQueriesContext(connection) as queries:
        moderation.accept(proposal, admin_user)
    sql = [query["sql"] for query in queries]
    lock = next(
        i
        for i, s in enumerate(sql)
        if s.startswith('SELECT "laureats_organisation"') and "FOR UPDATE" in s
    )
    first_update = next(
        i for i, s in enumerate(sql) if s.startswith('UPDATE "laureats_organisation"')
    )
    assert lock < first_update


def test_a_tampered_seen_version_is_a_bad_request(staff_client, organisation):
    proposal = file_proposal(organisation)
    fields = open_proposal(staff_client, proposal)
    response = staff_client.post(
        reverse("admin:laureats_proposal_change", args=[proposal.pk]),
        as_post(fields, seen_version="7:forged", _accept="Accepter"),
    )
    assert response.status_code == 400
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.PENDING
