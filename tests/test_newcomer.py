"""What a newcomer notices first: the favicon, the development server's log, the README."""

import logging
import re
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


@pytest.mark.django_db
def test_favicon_ico_is_served(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    # An ICO header with one image.
    assert response.content[:6] == b"\x00\x00\x01\x00\x01\x00"
    assert "max-age" in response["Cache-Control"]


def printing_handlers(name):
    """The stream handlers a record of logger `name` goes through, as configured by LOGGING
    (pytest's own capture handlers left out)."""
    logger, handlers = logging.getLogger(name), []
    while logger:
        handlers += [h for h in logger.handlers if type(h) is logging.StreamHandler]
        if not logger.propagate:
            break
        logger = logger.parent
    return handlers


@pytest.mark.parametrize("name", ["django.request", "django.security.csrf", "laureats.views"])
def test_a_log_record_is_printed_once(name):
    assert len(printing_handlers(name)) == 1


def test_development_server_request_lines_keep_their_format():
    (handler,) = printing_handlers("django.server")
    assert handler.formatter and "server_time" in handler.formatter._fmt
    assert logging.getLogger("django.server").getEffectiveLevel() == logging.INFO


@pytest.mark.parametrize(
    "document", ["README.md", *(path.relative_to(ROOT) for path in (ROOT / "docs").glob("*.md"))]
)
def test_documentation_links_work_from_a_clone(document):
    path = ROOT / document
    text = path.read_text()
    for target in re.findall(r"\]\(([^)#]+)\)", text):
        if "://" in target:
            continue
        assert (path.parent / target).resolve().is_relative_to(ROOT), target
        assert (path.parent / target).exists(), target


@pytest.mark.django_db
def test_api_documentation_says_its_language_and_what_it_is(client):
    html = client.get("/api/docs/").content.decode()
    assert '<html lang="fr">' in html
    assert '<meta name="description" content="Documentation interactive de l' in html
    assert "<h1>Documentation de l&#x27;API du portail Deffinum</h1>" in html
    # Swagger UI's large bundle is named for the console's button, not loaded with the page.
    assert "swagger-ui-bundle.js" in html
    assert '<script src="/static/drf_spectacular_sidecar' not in html
    assert '<div id="swagger-ui"></div>' in html


# make run: where things are, and the portal's own 404 -----------------------------------------


@pytest.mark.django_db
def test_make_run_says_where_the_portal_and_the_admin_are(settings):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("welcome", port=8123, stdout=out)
    text = out.getvalue()
    assert "http://127.0.0.1:8123/\n" in text
    assert "http://127.0.0.1:8123/admin/\n" in text
    assert "DEBUG=1 .venv/bin/python manage.py createsuperuser" in text
    assert "aucun administrateur" in text


def test_make_run_prints_the_addresses_before_serving():
    import subprocess

    # -n: the commands `make run` would run, none run.
    commands = subprocess.run(
        ["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    assert "manage.py welcome --port 8123" in commands
    assert commands.index("manage.py welcome") < commands.index("manage.py runserver")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/nimporte-quoi/", "/laureats/aucun-laureat/", "/en/nowhere/"])
def test_a_wrong_address_under_make_run_shows_the_portals_404(client, settings, path):
    settings.DEBUG = True  # as `make run` serves
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert "Retour à l'accueil" in html or "Back to the home page" in html
    assert "URLconf" not in html


@pytest.mark.django_db
def test_a_developer_asks_for_djangos_technical_404(client, settings):
    settings.DEBUG = True
    settings.TECHNICAL_404 = True
    response = client.get("/nimporte-quoi/")
    assert response.status_code == 404
    assert "URLconf" in response.content.decode()


@pytest.mark.django_db
def test_the_portals_404_under_make_run_still_adds_the_slash(client, settings):
    settings.DEBUG = True
    response = client.get("/laureats")
    assert response.status_code == 301
    assert response["Location"] == "/laureats/"
