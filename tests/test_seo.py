import json
import re
from html import unescape
from xml.etree import ElementTree

import pytest
from django.urls import reverse
from django.utils import timezone

from laureats.models import Organisation

from .factories import LaureateFactory, OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db

SITEMAP_NS = {
    "s": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "x": "http://www.w3.org/1999/xhtml",
}


def sitemap_entries(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)
    return {
        url.find("s:loc", SITEMAP_NS).text: url.find("s:lastmod", SITEMAP_NS)
        for url in root.findall("s:url", SITEMAP_NS)
    }


def test_sitemap_lists_published_laureates_with_their_last_change(client, reference_data):
    hidden_member = OrganisationFactory(name="Membre caché")
    public_member = OrganisationFactory(name="Membre public")
    published = make_laureate(name="Projet publié", lead=public_member)
    hidden = make_laureate(name="Projet caché", is_published=False, lead=hidden_member)
    entries = sitemap_entries(client)

    url = f"http://testserver{published.get_absolute_url()}"
    assert url in entries
    # The site speaks Paris time: after 23:00 UTC a change made "today" is dated tomorrow.
    assert entries[url].text == timezone.localdate(published.updated_at).isoformat()
    assert f"http://testserver/en{published.get_absolute_url()}" in entries
    assert f"http://testserver{public_member.get_absolute_url()}" in entries
    assert entries[f"http://testserver{public_member.get_absolute_url()}"] is not None
    assert not any(hidden.slug in loc or hidden_member.slug in loc for loc in entries)


def test_sitemap_lists_the_public_pages(client, reference_data):
    make_laureate()
    entries = sitemap_entries(client)
    for name in [
        "laureats:home",
        "laureats:laureate-list",
        "laureats:organisation-list",
        "laureats:site-map",
        "laureats:accessibility",
        "laureats:legal-notice",
    ]:
        assert f"http://testserver{reverse(name)}" in entries, name
    # Pages that follow the data say when the data last changed.
    assert entries["http://testserver/"] is not None
    assert entries["http://testserver/laureats/"] is not None


@pytest.mark.parametrize("path", ["/statistiques/", "/donnees/", "/contribuer/"])
def test_sitemap_lists_the_other_areas_pages(client, reference_data, path):
    assert client.get(path).status_code == 200, f"{path} is not served yet"
    assert f"http://testserver{path}" in sitemap_entries(client)


def test_sitemap_names_each_pages_translation(client, reference_data):
    response = client.get("/sitemap.xml")
    root = ElementTree.fromstring(response.content)
    home = next(
        url
        for url in root.findall("s:url", SITEMAP_NS)
        if url.find("s:loc", SITEMAP_NS).text == "http://testserver/"
    )
    alternates = {
        link.get("hreflang"): link.get("href") for link in home.findall("x:link", SITEMAP_NS)
    }
    assert alternates == {
        "fr": "http://testserver/",
        "en": "http://testserver/en/",
        "x-default": "http://testserver/",
    }


