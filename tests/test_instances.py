"""Several instances, one truth (issue 21): two identical instances of the portal, as `make
serve` runs them, behind one proxy and sharing PostgreSQL and Redis. A visitor or an
administrator whose requests land on either sees one site: an edit, a session, a limit or a
pending import made through one holds on the other.

The instances are real gunicorn processes (tests/instances.py), started once for the module
on their own database and Redis; each test alternates its requests between them, as a
round-robin proxy would, and uses an address and a laureate of its own.
"""

import csv
import io
import json
import secrets
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from html import unescape
from types import SimpleNamespace

import pytest

from .html_forms import form_with
from .instances import (
    HOST,
    Instance,
    Visitor,
    collect_static,
    manage,
    postgres_database,
    production_environment,
    stop_all,
)
from .servers import redis_server

pytestmark = pytest.mark.slow

PASSWORD = "un mot de passe solide"
CHANGE = "/admin/laureats/laureate/{pk}/change/"
CHANGELIST = "/admin/laureats/laureate/"
IMPORT = "/admin/laureats/laureate/importer/"
# Low, so that the test reaches it in a few requests; the proposal and login limits are fixed.
API_RATE = 4
# How soon an edit through one instance must be on the other's cached pages.
PROPAGATION_SECONDS = 1.0
# Made-up laureates, one per test that writes or proposes (tests/factories.py), written through the ORM before the
# instances start; prints {slug: primary key}.
LOAD_DATA = f"""
import json
from django.contrib.auth import get_user_model
from tests.factories import make_laureate

get_user_model().objects.create_superuser("admin", "admin@example.org", {PASSWORD!r})
laureates = [
    make_laureate(name="Campus fictif des deux rives", slug="campus-fictif"),
    make_laureate(name="Atelier fictif partagé", slug="atelier-fictif"),
    make_laureate(name="Chantier fictif à importer", slug="chantier-fictif"),
    make_laureate(name="Formation fictive à corriger", slug="formation-fictive"),
]
print(json.dumps({{laureate.slug: laureate.pk for laureate in laureates}}))
"""


@pytest.fixture(scope="module")
def portal(tmp_path_factory):
    directory = tmp_path_factory.mktemp("instances")
    with ExitStack() as stack:
        database_url = stack.enter_context(postgres_database())
        redis = stack.enter_context(redis_server(directory))
        env = production_environment(
            # Shared by every instance, as every setting below: a login (the session's
            # hash) and the flash messages are signed with it.
            SECRET_KEY=secrets.token_urlsafe(50),
            DATABASE_URL=database_url,
            REDIS_URL=redis.url,
            ALLOWED_HOSTS=HOST,
            NUM_PROXIES="1",
            # The test speaks plain HTTP to the instances; the proxy would terminate TLS.
            SESSION_COOKIE_SECURE="0",
            CSRF_COOKIE_SECURE="0",
            API_THROTTLE_RATE=f"{API_RATE}/minute",
            STATIC_ROOT=str(directory / "static"),
            WEB_CONCURRENCY="2",
            LOG_LEVEL="ERROR",
        )
        # The one-off release step (Procfile), then data made up for the test.
        with ThreadPoolExecutor() as pool:
            static = pool.submit(collect_static, env)
            manage(env, "migrate", "--noinput", "--verbosity", "0")
            pks = json.loads(manage(env, "shell", "--command", LOAD_DATA).splitlines()[-1])
            static.result()
        instances = []
        stack.callback(stop_all, instances)
        instances += [
            Instance("A", env, directory / "a.log"),
            Instance(
                "B",
                {**env, **json.loads(__import__("os").environ.get("MUTATE_B", "{}"))},
                directory / "b.log",
            ),
        ]
        for instance in instances:
            instance.wait_until_healthy()
        yield SimpleNamespace(a=instances[0], b=instances[1], pks=pks)


def text(response):
    return unescape(response.text)


def wait_for(condition, seconds):
    """Seconds until `condition()` held, polled every 20 ms and at least once; None if it never
    did in time."""
    start = time.monotonic()
    while True:
        if condition():
            return time.monotonic() - start
        if time.monotonic() - start > seconds:
            return None
        time.sleep(0.02)


def logged_in(instance, address):
    admin = Visitor(address)
    form = admin.form(instance, "/admin/login/", "password")
    response = admin.post(instance, "/admin/login/", form.data(username="admin", password=PASSWORD))
    assert response.status_code == 302, text(response)
    return admin


def test_an_edit_through_one_instance_is_on_the_others_cached_pages_within_a_second(portal):
    a, b = portal.a, portal.b
    page = "/laureats/campus-fictif/"
    reader = Visitor("203.0.113.10")
    kept = reader.get(a, page)
    assert "Campus fictif des deux rives" in text(kept)
    # B holds the page A rendered (Redis), then in its workers' memory too.
    assert reader.get(b, page, headers={"If-None-Match": kept.headers["ETag"]}).status_code == 304
    for instance in (b, b, a):
        assert "Campus fictif des deux rives" in text(reader.get(instance, page))

    admin = logged_in(a, "203.0.113.11")
    change = CHANGE.format(pk=portal.pks["campus-fictif"])
    form = admin.form(a, change, "name")
    saved = admin.post(a, change, form.data(press="_save", name="Campus fictif renommé"))
    assert saved.status_code == 302, text(saved)
    edited = time.monotonic()

    seen = wait_for(
        lambda: "Campus fictif renommé" in text(reader.get(b, page)), PROPAGATION_SECONDS
    )
    assert seen is not None, "B sert encore l'ancien nom une seconde après la modification"
    # One second after the edit, every worker of both instances serves the new page, and a
    # browser revalidating the page it kept is told it changed.
    time.sleep(max(0, edited + PROPAGATION_SECONDS - time.monotonic()))
    for instance in (a, b) * 4:
        assert "Campus fictif renommé" in text(reader.get(instance, page)), instance
        revalidated = reader.get(instance, page, headers={"If-None-Match": kept.headers["ETag"]})
        assert revalidated.status_code == 200, instance


