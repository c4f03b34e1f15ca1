"""Faults (issue 11): without its cache the portal degrades and says so; without its database
/healthz tells the load balancer with a 503."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

from deffinum.pagecache.local import local
from laureats.models import Proposal

from .factories import OrganisationFactory, make_laureate

BASE_DIR = Path(__file__).resolve().parent.parent

# Nothing listens on port 1: every cache call fails at once with a connection error.
UNREACHABLE_REDIS = {
    "BACKEND": "django.core.cache.backends.redis.RedisCache",
    "LOCATION": "redis://127.0.0.1:1/0",
    "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1},
}


@pytest.fixture
def cache_down(settings):
    settings.CACHES = {"default": UNREACHABLE_REDIS, settings.LIMITS_CACHE: UNREACHABLE_REDIS}
    with pytest.raises(Exception):  # noqa: B017 (any client error: the point is that it fails)
        cache.get("anything")


@pytest.fixture
def laureate_with_amounts(reference_data):
    lead = OrganisationFactory(name="CFA du Littoral", slug="cfa-du-littoral")
    return make_laureate(
        name="Projet sans cache",
        slug="projet-sans-cache",
        regions=["53"],
        lead=lead,
        total_cost=1_000_000,
        state_aid=500_000,
    )


# The cache is unreachable -----------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/api/laureats/",
        "/api/laureats/projet-sans-cache/",
        "/api/organisations/",
        "/api/organisations/cfa-du-littoral/",
        "/api/regions/53/",
        "/api/filieres/",
        "/api/chiffres/",
    ],
)
def test_the_api_answers_without_its_cache(client, laureate_with_amounts, cache_down, url):
    response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.django_db
def test_a_proposal_is_accepted_without_the_cache(client, laureate_with_amounts, cache_down):
    response = client.post(
        reverse("laureats:contribute"),
        {
            "kind": Proposal.Kind.CORRECTION,
            "laureate": laureate_with_amounts.slug,
            "field": "state_aid",
            "value": "600 000 €",
            "source_url": "https://www.example.org/communique",
            "email": "contact@example.org",
            "site_perso": "",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("laureats:contribute-done")
    assert Proposal.objects.get().laureate == laureate_with_amounts


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        reverse("laureats:home"),
        reverse("laureats:laureate-list"),
        reverse("laureats:laureate-list") + "?q=cache",
        "/laureats/projet-sans-cache/",
        reverse("laureats:organisation-list"),
        "/organisations/cfa-du-littoral/",
        reverse("laureats:statistics"),
        reverse("laureats:contribute"),
        reverse("laureats:site-map"),
        "/en/laureats/",
    ],
)
def test_public_pages_render_without_the_cache(client, laureate_with_amounts, cache_down, url):
    # Twice: the second visit finds no cached copy either, and is computed again.
    first, second = client.get(url), client.get(url)
    assert first.status_code == second.status_code == 200
    assert "<h1" in first.content.decode()


@pytest.mark.django_db
def test_healthz_says_the_cache_is_degraded_but_stays_200(client, cache_down):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}


@pytest.mark.django_db
def test_admin_login_and_lockout_work_without_the_cache(admin_user, cache_down):
    # The lockout (django-axes) counts failures in the database, sessions live there too.
    client = Client()
    login = reverse("admin:login")
    assert client.get(login).status_code == 200
    for _ in range(4):
        assert client.post(login, {"username": "admin", "password": "x"}).status_code == 200
    assert client.post(login, {"username": "admin", "password": "x"}).status_code == 429
    admin = Client(REMOTE_ADDR="192.0.2.50")
    response = admin.post(login, {"username": "admin", "password": "un mot de passe solide"})
    assert response.status_code == 302
    assert admin.get(reverse("admin:index")).status_code == 200


# The database is unreachable or gone ------------------------------------------------------------


def run_portal(script, **env):
    """`script` in a fresh process under `env`, with `get(path)` calling the WSGI application
    as a server does: the request's end closes the database connection (the test client would
    keep it open, and an open SQLite connection still reads a deleted file)."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(DEBUG="1", DJANGO_SETTINGS_MODULE="deffinum.settings", **env)
    prelude = textwrap.dedent(
        """
        import json
        from wsgiref.util import setup_testing_defaults

        from django.core.wsgi import get_wsgi_application

        application = get_wsgi_application()

        def get(path):
            environ = {"PATH_INFO": path}
            setup_testing_defaults(environ)
            started = []
            response = application(environ, lambda status, headers: started.append(status))
            try:
                body = b"".join(response)
            finally:
                response.close()
            return int(started[0].split()[0]), json.loads(body)
        """
    )
    return subprocess.run(
        [sys.executable, "-c", prelude + textwrap.dedent(script)],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_healthz_is_503_when_postgresql_does_not_answer():
    result = run_portal(
        """
        status, health = get("/healthz")
        print(status, health["status"])
        """,
        # Nothing listens on port 1.
        DATABASE_URL="postgres://postgres@127.0.0.1:1/deffinum_h11_nowhere?connect_timeout=2",
    )
    assert result.stdout.split() == ["503", "error"], result.stderr[-2000:]


def test_healthz_is_503_once_the_sqlite_file_is_gone(tmp_path):
    database = tmp_path / "portail.sqlite3"
    result = run_portal(
        f"""
        import os
        from django.core.management import call_command
        call_command("migrate", verbosity=0)
        before, _ = get("/healthz")
        os.remove({str(database)!r})
        after, health = get("/healthz")
        print(before, after, health["status"])
        """,
        DATABASE_URL=f"sqlite:///{database}",
    )
    # SQLite would quietly create an empty file again: /healthz must read a real table.
    assert result.stdout.split() == ["200", "503", "error"], result.stderr[-2000:]


# The cache hangs (issue 22) ---------------------------------------------------------------------


@pytest.fixture
def redis_commands(monkeypatch):
    """The commands sent to Redis, whether it answered or not."""
    import redis

    sent = []
    execute = redis.Redis.execute_command

    def spy(client, *args, **options):
        sent.append(args[0])
        return execute(client, *args, **options)

    monkeypatch.setattr(redis.Redis, "execute_command", spy)
    return sent


class Clock:
    """The breaker's time.monotonic(), under the test's control."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


@pytest.fixture
def breaker_clock(monkeypatch):
    from deffinum import redis_cache

    clock = Clock()
    monkeypatch.setattr(redis_cache, "time", clock)
    return clock


def contribute(client, laureate, number):
    return client.post(
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


@pytest.mark.django_db
def test_a_hung_redis_is_asked_once_then_left_alone(
    client, laureate_with_amounts, redis_caches, redis_commands, breaker_clock
):
    assert client.get(reverse("laureats:laureate-list")).status_code == 200
    assert redis_commands  # the page was looked up and stored
    redis_caches.freeze()
    redis_commands.clear()
    # Pages this process has not served yet, the API, a proposal: each would ask Redis.
    for number, search in enumerate(["projet", "sans", "cache", "projet sans", "sans cache"]):
        page = client.get(reverse("laureats:laureate-list") + f"?q={search}")
        assert page.status_code == 200
        assert "Projet sans cache" in page.content.decode()
        assert client.get(f"/api/laureats/?page_size={number + 1}").status_code == 200
        assert contribute(client, laureate_with_amounts, number).status_code == 302
    assert Proposal.objects.count() == 5
    health = client.get("/healthz")
    assert health.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}
    # One call waited for the timeout; the other 30 or so went without asking.
    assert len(redis_commands) == 1


@pytest.mark.django_db
def test_the_cache_is_used_again_once_redis_answers(
    client, laureate_with_amounts, redis_caches, redis_commands, breaker_clock, settings
):
    settings.CACHE_BREAKER_SECONDS = 5
    redis_caches.freeze()
    assert client.get("/healthz").json()["cache"] == "unreachable"
    redis_caches.thaw()
    breaker_clock.now += 4
    assert client.get("/healthz").json()["cache"] == "unreachable"
    redis_commands.clear()
    breaker_clock.now += 1
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok", "cache": "ok"}
    page = reverse("laureats:laureate-list") + "?q=sans"
    client.get(page)
    assert redis_commands.count("SET") >= 2  # /healthz's check, then the page
    local.clear()
    assert client.get(page).templates == []  # from Redis


@pytest.mark.django_db
def test_healthz_says_degraded_when_only_the_limits_cache_is_down(client, settings):
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        settings.LIMITS_CACHE: UNREACHABLE_REDIS,
    }
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "database": "ok", "cache": "unreachable"}


@pytest.mark.django_db
def test_an_error_redis_answers_closes_the_breaker(
    redis_caches, redis_commands, breaker_clock, settings
):
    from django.core.cache import caches

    redis_caches.freeze()
    with pytest.raises(Exception):  # noqa: B017 (the timeout, whatever redis-py calls it)
        caches["default"].get("page")
    redis_caches.thaw()
    breaker_clock.now += settings.CACHE_BREAKER_SECONDS
    with pytest.raises(ValueError):
        caches["default"].incr("jamais-compte")  # Redis answered: there is no such counter
    assert caches["default"].get("absent", "rien") == "rien"
    assert redis_commands == ["GET", "EXISTS", "GET"]
