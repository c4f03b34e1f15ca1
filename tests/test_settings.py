"""Strict settings (issue 11): a typo in the environment stops start-up instead of silently
switching something off; DATABASE_URL's options are kept; SQLite is set up for several workers."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parent.parent

# What the parent test run may have set and a fresh start-up must not inherit.
INHERITED = {
    "DATABASE_URL",
    "REDIS_URL",
    "LIMITS_REDIS_URL",
    "DEBUG",
    "NUM_PROXIES",
    "DJANGO_SETTINGS_MODULE",
}


def start(code="", **env):
    """Django set up in a fresh process under `env`, then `code`."""
    environment = {key: value for key, value in os.environ.items() if key not in INHERITED}
    environment.update(DJANGO_SETTINGS_MODULE="deffinum.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", f"import django\ndjango.setup()\n{code}"],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def database_options(database_url):
    result = start(
        "from django.conf import settings\n"
        "print(__import__('json').dumps(settings.DATABASES['default']['OPTIONS']))",
        DATABASE_URL=database_url,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("SECURE_SSL_REDIRECT", "ture"),
        ("SECURE_HSTS_PRELOAD", "yes please"),
        ("SESSION_COOKIE_SECURE", "2"),
        ("DEBUG", "vrai"),
        ("CACHE_DISABLED", "o"),
    ],
)
def test_a_malformed_boolean_stops_start_up_naming_the_variable(name, value):
    result = start(**{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert f"{name}={value!r} n'est pas un booléen" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("NUM_PROXIES", "abc"),
        ("SECURE_HSTS_SECONDS", "1 an"),
        ("CONN_MAX_AGE", "60s"),
        ("CLIENT_IPV6_PREFIX", "/64"),
        ("PAGE_CACHE_QUERY_SLOTS", "beaucoup"),
    ],
)
def test_a_malformed_integer_stops_start_up_naming_the_variable(name, value):
    result = start(**{name: value})
    assert result.returncode != 0
    assert f"{name}={value!r} n'est pas un nombre entier" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("CACHE_SOCKET_TIMEOUT", "250ms"),
        ("CACHE_CONNECT_TIMEOUT", "-1"),
        ("CACHE_BREAKER_SECONDS", "nan"),
    ],
)
def test_a_malformed_number_of_seconds_stops_start_up_naming_the_variable(name, value):
    result = start(**{name: value})
    assert result.returncode != 0
    assert f"{name}={value!r} n'est pas un nombre positif" in result.stderr


@pytest.mark.parametrize(
    ("name", "value"), [("CLIENT_IPV6_PREFIX", "129"), ("PAGE_CACHE_QUERY_SLOTS", "0")]
)
def test_an_out_of_range_setting_stops_start_up_naming_it(name, value):
    result = start(**{name: value})
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr


def caches_of(**env):
    result = start(
        "from django.conf import settings\n"
        "print(__import__('json').dumps(settings.CACHES, default=str))",
        DEBUG="0",
        **env,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_without_redis_the_limits_count_in_a_folder_of_their_own():
    caches = caches_of()
    assert caches["default"]["LOCATION"].endswith("var/cache")
    assert caches["limits"]["LOCATION"].endswith("var/limits")


def test_redis_calls_wait_a_quarter_second_at_most_and_limits_may_have_their_own():
    caches = caches_of(
        REDIS_URL="redis://cache.example:6379/0",
        LIMITS_REDIS_URL="redis://limits.example:6379/0",
        CACHE_SOCKET_TIMEOUT="0.1",
    )
    assert caches["default"]["LOCATION"] == "redis://cache.example:6379/0"
    assert caches["limits"]["LOCATION"] == "redis://limits.example:6379/0"
    assert caches["default"]["BACKEND"] == "deffinum.redis_cache.RedisCache"
    assert caches["default"]["OPTIONS"] == {"socket_connect_timeout": 0.25, "socket_timeout": 0.1}
    # Without LIMITS_REDIS_URL, the counters share the pages' Redis under a prefix of their own.
    shared = caches_of(REDIS_URL="redis://cache.example:6379/0")
    assert shared["limits"]["LOCATION"] == "redis://cache.example:6379/0"
    assert shared["limits"]["KEY_PREFIX"] != shared["default"]["KEY_PREFIX"]


def test_manage_py_check_stops_on_a_malformed_variable():
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=BASE_DIR,
        env={**os.environ, "SECURE_SSL_REDIRECT": "ture"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT='ture'" in result.stderr


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("oui", True), (" True ", True), ("0", False), ("non", False), ("", False)],
)
def test_the_known_spellings_of_a_boolean_are_read(value, expected):
    result = start(
        "from django.conf import settings\nprint(settings.SECURE_SSL_REDIRECT)",
        SECURE_SSL_REDIRECT=value,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == str(expected)


def test_postgresql_options_from_the_url_are_merged_with_the_projects():
    options = database_options("postgres://postgres@127.0.0.1:5432/deffinum_h11?connect_timeout=3")
    assert int(options["connect_timeout"]) == 3
    assert options["options"] == "-c jit=off -c random_page_cost=1.1"


def test_postgresql_options_parameter_keeps_both_settings():
    # Read back from a real connection: both settings reach the server.
    result = start(
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('SHOW statement_timeout')\n"
        "    print(cursor.fetchone()[0])\n"
        "    cursor.execute('SHOW jit')\n"
        "    print(cursor.fetchone()[0])\n"
        "    cursor.execute('SHOW random_page_cost')\n"
        "    print(cursor.fetchone()[0])",
        DATABASE_URL=(
            "postgres://postgres@127.0.0.1:5432/postgres"
            "?connect_timeout=3&options=-c%20statement_timeout%3D5000"
        ),
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["5s", "off", "1.1"]


def test_postgresql_jit_given_in_the_url_wins():
    options = database_options(
        "postgres://postgres@127.0.0.1:5432/deffinum_h11?options=-c%20jit%3Don"
    )
    assert options["options"] == "-c jit=on -c random_page_cost=1.1"


def test_sqlite_waits_for_the_write_lock_and_starts_immediate_transactions(tmp_path):
    result = start(
        "from django.db import connection\n"
        "with connection.cursor() as cursor:\n"
        "    cursor.execute('PRAGMA busy_timeout')\n"
        "    print(cursor.fetchone()[0])\n"
        "print(connection.settings_dict['OPTIONS']['transaction_mode'])",
        DATABASE_URL=f"sqlite:///{tmp_path / 'portail.sqlite3'}",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["20000", "IMMEDIATE"]


def test_sqlite_timeout_from_the_url_wins(tmp_path):
    options = database_options(f"sqlite:///{tmp_path / 'portail.sqlite3'}?timeout=5")
    assert int(options["timeout"]) == 5
    assert options["transaction_mode"] == "IMMEDIATE"


@pytest.mark.parametrize("server", ["deffinum.wsgi", "deffinum.asgi"])
def test_the_server_starts_with_a_secret_key_in_production(server):
    result = start(
        f"import {server}\nprint(callable({server}.application))",
        SECRET_KEY="une-clé-de-production-assez-longue-pour-le-test-0123456789",
        ALLOWED_HOSTS="portail.example.fr",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("WEB_CONCURRENCY", "four", "n'est pas un nombre entier"),
        ("GUNICORN_TIMEOUT", "60s", "n'est pas un nombre entier"),
        ("GUNICORN_ACCESS_LOG", "peut-être", "n'est pas un booléen"),
    ],
)
def test_the_server_settings_stop_on_a_malformed_variable(name, value, message):
    """gunicorn.conf.py reads its variables as the Django settings do."""
    environment = {key: val for key, val in os.environ.items() if key not in INHERITED}
    result = subprocess.run(
        [sys.executable, "-c", "import runpy; runpy.run_path('gunicorn.conf.py')"],
        cwd=BASE_DIR,
        env={**environment, name: value},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert f"{name}={value!r} {message}" in result.stderr


def test_the_server_settings_read_well_formed_variables():
    environment = {key: val for key, val in os.environ.items() if key not in INHERITED}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import runpy; c = runpy.run_path('gunicorn.conf.py'); "
            "print(c['workers'], c['timeout'], c['accesslog'])",
        ],
        cwd=BASE_DIR,
        env={
            **environment,
            "WEB_CONCURRENCY": "3",
            "GUNICORN_TIMEOUT": "90",
            "GUNICORN_ACCESS_LOG": "1",
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["3", "90", "-"]
