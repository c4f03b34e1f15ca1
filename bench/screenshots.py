"""Screenshots of every public page type at phone and desktop widths, for a person to look at.

    .venv/bin/python bench/screenshots.py after            # the real data
    .venv/bin/python bench/screenshots.py after --synthetic  # plus 60 synthetic laureates

A throwaway SQLite database under var/ and a development server on a free port; the images go to
tests/screenshots/<prefix>-<page>-<width>.png (git-ignored). Nothing is asserted: the browser
tests (tests/e2e) do that.
"""

import argparse
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "screenshots"
PAGES = {
    "accueil": "/",
    "laureats": "/laureats/",
    "laureats-filtres": "/laureats/?secteur=construction-btp&portee=nationale",
    "laureat": "/laureats/e-deffinum/",
    "laureat-complet": "/laureats/creer-innover-hybrider-metiers-batiment/",
    "statistiques": "/statistiques/",
    "contribuer-champ": "/contribuer/?laureat=e-deffinum&champ=website",
    "organisation": "/organisations/ccca-btp/",
    "organisations": "/organisations/",
    "donnees": "/donnees/",
    "contribuer": "/contribuer/",
    "plan-du-site": "/plan-du-site/",
    "accessibilite": "/accessibilite/",
    "mentions-legales": "/mentions-legales/",
    "api-docs": "/api/docs/",
}
WIDTHS = [375, 1280]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("prefix")
    parser.add_argument("--synthetic", action="store_true")
    args = parser.parse_args()
    database = ROOT / "var" / f"screenshots-{args.prefix}.sqlite3"
    database.parent.mkdir(exist_ok=True)
    database.unlink(missing_ok=True)
    env = {**os.environ, "DEBUG": "1", "DATABASE_URL": f"sqlite:///{database}"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True)
    subprocess.run([*manage, "load_real_data", "-v0"], env=env, check=True)
    if args.synthetic:
        subprocess.run(
            [*manage, "generate_synthetic", "--laureates", "60", "--allow-real-data", "-v0"],
            env=env,
            check=True,
        )
    port = free_port()
    server = subprocess.Popen(
        [*manage, "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _attempt in range(100):
            try:
                urlopen(base + "/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        from playwright.sync_api import sync_playwright

        SHOTS.mkdir(exist_ok=True)
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"),
                args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            for width in WIDTHS:
                page = browser.new_page(viewport={"width": width, "height": 812}, locale="fr-FR")
                for name, path in PAGES.items():
                    page.goto(base + path)
                    suffix = "-synth" if args.synthetic else ""
                    target = SHOTS / f"{args.prefix}{suffix}-{name}-{width}.png"
                    page.screenshot(path=target, full_page=True)
                    print(target.relative_to(ROOT))
                page.close()
            browser.close()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
