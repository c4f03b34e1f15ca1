"""Real-browser tests: Debian's Chromium, driven by Playwright, against pytest-django's live
server. They run in `make test` like every other test; without Chromium they fail and say how to
install it (`make browser`)."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

# Playwright's sync API runs an event loop in the test thread, where Django then refuses ORM
# calls (SynchronousOnlyOperation). Nothing else runs in that thread: the calls are safe.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
SCREENSHOTS = Path(__file__).resolve().parent.parent / "screenshots"
WIDTHS = [375, 1280]
PASSWORD = "un mot de passe solide"


def pytest_collection_modifyitems(items):
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(item.fspath).resolve().parents:
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"Chromium est introuvable ({CHROMIUM}) : les tests dans un vrai navigateur "
            "(tests/e2e) en ont besoin. Installez-le avec `make browser` (paquet Debian "
            "chromium), ou indiquez son chemin dans CHROMIUM_PATH.",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh tab at desktop width, whose address is relative to the live server, and which
    fails the test if the browser reports a Content-Security-Policy violation or a script
    error."""
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 800},
        locale="fr-FR",
        accept_downloads=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = []
    page.on(
        "console",
        lambda message: (
            message.type in {"error", "warning"}
            and ("Content Security Policy" in message.text or "Permissions-Policy" in message.text)
            and problems.append(f"console {message.type}: {message.text}")
        ),
    )
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    yield page
    context.close()
    assert not problems, "\n".join(problems)


@pytest.fixture
def portal_data(transactional_db):
    """The shipped regions and sectors, and the made-up sample catalogue (tests/factories.py).

    Never the shipped laureates: entering a real one must change no browser test (issue 12).
    """
    from ..factories import build_sample_catalogue

    call_command("loaddata", "regions", "sectors", verbosity=0)
    return build_sample_catalogue()


@pytest.fixture
def staff_user(transactional_db, django_user_model, settings):
    # A fast hasher: each login through the form would otherwise cost a second of PBKDF2.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return django_user_model.objects.create_superuser(
        username="admin", email="admin@example.org", password=PASSWORD
    )


def accessibility_problems(page, impacts=("serious", "critical")):
    """axe-core on the page as shown: one readable line per violation of the given impacts."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"resultTypes": ["violations"]})
    lines = []
    for violation in results.response["violations"]:
        if violation["impact"] not in impacts:
            continue
        lines.append(f"[{violation['impact']}] {violation['id']} : {violation['help']}")
        for node in violation["nodes"][:5]:
            lines.append(f"    {' > '.join(map(str, node['target']))} : {node['html'][:160]}")
    return lines


def screenshot(page, name):
    SCREENSHOTS.mkdir(exist_ok=True)
    width = page.viewport_size["width"]
    page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)


def assert_readable_at_every_width(page, name):
    """At each of WIDTHS: a screenshot first (a person looks at them even when a check fails),
    then no serious or critical axe violation and nothing wider than the screen."""
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        screenshot(page, name)
        problems += [f"{width} px : {line}" for line in accessibility_problems(page)]
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            problems.append(f"{width} px : la page déborde de {overflow} px en largeur")
    if problems:
        pytest.fail(f"{page.url}\n" + "\n".join(problems), pytrace=False)


def session_cookie(base_url, user):
    """The cookie of a session logged in as `user`, for a browser that skips the login form."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return [{"name": cookie.key, "value": cookie.value, "url": base_url}]


def send_form(page, button="Envoyer la proposition"):
    """Sends the form and waits for the page the server answers: without the wait, the test
    could read the old page, or the new one before the browser focused its summary."""
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def summary_on_first_screen_and_focused(page, viewport):
    """The error summary has the focus (autofocus, which the browser applies once the page is
    parsed: waited for) and lies wholly inside the screen shown after the submission."""
    page.wait_for_function("document.activeElement && document.activeElement.id === 'erreurs'")
    box = page.locator(".error-summary").bounding_box()
    scroll = page.evaluate("window.scrollY")
    assert box["y"] >= scroll
    assert box["y"] + box["height"] <= scroll + viewport["height"], (box, scroll)
