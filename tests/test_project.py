import ast
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command


@pytest.mark.django_db
def test_no_pending_migrations():
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_system_checks_pass():
    call_command("check", stdout=StringIO())


def test_migrate_creates_the_sqlite_folder_of_a_fresh_clone(tmp_path):
    # A fresh clone has no var/ folder: the default SQLite database must still be creatable.
    database = tmp_path / "var" / "deffinum.sqlite3"
    environment = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert database.exists()


TESTS = Path(__file__).resolve().parent
# The shipped laureates and figures are read by tests/test_real_data.py alone; tests/conftest.py
# defines the fixture that loads them.
SHIPPED_DATA_READERS = {"test_real_data.py", "conftest.py"}
# This module names them to find them.
SHIPPED_DATA_NAMERS = {"test_project.py"}
# What loads the shipped laureates or figures: the command and the fixture files.
SHIPPED_DATA = {"load_real_data", "laureates", "programme_figures"}
SHIPPED_FILES = {"laureats-modele.csv", "laureates.json", "programme_figures.json"}


def loads_shipped_data(node):
    """Whether this call runs a command or loads a fixture file of the shipped data."""
    name = getattr(node.func, "attr", getattr(node.func, "id", ""))
    return name in {"call_command", "usefixtures"} and any(
        isinstance(argument, ast.Constant) and argument.value in SHIPPED_DATA
        for argument in node.args
    )


def shipped_data_fixtures():
    """The fixtures of tests/conftest.py that load the shipped data, found by what they call:
    a new one is caught as well as the existing one."""
    tree = ast.parse((TESTS / "conftest.py").read_text())
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef)
        and any(isinstance(call, ast.Call) and loads_shipped_data(call) for call in ast.walk(node))
    }


def shipped_data_uses(path, fixtures):
    """Lines of `path` that request one of `fixtures` or load the shipped laureates or figures."""
    lines = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            arguments = node.args.posonlyargs + node.args.args + node.args.kwonlyargs
            lines += [node.lineno for argument in arguments if argument.arg in fixtures]
        elif isinstance(node, ast.Call):
            if loads_shipped_data(node) or (
                getattr(node.func, "attr", "") == "usefixtures"
                and any(
                    isinstance(argument, ast.Constant) and argument.value in fixtures
                    for argument in node.args
                )
            ):
                lines.append(node.lineno)
        elif isinstance(node, ast.Constant) and node.value in SHIPPED_FILES:
            # The import template holds the real laureates too: reading it is reading them.
            lines.append(node.lineno)
    return lines


def test_only_test_real_data_reads_the_shipped_laureates():
    """Entering a sourced laureate in fixtures/ must change no other test (issue 12)."""
    fixtures = shipped_data_fixtures()
    assert fixtures, "tests/conftest.py no longer has a fixture that loads the shipped data"
    users = {}
    for path in sorted(TESTS.rglob("*.py")):
        if lines := shipped_data_uses(path, fixtures):
            users[str(path.relative_to(TESTS))] = lines
    unexpected = {
        module: lines
        for module, lines in users.items()
        if module not in SHIPPED_DATA_READERS | SHIPPED_DATA_NAMERS
    }
    assert not unexpected, (
        "Build the data with tests/factories.py (or the `sample_catalogue` fixture); only "
        f"tests/test_real_data.py reads the shipped laureates: {unexpected}"
    )


HUNG_TEST = """
import threading


def test_waits_for_an_event_that_never_comes():
    threading.Event().wait()


def test_after_it():
    pass
"""


def test_a_test_that_waits_for_ever_fails_and_says_where(tmp_path, pytestconfig):
    # CI once spent its 90 minutes on a test that never ended, and printed nothing of it.
    assert 0 < float(pytestconfig.getini("timeout")) <= 600
    (tmp_path / "test_hung.py").write_text(HUNG_TEST)
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:randomly", "-o", "timeout=2", str(tmp_path)],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(settings.BASE_DIR)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert "1 failed, 1 passed" in result.stdout, result.stdout[-3000:]
    assert "Timeout" in result.stdout
    # The stack shows the line that waited.
    assert "threading.Event().wait()" in result.stdout
