"""Replaying the register (API Recherche d'entreprises) without the network: the answers of
tests/register_responses/ (built from its OpenAPI description, see its README), served by
`responses`, which intercepts every request made with `requests`. A request that no test
registered is answered by `responses` with a connection error, and `replayed()` then fails the
test: nothing reaches the network, and nothing tries to silently."""

import json
from contextlib import contextmanager
from pathlib import Path

import responses
from responses import matchers

from laureats.register import client

FOLDER = Path(__file__).parent / "register_responses"
# Where the tests send the register's requests (tests/conftest.py): an address that cannot
# resolve, so that a request the replay does not answer can never reach the real service.
API = "https://recherche-entreprises.invalid/search"


def answer(name):
    return json.loads((FOLDER / name).read_text(encoding="utf-8"))


def query(**params):
    """A matcher of the request's query string: these parameters, among others."""
    return matchers.query_param_matcher(
        {key: str(value) for key, value in params.items()}, strict_match=False
    )


@contextmanager
def replayed(monkeypatch, waits=None):
    """Requests replayed, the rate limit and the 429 waits recorded in `waits` (seconds)
    instead of slept."""
    waits = [] if waits is None else waits
    monkeypatch.setattr(client, "pause", waits.append)
    monkeypatch.setattr(
        client, "THROTTLE", client.Throttle(client.MAX_PER_SECOND, sleep=waits.append)
    )
    with responses.RequestsMock() as mock:
        yield mock
        unplanned = [call.request.url for call in mock.calls if not_replayed(call)]
        assert unplanned == [], (
            f"requête non rejouée (elle serait partie sur le réseau) : {unplanned}"
        )


def not_replayed(call):
    # What `responses` answers to a request no test registered (a failure a test registers on
    # purpose, a timeout, says something else).
    return "Connection refused by Responses" in str(call.response)
