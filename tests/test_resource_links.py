"""`manage.py check_resource_links` against a server of the test's own on 127.0.0.1 (issue 26):
what it records for each kind of answer, and what the resource's page then says."""

import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from laureats.models import Resource
from laureats.resources import links

from .factories import ResourceFactory
from .servers import http_server

pytestmark = pytest.mark.django_db

SLOW_SECONDS = 2
TIMEOUT = "0.3"


class Site(BaseHTTPRequestHandler):
    """200, a redirect, 404, 410, a slow page, a page that refuses HEAD, a forbidden path."""

    requests = []  # (method, path, user agent) of every request received

    def log_message(self, *args):
        pass

    def answer(self, status, headers=(), body=b""):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_HEAD(self):
        self.route()

    def do_GET(self):
        self.route()

    def route(self):
        Site.requests.append((self.command, self.path, self.headers.get("User-Agent")))
        match self.path:
            case "/robots.txt":
                self.answer(200, body=b"User-agent: *\nDisallow: /prive/\n")
            case "/ok" | "/prive/page":
                self.answer(200, body=b"ok")
            case "/ancienne":
                self.answer(301, [("Location", "/ok")])
            case "/boucle":
                self.answer(302, [("Location", "/boucle")])
            case "/absente":
                self.answer(404)
            case "/supprimee":
                self.answer(410)
            case "/lente":
                time.sleep(SLOW_SECONDS)
                self.answer(200)
            case "/sans-head":
                self.answer(405 if self.command == "HEAD" else 200, body=b"ok")
            case _:
                self.answer(500)


@pytest.fixture
def site():
    Site.requests = []
    with http_server(Site) as address:
        yield address


def check(**options):
    out = StringIO()
    arguments = {"timeout": TIMEOUT, "portal_url": "https://portail.example.fr/", **options}
    call_command(
        "check_resource_links",
        *[f"--{k.replace('_', '-')}={v}" for k, v in arguments.items()],
        stdout=out,
    )
    return out.getvalue()


def resource_at(address, path, **fields):
    return ResourceFactory(url=f"{address}{path}", **fields)


def test_each_answer_is_recorded(site):
    resources = {
        path: resource_at(site, path)
        for path in [
            "/ok",
            "/ancienne",
            "/absente",
            "/supprimee",
            "/lente",
            "/sans-head",
            "/prive/page",
            "/boucle",
        ]
    }
    before = timezone.now()
    output = check()
    seen = {path: Resource.objects.get(pk=r.pk) for path, r in resources.items()}
    recorded = {
        path: (row.link_status, row.link_error, row.link_working_at is not None)
        for path, row in seen.items()
    }
    assert recorded == {
        "/ok": (200, "", True),
        "/ancienne": (200, "", True),
        "/absente": (404, "page introuvable", False),
        "/supprimee": (410, "page supprimée", False),
        "/lente": (None, links.TIMEOUT, False),
        "/sans-head": (200, "", True),
        "/prive/page": (None, links.FORBIDDEN_BY_ROBOTS, False),
        "/boucle": (302, links.TOO_MANY_REDIRECTS, False),
    }
    assert all(row.link_checked_at >= before for row in seen.values())
    assert "8 adresse(s) vérifiée(s) : 3 fonctionne(nt), 5 en échec." in output
    assert f"{site}/absente : page introuvable (404)" in output
    # robots.txt read once for the host, the forbidden path never asked for.
    paths = [(method, path) for method, path, _agent in Site.requests]
    assert paths.count(("GET", "/robots.txt")) == 1
    assert not any(path.startswith("/prive/") for _method, path in paths)
    # HEAD first, then GET only where HEAD was refused.
    assert ("GET", "/ok") not in paths
    assert [m for m, p in paths if p == "/sans-head"] == ["HEAD", "GET"]
    agents = {agent for _method, _path, agent in Site.requests}
    assert agents == {
        "DeffinumPortail/1.0 (+https://portail.example.fr/; vérification des liens des "
        "productions partagées)"
    }


