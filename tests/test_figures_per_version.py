"""The figures of the home page and of the unfiltered statistics do not depend on the request:
each process computes them once per data version (deffinum/pagecache/local.py), page cache or
not, in each language, and again at once after a write."""

import re
from html import unescape

import pytest
from django.urls import reverse

from laureats.models import Laureate

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
