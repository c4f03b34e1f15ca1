import warnings
from html import unescape

import pytest
from django.core.paginator import UnorderedObjectListWarning
from django.urls import reverse

from laureats.admin.conflicts import signed_version
from laureats.models import Laureate, Membership

from .factories import LaureateFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

MODELS = [
    "laureate",
    "organisation",
    "sector",
    "region",
    "programmefigure",
    "membership",
    "resource",
]


@pytest.mark.parametrize("model", MODELS)
def test_every_changelist_and_add_form_opens_for_staff(staff_client, sample_catalogue, model):
    assert staff_client.get(reverse(f"admin:laureats_{model}_changelist")).status_code == 200
    assert staff_client.get(reverse(f"admin:laureats_{model}_add")).status_code == 200


def test_change_forms_open_for_staff(staff_client, sample_catalogue):
    laureate = sample_catalogue.laureates["chantier"]  # members, sources, sector
    organisation = sample_catalogue.organisations["cfa"]  # in three consortia
    figure = sample_catalogue.figures[0]
    for url in [
        reverse("admin:laureats_laureate_change", args=[laureate.pk]),
        reverse("admin:laureats_organisation_change", args=[organisation.pk]),
        reverse("admin:laureats_laureate_history", args=[laureate.pk]),
        reverse("admin:laureats_programmefigure_change", args=[figure.pk]),
    ]:
        assert staff_client.get(url).status_code == 200, url


