"""What visitors can make the page cache hold (issue 22): new searches only replace pages in a
bounded number of places, a parameter a page does not read stores nothing, and no number of
stored pages can evict the counters of the limits."""

import pytest
from django.core.cache import cache, caches
from django.test import Client
from django.urls import reverse

from deffinum import redis_cache
from deffinum.pagecache import middleware as page_cache
from laureats.models import Laureate, Proposal

from .servers import redis_server

pytestmark = pytest.mark.django_db

STATISTICS = "/statistiques/"
LIST = "/laureats/"


@pytest.fixture
def stored_keys(monkeypatch):
    """The keys under which pages were stored in the shared cache."""
    keys = []
    store = cache.set

    def spy(key, *args, **kwargs):
        keys.append(key)
        return store(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    return keys


def rendered(response):
    return bool(response.templates)


@pytest.mark.parametrize("path", [STATISTICS, LIST])
def test_new_searches_only_replace_pages_in_a_bounded_number_of_places(
    sample_catalogue, stored_keys, settings, path
):
    settings.PAGE_CACHE_QUERY_SLOTS = 8
    anonymous = Client()
    for number in range(30):
        assert anonymous.get(f"{path}?q=zz{number}").status_code == 200
    assert len(stored_keys) == 30  # each was stored...
    assert len(set(stored_keys)) <= 8  # ...in one of the page's 8 places
    # The cache still serves what is asked again, and each place holds one request's page.
    page_cache.local.clear()
    assert not rendered(anonymous.get(f"{path}?q=zz29"))
    others = [number for number in range(29) if not rendered(anonymous.get(f"{path}?q=zz{number}"))]
    assert len(others) <= 7


def test_pages_without_a_query_string_keep_a_place_of_their_own(
    sample_catalogue, stored_keys, settings
):
    settings.PAGE_CACHE_QUERY_SLOTS = 1
    anonymous = Client()
    anonymous.get(LIST)
    anonymous.get(LIST + "?q=zz1")
    anonymous.get(LIST + "?q=zz2")
    page_cache.local.clear()
    assert not rendered(anonymous.get(LIST))
    assert not rendered(anonymous.get(LIST + "?q=zz2"))
    assert rendered(anonymous.get(LIST + "?q=zz1"))


@pytest.mark.parametrize(
    "url",
    [
        # A search feed has no pages (laureats/journal/feeds.py drops ?page=).
        "/laureats/flux.atom?page={number}",
        # The official figures read no filter.
        "/statistiques/filieres-officielles.csv?q=zz{number}",
    ],
)
def test_a_parameter_a_page_does_not_read_stores_no_new_page(sample_catalogue, stored_keys, url):
    anonymous = Client()
    bare = anonymous.get(url.split("?")[0])
    for number in range(5):
        response = anonymous.get(url.format(number=number))
        assert response.status_code == 200
        assert response.content == bare.content
    assert len(set(stored_keys)) == 1


@pytest.fixture
def pages_redis_fills_up(tmp_path, settings):
    """The pages in a Redis of 2 MB that evicts the least recently used keys (the README's
    allkeys-lru, every key sampled so that it is exactly the least recent), the counters in a
    Redis of their own, as docs/deployment.md recommends."""
    (tmp_path / "pages").mkdir()
    (tmp_path / "limits").mkdir()
    full = ["--maxmemory", "2mb", "--maxmemory-policy", "allkeys-lru", "--maxmemory-samples", "64"]
    with (
        redis_server(tmp_path / "pages", *full) as pages,
        redis_server(tmp_path / "limits") as limits,
    ):
        timeouts = {"connect_timeout": 1, "socket_timeout": 1}
        settings.CACHES = {
            "default": redis_cache.redis_cache(pages.url, "deffinum", **timeouts),
            settings.LIMITS_CACHE: redis_cache.redis_cache(limits.url, "limits", **timeouts),
        }
        yield pages
        settings.CACHES = {
            alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
            for alias in ("default", settings.LIMITS_CACHE)
        }


def test_stored_pages_never_evict_a_visitors_proposal_count(
    sample_catalogue, pages_redis_fills_up, settings
):
    settings.PAGE_CACHE_QUERY_SLOTS = 1000
    laureate = Laureate.objects.published().first()
    visitor = Client(REMOTE_ADDR="203.0.113.9")

    def propose(number):
        return visitor.post(
            reverse("laureats:contribute"),
            {
                "kind": Proposal.Kind.CORRECTION,
                "laureate": laureate.slug,
                "field": "state_aid",
                "value": f"{number} €",
                "source_url": "https://www.example.org/communique",
                "email": "contact@example.org",
                "site_perso": "",
            },
        )

    assert [propose(number).status_code for number in range(5)] == [302] * 5
    flood = Client(REMOTE_ADDR="198.51.100.1")
    for number in range(60):
        assert flood.get(f"{STATISTICS}?q=zz{number}").status_code == 200
    evicted = caches["default"]._cache.get_client().info("stats")["evicted_keys"]
    assert evicted > 0  # the pages' Redis was full and evicted pages
    assert propose(5).status_code == 429
    assert Proposal.objects.count() == 5