def test_a_session_and_its_csrf_token_made_on_one_instance_work_on_the_other(portal):
    a, b = portal.a, portal.b
    admin = logged_in(a, "203.0.113.20")
    # The session made on A is known to B: its admin opens, no login page.
    assert admin.get(b, "/admin/").status_code == 200

    change = CHANGE.format(pk=portal.pks["atelier-fictif"])
    form = admin.form(a, change, "name")
    saved = admin.post(b, change, form.data(press="_save", name="Atelier fictif enregistré par B"))
    # Not a 403 (CSRF) nor a redirect to the login page: the change list, the edit saved.
    assert saved.status_code == 302, text(saved)
    assert saved.headers["Location"].endswith(CHANGELIST)
    assert "Atelier fictif enregistré par B" in text(admin.get(a, change))


def test_the_proposal_limit_counts_across_instances(portal):
    a, b = portal.a, portal.b
    visitor = Visitor("203.0.113.30")
    form = visitor.form(a, "/contribuer/?laureat=formation-fictive&champ=summary", "source_url")

    def propose(instance, number):
        data = form.data(
            value=f"Résumé corrigé, version {number}.",
            source_url="https://presse.example.org/formation-fictive",
            email="lecteur@example.org",
        )
        return visitor.post(instance, "/contribuer/", data).status_code

    # Five per visitor and per hour, whichever instance receives them.
    assert [propose(instance, n) for n, instance in enumerate([a, b, a, b, a])] == [302] * 5
    assert propose(b, 6) == 429
    assert propose(a, 7) == 429


def test_the_api_throttle_counts_across_instances(portal):
    a, b = portal.a, portal.b
    client = Visitor("203.0.113.40")

    def fetch(instance, page_size):
        # A page size of its own each time: a page the cache holds would answer before the
        # throttle counts.
        return client.get(instance, f"/api/laureats/?page_size={page_size}").status_code

    statuses = [fetch(instance, size) for size, instance in enumerate([a, b, a, b], start=1)]
    assert statuses == [200] * API_RATE
    assert fetch(a, 10) == 429
    assert fetch(b, 11) == 429


def test_the_admin_lockout_counts_across_instances(portal):
    a, b = portal.a, portal.b
    intruder = Visitor("203.0.113.50")
    form = intruder.form(a, "/admin/login/", "password")

    def log_in(instance, password):
        data = form.data(username="admin", password=password)
        return intruder.post(instance, "/admin/login/", data).status_code

    # Five failures shared out between the instances: the form again with its error four
    # times, then the fifth locks the address out.
    assert [log_in(instance, "mauvais") for instance in [a, b, a, b, a]] == [200] * 4 + [429]
    # Locked out on both, even with the right password.
    assert log_in(b, PASSWORD) == 429
    assert log_in(a, PASSWORD) == 429
    # The administrator, from another address, is not.
    logged_in(b, "203.0.113.51")


def test_an_import_previewed_on_one_instance_is_confirmed_on_the_other(portal):
    a, b = portal.a, portal.b
    admin = logged_in(a, "203.0.113.60")
    pk = portal.pks["chantier-fictif"]

    # The laureate exported from the change list, renamed in the file, as an admin would.
    changelist = admin.form(a, CHANGELIST, "action")
    exported = admin.post(
        a,
        CHANGELIST,
        changelist.data(action="export_csv", _selected_action=str(pk), index="0"),
    )
    assert exported.status_code == 200, text(exported)
    rows = list(csv.DictReader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert [row["nom"] for row in rows] == ["Chantier fictif à importer"]
    rows[0]["nom"] = "Chantier fictif importé"
    file = io.StringIO()
    writer = csv.DictWriter(file, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)

    upload = admin.form(a, IMPORT, "file")
    preview = admin.post(
        a,
        IMPORT,
        upload.data(),
        files={"file": ("laureats.csv", file.getvalue().encode("utf-8"), "text/csv")},
    )
    assert preview.status_code == 200, text(preview)
    assert "Chantier fictif importé" in text(preview)

    confirm = admin.post(b, IMPORT, form_with(preview.text, "confirm").data(press="confirm"))
    assert confirm.status_code == 302, text(confirm)
    assert confirm.headers["Location"].endswith(CHANGELIST)
    assert "Chantier fictif importé" in text(admin.get(b, CHANGELIST))
    assert "Chantier fictif importé" in text(
        Visitor("203.0.113.61").get(a, "/laureats/chantier-fictif/")
    )
