"""What a visitor and an administrator do, in a real browser, from the first click."""

import csv

import pytest
from django.urls import reverse

from laureats.models import Laureate, Proposal, Sector

from ..factories import make_laureate
from .conftest import PASSWORD, session_cookie


@pytest.fixture
def varied_data(portal_data):
    """Three laureates that sector and region filters tell apart, besides the sample ones."""
    building = Sector.objects.get(slug="construction-btp")
    health = Sector.objects.get(slug="sante-social")
    make_laureate(name="Chantier numérique breton", sectors=[building], regions=["53"])
    make_laureate(name="Soins connectés bretons", sectors=[health], regions=["53"])
    make_laureate(name="Chantier numérique occitan", sectors=[building], regions=["76"])


def result_names(page):
    return page.locator(".results .card-title").all_inner_texts()


def test_filter_the_list_by_sector_and_region(page, varied_data):
    page.goto("/")
    page.get_by_role("navigation", name="Navigation principale").get_by_role(
        "link", name="Lauréats"
    ).click()
    filters = page.locator("form.filters")
    filters.get_by_role("group", name="Filière").get_by_label("Construction (BTP)").check()
    # The long region list is folded until opened.
    filters.locator("summary", has_text="Région").click()
    filters.get_by_role("group", name="Région").get_by_label("Bretagne").check()
    filters.get_by_role("button", name="Appliquer les filtres").click()
    page.wait_for_url("**/laureats/?*")
    assert "secteur=construction-btp" in page.url and "region=53" in page.url
    assert result_names(page) == ["Chantier numérique breton"]
    assert page.locator(".result-count").inner_text().startswith("1 lauréat trouvé")
    # Removing one filter through its chip widens the results again.
    with page.expect_navigation():
        page.locator(".chips").get_by_role("link", name="Région : Bretagne").click()
    assert sorted(result_names(page)) == [
        "Chantier numérique breton",
        "Chantier numérique fictif",
        "Chantier numérique occitan",
    ]


def test_search_from_the_home_page(page, varied_data):
    page.goto("/")
    page.get_by_label("Rechercher un lauréat ou une organisation").fill("soins")
    page.get_by_role("button", name="Rechercher", exact=True).click()
    page.wait_for_url("**/laureats/?q=soins")
    # The sample catalogue has one too; no other laureate matches.
    assert sorted(result_names(page)) == ["Soins connectés bretons", "Soins connectés fictifs"]


def test_paginate_the_list(page, portal_data):
    for number in range(25):
        make_laureate(name=f"Projet paginé {number:02d}")
    page.goto("/laureats/?tri=nom")
    assert len(result_names(page)) == 20
    pagination = page.get_by_role("navigation", name="Pagination")
    pagination.get_by_role("link", name="Page suivante").click()
    page.wait_for_url("**page=2*")
    assert "tri=nom" in page.url
    assert len(result_names(page)) == Laureate.objects.published().count() - 20
    assert pagination.locator("[aria-current=page]").inner_text() == "2"


def test_open_a_laureate_then_one_of_its_organisations(page, portal_data):
    page.goto("/laureats/")
    page.get_by_role("link", name="Chantier numérique fictif", exact=True).click()
    page.wait_for_url("**/laureats/chantier-numerique-fictif/")
    assert page.locator("h1").inner_text() == "Chantier numérique fictif"
    page.get_by_role("link", name="Réseau fictif des métiers du bâtiment", exact=True).click()
    page.wait_for_url("**/organisations/reseau-fictif-batiment/")
    assert page.locator("h1").inner_text() == "Réseau fictif des métiers du bâtiment"
    # Its consortium heads the list of its consortia (the partners' table and graph name it too).
    consortium = page.locator("h3").get_by_role(
        "link", name="Chantier numérique fictif", exact=True
    )
    assert consortium.is_visible()


def test_download_the_filtered_list_as_csv(page, varied_data):
    page.goto("/laureats/?secteur=construction-btp")
    downloads = page.get_by_role("region", name="Télécharger ces résultats")
    with page.expect_download() as download_info:
        downloads.get_by_role("link", name="CSV (lauréats)").click()
    download = download_info.value
    assert download.suggested_filename.endswith(".csv")
    with open(download.path(), encoding="utf-8-sig", newline="") as file:
        rows = list(csv.reader(file))
    names = sorted(row[rows[0].index("nom")] for row in rows[1:])
    assert names == [
        "Chantier numérique breton",
        "Chantier numérique fictif",
        "Chantier numérique occitan",
    ]


def test_propose_a_correction(page, portal_data):
    page.goto("/laureats/soins-connectes-fictifs/")
    page.get_by_role("link", name="Proposer une correction").click()
    page.wait_for_url("**/contribuer/?laureat=soins-connectes-fictifs")
    assert page.get_by_label("Lauréat concerné").input_value() == "soins-connectes-fictifs"
    page.get_by_label("Champ à corriger").select_option("website")
    page.get_by_label("Nouvelle valeur ou informations").fill("https://soins.example.org/")
    page.get_by_label("Source (adresse web)").fill("https://example.org/communique")
    page.get_by_label("Votre adresse e-mail").fill("contributrice@example.org")
    page.get_by_role("button", name="Envoyer la proposition").click()
    page.wait_for_url("**/contribuer/merci/")
    proposal = Proposal.objects.get()
    assert proposal.laureate.slug == "soins-connectes-fictifs"
    assert proposal.value == "https://soins.example.org/"
    assert proposal.status == Proposal.Status.PENDING