def test_robots_txt_keeps_crawlers_out_of_the_admin_and_exports(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert f"Disallow: {reverse('admin:index')}" in lines
    assert "Disallow: /en/admin/" in lines
    assert "Disallow: /laureats/export." in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines


@pytest.mark.urls("tests.urls_secret_admin")
def test_robots_txt_does_not_give_away_a_custom_admin_address(client):
    assert reverse("admin:index") == "/gestion-7f3a/"
    body = client.get("/robots.txt").content.decode()
    assert "gestion-7f3a" not in body
    assert "Disallow: /laureats/export." in body


@pytest.mark.parametrize("name", ["laureats:laureate-export", "laureats:member-export"])
@pytest.mark.parametrize("extension", ["csv", "json", "xlsx"])
def test_robots_txt_covers_every_export_address(client, name, extension):
    prefixes = [
        line.split(": ", 1)[1]
        for line in client.get("/robots.txt").content.decode().splitlines()
        if line.startswith("Disallow:")
    ]
    url = reverse(name, kwargs={"extension": extension})
    assert any(f"{url}?region=84".startswith(prefix) for prefix in prefixes), url


def head_tags(body):
    return {
        "canonical": re.findall(r'<link rel="canonical" href="([^"]+)">', body),
        "alternates": dict(
            re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', body)
        ),
        "og": dict(re.findall(r'<meta property="(og:[a-z_:]+)" content="([^"]*)">', body)),
        "description": re.findall(r'<meta name="description" content="([^"]*)">', body),
        "title": re.findall(r"<title>(.*?)</title>", body, re.S),
    }


def test_every_page_has_canonical_url_description_and_open_graph(client, sample_catalogue):
    laureate_url = sample_catalogue.laureates["chantier"].get_absolute_url()
    organisation = Organisation.objects.with_published_memberships().first()
    for url in [
        "/",
        "/laureats/",
        laureate_url,
        "/organisations/",
        organisation.get_absolute_url(),
        "/plan-du-site/",
        "/accessibilite/",
        "/mentions-legales/",
    ]:
        tags = head_tags(unescape(client.get(url).content.decode()))
        assert tags["canonical"] == [f"http://testserver{url}"], url
        assert tags["description"] and len(tags["description"][0]) > 40, url
        og = tags["og"]
        assert og["og:url"] == f"http://testserver{url}", url
        assert og["og:title"] and og["og:title"] in tags["title"][0], url
        assert og["og:description"] == tags["description"][0], url
        assert og["og:locale"] == "fr_FR"
        assert og["og:locale:alternate"] == "en_GB"
        assert og["og:site_name"] == "Portail Deffinum"
        assert og["og:type"] == "website"
        assert tags["alternates"]["en"] == f"http://testserver/en{url}", url
        assert tags["alternates"]["x-default"] == f"http://testserver{url}", url


def test_english_pages_name_their_locale_and_canonical(client, reference_data):
    tags = head_tags(client.get("/en/laureats/").content.decode())
    assert tags["canonical"] == ["http://testserver/en/laureats/"]
    assert tags["og"]["og:locale"] == "en_GB"
    assert tags["alternates"]["fr"] == "http://testserver/laureats/"


def test_list_canonical_keeps_filters_and_drops_noise(client, sample_catalogue):
    response = client.get(
        "/laureats/?utm_source=lettre&region=84&secteur=construction-btp&page=1&tri=nom&q="
    )
    tags = head_tags(unescape(response.content.decode()))
    assert tags["canonical"] == ["http://testserver/laureats/?region=84&secteur=construction-btp"]


def test_list_canonical_keeps_a_later_page(client, reference_data):
    for _ in range(21):
        LaureateFactory()
    tags = head_tags(unescape(client.get("/laureats/?page=2").content.decode()))
    assert tags["canonical"] == ["http://testserver/laureats/?page=2"]


def test_language_switcher_keeps_the_page_and_its_filters(client, reference_data):
    body = unescape(client.get("/laureats/?secteur=construction-btp").content.decode())
    assert (
        '<a href="/en/laureats/?secteur=construction-btp" hreflang="en" lang="en">English</a>'
        in body
    )
    assert 'hreflang="fr" lang="fr" aria-current="true">Français</a>' in body
    english = unescape(client.get("/en/laureats/?secteur=construction-btp").content.decode())
    assert '<a href="/laureats/?secteur=construction-btp" hreflang="fr" lang="fr">' in english
    assert '<html lang="en">' in english


def json_ld(body):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


@pytest.mark.parametrize("key", ["chantier", "soins"])  # amount unknown, amount granted
def test_laureate_json_ld_describes_the_project_funder_and_members(client, sample_catalogue, key):
    laureate = sample_catalogue.laureates[key]
    url = laureate.get_absolute_url()
    data = json_ld(client.get(url).content.decode())
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "Project"
    assert data["url"] == f"http://testserver{url}"
    assert "France 2030" in data["funder"]["name"]
    assert "Banque des Territoires" in data["funding"]["description"]
    members = {member["name"] for member in data["member"]}
    assert len(members) == 3
    assert members == {m.organisation.name for m in laureate.memberships.all()}
    if laureate.state_aid is None:
        assert "amount" not in data["funding"]
    else:
        assert data["funding"]["amount"] == {
            "@type": "MonetaryAmount",
            "currency": "EUR",
            "value": laureate.state_aid,
        }


def test_json_ld_cannot_be_broken_out_of(client, reference_data):
    laureate = make_laureate(
        name='Projet </script><script>alert("x")</script>',
        lead=OrganisationFactory(name="Org & <Cie>"),
    )
    body = client.get(laureate.get_absolute_url()).content.decode()
    data = json_ld(body)
    assert data["name"] == 'Projet </script><script>alert("x")</script>'
    assert data["member"][0]["name"] == "Org & <Cie>"
    assert "amount" not in data["funding"]


def test_organisation_json_ld_gives_its_register_identifiers_and_consortia(client, reference_data):
    organisation = OrganisationFactory(
        name="La Poste <siège>",
        siren="356000000",
        siret="35600000000048",
        city="Paris",
        region_id="11",
        aliases="Groupe La Poste",
    )
    published = make_laureate(name="Projet publié", lead=organisation)
    make_laureate(name="Projet caché", lead=organisation, is_published=False)
    data = json_ld(client.get(organisation.get_absolute_url()).content.decode())
    assert data["@context"] == "https://schema.org"
    assert (data["@type"], data["name"]) == ("Organization", "La Poste <siège>")
    assert data["identifier"] == [
        {"@type": "PropertyValue", "propertyID": "SIREN", "value": "356000000"},
        {"@type": "PropertyValue", "propertyID": "SIRET", "value": "35600000000048"},
    ]
    assert data["alternateName"] == ["Groupe La Poste"]
    assert data["address"] == {
        "@type": "PostalAddress",
        "addressCountry": "FR",
        "addressLocality": "Paris",
        "addressRegion": "Île-de-France",
    }
    assert data["memberOf"] == [
        {
            "@type": "Project",
            "name": "Projet publié",
            "url": f"http://testserver{published.get_absolute_url()}",
        }
    ]


def test_organisation_json_ld_leaves_out_what_is_not_known(client, reference_data):
    organisation = OrganisationFactory(city="")
    make_laureate(name="Projet", lead=organisation)
    data = json_ld(client.get(organisation.get_absolute_url()).content.decode())
    assert {"identifier", "address", "alternateName", "sameAs"}.isdisjoint(data)
    assert [project["name"] for project in data["memberOf"]] == ["Projet"]
