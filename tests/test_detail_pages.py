import re
from html import unescape

import pytest
from django.urls import reverse

from laureats.models import Laureate, Membership

from .factories import OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db


def text(response):
    return unescape(response.content.decode())


def test_laureate_page_shows_members_grouped_by_role_and_sources(client, real_data):
    laureate = Laureate.objects.get(slug="creer-innover-hybrider-metiers-batiment")
    body = text(client.get(laureate.get_absolute_url()))
    assert "Créer, innover pour hybrider dans les métiers du bâtiment" in body
    assert "Porteur" in body and "CCCA-BTP" in body
    assert "Partenaire" in body and "CFA du Bâtiment Provence-Alpes-Côte d'Azur" in body
    assert "branche, OPCO ou organisation professionnelle" in body
    assert "https://www.batiweb.com/" in body
    assert "Construction (BTP)" in body
    assert "réorienté vers l'AMI" in body


def test_laureate_page_says_what_is_unknown(client, real_data):
    body = text(client.get(reverse("laureats:laureate-detail", args=["nid-ai-e"])))
    # Scope, sectors and description, gathered as links to fill them in.
    assert re.search(r"Pas encore renseigné :</strong>\s*<a[^>]*champ=scope", body)
    assert "champ=description" in body
    assert "6\xa0928\xa0135 €" in body
    assert "4\xa0849\xa0695 €" in body
    assert "70,0 %" in body


def test_laureate_page_shows_the_data_note(client, real_data):
    body = text(client.get(reverse("laureats:laureate-detail", args=["e-deffinum"])))
    assert "montant demandé" in body


def test_unpublished_laureate_is_404(client, reference_data):
    laureate = make_laureate(is_published=False)
    assert client.get(laureate.get_absolute_url()).status_code == 404


def test_unknown_laureate_is_404(client, db):
    assert client.get(reverse("laureats:laureate-detail", args=["inconnu"])).status_code == 404


def test_organisation_page_lists_consortia_roles_and_co_partners(client, reference_data):
    organisation = OrganisationFactory(name="Réseau des CFA", siren="732829320")
    other = OrganisationFactory(name="Université partenaire")
    make_laureate(name="Premier", lead=organisation, members=[other])
    make_laureate(name="Second", members=[organisation])
    make_laureate(name="Caché", members=[organisation], is_published=False)
    body = text(client.get(organisation.get_absolute_url()))
    assert "Membre de 2 consortiums" in body
    assert "Premier" in body and "Second" in body and "Caché" not in body
    assert "Université partenaire" in body
    assert "annuaire-entreprises.data.gouv.fr/entreprise/732829320" in body


def test_organisation_only_in_unpublished_laureates_is_404(client, reference_data):
    organisation = OrganisationFactory()
    make_laureate(members=[organisation], is_published=False)
    assert client.get(organisation.get_absolute_url()).status_code == 404


def test_organisation_list_searches_and_filters_by_kind(client, reference_data):
    cfa = OrganisationFactory(name="CFA de Lyon", kind="cfa")
    lab = OrganisationFactory(name="Laboratoire de Lyon", kind="laboratoire")
    hidden = OrganisationFactory(name="Lyon caché", kind="cfa")
    make_laureate(members=[cfa, lab])
    make_laureate(members=[hidden], is_published=False)
    url = reverse("laureats:organisation-list")
    names = [o.name for o in client.get(url + "?q=lyon").context["page_obj"]]
    assert names == ["CFA de Lyon", "Laboratoire de Lyon"]
    names = [o.name for o in client.get(url + "?type=laboratoire").context["page_obj"]]
    assert names == ["Laboratoire de Lyon"]


def test_home_shows_coverage_figures_with_sources_and_sectors(client, real_data):
    body = text(client.get(reverse("laureats:home")))
    assert "4 lauréats référencés sur 62 annoncés" in body
    assert "travail-emploi.gouv.fr" in body
    assert "100 M€" in body
    assert "70 %" in body
    assert (
        '<a href="/laureats/?secteur=construction-btp">Construction (BTP) '
        '<span class="count">1 lauréat</span></a>'
    ) in body


def test_home_hides_unpublished_from_the_count(client, real_data):
    Laureate.objects.filter(slug="nid-ai-e").update(is_published=False)
    assert "3 lauréats référencés sur 62" in text(client.get(reverse("laureats:home")))


def test_lead_shown_on_list_cards(client, real_data):
    body = text(client.get(reverse("laureats:laureate-list")))
    assert "Gifod" in body
    assert Membership.objects.filter(role="porteur").count() == 4


def test_laureate_page_lists_the_lead_before_the_partners(client, real_data):
    laureate = Laureate.objects.get(slug="creer-innover-hybrider-metiers-batiment")
    body = text(client.get(laureate.get_absolute_url()))
    body = body[body.index('id="members-title"') :]
    assert body.index("CCCA-BTP</a>") < body.index("CFA du Bâtiment Provence")
    assert body.index("<h3>Porteur</h3>") < body.index("<h3>Partenaire</h3>")