def test_log_into_the_admin_and_edit_a_laureate(page, portal_data, staff_user):
    page.goto(reverse("admin:index"))
    page.get_by_label("Nom d’utilisateur").fill("admin")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"**{reverse('admin:index')}")
    laureate = Laureate.objects.get(slug="soins-connectes-fictifs")
    page.goto(reverse("admin:laureats_laureate_change", args=[laureate.pk]))
    page.locator("#id_summary").fill("Résumé corrigé dans le navigateur.")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(f"**{reverse('admin:laureats_laureate_changelist')}")
    assert page.locator(".messagelist .success").is_visible()
    laureate.refresh_from_db()
    assert laureate.summary == "Résumé corrigé dans le navigateur."
    # The public page shows the change at once.
    page.goto(laureate.get_absolute_url())
    assert page.get_by_text("Résumé corrigé dans le navigateur.").is_visible()


def test_admin_login_is_locked_after_five_failures(page, staff_user):
    page.goto(reverse("admin:login"))
    for _ in range(5):
        page.get_by_label("Nom d’utilisateur").fill("admin")
        page.get_by_label("Mot de passe").fill("mauvais mot de passe")
        with page.expect_navigation():
            page.get_by_role("button", name="Connexion").click()
    assert page.locator("h1").inner_text() == "Connexion temporairement bloquée"


def test_change_the_language(page, portal_data):
    page.goto("/laureats/?secteur=construction-btp")
    assert page.locator("html").get_attribute("lang") == "fr"
    page.get_by_role("navigation", name="Langue").get_by_role("link", name="English").click()
    page.wait_for_url("**/en/laureats/?secteur=construction-btp")
    assert page.locator("html").get_attribute("lang") == "en"
    assert (
        page.locator("link[rel=canonical]")
        .get_attribute("href")
        .endswith("/en/laureats/?secteur=construction-btp")
    )
    page.get_by_role("link", name="Français").click()
    page.wait_for_url("**/laureats/?secteur=construction-btp")
    assert "/en/" not in page.url


def test_json_ld_is_not_blocked_by_the_content_security_policy(page, portal_data):
    # The `page` fixture fails the test on any CSP report: a data block must not cause one.
    page.goto("/laureats/chantier-numerique-fictif/")
    data = page.locator('script[type="application/ld+json"]').inner_text()
    assert '"@type": "Project"' in data


def test_admin_pages_work_under_the_content_security_policy(
    page, live_server, portal_data, staff_user
):
    # The `page` fixture fails the test if any of these pages is refused a script or a style.
    page.context.add_cookies(session_cookie(live_server.url, staff_user))
    laureate = Laureate.objects.get(slug="soins-connectes-fictifs")
    # As for a record loaded from fixtures/ and never edited: an empty history (the one with
    # entries is the test below).
    laureate.history.all().delete()
    for url in [
        reverse("admin:index"),
        reverse("admin:laureats_laureate_changelist"),
        reverse("admin:laureats_laureate_add"),
        reverse("admin:laureats_laureate_change", args=[laureate.pk]),
        reverse("admin:laureats_laureate_history", args=[laureate.pk]),
        reverse("admin:laureats_organisation_changelist"),
    ]:
        assert page.goto(url).status == 200, url
    # The admin's own scripts ran: inlines.js adds the "add another" links of the inlines.
    page.goto(reverse("admin:laureats_laureate_change", args=[laureate.pk]))
    assert page.locator(".add-row a").first.is_visible()


def test_a_history_with_entries_works_under_the_content_security_policy(
    browser, live_server, portal_data, staff_user
):
    # Factory-made records have a history (fixtures loaded raw have none): what the admin shows
    # once anyone has edited a laureate. simple_history's own template wrote an inline style;
    # templates/simple_history/object_history_list.html is that template without it.
    laureate = Laureate.objects.get(slug="soins-connectes-fictifs")
    assert laureate.history.exists()
    context = browser.new_context(base_url=live_server.url)
    context.add_cookies(session_cookie(live_server.url, staff_user))
    tab = context.new_page()
    refused = []
    tab.on(
        "console",
        lambda message: "Content Security Policy" in message.text and refused.append(message.text),
    )
    try:
        url = reverse("admin:laureats_laureate_history", args=[laureate.pk])
        assert tab.goto(url).status == 200
    finally:
        context.close()
    assert not refused, refused


def test_api_pages_work_under_the_content_security_policy(page, portal_data):
    # The `page` fixture fails the test if the browser refuses a script or a style here.
    page.goto("/api/docs/")
    page.get_by_role("button", name="Ouvrir la console interactive").click()
    page.locator(".swagger-ui .opblock").first.wait_for()
    assert page.locator(".swagger-ui .opblock").count() >= 5
    response = page.goto("/api/laureats/", wait_until="load")
    assert response.status == 200
