"""The shared productions in the change log and the feeds (issue 26): a resource added to the
catalogue, changed (before → after) and removed shows on /journal/ and in /ressources/flux.atom,
as laureates and organisations do."""

from datetime import timedelta
from html import unescape

import feedparser
import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse

from laureats.models import Resource, Sector

from .factories import ResourceFactory, make_laureate
from .test_journal import JOURNAL, entries

pytestmark = pytest.mark.django_db

FEED = "/ressources/flux.atom"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def age(days=1):
    """Move the resources' history back: the next write makes an entry of its own
    (journal/timeline.py, GROUP_WINDOW). Their laureates and sectors are kept per history row."""
    Resource.history.update(history_date=F("history_date") - timedelta(days=days))


def feed_entries(client=None):
    response = (client or Client()).get(FEED)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.fixture
def module(reference_data):
    health = Sector.objects.get(slug="sante-social")
    care = make_laureate(name="Soins fictifs", slug="soins-fictifs", sectors=[health])
    resource = ResourceFactory(
        title="Simulation du bloc opératoire",
        slug="bloc",
        laureates=[care],
        licence=Resource.Licence.CC_BY_SA,
        audience=["salaries"],
    )
    age()
    return resource


def journal_text(client, kind="ressources"):
    return entries(client.get(JOURNAL, {"type": kind} if kind else {}))


def test_a_resource_added_appears_in_the_journal_and_its_feed(client, module):
    assert "Simulation du bloc opératoire Production partagée : ajoutée au catalogue" in (
        journal_text(client)
    )
    assert "ajoutée au catalogue" in journal_text(client, kind="")
    feed = feed_entries(client)
    assert feed.feed.title == "Productions partagées Deffinum : ajouts et modifications"
    assert [entry.title for entry in feed.entries] == [
        "Simulation du bloc opératoire : ajoutée au catalogue"
    ]
    assert feed.entries[0].link.endswith("/ressources/bloc/")


def test_a_change_shows_its_values_before_and_after(client, module):
    module.licence = Resource.Licence.CC_BY
    module.audience = ["salaries", "formateurs"]
    module.save()
    module.sectors.set([Sector.objects.get(slug="construction-btp")])
    text = journal_text(client)
    assert "Licence : CC BY-SA → CC BY" in text
    assert "Publics : salariés → salariés, formateurs" in text
    assert "Filières : non renseigné → Construction (BTP)" in text
    latest = feed_entries(client).entries[0]
    assert latest.title.startswith("Simulation du bloc opératoire : ")
    summary = unescape(latest.summary)
    assert "CC BY-SA" in summary and "Construction (BTP)" in summary


def test_a_resource_unpublished_or_deleted_is_removed(client, module):
    other = ResourceFactory(title="Guide du chantier", slug="chantier")
    age()
    module.is_published = False
    module.save()
    other.delete()
    text = journal_text(client)
    assert "Simulation du bloc opératoire Production partagée : retirée du catalogue" in text
    assert "Guide du chantier Production partagée : retirée du catalogue" in text
    titles = [entry.title for entry in feed_entries(client).entries]
    assert "Guide du chantier : retirée du catalogue" in titles
    # A deleted resource's entries link to the catalogue, not to a page that is gone.
    gone = next(e for e in feed_entries(client).entries if e.title.startswith("Guide"))
    assert gone.link.endswith("/ressources/")


def test_what_is_written_while_unpublished_shows_nothing(client, reference_data):
    draft = ResourceFactory(title="Brouillon caché", slug="brouillon", is_published=False)
    age()
    draft.licence = Resource.Licence.CC_BY
    draft.save()
    assert "Brouillon caché" not in journal_text(client, kind="")
    assert feed_entries(client).entries == []
    age()
    draft.is_published = True
    draft.save()
    assert "Brouillon caché Production partagée : ajoutée au catalogue" in journal_text(client)


def test_a_laureate_deleted_does_not_break_its_resources_entries(client, module):
    # Its historical links stay, their laureate read as NULL (simple-history's joins are LEFT).
    gone = make_laureate(name="Consortium dissous", slug="dissous")
    module.laureates.add(gone)
    age()
    gone.delete()
    module.licence = Resource.Licence.CC_BY
    module.save()
    text = journal_text(client)
    assert "Licence : CC BY-SA → CC BY" in text
    assert "Consortium dissous" not in text
    assert "Licence" in unescape(feed_entries(client).entries[0].summary)


