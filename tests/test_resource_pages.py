"""The shared productions' public pages: the filtered list, a page per resource, the section
of each laureate's page, the home page's count, the sitemap (issue 26)."""

import json
import re

import pytest
from django.urls import reverse

from laureats.models import Resource, Sector

from .factories import LaureateFactory, ResourceFactory, ResourceSourceFactory, make_laureate

pytestmark = pytest.mark.django_db

LIST = "/ressources/"


@pytest.fixture
def catalogue(reference_data):
    """Three resources of two laureates: one filed under its laureate's sector by default."""
    health = Sector.objects.get(slug="sante-social")
    building = Sector.objects.get(slug="construction-btp")
    care = make_laureate(name="Soins fictifs", slug="soins-fictifs", sectors=[health])
    site = make_laureate(name="Chantier fictif", slug="chantier-fictif", sectors=[building])
    return {
        "vr": ResourceFactory(
            title="Simulation du bloc opératoire",
            slug="bloc",
            kind=Resource.Kind.IMMERSIVE,
            laureates=[care],
            audience=["salaries", "formateurs"],
            licence=Resource.Licence.CC_BY_SA,
            access=Resource.Access.PUBLIC,
            status=Resource.Status.AVAILABLE,
            description="Geste de sécurité au cœur du bloc.",
        ),
        "guide": ResourceFactory(
            title="Guide de l'échafaudage",
            slug="echafaudage",
            kind=Resource.Kind.GUIDE,
            laureates=[site],
            audience=["apprentis"],
            licence=Resource.Licence.ETALAB,
            status=Resource.Status.PLANNED,
            certifications="RNCP34567",
        ),
        "shared": ResourceFactory(
            title="Module commun",
            slug="commun",
            laureates=[care, site],
            sectors=[building],
            access=Resource.Access.ON_REQUEST,
        ),
        "hidden": ResourceFactory(title="Brouillon caché", slug="cache", is_published=False),
        "care": care,
        "site": site,
    }


def titles(response):
    return [resource.title for resource in response.context["page_obj"]]


def test_the_empty_catalogue_says_so_and_how_to_propose(client, reference_data):
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Aucune production partagée n'est encore saisie" in response.text
    assert 'href="/contribuer/"' in response.text
    # No laureate has a resource: its facet is left out rather than shown empty.
    assert 'name="laureat"' not in response.text


def test_list_shows_published_resources_in_title_order(client, catalogue):
    response = client.get(LIST)
    assert titles(response) == [
        "Guide de l'échafaudage",
        "Module commun",
        "Simulation du bloc opératoire",
    ]
    assert "3 productions trouvées" in response.text


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("type=simulation-immersive", {"Simulation du bloc opératoire"}),
        ("public=apprentis", {"Guide de l'échafaudage"}),
        (
            "public=apprentis&public=formateurs",
            {"Guide de l'échafaudage", "Simulation du bloc opératoire"},
        ),
        ("licence=licence-ouverte-2.0", {"Guide de l'échafaudage"}),
        ("acces=sur-demande", {"Module commun"}),
        ("etat=prevue", {"Guide de l'échafaudage"}),
        ("laureat=soins-fictifs", {"Simulation du bloc opératoire", "Module commun"}),
        # Its own sector for the shared module; the laureate's for the simulation.
        ("secteur=sante-social", {"Simulation du bloc opératoire"}),
        ("secteur=construction-btp", {"Guide de l'échafaudage", "Module commun"}),
        ("secteur=construction-btp&laureat=soins-fictifs", {"Module commun"}),
    ],
)
def test_list_filters_by_each_facet(client, catalogue, query, expected):
    assert set(titles(client.get(f"{LIST}?{query}"))) == expected


