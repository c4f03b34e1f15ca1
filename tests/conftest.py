import pytest
from django.core.management import call_command
from django.utils import translation


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    """On SQLite, the test database is a file of this worker's, as `make run` uses one, not
    Django's default in-memory database. The live server's threads and the test's thread would
    share that one in-memory connection, and SQLite's French collation calls back into Python
    (laureats/text/ordering.py): a thread holding the interpreter's lock while it waits for
    SQLite's lock, and a thread holding SQLite's lock while it sorts and waits for the
    interpreter's, wait for ever, where no timeout reaches them. With a file, each thread has its
    own connection, and a writer waits for another (busy_timeout) as in production."""
    from django.conf import settings

    database = settings.DATABASES["default"]
    if database["ENGINE"] == "django.db.backends.sqlite3":
        folder = tmp_path_factory.mktemp("database")
        database.setdefault("TEST", {})["NAME"] = str(folder / "tests.sqlite3")


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    # Tests never run collectstatic: serve static files by their plain names.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def _empty_cache():
    # Pages, rate-limit counters and the data version must not leak from one test to the next.
    from django.core.cache import caches

    from deffinum.pagecache.middleware import local

    for cache in caches.all():
        cache.clear()
    local.clear()
    yield
    for cache in caches.all():
        cache.clear()
    local.clear()


@pytest.fixture(autouse=True)
def _no_register_on_the_network(monkeypatch):
    # The register (laureats/register/) is never asked from a test: its address becomes one
    # that cannot resolve (.invalid, RFC 2606), which the replays of tests/register_replay.py
    # answer instead. A request no test replays fails at once, and never reaches the service.
    from laureats.register import client

    from .register_replay import API

    monkeypatch.setattr(client, "API_URL", API)


@pytest.fixture(autouse=True)
def _default_language():
    # A request to /en/... leaves English active in the test's thread (LocaleMiddleware never
    # deactivates it): reverse() or a command in the next test would then speak English.
    yield
    translation.deactivate()


@pytest.fixture
def reference_data(db):
    """The 18 regions and the programme's sectors, as shipped."""
    call_command("loaddata", "regions", "sectors", verbosity=0)


@pytest.fixture
def real_data(db):
    """Everything `make run` loads: regions, sectors, figures and the documented laureates."""
    call_command("load_real_data", verbosity=0)


@pytest.fixture
def admin_user(django_user_model):
    return django_user_model.objects.create_superuser(
        username="admin", email="admin@example.org", password="un mot de passe solide"
    )


@pytest.fixture
def staff_client(client, admin_user):
    client.force_login(admin_user)
    return client


@pytest.fixture
def sample_catalogue(reference_data):
    """A made-up catalogue shaped like the real one (tests/factories.py: build_sample_catalogue).

    Tests that need "some laureates" use it, never `real_data`: entering a real laureate in
    fixtures/ must change no test but those of tests/test_real_data.py (issue 12).
    """
    from .factories import build_sample_catalogue

    return build_sample_catalogue()


@pytest.fixture
def redis_server(tmp_path):
    """A Redis started for this test alone (tests/servers.py): stopping or freezing it touches
    no other test and not the machine's shared Redis."""
    from .servers import redis_server

    with redis_server(tmp_path) as server:
        yield server


@pytest.fixture
def redis_caches(settings, redis_server):
    """The pages' cache and the limits' on a Redis of this test's own, configured as settings.py
    configures them in production; the local caches again afterwards, before the Redis stops."""
    from deffinum import redis_cache

    settings.CACHES = {
        alias: redis_cache.redis_cache(
            redis_server.url,
            f"deffinum-{alias}",
            connect_timeout=settings.CACHE_CONNECT_TIMEOUT,
            socket_timeout=settings.CACHE_SOCKET_TIMEOUT,
        )
        for alias in ("default", settings.LIMITS_CACHE)
    }
    yield redis_server
    redis_server.thaw()
    settings.CACHES = {
        alias: {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": alias}
        for alias in ("default", settings.LIMITS_CACHE)
    }
    redis_cache.breakers.pop(redis_server.url, None)
