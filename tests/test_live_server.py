"""The live server the browser tests drive (pytest-django's) reads the test database through
connections of its own threads, never through the test's connection (tests/conftest.py,
`django_db_modify_db_settings`)."""

import threading
import urllib.request

import pytest
from django.db import connection

from .factories import make_laureate


@pytest.mark.django_db(transaction=True)
def test_the_live_server_never_queries_through_the_tests_connection(
    django_db_setup, live_server, reference_data
):
    # The test database first, then the live server, as in a whole run (where database tests
    # come before the first browser test): on an in-memory SQLite database, Django then gives
    # the server's threads the test's own connection. SQLite's French collation calls back into
    # Python while holding that connection's lock: a thread reading rows (holding the
    # interpreter's lock) and a thread sorting (holding SQLite's) then wait for each other for
    # ever, beyond any timeout; CI once spent its 90 minutes so.
    for number in range(3):
        make_laureate(name=f"Lauréat {number}", slug=f"laureat-{number}")
    threads = []

    def record(execute, sql, params, many, context):
        threads.append(threading.current_thread())
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        with urllib.request.urlopen(f"{live_server.url}/laureats/?tri=nom", timeout=30) as page:
            assert page.status == 200
        assert connection.cursor().execute("SELECT 1").fetchone() == (1,)
    # The test's own query went through its connection; none of the server's did.
    assert threads == [threading.main_thread()]
