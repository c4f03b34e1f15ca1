"""Per-visitor limits (issue 11): the proposal limit of /contribuer/, the API throttle and the
admin lockout all see the visitor behind the reverse proxy, not the proxy."""

import threading
import time
from html import unescape
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connections
from django.test import Client, RequestFactory
from django.urls import reverse

from laureats.models import Proposal
from laureats.views.contributions import RATE_WINDOW_SECONDS, usage

from .factories import make_laureate

CONTRIBUTE = reverse("laureats:contribute")
API_LAUREATES = "/api/laureats/"
PROXY = "10.0.0.1"

BACKENDS = {
    "locmem": lambda alias, tmp_path: {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": alias,
    },
    # The production backend without Redis (deffinum/file_cache.py), shared by gunicorn's workers.
    "file": lambda alias, tmp_path: {
        "BACKEND": "deffinum.file_cache.FileBasedCache",
        "LOCATION": str(tmp_path / alias),
    },
}


def use_cache(settings, tmp_path, backend, request):
    """Pages and the limits' counters on `backend`, apart from each other as in production;
    "redis": a Redis of the test's own (fixture redis_caches)."""
    if backend == "redis":
        request.getfixturevalue("redis_caches")
        return
    settings.CACHES = {
        alias: BACKENDS[backend](alias, tmp_path) for alias in ("default", settings.LIMITS_CACHE)
    }
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture(params=["locmem", "file", "redis"])
def any_cache(request, settings, tmp_path):
    use_cache(settings, tmp_path, request.param, request)
    yield request.param


@pytest.fixture
def laureate(reference_data):
    return make_laureate(name="Projet limité", slug="projet-limite", state_aid=500_000)


def correction(target, **values):
    data = {
        "kind": Proposal.Kind.CORRECTION,
        "laureate": target.slug,
        "field": "state_aid",
        "value": "600 000 €",
        "source_url": "https://www.example.org/communique",
        "email": "contact@example.org",
        "site_perso": "",
    }
    data.update(values)
    return data


def propose(client, laureate, visitor, **values):
    """A proposal from `visitor`, behind the one reverse proxy PROXY."""
    return client.post(
        CONTRIBUTE, correction(laureate, **values), REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor
    )


class Clock:
    """time.time() under the test's control: the limit's window, the cache's expiry."""

    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def window_end(visitor):
    """When the current hour of `visitor`'s budget ends (django-ratelimit staggers the hours
    per key, so that every visitor's window does not end at once)."""
    request = RequestFactory().post(CONTRIBUTE, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor)
    now = int(time.time())
    return now + usage(request, increment=False)["time_left"]


# The proposal limit -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_visitors_behind_one_proxy_have_separate_budgets(client, laureate, settings):
    settings.NUM_PROXIES = 1
    for number in range(5):
        assert propose(client, laureate, "203.0.113.1", value=f"{number} €").status_code == 302
    response = propose(client, laureate, "203.0.113.1")
    assert response.status_code == 429
    body = unescape(response.content.decode())
    assert "Trop de demandes en peu de temps" in body
    assert "5 propositions en moins d'une heure" in body
    assert "Réessayez dans " in body
    # Another visitor, through the same proxy, still has the whole budget.
    assert propose(client, laureate, "203.0.113.2").status_code == 302
    assert Proposal.objects.count() == 6


@pytest.mark.django_db
def test_a_forged_forwarded_for_does_not_escape_the_limit(client, laureate, settings):
    settings.NUM_PROXIES = 1
    # The proxy appends the address it saw; whatever the client wrote before it is ignored.
    for number in range(5):
        propose(client, laureate, f"198.51.100.{number}, 203.0.113.1")
    assert propose(client, laureate, "198.51.100.99, 203.0.113.1").status_code == 429


@pytest.mark.django_db
def test_honeypot_hits_spend_no_budget(client, laureate, settings):
    settings.NUM_PROXIES = 1
    for _ in range(10):
        trapped = propose(client, laureate, "203.0.113.1", site_perso="https://spam.example")
        assert trapped.status_code == 302
    assert not Proposal.objects.exists()
    for _ in range(5):
        assert propose(client, laureate, "203.0.113.1").status_code == 302
    assert Proposal.objects.count() == 5


@pytest.mark.django_db
def test_the_window_is_a_fixed_hour_on_every_cache(client, laureate, settings, any_cache):
    settings.NUM_PROXIES = 1
    visitor = "203.0.113.1"
    end = window_end(visitor)
    clock = Clock(end - RATE_WINDOW_SECONDS + 1)  # the first second of the visitor's hour
    with mock.patch("time.time", clock):
        for _ in range(5):
            assert propose(client, laureate, visitor).status_code == 302
        # Django's incr() on a file cache used to give the counter 5 minutes more to live.
        clock.now += 10 * 60
        assert propose(client, laureate, visitor).status_code == 429
        clock.now = end - 1
        assert propose(client, laureate, visitor).status_code == 429
        clock.now = end + 1
        assert propose(client, laureate, visitor).status_code == 302
    assert Proposal.objects.count() == 6


@pytest.mark.django_db
def test_the_429_says_when_the_visitors_hour_ends(client, laureate, settings):
    settings.NUM_PROXIES = 1
    visitor = "203.0.113.1"
    end = window_end(visitor)
    with mock.patch("time.time", Clock(end - RATE_WINDOW_SECONDS + 1)) as clock:
        for _ in range(5):
            assert propose(client, laureate, visitor).status_code == 302
        clock.now = end - 50 * 60 + 30  # 49 minutes and 30 seconds before the end
        response = propose(client, laureate, visitor)
    assert response.status_code == 429
    assert response["Retry-After"] == str(49 * 60 + 30)
    assert "Réessayez dans 50 minutes." in unescape(response.content.decode())