@pytest.mark.parametrize("query", ["", "secteur=construction-btp", "type=guide&public=apprentis"])
def test_each_option_counts_what_ticking_it_lists(client, catalogue, settings, query):
    """An option counts under the other facets' filters: what the list gives with that option
    alone ticked in its facet."""
    settings.PAGE_CACHE_ENABLED = False  # the same list is asked for again
    response = client.get(f"{LIST}?{query}")
    for facet in response.context["facets"]:
        others = "&".join(
            part for part in query.split("&") if part and not part.startswith(f"{facet['name']}=")
        )
        for option in facet["options"]:
            ticked = f"{facet['name']}={option['value']}&{others}"
            listed = client.get(f"{LIST}?{ticked}").context["page_obj"].paginator.count
            assert option["count"] == listed, (query, ticked)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("securite", {"Simulation du bloc opératoire"}),
        ("SÉCURITÉ coeur", {"Simulation du bloc opératoire"}),
        ("échafaud", {"Guide de l'échafaudage"}),
        ("rncp34567", {"Guide de l'échafaudage"}),
        ("caché", set()),
    ],
)
def test_search_folds_accents_case_and_ligatures(client, catalogue, words, expected):
    assert set(titles(client.get(LIST, {"q": words}))) == expected


def test_a_match_for_nothing_is_not_called_an_empty_catalogue(client, catalogue):
    response = client.get(LIST, {"q": "introuvable"})
    assert "ne correspond à ces critères" in response.text
    assert "n'est encore saisie" not in response.text


@pytest.mark.parametrize(
    "query", ["type=fusee", "secteur=%00", "page=abc", "page=99", "q=" + "x" * 300]
)
def test_bad_input_is_a_notice_not_an_error(client, catalogue, query):
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 200
    assert response.context["notices"]


def test_pagination_keeps_the_filters(client, reference_data):
    laureate = LaureateFactory()
    for number in range(25):
        ResourceFactory(laureates=[laureate], title=f"Module {number:02}", kind="guide")
    response = client.get(LIST, {"type": "guide"})
    assert 'href="?type=guide&amp;page=2"' in response.text
    assert len(client.get(LIST, {"type": "guide", "page": 2}).context["page_obj"]) == 5


def test_detail_page_shows_what_is_known_and_says_what_is_not(client, catalogue):
    ResourceSourceFactory(resource=catalogue["guide"], title="Annonce du guide")
    response = client.get(reverse("laureats:resource-detail", args=["echafaudage"]))
    assert response.status_code == 200
    text = response.text
    assert "<h1>Guide de l&#x27;échafaudage</h1>" in text
    assert "Licence Ouverte 2.0" in text and "RNCP34567" in text and "apprentis" in text
    assert "Annonce du guide" in text
    assert 'href="/laureats/chantier-fictif/"' in text
    # Access, language, date and address are not entered.
    assert text.count("non renseigné") >= 4
    # The sectors are its laureate's, and the page says so.
    assert "Construction" in text and "Filières de ses lauréats" in text


def test_detail_page_sums_up_what_is_not_entered_and_where_to_propose_it(client, catalogue):
    # The guide has a type, a licence and a state; no description, access, address or source.
    text = client.get(reverse("laureats:resource-detail", args=["echafaudage"])).text
    assert "Pas encore renseigné :</strong>\n          description, accès, adresse, source." in text
    # Its laureate's correction form, on « autre chose », the comment naming the production,
    # for a moderator to report by hand.
    link = "/contribuer/?laureat=chantier-fictif&champ=other&ressource=echafaudage"
    assert text.count(f'href="{link.replace("&", "&amp;")}"') == 2
    response = client.get(link)
    form = response.context["form"]
    assert form.initial["laureate"] == catalogue["site"]
    assert form.initial["field"] == "other"
    assert form.initial["comment"] == (
        "À propos de la production partagée « Guide de l'échafaudage » (/ressources/echafaudage/) : "
    )
    assert response.context["notices"] == []


def test_a_complete_resource_has_no_missing_line(client, catalogue):
    ResourceSourceFactory(resource=catalogue["vr"])
    Resource.objects.filter(slug="bloc").update(url="https://example.org/bloc")
    text = client.get(reverse("laureats:resource-detail", args=["bloc"])).text
    assert "Pas encore renseigné" not in text
    assert 'href="/contribuer/?laureat=soins-fictifs&amp;champ=other&amp;ressource=bloc"' in text


