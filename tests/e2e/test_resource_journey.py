"""A shared production from the admin to every place the public meets it, in a real browser
(issue 26): added in the admin form, then found on /ressources/ by facet and by search on a
phone and a desktop, on its laureate's page, in the exports, the API, its feed and the change
log."""

import json

import pytest
from django.urls import reverse

from laureats.models import Resource

from .conftest import WIDTHS, screenshot, session_cookie

TITLE = "Jeu sérieux du chantier propre"


@pytest.fixture
def admin_page(browser, live_server, staff_user):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}, locale="fr-FR"
    )
    context.add_cookies(session_cookie(live_server.url, staff_user))
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def add_resource_in_the_admin(page, laureate):
    page.goto(reverse("admin:laureats_resource_add"))
    page.get_by_label("Titre").first.fill(TITLE)
    page.get_by_label("Type").select_option("jeu-serieux")
    page.get_by_label("Description courte").fill("Trier les déchets d'un chantier en jouant.")
    # The laureates' field is an autocomplete (select2): typed, then picked.
    page.locator(".field-laureates .select2-selection").click()
    page.locator(".select2-search__field").fill("Chantier")
    page.locator(".select2-results__option", has_text=laureate.name).click()
    page.get_by_label("Licence").select_option("cc-by")
    page.locator("#id_status").select_option("disponible")
    page.locator("#id_sources-0-url").fill("https://example.org/annonce-du-jeu")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_url(f"**{reverse('admin:laureats_resource_changelist')}")
    assert "a été ajouté" in page.locator(".messagelist").inner_text()


def open_filters(page):
    if not page.locator("#filters-panel").evaluate("e => e.open"):
        page.locator("#filters-title").click()


def test_a_resource_added_in_the_admin_reaches_every_public_place(admin_page, page, portal_data):
    laureate = portal_data.laureates["chantier"]
    add_resource_in_the_admin(admin_page, laureate)
    resource = Resource.objects.get(title=TITLE)
    assert [item.pk for item in resource.laureates.all()] == [laureate.pk]

    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(reverse("laureats:resource-list"))
        open_filters(page)
        page.get_by_label("jeu sérieux (1)").check()
        with page.expect_navigation():
            page.get_by_role("button", name="Appliquer les filtres").click()
        assert "1 production trouvée" in page.get_by_role("status").inner_text()
        screenshot(page, "parcours-production-facette")
        page.goto(reverse("laureats:resource-list"))
        open_filters(page)
        page.get_by_label("Rechercher").fill("chantier propre")
        with page.expect_navigation():
            page.get_by_role("button", name="Appliquer les filtres").click()
        assert "1 production trouvée" in page.get_by_role("status").inner_text()
        with page.expect_navigation():
            page.get_by_role("link", name=TITLE).click()
        assert page.locator("h1").inner_text() == TITLE
        screenshot(page, "parcours-production-fiche")

    page.goto(laureate.get_absolute_url())
    assert page.get_by_role("link", name=TITLE).is_visible()

    search = "?q=chantier+propre"
    csv = page.request.get(reverse("laureats:resource-export", args=["csv"]) + search)
    assert csv.ok and TITLE in csv.body().decode("utf-8-sig")
    exported = page.request.get(reverse("laureats:resource-export", args=["json"]) + search)
    assert TITLE in json.dumps(exported.json(), ensure_ascii=False)
    xlsx = page.request.get(reverse("laureats:resource-export", args=["xlsx"]) + search)
    assert xlsx.ok and xlsx.body()[:2] == b"PK"
    api = page.request.get("/api/ressources/" + search).json()
    assert [item["titre"] for item in api["results"]] == [TITLE]
    feed = page.request.get(reverse("laureats:resource-feed")).body().decode()
    assert TITLE in feed
    page.goto(reverse("laureats:journal") + "?type=ressources")
    assert TITLE in page.locator("main").inner_text()
