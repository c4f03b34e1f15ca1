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