def test_a_check_keeps_the_resource_facts_and_history(site):
    resource = resource_at(site, "/ok")
    version, updated_at = resource.version, Resource.objects.get(pk=resource.pk).updated_at
    history = resource.history.count()
    check()
    resource.refresh_from_db()
    assert resource.link_status == 200
    assert (resource.version, resource.updated_at, resource.history.count()) == (
        version,
        updated_at,
        history,
    )


def test_a_failure_keeps_when_the_link_last_worked(site):
    worked = timezone.now() - timedelta(days=30)
    resource = resource_at(site, "/supprimee", link_working_at=worked)
    check()
    resource.refresh_from_db()
    assert (resource.link_status, resource.link_working_at) == (410, worked)


def test_unpublished_and_addressless_resources_are_not_checked(site):
    hidden = resource_at(site, "/ok", is_published=False)
    empty = ResourceFactory(url="")
    check()
    for resource in (hidden, empty):
        resource.refresh_from_db()
        assert resource.link_checked_at is None
    assert not Site.requests


def test_an_address_shared_by_two_resources_is_asked_for_once(site):
    first, second = resource_at(site, "/ok"), resource_at(site, "/ok")
    check()
    assert [p for _m, p, _a in Site.requests].count("/ok") == 1
    assert Resource.objects.filter(pk__in=[first.pk, second.pk], link_status=200).count() == 2


def test_an_unreachable_host_is_recorded():
    resource = ResourceFactory(url="http://127.0.0.1:9/page")  # the discard port: nothing listens
    check()
    resource.refresh_from_db()
    assert (resource.link_status, resource.link_error) == (None, links.UNREACHABLE)


@pytest.mark.parametrize(
    "option", [{"workers": "0"}, {"workers": "99"}, {"timeout": "0"}, {"max_redirects": "-1"}]
)
def test_bad_options_are_refused_in_french(option):
    with pytest.raises(CommandError, match="doit être compris entre"):
        check(**option)


# The public page ------------------------------------------------------------------------------


def page_of(client, resource):
    return client.get(resource.get_absolute_url()).content.decode()


def test_the_page_says_when_the_link_was_last_seen_working(client):
    resource = ResourceFactory(
        url="https://exemple.fr/module",
        link_checked_at=timezone.make_aware(timezone.datetime(2026, 11, 3, 4)),
        link_status=200,
        link_working_at=timezone.make_aware(timezone.datetime(2026, 11, 3, 4)),
    )
    assert "Lien vérifié le 3 novembre 2026." in page_of(client, resource)


def test_the_page_says_since_when_the_link_fails(client):
    resource = ResourceFactory(
        url="https://exemple.fr/module",
        link_checked_at=timezone.make_aware(timezone.datetime(2026, 11, 3, 4)),
        link_status=404,
        link_error="page introuvable",
        link_working_at=timezone.make_aware(timezone.datetime(2026, 10, 1, 4)),
    )
    text = " ".join(page_of(client, resource).split())
    assert (
        "Ce lien ne répond plus depuis le 1 octobre 2026 (statut 404 : page introuvable, "
        "vérifié le 3 novembre 2026)." in text
    )


def test_the_page_says_a_timeout_without_status(client):
    resource = ResourceFactory(
        url="https://exemple.fr/module",
        link_checked_at=timezone.make_aware(timezone.datetime(2026, 11, 3, 4)),
        link_error=links.TIMEOUT,
    )
    text = " ".join(page_of(client, resource).split())
    assert (
        "Ce lien n'a jamais répondu lors de nos vérifications (pas de réponse dans le délai, "
        "vérifié le 3 novembre 2026)." in text
    )


def test_the_page_says_nothing_of_a_link_never_checked(client):
    text = page_of(client, ResourceFactory(url="https://exemple.fr/module"))
    assert "https://exemple.fr/module" in text
    assert "vérifié" not in text and "ne répond plus" not in text


def test_the_page_says_a_link_robots_forbid_was_not_checked(client):
    resource = ResourceFactory(
        url="https://exemple.fr/module",
        link_checked_at=timezone.make_aware(timezone.datetime(2026, 11, 3, 4)),
        link_error=links.FORBIDDEN_BY_ROBOTS,
    )
    assert "Lien non vérifié le 3 novembre 2026" in page_of(client, resource)
