"""The change log's pages in a real browser: axe-core at phone and desktop widths, in French and
English, after an edit, with screenshots; the filter form works without JavaScript."""

from datetime import timedelta

import pytest
from django.db.models import F

from laureats.models import Laureate, Membership, Organisation, Source

from .conftest import accessibility_problems, assert_readable_at_every_width, screenshot

PAGES = {
    "journal": "/journal/",
    "journal-filtre": "/journal/?laureat=soins-connectes-fictifs&type=fiche",
    "journal-en": "/en/journal/",
    "historique": "/laureats/soins-connectes-fictifs/historique/",
    # The fiche, with its new link to its history.
    "fiche-historique": "/laureats/soins-connectes-fictifs/",
}


@pytest.fixture
def edited_catalogue(portal_data):
    """The sample catalogue a day old, then one laureate's name, cost and a member changed."""
    for model in [Laureate, Membership, Source, Organisation]:
        model.history.update(history_date=F("history_date") - timedelta(days=1))
    laureate = Laureate.objects.get(slug="soins-connectes-fictifs")
    laureate.name = "Soins connectés fictifs, nouveau nom"
    laureate.total_cost = 2_100_000
    laureate.save()
    laureate.memberships.filter(role=Membership.Role.PARTNER).first().delete()
    return portal_data


@pytest.mark.parametrize("name", PAGES)
def test_journal_page_has_no_serious_accessibility_violation(page, edited_catalogue, name):
    response = page.goto(PAGES[name])
    assert response.status == 200
    if name != "fiche-historique":
        assert page.locator(".journal-entry").count() >= 1
    assert_readable_at_every_width(page, name)


def test_the_journal_filters_by_laureate_and_kind_with_its_form(page, edited_catalogue):
    page.goto("/journal/")
    page.get_by_label("Lauréat").select_option("soins-connectes-fictifs")
    page.get_by_label("Type de changement").select_option("membres")
    with page.expect_navigation():
        page.get_by_role("button", name="Afficher").click()
    assert "laureat=soins-connectes-fictifs" in page.url and "type=membres" in page.url
    entries = page.locator(".journal-entry")
    assert entries.count() == 1
    assert "retiré" in entries.first.inner_text()
    # The fiche leads to its history.
    page.goto("/laureats/soins-connectes-fictifs/")
    with page.expect_navigation():
        page.get_by_role("link", name="Historique des modifications").click()
    assert page.url.endswith("/laureats/soins-connectes-fictifs/historique/")
    assert "2 100 000" in page.locator(".journal").inner_text().replace("\u202f", " ").replace(
        "\xa0", " "
    )


def test_older_changes_are_reached_by_their_link(page, portal_data):
    """Past a page of entries, "older changes" leads on, and back to the newest."""
    from tests.factories import LaureateFactory

    for n in range(35):
        LaureateFactory(name=f"Projet fictif paginé {n}")
    page.goto("/journal/")
    first = page.locator(".journal-entry").count()
    assert first == 30
    with page.expect_navigation():
        page.get_by_role("link", name="Changements plus anciens").click()
    assert "avant=" in page.url
    assert page.locator(".journal-entry").count() >= 5
    screenshot(page, "journal-plus-anciens")
    problems = accessibility_problems(page)
    assert not problems, problems
    with page.expect_navigation():
        page.get_by_role("link", name="Changements les plus récents").click()
    assert page.locator(".journal-entry").count() == 30
