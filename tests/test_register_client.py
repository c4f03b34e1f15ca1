"""The register's client: what it asks, and every way the service can fail, each ending in
one French message (RegisterError) that says nothing was changed. The answers are replayed
from tests/register_responses/ (built from the OpenAPI description, not recorded)."""

import ast

import pytest
import requests
import responses

from laureats.register import client
from laureats.register.client import RegisterClient, RegisterError, Throttle

from .register_replay import API, answer, not_replayed, query, replayed

SIREN = "356000000"


@pytest.fixture
def register(monkeypatch):
    waits = []
    with replayed(monkeypatch, waits) as mock:
        mock.waits = waits
        yield mock


def test_a_siren_is_asked_directly_and_its_legal_unit_returned(register):
    register.get(
        API,
        json=answer("by_siren.json"),
        match=[query(q=SIREN, per_page=1, minimal="true", include=client.INCLUDED)],
    )
    result = RegisterClient().by_identifier(SIREN)
    assert result["nom_raison_sociale"] == "LA POSTE"
    assert "deffinum" in register.calls[0].request.headers["User-Agent"]


def test_an_unknown_siren_is_none(register):
    register.get(API, json=answer("no_result.json"))
    assert RegisterClient().by_identifier("732829320") is None


def test_a_name_gives_candidates_in_the_commune_else_the_region(register):
    register.get(
        API,
        json=answer("candidates.json"),
        match=[query(q="Association de formation", code_commune="13055", per_page=10)],
    )
    register.get(API, json=answer("candidates.json"), match=[query(region="93")])
    found = RegisterClient().candidates("Association de formation", "13055", "93")
    assert [result["siren"] for result in found] == ["900000001", SIREN, "910000009"]
    assert len(RegisterClient().candidates("Association de formation", "", "93")) == 3
    assert "code_commune" not in register.calls[1].request.url


@pytest.mark.parametrize(
    ("failure", "message"),
    [
        (requests.ConnectionError("refused"), "injoignable"),
        (requests.ConnectTimeout("slow"), "pas répondu à temps"),
        (requests.ReadTimeout("slow"), "pas répondu à temps"),
    ],
)
def test_a_service_down_or_slow_is_one_french_error(register, failure, message):
    register.get(API, body=failure)
    with pytest.raises(RegisterError, match=message) as error:
        RegisterClient().by_identifier(SIREN)
    assert "rien n'a été modifié" in str(error.value)


def test_the_requests_have_timeouts(monkeypatch):
    seen = {}

    class Session(requests.Session):
        def get(self, url, **kwargs):
            seen.update(kwargs)
            raise requests.ConnectionError

    with pytest.raises(RegisterError):
        RegisterClient(session=Session(), throttle=Throttle(1000, sleep=lambda s: None)).search(
            q=SIREN
        )
    connect, read = seen["timeout"]
    assert 0 < connect <= 5 and 0 < read <= 15


@pytest.mark.parametrize("status", [500, 502, 503])
def test_a_server_error_says_the_service_is_broken(register, status):
    register.get(API, status=status, body="<html>Bad gateway</html>")
    with pytest.raises(RegisterError, match=f"en panne \\(erreur {status}\\)"):
        RegisterClient().by_identifier(SIREN)


def test_a_refused_search_gives_the_services_reason(register):
    register.get(API, status=400, json=answer("bad_request.json"))
    with pytest.raises(RegisterError, match="au moins un paramètre de recherche"):
        RegisterClient().candidates("x")


def test_a_429_is_retried_after_the_wait_the_service_asks(register):
    register.get(API, status=429, headers={"Retry-After": "2"})
    register.get(API, json=answer("by_siren.json"))
    assert RegisterClient().by_identifier(SIREN)["siren"] == SIREN
    assert len(register.calls) == 2
    assert 2.0 in register.waits


