"""The Atom feeds (laureats/journal/feeds.py), read with feedparser as a feed reader would."""

import re
from html import unescape
from urllib.parse import urlsplit

import feedparser
import pytest
from django.test import Client
from django.urls import reverse

from .test_journal import JOURNAL, admin_edit, make_edited

pytestmark = pytest.mark.django_db


@pytest.fixture
def edited(staff_client, reference_data):
    return make_edited(staff_client)


SEARCHES = [
    "",
    "?secteur=sante-social",
    "?secteur=sante-social&secteur=construction-btp",
    "?portee=interregionale&region=27",
    "?type_membre=cfa&tri=-aide",
    "?q=numerique",
    "?statut=reoriente-cma",
    "?secteur=inconnu",
    "?secteur=sante-social&page=2",
]


def parsed(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    assert feed.version == "atom10"
    return feed


def list_slugs(client, query):
    """The laureates of a /laureats/ search, every page, in the list's order."""
    slugs, page = [], 1
    while True:
        separator = "&" if query else "?"
        url = reverse("laureats:laureate-list") + (query or "") + f"{separator}page={page}"
        response = client.get(re.sub(r"[?&]page=\d+(?=&page)", "", url))
        slugs += [laureate.slug for laureate in response.context["page_obj"]]
        if not response.context["page_obj"].has_next():
            return slugs
        page += 1


def feed_slugs(feed):
    return [urlsplit(entry.link).path.strip("/").split("/")[-1] for entry in feed.entries]


@pytest.mark.parametrize("query", SEARCHES)
def test_a_search_feed_holds_exactly_the_laureates_of_the_same_search(sample_catalogue, query):
    client = Client()
    feed = parsed(client.get(reverse("laureats:laureate-feed") + query))
    expected = list_slugs(client, query.replace("&page=2", ""))
    assert feed_slugs(feed) == expected
    # The feed's page is the list of the same search.
    assert feed.feed.link.endswith(reverse("laureats:laureate-list") + query.replace("&page=2", ""))


def test_a_sector_feed_is_that_sector(sample_catalogue):
    feed = parsed(Client().get("/laureats/flux.atom?secteur=sante-social"))
    assert feed.feed.title == "Lauréats Deffinum : Santé et social"
    assert sorted(entry.title for entry in feed.entries) == [
        "Soins connectés fictifs"
    ]  # the other health-sector laureate is not published
    assert "Institut fictif de formation en santé" in feed.entries[0].summary


def test_the_feed_of_many_laureates_holds_the_newest_fifty(sample_catalogue):
    """As feeds do: past FEED_ENTRIES laureates, the most recently changed, in the list's
    order."""
    from laureats.journal.feeds import FEED_ENTRIES
    from laureats.models import Laureate

    from .test_queries import add_many_laureates

    add_many_laureates(count=60)
    client = Client()
    in_list = list_slugs(client, "?type_membre=cfa")
    assert len(in_list) > FEED_ENTRIES == 50
    changed = Laureate.objects.filter(slug__in=in_list).order_by("-updated_at", "-pk")
    newest = set(changed.values_list("slug", flat=True)[:FEED_ENTRIES])
    feed = parsed(client.get("/laureats/flux.atom?type_membre=cfa"))
    assert feed_slugs(feed) == [slug for slug in in_list if slug in newest]


def test_an_admin_edit_is_in_the_global_and_the_laureate_feed(edited):
    client = Client()
    for url in [
        reverse("laureats:journal-feed"),
        reverse("laureats:laureate-history-feed", args=[edited.slug]),
    ]:
        feed = parsed(client.get(url))
        latest = feed.entries[0]
        assert latest.title.startswith("Nouveau nom fictif")
        assert latest.link.endswith(edited.get_absolute_url())
        summary = unescape(latest.summary)
        assert "Ancien nom fictif" in summary and "Nouveau nom fictif" in summary
        assert "author" not in latest and "author" not in feed.feed
        assert latest.id.startswith("http://testserver/journal/#laureate-")


def test_the_laureate_feed_of_an_unpublished_or_unknown_laureate_is_not_found(sample_catalogue):
    client = Client()
    for slug in ["projet-fictif-non-publie", "inconnu"]:
        url = reverse("laureats:laureate-history-feed", args=[slug])
        assert client.get(url).status_code == 404


def test_feeds_speak_english(edited):
    feed = parsed(Client().get("/en" + reverse("laureats:journal-feed")))
    assert feed.feed.language == "en"
    assert feed.feed.title == "Deffinum laureates: new and changed"


def links(page):
    return re.findall(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', page
    )


def test_pages_announce_their_feeds(sample_catalogue):
    client = Client()
    slug = "chantier-numerique-fictif"
    listing = unescape(client.get("/laureats/?secteur=sante-social&page=1").content.decode())
    assert "/laureats/flux.atom?secteur=sante-social" in links(listing)
    fiche = client.get(reverse("laureats:laureate-detail", args=[slug])).content.decode()
    assert reverse("laureats:laureate-history-feed", args=[slug]) in links(fiche)
    journal = client.get(JOURNAL).content.decode()
    assert reverse("laureats:journal-feed") in links(journal)
    for url in links(listing) + links(fiche) + links(journal):
        parsed(client.get(unescape(url)))


def test_feeds_are_cached_and_an_edit_invalidates_them(
    staff_client, edited, settings, django_assert_num_queries
):
    settings.PAGE_CACHE_ENABLED = True
    anonymous = Client()
    urls = [
        reverse("laureats:journal-feed"),
        reverse("laureats:laureate-history-feed", args=[edited.slug]),
        "/laureats/flux.atom?portee=nationale",
    ]
    for url in urls:
        first = anonymous.get(url)
        with django_assert_num_queries(0):
            again = anonymous.get(url)
        assert again.content == first.content
        # The data version's date, as pages have it, for conditional requests.
        assert again["Last-Modified"] and again["ETag"]
    edited.refresh_from_db()
    admin_edit(staff_client, edited, [], name="Nom fictif du flux")
    for url in urls:
        assert "Nom fictif du flux" in anonymous.get(url).content.decode(), url


FEED_QUERIES = {
    # The newest rows of the three laureate tables, then the journal's laureate queries (see
    # test_journal); the laureate's feed first finds the laureate.
    "journal": 9,
    "laureate": 10,
    # Two option lists, the results, their sectors, regions and leads (the list's prefetches).
    "search": 6,
}


@pytest.mark.parametrize("feed", FEED_QUERIES)
@pytest.mark.parametrize("count", [5, 60])
def test_feed_query_count_is_fixed(client, reference_data, django_assert_num_queries, feed, count):
    from .test_journal import add_edited_laureates

    laureates = add_edited_laureates(count)
    url = {
        "journal": reverse("laureats:journal-feed"),
        "laureate": reverse("laureats:laureate-history-feed", args=[laureates[0].slug]),
        "search": "/laureats/flux.atom?q=nombreux&portee=nationale&tri=-maj",
    }[feed]
    with django_assert_num_queries(FEED_QUERIES[feed]):
        response = client.get(url)
    assert len(parsed(response).entries) == (
        min(count, 50) if feed == "search" else 4 if feed == "laureate" else min(count * 4, 50)
    )


def test_control_characters_in_a_search_or_in_the_data_do_not_break_a_feed(sample_catalogue):
    # XML 1.0 cannot hold them: Django refused to write the feed, a 500 for the whole search.
    laureate = sample_catalogue.laureates["chantier"]
    laureate.description = "Formation\x01 en ligne\x0b"
    laureate.save()
    for query in ["q=%01", "q=Chantier%02"]:
        feed = parsed(Client().get(f"{reverse('laureats:laureate-feed')}?{query}"))
        assert "\x01" not in feed.feed.title and "\x02" not in feed.feed.title
    feed = parsed(Client().get(reverse("laureats:laureate-feed")))
    assert laureate.name in [entry.title for entry in feed.entries]