def test_a_resource_without_a_published_laureate_leads_to_the_form(client, catalogue):
    ResourceFactory(title="Orpheline", slug="orpheline", kind="", laureates=[])
    text = client.get(reverse("laureats:resource-detail", args=["orpheline"])).text
    assert "type, description, licence, accès, adresse, état, source." in text
    assert '<a href="/contribuer/?ressource=orpheline">Proposer une correction</a>' in text


@pytest.mark.parametrize("slug", ["cache", "absente", "a\x00b"])
def test_a_correction_asked_for_an_unknown_production_says_so(client, catalogue, slug):
    response = client.get("/contribuer/", {"ressource": slug})
    assert response.status_code == 200
    assert "comment" not in response.context["form"].initial
    assert response.context["notices"] == [
        f"Aucune production partagée publiée ne porte l'identifiant « {slug} »."
    ]


def test_an_unpublished_resource_has_no_page(client, catalogue):
    assert client.get(reverse("laureats:resource-detail", args=["cache"])).status_code == 404
    assert client.get(reverse("laureats:resource-detail", args=["absente"])).status_code == 404


def test_laureate_page_lists_its_productions(client, catalogue):
    response = client.get(catalogue["care"].get_absolute_url())
    assert response.status_code == 200
    text = response.text
    assert "Productions partagées" in text
    assert 'href="/ressources/bloc/"' in text and 'href="/ressources/commun/"' in text
    assert "Brouillon caché" not in text
    assert 'href="/ressources/?laureat=soins-fictifs"' in text


def test_laureate_page_without_production_says_none_is_entered(client, reference_data):
    laureate = make_laureate(slug="sans-production")
    text = client.get(laureate.get_absolute_url()).text
    assert "Aucune production partagée de ce consortium n'est encore saisie." in text
    assert 'href="/contribuer/?laureat=sans-production"' in text


def test_home_says_the_catalogue_is_not_entered_yet(client, reference_data):
    text = client.get("/").text
    assert "Productions partagées : non saisi." in text
    assert "le catalogue est vide" in text


def test_home_counts_the_productions_entered(client, catalogue):
    text = client.get("/").text
    assert "3 productions partagées saisies" in text


def test_nav_and_sitemap_lead_to_the_catalogue(client, catalogue):
    text = client.get(LIST).text
    assert '<a href="/ressources/" aria-current="page">Productions</a>' in text
    sitemap = client.get("/sitemap.xml").text
    assert "http://testserver/ressources/" in sitemap
    assert "http://testserver/ressources/bloc/" in sitemap
    assert "/ressources/cache/" not in sitemap


def test_english_pages_name_the_choices_in_english(client, catalogue):
    text = client.get("/en/ressources/bloc/").text
    assert "immersive simulation (VR/AR)" in text and "employees" in text


def resource_json_ld(client, slug):
    body = client.get(reverse("laureats:resource-detail", args=[slug])).content.decode()
    (block,) = re.findall(r'<script type="application/ld\+json">(.*?)</script>', body, re.S)
    return json.loads(block)


def test_a_resource_page_describes_it_as_a_learning_resource(client, catalogue):
    data = resource_json_ld(client, "bloc")
    assert (data["@type"], data["name"]) == ("LearningResource", "Simulation du bloc opératoire")
    assert data["url"] == "http://testserver/ressources/bloc/"
    assert data["description"] == "Geste de sécurité au cœur du bloc."
    assert data["license"] == "https://creativecommons.org/licenses/by-sa/4.0/"
    assert [role["educationalRole"] for role in data["audience"]] == ["salariés", "formateurs"]
    assert data["creator"] == [
        {
            "@type": "Project",
            "name": "Soins fictifs",
            "url": "http://testserver/laureats/soins-fictifs/",
        }
    ]
    # Not entered: no language, no address, no date, rather than a guess.
    assert {"inLanguage", "sameAs", "datePublished"}.isdisjoint(data)


def test_an_unknown_licence_is_not_called_one(client, catalogue):
    Resource.objects.filter(slug="commun").update(licence=Resource.Licence.UNKNOWN)
    data = resource_json_ld(client, "commun")
    assert "license" not in data
    assert {creator["name"] for creator in data["creator"]} == {"Soins fictifs", "Chantier fictif"}
