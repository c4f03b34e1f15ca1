"""Issue 23 item 8: an English page names sectors, regions and the official figures in English
where the fixtures give their plain translation, and marks lang="fr" whatever it leaves in French
(laureates' names and texts, members, notes, a name with no translation)."""

import importlib
import re

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from laureats.models import ProgrammeFigure, Region, Sector

from .factories import OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def laureate(reference_data):
    health = Sector.objects.get(slug="sante-social")
    lead = OrganisationFactory(
        name="Institut de formation en santé", slug="institut-sante", region_id="53", city="Rennes"
    )
    return make_laureate(
        name="Soins connectés",
        slug="soins-connectes",
        summary="Des soignants formés en réalité virtuelle.",
        description="Un projet de formation.",
        sectors=[health],
        regions=["53", "76"],
        lead=lead,
    )


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def in_english(url):
    with translation.override("en"):
        return reverse(url) if ":" in url else url


def test_an_english_fiche_names_sector_and_regions_in_english(client, laureate):
    html = page(client, f"/en/laureats/{laureate.slug}/")
    assert ">Health and social care<" in html
    assert ">Brittany<" in html and ">Occitania<" in html
    assert "Santé et social" not in html
    # Entered in French, and said to be.
    assert '<h1><span lang="fr">Soins connectés</span>' in html
    assert '<p class="lead" lang="fr">Des soignants' in html
    assert '<div lang="fr"><p>Un projet de formation.</p></div>' in html
    assert '<span lang="fr">Institut de formation en santé</span>' in html


def test_the_french_fiche_is_unchanged(client, laureate):
    html = page(client, f"/laureats/{laureate.slug}/")
    assert ">Santé et social<" in html and ">Bretagne<" in html
    assert "Health and social care" not in html
    assert '<span lang="fr">' not in html and '<div lang="fr">' not in html
    assert 'class="lead" lang="fr"' not in html


def test_a_name_without_translation_stays_french_marked_lang_fr(client, laureate):
    Sector.objects.filter(slug="sante-social").update(name_en="")
    html = page(client, f"/en/laureats/{laureate.slug}/")
    assert '<span lang="fr">Santé et social</span>' in html


def test_english_home_names_sectors_and_official_figures_in_english(client, laureate):
    ProgrammeFigure.objects.create(
        key="laureates",
        label="Lauréats retenus",
        label_en="Laureates selected",
        value=62,
        unit="consortiums",
        note="Selon le communiqué du ministère.",
    )
    ProgrammeFigure.objects.create(key="budget", label="Enveloppe du programme", value=1, unit="€")
    html = page(client, "/en/")
    assert "Health and social care" in html
    assert ">Laureates selected<" in html
    assert '<span class="figure-label"><span lang="fr">Enveloppe du programme</span></span>' in html
    assert re.search(r'class="figure-note" lang="fr">\s*Selon le communiqué', html)


def test_english_statistics_chart_and_map_in_english(client, laureate):
    ProgrammeFigure.objects.create(
        key="sector-sante-social",
        label="Lauréats de la filière « Santé et social »",
        label_en="Laureates of the “Health and social care” sector",
        value=8,
        sector=Sector.objects.get(slug="sante-social"),
    )
    html = page(client, "/en/statistiques/")
    assert "Health and social care" in html
    assert "Brittany" in html and "Occitania" in html
    assert "Santé et social" not in html
    assert ">Bretagne<" not in html


def test_english_list_offers_facets_in_english_in_english_order(client, laureate):
    response = client.get("/en/laureats/", {"secteur": "sante-social"})
    html = response.content.decode()
    assert "Health and social care" in html and "Santé et social" not in html
    regions = [label for _code, label in response.context["filter"].form.fields["region"].choices]
    # By their English names, accents set aside: Brittany among the B, Île-de-France the I.
    assert regions[:4] == [
        "Auvergne-Rhône-Alpes",
        "Bourgogne-Franche-Comté",
        "Brittany",
        "Centre-Val de Loire",
    ]
    assert regions.index("Hauts-de-France") + 1 == regions.index("Île-de-France")
    assert '<span lang="fr">Soins connectés</span>' in html


def test_english_organisation_pages_name_the_region_in_english(client, laureate):
    html = page(client, "/en/organisations/institut-sante/")
    assert ">Brittany<" in html
    assert '<h1><span lang="fr">Institut de formation en santé</span></h1>' in html
    listing = page(client, "/en/organisations/")
    assert "Rennes</span>, Brittany" in listing


def test_the_api_reads_french_labels_whatever_the_clients_language(client, laureate):
    response = client.get(
        "/api/laureats/", {"secteur": "Santé et social"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    assert [item["slug"] for item in response.json()["results"]] == [laureate.slug]


def test_the_migration_gives_loaded_databases_the_shipped_english_names(reference_data):
    Region.objects.update(name_en="")
    Sector.objects.update(name_en="")
    # A sector an administrator renamed since: its translation may no longer fit.
    Sector.objects.filter(slug="transports").update(name="Transports et logistique")
    migration = importlib.import_module("laureats.migrations.0020_english_names")
    migration.copy_english_names(apps, None)
    assert Region.objects.get(pk="53").name_en == "Brittany"
    assert Sector.objects.get(slug="sante-social").name_en == "Health and social care"
    assert Sector.objects.get(slug="transports").name_en == ""