def test_anonymous_users_are_sent_to_the_login_page(client, sample_catalogue):
    response = client.get(reverse("admin:laureats_laureate_changelist"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


def test_wrong_password_gives_the_standard_error(client, admin_user):
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": "faux mot de passe"}
    )
    assert response.status_code == 200
    assert "Veuillez compléter correctement les champs" in unescape(response.content.decode())


def test_list_filters_by_no_lead(staff_client, reference_data):
    with_lead = LaureateFactory(name="Consortium complet")
    MembershipFactory(laureate=with_lead, role=Membership.Role.LEAD)
    LaureateFactory(name="Orphelin")
    response = staff_client.get(reverse("admin:laureats_laureate_changelist") + "?porteur=sans")
    body = unescape(response.content.decode())
    assert "Orphelin" in body and "Consortium complet" not in body


def test_list_says_when_a_laureate_has_no_lead(staff_client, reference_data):
    LaureateFactory(name="Orphelin")
    body = unescape(
        staff_client.get(reverse("admin:laureats_laureate_changelist")).content.decode()
    )
    assert "aucun porteur" in body


def test_change_form_warns_about_a_missing_lead(staff_client, reference_data):
    laureate = LaureateFactory()
    response = staff_client.get(reverse("admin:laureats_laureate_change", args=[laureate.pk]))
    assert "n'a pas de porteur" in unescape(response.content.decode())


def laureate_form_data(laureate, memberships):
    """The change form's fields, written by hand, as the form would post them if opened now."""
    data = {
        # The version the form reads when it opens (laureats/admin/conflicts.py).
        "version": signed_version(Laureate.objects.get(pk=laureate.pk).version),
        "name": laureate.name,
        "acronym": "",
        "slug": laureate.slug,
        "status": laureate.status,
        "scope": laureate.scope,
        "is_published": "on",
        "summary": "",
        "description": "",
        "website": "",
        "total_cost": "",
        "state_aid": "",
        "state_aid_kind": "accordee",
        "start_date": "",
        "end_date": "",
        "data_note": "",
        "memberships-TOTAL_FORMS": str(len(memberships)),
        "memberships-INITIAL_FORMS": "0",
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
        "Resource_laureates-TOTAL_FORMS": "0",
        "Resource_laureates-INITIAL_FORMS": "0",
    }
    for index, (organisation, role) in enumerate(memberships):
        data[f"memberships-{index}-organisation"] = organisation.pk
        data[f"memberships-{index}-role"] = role
    return data


def test_two_leads_in_the_admin_give_a_message_not_an_error(staff_client, reference_data):
    laureate = LaureateFactory()
    first, second = OrganisationFactory(), OrganisationFactory()
    data = laureate_form_data(
        laureate, [(first, Membership.Role.LEAD), (second, Membership.Role.LEAD)]
    )
    response = staff_client.post(
        reverse("admin:laureats_laureate_change", args=[laureate.pk]), data
    )
    assert response.status_code == 200
    assert "n'a qu'un porteur" in unescape(response.content.decode())
    assert not laureate.memberships.exists()


def test_aid_above_70_percent_in_the_admin_gives_a_message(staff_client, reference_data):
    laureate = LaureateFactory()
    data = laureate_form_data(laureate, []) | {"total_cost": "100", "state_aid": "90"}
    response = staff_client.post(
        reverse("admin:laureats_laureate_change", args=[laureate.pk]), data
    )
    assert response.status_code == 200
    assert "70 %" in unescape(response.content.decode())
    laureate.refresh_from_db()
    assert laureate.state_aid is None


def test_admin_edit_is_recorded_in_history_with_its_author(
    staff_client, admin_user, reference_data
):
    laureate = LaureateFactory(name="Ancien nom")
    organisation = OrganisationFactory(name="Porteur renommé")
    data = laureate_form_data(laureate, [(organisation, Membership.Role.LEAD)])
    data["name"] = "Nouveau nom"
    response = staff_client.post(
        reverse("admin:laureats_laureate_change", args=[laureate.pk]), data
    )
    assert response.status_code == 302
    latest = laureate.history.latest()
    assert latest.name == "Nouveau nom"
    assert latest.history_user == admin_user
    assert laureate.history.count() == 2
    laureate.refresh_from_db()
    assert "porteur renomme" in laureate.search_document
    history = staff_client.get(reverse("admin:laureats_laureate_history", args=[laureate.pk]))
    assert history.status_code == 200
    assert "Nouveau nom" in unescape(history.content.decode())


@pytest.mark.parametrize(
    "path",
    [
        "/admin/laureats/laureate/abc/history/",
        "/admin/laureats/laureate/%00/history/",
        "/admin/laureats/laureate/99999999999999999999/history/",
        "/admin/laureats/organisation/{pk}/history/abc/",
        "/admin/laureats/organisation/{pk}/history/%00/",
        "/admin/laureats/organisation/x/history/1/",
    ],
)
def test_history_pages_of_impossible_identifiers_are_not_found(staff_client, db, path):
    organisation = OrganisationFactory()
    response = staff_client.get(path.format(pk=organisation.pk))
    assert response.status_code == 404


def test_history_page_of_a_real_record_still_opens(staff_client, db):
    organisation = OrganisationFactory()
    version = organisation.history.latest()
    base = f"/admin/laureats/organisation/{organisation.pk}/history/"
    assert staff_client.get(base).status_code == 200
    assert staff_client.get(f"{base}{version.history_id}/").status_code == 200


@pytest.mark.parametrize("value", ["abc", "%00", "1,2", "99999999999999999999", "-1"])
def test_add_form_ignores_an_initial_value_that_cannot_be_a_record(staff_client, db, value):
    response = staff_client.get(f"/admin/laureats/membership/add/?laureate={value}&role=%00")
    assert response.status_code == 200
    assert response.context["adminform"].form.initial.get("laureate") in (None, "-1")


def test_add_form_still_takes_a_real_initial_value(staff_client, db):
    laureate = LaureateFactory()
    response = staff_client.get(f"/admin/laureats/membership/add/?laureate={laureate.pk}")
    assert response.context["adminform"].form.initial["laureate"] == str(laureate.pk)
    assert laureate.name in response.content.decode()


@pytest.mark.parametrize("view", ["change", "delete", "history"])
def test_a_text_key_with_a_nul_byte_is_not_found_on_every_database(staff_client, db, view):
    response = staff_client.get(f"/admin/laureats/region/a%00b/{view}/")
    assert response.status_code in (302, 404)


def test_the_organisation_autocomplete_lists_names_in_french_order(staff_client):
    # Its query counts consortiums (a GROUP BY, which drops Meta.ordering): unordered, its pages
    # could repeat or skip an organisation.
    for name in ["Zénith formation", "École des métiers", "Atelier du bois"]:
        OrganisationFactory(name=name)
    query = {"app_label": "laureats", "model_name": "membership", "field_name": "organisation"}
    with warnings.catch_warnings():
        warnings.simplefilter("error", UnorderedObjectListWarning)
        response = staff_client.get(reverse("admin:autocomplete"), {**query, "term": ""})
    assert [item["text"] for item in response.json()["results"]] == [
        "Atelier du bois",
        "École des métiers",
        "Zénith formation",
    ]


@pytest.mark.parametrize(
    "query",
    [
        "organisation=99999999999999999999999999",
        "laureate=99999999999999999999999999",
        "laureate__id__in=1,99999999999999999999999",
    ],
)
def test_a_list_filtered_on_a_key_no_row_can_have_is_not_an_error(staff_client, db, query):
    # Found by tests/test_fuzz_urls.py: SQLite cannot hold the number (OverflowError, a 500),
    # PostgreSQL finds no row. Either way, the administrator sees a list, never an error page.
    response = staff_client.get(f"/admin/laureats/membership/?{query}", follow=True)
    assert response.status_code == 200
