"""The figures of the home page and of the unfiltered statistics do not depend on the request:
each process computes them once per data version (deffinum/pagecache/local.py), page cache or
not, in each language, and again at once after a write."""

import re
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from laureats.models import Laureate, Sector

from .factories import make_laureate

pytestmark = pytest.mark.django_db

HOME = reverse("laureats:home")
STATISTICS = reverse("laureats:statistics")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # Uncached: what is measured here is the page's own work, not the page cache's.
    settings.PAGE_CACHE_ENABLED = False


def entered(client, url):
    """The number of laureates entered, as the page's coverage line says it."""
    text = " ".join(unescape(re.sub(r"<[^>]+>", " ", client.get(url).content.decode())).split())
    # "5 / 62 lauréats saisis" (home), "5 lauréats saisis sur les 62 annoncés" (statistics).
    return int(re.search(r"(\d+)(?: / \d+)? lauréats? saisis?", text).group(1))


# Again, the statistics only read the filter's option lists (sectors, regions) for its form.
@pytest.mark.parametrize(("url", "again"), [(HOME, 0), (STATISTICS, 2)])
def test_a_page_counts_once_per_change_of_the_data(
    client, sample_catalogue, django_assert_num_queries, url, again
):
    published = Laureate.objects.published().count()
    assert entered(client, url) == published
    with django_assert_num_queries(again):
        assert entered(client, url) == published
    make_laureate(name="Un lauréat de plus")
    assert entered(client, url) == published + 1


def test_each_language_has_its_own_figures(client, sample_catalogue):
    french = client.get(HOME).content.decode()
    english = client.get("/en/").content.decode()
    assert 'lang="fr"' in french and "Santé et social" in french
    assert 'lang="en"' in english and "Santé et social" not in english
    assert "Santé et social" in client.get(HOME).content.decode()


def sector_counts(client, url):
    """{sector name: count} as the list's sector facet shows them."""
    facets = {facet["name"]: facet for facet in client.get(url).context["facets"]}
    return {option["label"]: option["count"] for option in facets["secteur"]["options"]}


def test_the_unfiltered_list_counts_its_facets_once_per_change_of_the_data(
    client, sample_catalogue
):
    url = reverse("laureats:laureate-list")
    first = sector_counts(client, url)
    # Its other pages and sorts share the counts; the coverage line is read once too.
    with CaptureQueriesContext(connection) as again:
        assert sector_counts(client, url + "?tri=-maj") == first
    with CaptureQueriesContext(connection) as filtered:
        client.get(url, {"portee": "nationale"})
    assert not any("FILTER (WHERE" in query["sql"] for query in again.captured_queries)
    assert any("FILTER (WHERE" in query["sql"] for query in filtered.captured_queries)
    sector = next(name for name, count in first.items() if count)
    make_laureate(name="Un lauréat de plus", sectors=[Sector.objects.get(name=sector)])
    assert sector_counts(client, url)[sector] == first[sector] + 1
