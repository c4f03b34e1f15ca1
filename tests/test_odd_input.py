"""Input PostgreSQL refuses (a NUL byte) and methods a page does not serve give a 4xx or a
notice, never a 500 (issue 11). Explicit cases; tests/test_fuzz_urls.py fuzzes the rest."""

import pytest
from django.conf import settings
from django.urls import reverse

from .factories import OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db

API_RESOURCES = ["laureats", "organisations", "filieres", "regions", "chiffres"]


@pytest.fixture
def one_public_laureate(reference_data):
    make_laureate(
        name="Projet public", slug="projet-public", lead=OrganisationFactory(slug="cfa-public")
    )


@pytest.mark.parametrize("resource", API_RESOURCES)
@pytest.mark.parametrize("identifier", ["%00", "a%00b", "%00%00%00", "projet-public%00"])
def test_an_api_identifier_with_a_nul_byte_is_a_json_404(
    client, one_public_laureate, resource, identifier
):
    response = client.get(f"/api/{resource}/{identifier}/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("resource", API_RESOURCES)
def test_an_api_filter_with_a_nul_byte_is_no_error(client, one_public_laureate, resource):
    response = client.get(f"/api/{resource}/", {"q": "\x00", "filiere": "\x00", "page": "\x00"})
    if resource in ("laureats", "organisations"):
        # A search holding a NUL byte is no search: refused as any bad filter value is.
        assert response.status_code == 400
        assert response.json()["code"] == "invalid_filter"
    else:
        assert response.status_code in (200, 404)


@pytest.mark.parametrize("value", ["\x00", "projet\x00public", "../../etc", "x" * 5000])
def test_an_impossible_laureate_in_the_form_query_gives_a_notice(
    client, one_public_laureate, value
):
    response = client.get(reverse("laureats:contribute"), {"laureat": value})
    assert response.status_code == 200
    assert "Aucun lauréat publié ne porte l'identifiant" in response.content.decode().replace(
        "&#x27;", "'"
    )


def test_the_form_query_still_prefills_a_real_laureate(client, one_public_laureate):
    response = client.get(reverse("laureats:contribute"), {"laureat": "projet-public"})
    assert response.status_code == 200
    assert 'value="projet-public" selected' in response.content.decode()


@pytest.mark.parametrize("cookie", ["\x00", "\x00" * 32, "abc\x00def" * 5, "x" * 10_000])
def test_a_junk_session_cookie_on_the_admin_login_is_ignored(client, admin_user, cookie):
    header = f"{settings.SESSION_COOKIE_NAME}={cookie}"
    response = client.get(reverse("admin:login"), HTTP_COOKIE=header)
    assert response.status_code == 200
    # And logging in still works, with a new session.
    response = client.post(
        reverse("admin:login"),
        {"username": "admin", "password": "un mot de passe solide"},
        HTTP_COOKIE=header,
    )
    assert response.status_code == 302


def test_a_junk_session_cookie_on_a_public_page_is_ignored(client, one_public_laureate):
    header = settings.SESSION_COOKIE_NAME + "=" + "\x00" * 32
    assert client.get("/laureats/projet-public/", HTTP_COOKIE=header).status_code == 200


PUBLIC_PAGES = [
    "/",
    "/laureats/",
    "/laureats/projet-public/",
    "/organisations/",
    "/organisations/cfa-public/",
    "/statistiques/",
    "/donnees/",
    "/plan-du-site/",
    "/accessibilite/",
    "/mentions-legales/",
    "/contribuer/merci/",
    "/en/laureats/",
    "/sitemap.xml",
    "/robots.txt",
    "/healthz",
]


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE", "PATCH"])
@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_public_pages_refuse_other_methods_with_405(client, one_public_laureate, method, url):
    response = client.generic(method, url)
    assert response.status_code == 405
    assert "GET" in response["Allow"]


@pytest.mark.parametrize("method", ["TRACE", "PUT", "DELETE"])
def test_the_form_refuses_other_methods_with_405(client, one_public_laureate, method):
    assert client.generic(method, reverse("laureats:contribute")).status_code == 405


def admin_text_lookups():
    """Every registered model's changelist, with each of its text fields as a lookup and the
    search box: the admin passes them all to the database."""
    from django.contrib import admin
    from django.db import models

    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        yield pytest.param(url, "q", id=f"{model._meta.label}-q")
        for field in model._meta.concrete_fields:
            # Django refuses a lookup on a password itself (400), NUL byte or not.
            if isinstance(field, models.CharField | models.TextField) and field.name != "password":
                yield pytest.param(url, field.name, id=f"{model._meta.label}-{field.name}")


@pytest.mark.parametrize(("url", "parameter"), list(admin_text_lookups()))
def test_a_nul_byte_in_an_admin_lookup_is_a_400(staff_client, url, parameter):
    response = staff_client.get(url, {parameter: "\x00"})
    assert response.status_code == 400
    # The same lookup without the NUL byte still works.
    assert staff_client.get(url, {parameter: "x"}).status_code in (200, 302)


def test_a_nul_byte_in_the_admin_autocomplete_is_a_400(staff_client):
    query = {"app_label": "laureats", "model_name": "membership", "field_name": "organisation"}
    response = staff_client.get(reverse("admin:autocomplete"), {**query, "term": "\x00"})
    assert response.status_code == 400
    assert (
        staff_client.get(reverse("admin:autocomplete"), {**query, "term": "cfa"}).status_code == 200
    )


def test_an_unknown_admin_address_with_a_nul_byte_is_no_error(staff_client):
    assert staff_client.get("/admin/nulle-part/", {"q": "\x00"}).status_code in (301, 302, 404)
