"""Identical instances of the portal as `make serve` runs them (DEBUG off, gunicorn with
gunicorn.conf.py serving deffinum.wsgi), each on a free port, sharing one PostgreSQL database and
one Redis: what a host runs behind its reverse proxy (docs/deployment.md, « Plusieurs
instances »). tests/test_instances.py drives them over HTTP."""

import os
import re
import secrets
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import requests
from psycopg import sql

from .html_forms import form_with
from .servers import free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
GUNICORN = str(Path(PYTHON).with_name("gunicorn"))
# Where .ci/run starts PostgreSQL; DATABASE_URL names another server when it points at one.
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"
# The site's one public name: the proxy forwards it to whichever instance answers, so that
# pages, cookies and CSRF checks are those of the one site.
HOST = "portail.deffinum.test"
START_SECONDS = 60
REQUEST_SECONDS = 30


def portal_variables():
    """Every variable the portal reads, as .env.example lists them: none may leak from the
    environment the tests run in (a developer's DATABASE_URL, REDIS_URL or DEBUG)."""
    text = (ROOT / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]*)=", text, flags=re.MULTILINE))


def postgres_server():
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        return DEFAULT_POSTGRES
    return urlunsplit(urlsplit(url)._replace(path="", query="", fragment=""))


@contextmanager
def postgres_database():
    """A PostgreSQL database of this test run's own (the instances must share one, even when
    the suite runs on SQLite), dropped on exit with any connection left to it."""
    server = postgres_server()
    name = f"deffinum_instances_{os.getpid()}_{secrets.token_hex(4)}"
    try:
        admin = psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5)
    except psycopg.OperationalError as error:
        pytest.skip(f"PostgreSQL ne répond pas sur {server} ({error}) : lancez .ci/run")
    with admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield f"{server}/{name}"
    finally:
        with psycopg.connect(f"{server}/postgres", autocommit=True, connect_timeout=5) as admin:
            admin.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )


def production_environment(**values):
    """The environment of `make serve` (DEBUG off, a SECRET_KEY) with `values` set."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in portal_variables() and not key.startswith(("PYTEST", "DJANGO_"))
    }
    env.update(DJANGO_SETTINGS_MODULE="deffinum.settings", DEBUG="0", PYTHONUNBUFFERED="1")
    env.update(values)
    return env


def manage(env, *args):
    return run(env, [PYTHON, "manage.py", *args])


def run(env, command):
    result = subprocess.run(
        command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if result.returncode:
        raise RuntimeError(f"{command[:3]} a échoué :\n{result.stdout}\n{result.stderr}")
    return result.stdout


def collect_static(env):
    """collectstatic as `make serve` runs it, with the same hashed names and manifest, but
    without writing the gzip and brotli copies (24 s of processor time for the API docs'
    scripts): whitenoise serves those only when they exist."""
    run(
        env,
        [
            PYTHON,
            "-c",
            "import django; django.setup()\n"
            "from django.conf import settings\n"
            "from django.core.management import call_command\n"
            "from django.test.utils import override_settings\n"
            "plain = {'BACKEND': 'django.contrib.staticfiles.storage.ManifestStaticFilesStorage'}\n"
            "with override_settings(STORAGES={**settings.STORAGES, 'staticfiles': plain}):\n"
            "    call_command('collectstatic', interactive=False, verbosity=0)\n",
        ],
    )


class Instance:
    def __init__(self, name, env, log_path):
        self.name = name
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        with open(log_path, "wb") as log:
            # As `make serve` ends: exec gunicorn --config gunicorn.conf.py deffinum.wsgi.
            # A session of its own, so that its workers can be stopped with it, and only them.
            self.process = subprocess.Popen(
                [GUNICORN, "--config", "gunicorn.conf.py", "deffinum.wsgi"],
                cwd=ROOT,
                env={**env, "PORT": str(self.port)},
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def __repr__(self):
        return f"instance {self.name} ({self.url})"

    def log(self):
        return self.log_path.read_text(errors="replace")[-4000:]

    def wait_until_healthy(self):
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self} s'est arrêtée au démarrage :\n{self.log()}")
            try:
                response = requests.get(f"{self.url}/healthz", headers={"Host": HOST}, timeout=2)
                if response.status_code == 200 and response.json()["status"] == "ok":
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self} ne répond pas après {START_SECONDS} s :\n{self.log()}")

    def stop(self):
        """gunicorn's quick stop (SIGINT): the test is over, no request is left to finish."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def wait_stopped(self):
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            # The master is not reaped yet, so its process group is still this test's own.
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def stop_all(instances):
    for instance in instances:
        instance.stop()
    for instance in instances:
        instance.wait_stopped()


class Visitor:
    """One browser behind the proxy: its cookies for the site's public name, whichever instance
    answers, and its address, which the proxy appends to X-Forwarded-For (NUM_PROXIES=1)."""

    def __init__(self, address):
        self.session = requests.Session()
        self.session.headers.update({"Host": HOST, "X-Forwarded-For": address})

    def get(self, instance, path, **options):
        return self.session.get(
            instance.url + path, allow_redirects=False, timeout=REQUEST_SECONDS, **options
        )

    def post(self, instance, path, data, **options):
        return self.session.post(
            instance.url + path,
            data=data,
            allow_redirects=False,
            timeout=REQUEST_SECONDS,
            **options,
        )

    def form(self, instance, path, field):
        """The form holding `field` on the page at `path`, as `instance` serves it."""
        response = self.get(instance, path)
        assert response.status_code == 200, (response.status_code, path)
        return form_with(response.text, field)
