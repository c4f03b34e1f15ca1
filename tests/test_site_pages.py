from html import unescape

import pytest
from django.urls import reverse

from .factories import LaureateFactory, OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return unescape(response.content.decode())


def test_site_map_lists_every_public_page(client, reference_data):
    member = OrganisationFactory(name="Organisation membre")
    hidden_member = OrganisationFactory(name="Organisation cachée")
    make_laureate(name="Projet publié", lead=member)
    make_laureate(name="Projet caché", is_published=False, lead=hidden_member)
    body = page(client, reverse("laureats:site-map"))

    assert "Projet publié" in body and "Organisation membre" in body
    assert "Projet caché" not in body and "Organisation cachée" not in body
    for name in [
        "laureats:home",
        "laureats:laureate-list",
        "laureats:organisation-list",
        "laureats:statistics",
        "laureats:open-data",
        "laureats:contribute",
        "laureats:accessibility",
        "laureats:legal-notice",
    ]:
        assert f'href="{reverse(name)}"' in body, name
    assert 'href="/sitemap.xml"' in body


def test_site_map_queries_do_not_grow_with_the_data(
    client, reference_data, django_assert_max_num_queries
):
    make_laureate(partners=2)
    with django_assert_max_num_queries(2):
        client.get(reverse("laureats:site-map"))
    for _ in range(30):
        make_laureate(partners=3)
    with django_assert_max_num_queries(2):
        client.get(reverse("laureats:site-map"))


def test_accessibility_statement_is_honest_and_gives_the_recourse(client, settings):
    settings.CONTACT_EMAIL = "accessibilite@example.org"
    body = page(client, reverse("laureats:accessibility"))
    assert "<h1>Déclaration d'accessibilité</h1>" in body
    assert "<strong>non conforme</strong>" in body
    assert "aucun audit de conformité n'a encore été réalisé" in body
    assert "axe-core" in body and "375 pixels" in body
    assert 'href="mailto:accessibilite@example.org"' in body
    assert "Défenseur des droits" in body
    assert "https://formulaire.defenseurdesdroits.fr/" in body


def test_accessibility_statement_says_when_no_contact_is_set(client, settings):
    settings.CONTACT_EMAIL = ""
    body = page(client, reverse("laureats:accessibility"))
    assert "adresse de contact non renseignée" in body
    assert "mailto:" not in body


def test_every_page_links_to_the_accessibility_statement_with_its_status(client, reference_data):
    for url in ["/", "/laureats/", "/organisations/", "/plan-du-site/", "/mentions-legales/"]:
        body = page(client, url)
        assert (
            f'<a href="{reverse("laureats:accessibility")}">'
            "Accessibilité : non conforme (aucun audit réalisé)</a>"
        ) in body, url


def test_legal_notice_shows_publisher_and_host_from_settings(client, settings):
    settings.PUBLISHER_NAME = "Association Exemple"
    settings.HOST_NAME = "Hébergeur Exemple SAS"
    settings.HOST_ADDRESS = "1 rue de l'Exemple, 75000 Paris"
    body = page(client, reverse("laureats:legal-notice"))
    assert "<dd>Association Exemple</dd>" in body
    assert "<dd>Hébergeur Exemple SAS</dd>" in body
    assert "<dd>1 rue de l'Exemple, 75000 Paris</dd>" in body


def test_legal_notice_says_what_is_not_set(client, settings):
    for name in [
        "PUBLISHER_NAME",
        "PUBLISHER_ADDRESS",
        "HOST_NAME",
        "HOST_ADDRESS",
        "CONTACT_EMAIL",
    ]:
        setattr(settings, name, "")
    body = page(client, reverse("laureats:legal-notice"))
    assert body.count("non renseigné") >= 4


def test_legal_notice_states_sources_licence_and_cookies(client):
    body = page(client, reverse("laureats:legal-notice"))
    assert "Licence Ouverte / Etalab 2.0" in body
    assert "liste officielle des lauréats" in body
    assert "aucun outil de mesure d'audience" in body
    assert "csrftoken" in body and "sessionid" in body


def test_public_pages_set_no_cookie(client, reference_data):
    LaureateFactory()
    for url in ["/", "/laureats/", "/plan-du-site/", "/accessibilite/", "/mentions-legales/"]:
        assert not client.get(url).cookies, url