def submit_at_once(laureate, count):
    """`count` proposals from one visitor in as many threads, released together; on SQLite each
    thread's insert waits for the others' (busy_timeout, as in production)."""
    barrier = threading.Barrier(count, timeout=60)
    statuses = []

    def submit():
        try:
            client = Client()
            barrier.wait()
            statuses.append(propose(client, laureate, "203.0.113.1").status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=submit) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return sorted(statuses)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("backend", ["file", "redis"])
def test_parallel_submissions_accept_exactly_the_limit(settings, tmp_path, backend, request):
    settings.NUM_PROXIES = 1
    use_cache(settings, tmp_path, backend, request)
    laureate = make_laureate(name="Projet limité", slug="projet-limite", state_aid=500_000)
    # Far from the end of the visitor's hour: all 20 fall in the same window.
    with mock.patch("time.time", Clock(window_end("203.0.113.1") - 1800)):
        statuses = submit_at_once(laureate, 20)
    assert statuses == [302] * 5 + [429] * 15
    assert Proposal.objects.count() == 5


# The API throttle -------------------------------------------------------------------------------


@pytest.fixture
def api_limit(settings):
    settings.NUM_PROXIES = 1
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"},
    }


def api_get(client, visitor, page_size):
    # A different address each time: the page cache must not answer in the throttle's place.
    return client.get(
        f"{API_LAUREATES}?page_size={page_size}", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=visitor
    ).status_code


@pytest.mark.django_db
def test_api_visitors_behind_one_proxy_have_separate_budgets(client, laureate, api_limit):
    assert [api_get(client, "203.0.113.1", size) for size in (1, 2, 3)] == [200, 200, 429]
    assert api_get(client, "203.0.113.2", 4) == 200


@pytest.mark.django_db
def test_api_forged_forwarded_for_does_not_escape_the_limit(client, laureate, api_limit):
    statuses = [api_get(client, f"198.51.100.{size}, 203.0.113.1", size) for size in (1, 2, 3)]
    assert statuses == [200, 200, 429]


# The admin lockout ------------------------------------------------------------------------------


def login(client, visitor, password="mauvais"):
    return client.post(
        reverse("admin:login"),
        {"username": "admin", "password": password},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=visitor,
    )


@pytest.mark.django_db
def test_admin_lockout_is_per_visitor_behind_the_proxy(client, admin_user, settings):
    settings.NUM_PROXIES = 1
    for number in range(5):
        # Forged addresses on the left do not make five different visitors.
        login(client, f"198.51.100.{number}, 203.0.113.7")
    assert login(client, "203.0.113.7", "un mot de passe solide").status_code == 429
    # The administrator, through the same proxy, is not locked out by that visitor.
    assert login(Client(), "203.0.113.8", "un mot de passe solide").status_code == 302


# IPv6 visitors are their /64 ----------------------------------------------------------------------

# A subscriber is given a whole /64: eight addresses of one, then one of the next /64.
ONE_SUBSCRIBER = [f"2001:db8:1:2::{number:x}" for number in range(1, 9)]
ANOTHER_SUBSCRIBER = "2001:db8:1:3::1"


@pytest.mark.django_db
def test_the_addresses_of_one_ipv6_64_share_one_proposal_budget(client, laureate, settings):
    settings.NUM_PROXIES = 1
    statuses = [
        propose(client, laureate, address, value=f"{number} €").status_code
        for number, address in enumerate(ONE_SUBSCRIBER)
    ]
    assert statuses == [302] * 5 + [429] * 3
    assert propose(client, laureate, ANOTHER_SUBSCRIBER).status_code == 302
    assert Proposal.objects.count() == 6


@pytest.mark.django_db
def test_the_addresses_of_one_ipv6_64_share_one_api_budget(client, laureate, api_limit):
    statuses = [api_get(client, address, size) for size, address in enumerate(ONE_SUBSCRIBER[:3])]
    assert statuses == [200, 200, 429]
    assert api_get(client, ANOTHER_SUBSCRIBER, 9) == 200


@pytest.mark.django_db
def test_the_addresses_of_one_ipv6_64_share_one_admin_lockout(client, admin_user, settings):
    settings.NUM_PROXIES = 1
    for address in ONE_SUBSCRIBER[:5]:
        login(client, address)
    assert login(Client(), ONE_SUBSCRIBER[5], "un mot de passe solide").status_code == 429
    assert login(Client(), ANOTHER_SUBSCRIBER, "un mot de passe solide").status_code == 302


@pytest.mark.django_db
def test_an_ipv4_visitor_through_a_dual_stack_socket_is_that_ipv4_visitor(
    client, laureate, settings
):
    # A server listening on [::] sees IPv4 clients as ::ffff:a.b.c.d: they are not one /64.
    settings.NUM_PROXIES = 1
    for number in range(5):
        assert (
            propose(client, laureate, "::ffff:203.0.113.1", value=f"{number} €").status_code == 302
        )
    assert propose(client, laureate, "203.0.113.1").status_code == 429
    assert propose(client, laureate, "::ffff:203.0.113.2").status_code == 302
