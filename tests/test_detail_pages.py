import re
from html import unescape

import pytest
from django.urls import reverse

from laureats.models import Laureate, Organisation

from .factories import OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db


def text(response):
    return unescape(response.content.decode())


def test_laureate_page_shows_members_grouped_by_role_and_sources(client, sample_catalogue):
    laureate = sample_catalogue.laureates["chantier"]
    body = text(client.get(laureate.get_absolute_url()))
    assert "Chantier numérique fictif" in body
    assert "Porteur" in body and "Réseau fictif des métiers du bâtiment" in body
    assert "Partenaire" in body and "CFA fictif des Deux Rives" in body
    assert "branche, OPCO ou organisation professionnelle" in body
    assert "https://presse.example.org/" in body
    assert "Construction (BTP)" in body
    assert "réorienté vers l'AMI" in body


def test_laureate_page_says_what_is_unknown(client, reference_data):
    laureate = make_laureate(
        name="Projet peu documenté", scope="", total_cost=6_928_135, state_aid=4_849_695
    )
    body = text(client.get(laureate.get_absolute_url()))
    # Lead, partners, sectors, scope, description..., gathered as links to fill them in.
    assert re.search(r"Pas encore renseigné :</strong>\s*<a[^>]*champ=lead", body)
    assert "champ=scope" in body
    assert "champ=description" in body
    assert "6\xa0928\xa0135 €" in body
    assert "4\xa0849\xa0695 €" in body
    assert "70,0 %" in body


def test_laureate_page_shows_the_data_note(client, sample_catalogue):
    body = text(client.get(sample_catalogue.laureates["demande"].get_absolute_url()))
    assert "Note fictive : aucune source ne dit le montant accordé." in body
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


def test_home_shows_coverage_figures_with_sources_and_sectors(client, sample_catalogue):
    body = text(client.get(reverse("laureats:home")))
    assert re.search(r"<strong>5 / 62</strong>\s*lauréats saisis", body)
    assert "travail-emploi.gouv.fr" in body  # the official list, linked from the coverage line
    assert "chiffres.example.org" in body  # each figure's own source
    assert "40 M€" in body
    assert "70 %" in body
    assert (
        '<a href="/laureats/?secteur=construction-btp">Construction (BTP) '
        '<span class="count">1 lauréat</span></a>'
    ) in body


def test_home_hides_unpublished_from_the_count(client, sample_catalogue):
    Laureate.objects.filter(slug="soins-connectes-fictifs").update(is_published=False)
    assert re.search(r"<strong>4 / 62</strong>", text(client.get(reverse("laureats:home"))))


def test_lead_shown_on_list_cards(client, sample_catalogue):
    body = text(client.get(reverse("laureats:laureate-list")))
    leads = Organisation.objects.filter(
        memberships__role="porteur", memberships__laureate__is_published=True
    )
    assert leads.count() == 5
    for lead in leads:
        assert lead.name in body
    assert "Organisation fictive non publiée" not in body


def test_laureate_page_lists_the_lead_before_the_partners(client, sample_catalogue):
    laureate = sample_catalogue.laureates["chantier"]
    body = text(client.get(laureate.get_absolute_url()))
    body = body[body.index('id="members-title"') :]
    assert body.index("Réseau fictif des métiers du bâtiment</a>") < body.index(
        "CFA fictif des Deux Rives"
    )
    assert body.index("<h3>Porteur</h3>") < body.index("<h3>Partenaires</h3>")  # two of them