def test_a_retry_after_date_is_honoured(register):
    register.get(API, status=429, headers={"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"})
    register.get(API, json=answer("by_siren.json"))
    assert RegisterClient().by_identifier(SIREN)
    assert 0.0 in register.waits  # a date already past: no wait


def test_429_after_every_retry_is_one_french_error(register):
    for _attempt in range(client.RETRIES_ON_429 + 1):
        register.get(API, status=429, headers={"Retry-After": "1"})
    with pytest.raises(RegisterError, match="429"):
        RegisterClient().by_identifier(SIREN)
    assert len(register.calls) == client.RETRIES_ON_429 + 1
    assert register.waits.count(1.0) == client.RETRIES_ON_429


def test_a_wait_too_long_is_not_waited(register):
    register.get(API, status=429, headers={"Retry-After": "3600"})
    with pytest.raises(RegisterError, match="429"):
        RegisterClient().by_identifier(SIREN)
    assert len(register.calls) == 1
    assert 3600.0 not in register.waits


@pytest.mark.parametrize(
    "body",
    [
        "<html>Maintenance</html>",
        '{"results": [',
        '"results"',
        '{"results": [{"nom_complet": "sans SIREN"}]}',
        '{"results": [{"siren": "356000000", "siege": "Paris"}]}',
    ],
)
def test_malformed_or_unexpected_json_is_one_french_error(register, body):
    register.get(API, body=body, content_type="application/json")
    with pytest.raises(RegisterError, match="réponse inattendue"):
        RegisterClient().by_identifier(SIREN)


def test_a_valid_json_that_is_not_a_payload_is_refused(register):
    register.get(API, json=answer("unexpected.json"))
    with pytest.raises(RegisterError, match="réponse inattendue"):
        RegisterClient().by_identifier(SIREN)


def test_the_rate_limit_spaces_every_request():
    now = [0.0]

    def sleep(seconds):
        now[0] += seconds

    throttle = Throttle(client.MAX_PER_SECOND, clock=lambda: now[0], sleep=sleep)
    starts = []
    for _request in range(15):
        throttle.wait()
        starts.append(now[0])
    assert client.MAX_PER_SECOND <= 7
    # In any second, at most the published 7 requests start.
    assert all(starts[i + 7] - starts[i] >= 1.0 for i in range(len(starts) - 7))
    assert starts[-1] == pytest.approx(14 / client.MAX_PER_SECOND)


def test_the_client_is_throttled_per_request(register):
    register.get(API, json=answer("no_result.json"))
    register.get(API, json=answer("no_result.json"))
    RegisterClient().by_identifier(SIREN)
    RegisterClient().by_identifier(SIREN)
    # The second request waited its turn (recorded rather than slept).
    assert any(0 < wait <= 1 / client.MAX_PER_SECOND for wait in register.waits)


def test_no_request_leaves_the_machine_in_the_tests():
    # With nothing registered, `responses` answers in place of the network: a connection
    # error, which the client reports; the test fixture would fail the test on it.
    with responses.RequestsMock() as mock:
        with pytest.raises(RegisterError, match="injoignable"):
            RegisterClient(throttle=Throttle(1000, sleep=lambda s: None)).by_identifier(SIREN)
        assert not_replayed(mock.calls[0])


def test_no_public_page_imports_the_register():
    # The register is asked from the admin and a command only: a public request never waits
    # on another service.
    from django.conf import settings

    importers = set()
    for path in (settings.BASE_DIR / "laureats").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and "register" in (node.module or "").split("."):
                importers.add(path.relative_to(settings.BASE_DIR).parts[1])
    assert importers <= {"admin", "management", "register"}


def test_outside_a_replay_a_request_fails_without_reaching_the_register():
    assert client.API_URL.startswith("https://recherche-entreprises.invalid/")
    with pytest.raises(RegisterError, match="injoignable"):
        RegisterClient(throttle=Throttle(1000, sleep=lambda s: None)).by_identifier(SIREN)
