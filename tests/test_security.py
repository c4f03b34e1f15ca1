import os
import secrets
import subprocess
import sys
from html import unescape
from io import StringIO
from pathlib import Path
from unittest import mock

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.utils import OperationalError
from django.urls import reverse

from .factories import OrganisationFactory, make_laureate

BASE_DIR = Path(__file__).resolve().parent.parent

# The production variables README and .env.example document, minus the secret.
PRODUCTION_ENV = {
    "DEBUG": "0",
    "ALLOWED_HOSTS": "portail.example.fr",
    "SECURE_SSL_REDIRECT": "1",
    "SECURE_HSTS_SECONDS": "31536000",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
    "SECURE_HSTS_PRELOAD": "1",
}


def manage(*args, **env):
    """Runs manage.py in a fresh interpreter, so that settings are read from `env` as in
    production (in-process, pytest has already imported them)."""
    clean = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    # Set by the browser tests for their own thread; check --deploy rightly refuses it.
    for name in ["SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE"]:
        clean.pop(name, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_check_deploy_is_clean_with_the_documented_production_variables():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(50),
        **PRODUCTION_ENV,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_passes_in_process_with_production_settings(settings, monkeypatch):
    monkeypatch.delenv("DJANGO_ALLOW_ASYNC_UNSAFE", raising=False)
    settings.DEBUG = False
    settings.SECRET_KEY = secrets.token_urlsafe(50)
    settings.ALLOWED_HOSTS = ["portail.example.fr"]
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    # Cookie security is left as the settings made it: on, since DEBUG is off.
    call_command("check", "--deploy", "--fail-level", "WARNING", stdout=StringIO())


def test_every_production_variable_is_documented():
    documented = "".join(
        (BASE_DIR / name).read_text()
        for name in [".env.example", "README.md", "docs/deployment.md"]
    )
    for name in [*PRODUCTION_ENV, "SECRET_KEY", "SECURE_PROXY_SSL_HEADER", "CONTACT_EMAIL"]:
        assert name in documented, name


def test_check_deploy_complains_without_https_settings(settings):
    settings.SECURE_SSL_REDIRECT = False
    with pytest.raises(SystemCheckError, match=r"security\.W008"):
        call_command(
            "check", "--deploy", "--fail-level", "WARNING", stdout=StringIO(), stderr=StringIO()
        )


def test_the_admin_address_comes_from_the_environment():
    result = manage(
        "shell",
        "-c",
        "from django.urls import reverse; print(reverse('admin:index'))",
        DEBUG="1",
        ADMIN_URL="gestion-7f3a/",
    )
    assert result.stdout.strip().splitlines()[-1] == "/gestion-7f3a/", result.stderr


# Headers -------------------------------------------------------------------------------------

PAGES = [
    "laureats:home",
    "laureats:laureate-list",
    "laureate-detail",
    "admin:login",
    "not-found",
]


def page_url(name):
    if name == "laureate-detail":
        return reverse("laureats:laureate-detail", args=["chantier-numerique-fictif"])
    if name == "not-found":
        return "/laureats/ce-laureat-n-existe-pas/"
    return reverse(name)


@pytest.mark.parametrize("name", PAGES)
def test_every_response_carries_the_security_headers(client, sample_catalogue, name):
    client.get(page_url(name))
    # The second answer may come from the page cache: it must carry the headers too.
    response = client.get(page_url(name))
    assert response.status_code in {200, 404}
    policy = dict(
        directive.strip().split(" ", 1)
        for directive in response["Content-Security-Policy"].split(";")
    )
    assert policy["script-src"] == "'self'"
    assert "unsafe-inline" not in policy.get("style-src", "")
    assert policy["frame-ancestors"] == "'none'"
    assert policy["object-src"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    # Plain HTTP in tests: HSTS only makes sense over HTTPS.
    assert "Strict-Transport-Security" not in response


def test_hsts_is_sent_over_https(client, settings, sample_catalogue):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    settings.SECURE_HSTS_PRELOAD = True
    response = client.get(reverse("laureats:home"), secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"


def test_https_redirect_spares_the_health_check(client, settings, db):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get(reverse("laureats:home")).status_code == 301
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_secure_and_http_only(client, admin_user):
    login_page = client.get(reverse("admin:login"))
    csrf = login_page.cookies["csrftoken"]
    assert csrf["secure"] and csrf["httponly"]
    response = client.post(
        reverse("admin:login"), {"username": "admin", "password": "un mot de passe solide"}
    )
    assert response.status_code == 302
    session = response.cookies["sessionid"]
    assert session["secure"] and session["httponly"]


# Admin login throttling ------------------------------------------------------------------------


def post_login(client, password, username="admin"):
    return client.post(reverse("admin:login"), {"username": username, "password": password})


@pytest.mark.django_db
def test_admin_login_locks_after_five_failures_with_a_french_message(client, admin_user):
    for _ in range(4):
        response = post_login(client, "mauvais")
        assert response.status_code == 200
        assert "Veuillez compléter correctement" in unescape(response.content.decode())
    response = post_login(client, "mauvais")
    assert response.status_code == 429
    body = unescape(response.content.decode())
    assert "Connexion temporairement bloquée" in body
    assert "30 minutes" in body
    assert "Portail Deffinum" in body  # the site's own layout
    # Even the right password is refused now, for this username from this address.
    assert post_login(client, "un mot de passe solide").status_code == 429
    # Another username from the same address is not locked.
    assert post_login(client, "mauvais", username="quelquun").status_code == 200


@pytest.mark.django_db
def test_a_successful_login_resets_the_failure_count(client, admin_user):
    for _ in range(4):
        post_login(client, "mauvais")
    assert post_login(client, "un mot de passe solide").status_code == 302
    client.logout()
    for _ in range(4):
        assert post_login(client, "mauvais").status_code == 200


@pytest.mark.django_db
def test_lockout_counts_the_address_the_proxy_saw(client, admin_user, settings):
    settings.NUM_PROXIES = 1
    for _ in range(5):
        client.post(
            reverse("admin:login"),
            {"username": "admin", "password": "mauvais"},
            HTTP_X_FORWARDED_FOR="203.0.113.7",
        )
    other_visitor = client.post(
        reverse("admin:login"),
        {"username": "admin", "password": "un mot de passe solide"},
        HTTP_X_FORWARDED_FOR="198.51.100.2",
    )
    assert other_visitor.status_code == 302


@pytest.mark.django_db
def test_test_client_login_still_works_with_throttling(client, admin_user):
    assert client.login(username="admin", password="un mot de passe solide")
    assert client.get(reverse("admin:index")).status_code == 200


@pytest.mark.django_db
def test_the_admin_is_for_staff_only(client, django_user_model):
    user = django_user_model.objects.create_user(username="visiteur", password="mot de passe 1")
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]


# Escaping --------------------------------------------------------------------------------------

HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


@pytest.mark.django_db
def test_admin_supplied_text_is_never_rendered_as_html(client, reference_data):
    organisation = OrganisationFactory(name=f"Organisation {HOSTILE}")
    laureate = make_laureate(
        name=f"Projet {HOSTILE}",
        acronym=HOSTILE[:30],
        summary=HOSTILE,
        description=f"Première ligne\n\n{HOSTILE}",
        data_note=HOSTILE,
        lead=organisation,
    )
    for url in [
        laureate.get_absolute_url(),
        organisation.get_absolute_url(),
        reverse("laureats:laureate-list"),
        reverse("laureats:organisation-list"),
        reverse("laureats:site-map"),
    ]:
        body = client.get(url).content.decode()
        assert "<script>alert" not in body, url
        assert "<img src=x" not in body, url
    # Descriptions are plain text: line breaks become paragraphs, nothing else.
    detail = client.get(laureate.get_absolute_url()).content.decode()
    assert "<p>Première ligne</p>" in detail


def test_templates_never_switch_escaping_off():
    offenders = []
    for path in (BASE_DIR / "templates").rglob("*.html"):
        text = path.read_text()
        for marker in ["|safe", "autoescape off", "|safeseq"]:
            if marker in text:
                offenders.append(f"{path.relative_to(BASE_DIR)}: {marker}")
    assert not offenders, offenders


# Error pages and health check ----------------------------------------------------------------


@pytest.mark.django_db
def test_unknown_laureate_gets_the_friendly_404(client, reference_data):
    response = client.get("/laureats/ce-laureat-n-existe-pas/")
    assert response.status_code == 404
    body = unescape(response.content.decode())
    assert "Page introuvable" in body
    assert "Portail Deffinum" in body
    assert '<meta name="robots" content="noindex">' in body
    assert 'rel="canonical"' not in body


def test_a_disallowed_host_gets_the_friendly_400(client):
    response = client.get("/", HTTP_HOST="pirate.example")
    assert response.status_code == 400
    assert "Demande incorrecte" in unescape(response.content.decode())


@pytest.mark.django_db
def test_a_form_without_its_token_gets_the_friendly_403(admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("admin:login"), {"username": "admin", "password": "x"})
    assert response.status_code == 403
    assert "Le formulaire n'a pas pu être vérifié" in unescape(response.content.decode())


def test_403_page_renders_in_the_site_style(rf):
    from django.core.exceptions import PermissionDenied
    from django.views.defaults import permission_denied

    response = permission_denied(rf.get("/"), PermissionDenied())
    assert response.status_code == 403
    body = unescape(response.content.decode())
    assert "Accès refusé" in body and "Portail Deffinum" in body


def test_500_page_renders_without_a_database(client):
    # No `db` fixture: pytest-django refuses every query, as a database that is down would.
    client.raise_request_exception = False
    response = client.get(reverse("laureats:home"))
    assert response.status_code == 500
    body = unescape(response.content.decode())
    assert "Le portail a rencontré une erreur" in body
    assert "Portail Deffinum" in body
    assert "site.css" in body


@pytest.mark.django_db
def test_healthz_answers_ok_with_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "cache": "ok"}
    assert "no-store" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_down(client):
    with mock.patch.object(
        BaseDatabaseWrapper, "ensure_connection", side_effect=OperationalError("down")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "error"
    assert "no-store" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_is_outside_the_language_prefix(client):
    assert client.get("/en/healthz").status_code == 404


def test_management_commands_run_without_a_secret_key():
    result = manage("check")
    assert result.returncode == 0, result.stderr


@pytest.mark.parametrize("server", ["deffinum.wsgi", "deffinum.asgi"])
def test_the_server_refuses_to_start_without_a_secret_key(server):
    clean = {key: value for key, value in os.environ.items() if key not in PRODUCTION_ENV}
    for name in ["SECRET_KEY", "DEBUG"]:
        clean.pop(name, None)
    result = subprocess.run(
        [sys.executable, "-c", f"import {server}"],
        cwd=BASE_DIR,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "SECRET_KEY doit être définie" in result.stderr
