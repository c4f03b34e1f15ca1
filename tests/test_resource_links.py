"""`manage.py check_resource_links` against a server of the test's own on 127.0.0.1 (issue 26):
what it records for each kind of answer, and what the resource's page then says. The checks
pass --allow-local, since 127.0.0.1 is refused otherwise (tested below)."""

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
    hosts = []  # the Host header of every request received

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
        Site.hosts.append(self.headers.get("Host"))
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
            case "/vers-local":
                self.answer(302, [("Location", f"http://127.0.0.1:{self.server.server_port}/ok")])
            case _:
                self.answer(500)


class SiteWithFailingRobots(Site):
    """The same pages, and a robots.txt answering `robots_status`."""

    robots_status = 503

    def route(self):
        if self.path != "/robots.txt":
            return super().route()
        Site.requests.append((self.command, self.path, self.headers.get("User-Agent")))
        self.answer(self.robots_status)


@pytest.fixture
def site():
    Site.requests, Site.hosts = [], []
    with http_server(Site) as address:
        yield address


def check(allow_local=True, **options):
    out = StringIO()
    arguments = {"timeout": TIMEOUT, "portal_url": "https://portail.example.fr/", **options}
    call_command(
        "check_resource_links",
        *[f"--{k.replace('_', '-')}={v}" for k, v in arguments.items()],
        *(["--allow-local"] if allow_local else []),
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


# Internal addresses ---------------------------------------------------------------------------


@pytest.fixture
def public_host(site, monkeypatch):
    """`public.test`, a name that stands for a public host and leads to the test's server."""
    addresses = links.LinkChecker.addresses

    def resolve(checker, host, port):
        return ["127.0.0.1"] if host == "public.test" else addresses(checker, host, port)

    monkeypatch.setattr(links.LinkChecker, "addresses", resolve)
    return site.replace("127.0.0.1", "public.test")


def test_a_local_address_is_refused_and_never_asked_for(site):
    resource = resource_at(site, "/ok")
    output = check(allow_local=False)
    resource.refresh_from_db()
    assert (resource.link_status, resource.link_error) == (None, links.INTERNAL_ADDRESS)
    assert f"{site}/ok : {links.INTERNAL_ADDRESS} (—)" in output
    assert not Site.requests


def test_a_redirect_to_a_local_address_is_refused_and_never_followed(public_host):
    resource = resource_at(public_host, "/vers-local")
    check(allow_local=False)
    resource.refresh_from_db()
    assert (resource.link_status, resource.link_error) == (None, links.INTERNAL_ADDRESS)
    # The public host asked for, with its own name; 127.0.0.1 (its robots.txt, /ok) never.
    assert [(m, p) for m, p, _a in Site.requests] == [
        ("GET", "/robots.txt"),
        ("HEAD", "/vers-local"),
    ]
    assert set(Site.hosts) == {public_host.removeprefix("http://")}


def test_a_public_host_is_checked_at_the_address_that_was_resolved(public_host):
    resource = resource_at(public_host, "/ancienne")
    check(allow_local=False)
    resource.refresh_from_db()
    assert (resource.link_status, resource.link_error) == (200, "")


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.100.100.200",
        "0.0.0.0",
        "224.0.0.1",
        "240.0.0.1",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "ff02::1",
        "::ffff:127.0.0.1",
        "::ffff:10.0.0.1",
    ],
)
def test_internal_addresses_are_recognised(address):
    assert links.is_internal(address)


@pytest.mark.parametrize("address", ["93.184.215.14", "2606:4700:4700::1111"])
def test_public_addresses_are_not_internal(address):
    assert not links.is_internal(address)


def test_an_internal_ipv6_literal_is_refused():
    resource = ResourceFactory(url="http://[::1]:9/page")
    check(allow_local=False)
    resource.refresh_from_db()
    assert (resource.link_status, resource.link_error) == (None, links.INTERNAL_ADDRESS)


# robots.txt that fails ------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 503])
def test_a_failing_robots_txt_records_its_status_not_a_robots_refusal(status, monkeypatch):
    monkeypatch.setattr(SiteWithFailingRobots, "robots_status", status)
    Site.requests = []
    with http_server(SiteWithFailingRobots) as address:
        resource = resource_at(address, "/ok")
        check()
    resource.refresh_from_db()
    assert (resource.link_status, resource.link_error) == (status, "erreur du serveur")
    # Nothing of the site asked for beyond its robots.txt (RFC 9309: complete disallow).
    assert [p for _m, p, _a in Site.requests] == ["/robots.txt"]


@pytest.mark.parametrize("status", [401, 403, 404, 410])
def test_an_unavailable_robots_txt_allows_everything(status, monkeypatch):
    monkeypatch.setattr(SiteWithFailingRobots, "robots_status", status)
    Site.requests = []
    with http_server(SiteWithFailingRobots) as address:
        resource = resource_at(address, "/prive/page")
        check()
    resource.refresh_from_db()
    assert (resource.link_status, resource.link_error) == (200, "")


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