def test_only_published_laureates_are_named(client, module):
    hidden = make_laureate(name="Projet non publié", slug="non-publie", is_published=False)
    module.laureates.add(hidden)
    module.licence = Resource.Licence.CC_BY
    module.save()
    text = journal_text(client)
    assert "Licence : CC BY-SA → CC BY" in text
    assert "Projet non publié" not in text
    assert "Projet non publié" not in unescape(feed_entries(client).entries[0].summary)
    # Published, it is named as the catalogue names it.
    hidden.is_published = True
    hidden.save()
    assert "Lauréats : Soins fictifs → Projet non publié, Soins fictifs" in journal_text(client)


def test_resources_are_not_in_the_laureates_feed(client, module):
    response = client.get(reverse("laureats:journal-feed"))
    assert "Simulation du bloc" not in response.content.decode()


def test_the_catalogue_announces_its_feed(client, module):
    page = client.get("/ressources/").content.decode()
    assert (
        '<link rel="alternate" type="application/atom+xml" title="Ajouts et modifications des '
        'productions partagées" href="/ressources/flux.atom">'
    ) in page
    assert 'href="/ressources/flux.atom"' in client.get("/ressources/bloc/").content.decode()


def test_the_journal_filter_offers_resources(client, module):
    page = client.get(JOURNAL).content.decode()
    assert 'value="ressources"' in page


def add_changed_resources(count):
    resources = [ResourceFactory(title=f"Module {n}", slug=f"module-{n}") for n in range(count)]
    age()
    for resource in resources:
        resource.licence = Resource.Licence.CC_BY
        resource.save()
    return resources


# The newest rows of the resources' table, their history, laureates and sectors.
FEED_QUERIES = 4


@pytest.mark.parametrize("count", [3, 60])
def test_the_feed_costs_the_same_at_any_size(
    client, reference_data, django_assert_num_queries, count
):
    add_changed_resources(count)
    with django_assert_num_queries(FEED_QUERIES):
        feed = feed_entries(client)
    assert len(feed.entries) == min(count * 2, 50)


# /journal/ with resources: the laureates' page count (tests/test_journal.py), whatever their
# number; of resources alone, the newest rows, their history, laureates and sectors, and the
# filter form's list of laureates.
RESOURCE_JOURNAL_QUERIES = 5


@pytest.mark.parametrize("count", [3, 60])
def test_the_journal_costs_the_same_at_any_number_of_resources(
    client, reference_data, django_assert_num_queries, count
):
    from .test_journal import JOURNAL_QUERIES

    add_changed_resources(count)
    with django_assert_num_queries(JOURNAL_QUERIES):
        everything = entries(client.get(JOURNAL))
    assert "Licence : non renseigné → CC BY" in everything
    with django_assert_num_queries(RESOURCE_JOURNAL_QUERIES):
        text = entries(client.get(JOURNAL, {"type": "ressources"}))
    assert text.count("Licence : ") == min(count, 30)


def test_links_written_from_the_laureates_side_are_in_the_history(client, module):
    """`laureate.resources.add()`, `.remove()` and `.clear()` record the resource's change as
    if written from its side: django-simple-history's own handler raised a TypeError there
    (its issue 1048), and the write was lost."""
    care = module.laureates.get()
    building = make_laureate(name="Chantier fictif", slug="chantier-fictif")
    age()
    building.resources.add(module)
    assert "Lauréats : Soins fictifs → Chantier fictif, Soins fictifs" in journal_text(client)
    age()
    care.resources.remove(module)
    assert "Lauréats : Chantier fictif, Soins fictifs → Chantier fictif" in journal_text(client)
    age()
    building.resources.clear()
    assert "Lauréats : Chantier fictif → non renseigné" in journal_text(client)
    assert list(module.laureates.all()) == []
    # The resource's search text and sectors follow, as from its side (laureats/derived/).
    assert not Resource.objects.filter(pk=module.pk, search_text__contains="chantier").exists()


def test_sectors_written_from_the_sectors_side_are_in_the_laureates_history(client, module):
    care = module.laureates.get()
    rows = care.history.count()
    Sector.objects.get(slug="construction-btp").laureates.add(care)
    assert care.history.count() == rows + 1
    assert sorted(care.history.latest().sectors.values_list("sector__slug", flat=True)) == [
        "construction-btp",
        "sante-social",
    ]
