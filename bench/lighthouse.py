"""`make lighthouse`: Lighthouse's four scores on every public page type, served as in production.

    .venv/bin/python bench/lighthouse.py                  # its own server, the real data
    .venv/bin/python bench/lighthouse.py --base http://127.0.0.1:8042   # a server already running

1. Installs Lighthouse and vnu-jar with npm, each in its own folder under var/lighthouse/npm/
   or LIGHTHOUSE_DIR (outside the project's dependencies: Node tools, used by hand).
2. Without --base: a throwaway SQLite database under var/ (migrate, load_real_data),
   collectstatic (hashed, compressed), and gunicorn with DEBUG off on a free port, as
   `make serve` runs it.
3. Runs Lighthouse (mobile, Debian's Chromium) on each page twice: with its simulated slow
   phone ("simulate") and with the machine as it is ("provided"). The performance score of a
   shared machine is noisy; the other three scores do not depend on speed.
4. Checks each page's HTML with the Nu HTML checker (vnu.jar from npm's vnu-jar; needs Java),
   errors only.
5. Writes a Markdown table to bench/results/lighthouse.md; the JSON reports stay in
   var/lighthouse/reports/ for the details.

Not part of `make test`: it takes a few minutes and needs Node and the npm registry.
"""

import argparse
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from urllib.error import URLError
from urllib.request import urlopen

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var" / "lighthouse"
RESULTS = ROOT / "bench" / "results" / "lighthouse.md"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROME_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-background-networking "
    "--disable-component-update --disable-sync"
)
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
PAGES = {
    "Accueil": "/",
    "Liste des lauréats": "/laureats/",
    "Liste filtrée": "/laureats/?secteur=construction-btp&portee=nationale",
    "Fiche d'un lauréat": "/laureats/e-deffinum/",
    "Organisation": "/organisations/ccca-btp/",
    "Liste des organisations": "/organisations/",
    "Statistiques": "/statistiques/",
    "Données ouvertes": "/donnees/",
    "Contribuer": "/contribuer/",
    "Plan du site": "/plan-du-site/",
    "Accessibilité": "/accessibilite/",
    "Mentions légales": "/mentions-legales/",
    "Documentation de l'API": "/api/docs/",
    "Journal des modifications": "/journal/",
    "Historique d'une fiche": "/laureats/e-deffinum/historique/",
    "Comparaison": "/comparer/?l=e-deffinum&l=creer-innover-hybrider-metiers-batiment",
    "À compléter": "/a-completer/",
}
METHODS = ["simulate", "provided"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def npm_tool(package, relative_path):
    # One folder per package: `npm install --no-save` of one prunes the other from a shared one.
    home = Path(os.environ.get("LIGHTHOUSE_DIR") or VAR / "npm") / package
    tool = home / "node_modules" / relative_path
    if not tool.exists():
        log(f"npm install {package} dans {home}")
        home.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            ["npm", "install", "--no-save", "--no-audit", "--no-fund", package],
            cwd=home,
            check=True,
        )
    return tool


def lighthouse_binary():
    return npm_tool("lighthouse", ".bin/lighthouse")


def html_errors(url):
    """The Nu HTML checker's errors on the page, as "line: message"."""
    vnu = npm_tool("vnu-jar", "vnu-jar/build/dist/vnu.jar")
    result = subprocess.run(
        ["java", "-jar", str(vnu), "--errors-only", "--format", "json", "-"],
        input=urlopen(url, timeout=30).read(),
        capture_output=True,
        check=False,
    )
    messages = json.loads(result.stderr or b'{"messages": []}')["messages"]
    return [f"{message.get('lastLine', '?')}: {message['message']}" for message in messages]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server():
    database = VAR / "lighthouse.sqlite3"
    database.parent.mkdir(parents=True, exist_ok=True)
    database.unlink(missing_ok=True)
    port = free_port()
    env = {
        **os.environ,
        "DEBUG": "0",
        "DATABASE_URL": f"sqlite:///{database}",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "STATIC_ROOT": str(VAR / "static"),
        "PORT": str(port),
        "WEB_CONCURRENCY": "2",
    }
    manage = [sys.executable, str(ROOT / "manage.py")]
    for command in (["collectstatic", "--noinput"], ["migrate", "--noinput"], ["load_real_data"]):
        log(" ".join(command))
        subprocess.run([*manage, *command, "-v0"], cwd=ROOT, env=env, check=True)
    gunicorn = Path(sys.executable).with_name("gunicorn")
    # Its own process group: stopping the run (Ctrl-C) stops the master and its workers.
    server = subprocess.Popen(
        [str(gunicorn), "--config", "gunicorn.conf.py", "deffinum.wsgi"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _attempt in range(150):
        try:
            urlopen(base + "/healthz", timeout=2)
            return server, base
        except (URLError, OSError):
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn n'a pas démarré")


def run_lighthouse(binary, url, method, report):
    command = [
        str(binary),
        url,
        "--quiet",
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--throttling-method={method}",
        f"--chrome-flags={CHROME_FLAGS}",
    ]
    environment = {**os.environ, "CHROME_PATH": CHROMIUM}
    # Lighthouse sometimes loses the trace of a load (NO_NAVSTART) and asks to be run again.
    if subprocess.run(command, env=environment, check=False).returncode:
        log(f"{url} {method} : nouvel essai")
        subprocess.run(command, env=environment, check=True)
    data = json.loads(report.read_text())
    scores = {key: round(100 * (data["categories"][key]["score"] or 0)) for key in CATEGORIES}
    # What costs points outside performance (whose metrics are never all perfect).
    failing = sorted(
        ref["id"]
        for key in CATEGORIES[1:]
        for ref in data["categories"][key]["auditRefs"]
        if ref["weight"] and (data["audits"][ref["id"]]["score"] or 0) < 1
    )
    return scores, failing


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", help="a server already running (production-like)")
    parser.add_argument("--method", choices=METHODS, action="append")
    parser.add_argument("--page", action="append", help="only these paths")
    args = parser.parse_args()
    binary = lighthouse_binary()
    server = None
    base = args.base.rstrip("/") if args.base else None
    if not base:
        server, base = start_server()
    pages = {name: path for name, path in PAGES.items() if not args.page or path in args.page}
    methods = args.method or METHODS
    reports = VAR / "reports"
    reports.mkdir(parents=True, exist_ok=True)
    rows = []
    try:
        for name, path in pages.items():
            row = {"name": name, "path": path}
            for method in methods:
                slug = path.strip("/").replace("/", "-").replace("?", "-").replace("&", "-")
                report = reports / f"{slug or 'accueil'}-{method}.json"
                row[method], failing = run_lighthouse(binary, base + path, method, report)
                row.setdefault("failing", set()).update(failing)
                log(f"{path} {method}: {row[method]} {failing or ''}")
            row["html_errors"] = html_errors(base + path)
            log(f"{path} Nu : {row['html_errors'] or 'aucune erreur'}")
            rows.append(row)
    finally:
        if server:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait()
    write_table(rows, methods)


def write_table(rows, methods):
    version = subprocess.run(
        [str(lighthouse_binary()), "--version"], capture_output=True, text=True
    ).stdout.strip()
    header = ["Page", "Chemin"]
    for method in methods:
        header += [f"Perf. ({method})"]
    header += ["Accessibilité", "Bonnes pratiques", "SEO", "Audits en échec", "Erreurs Nu"]
    lines = [
        "# Lighthouse sur les pages publiques",
        "",
        f"Lighthouse {version}, mobile, Chromium de Debian, serveur comme en production "
        f"(DEBUG désactivé, gunicorn, whitenoise), données réelles ; "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC. `simulate` : le téléphone lent simulé "
        "par Lighthouse ; `provided` : la machine telle quelle (partagée, donc bruitée). "
        "Produit par `make lighthouse` (bench/lighthouse.py).",
        "",
        "| " + " | ".join(header) + " |",
        "|" + "---|" * len(header),
    ]
    for row in rows:
        last = row[methods[-1]]
        cells = [row["name"], f"`{row['path']}`"]
        cells += [str(row[method]["performance"]) for method in methods]
        cells += [str(last["accessibility"]), str(last["best-practices"]), str(last["seo"])]
        cells.append(", ".join(sorted(row["failing"])) or "—")
        cells.append(str(len(row["html_errors"])))
        lines.append("| " + " | ".join(cells) + " |")
    errors = [f"- `{row['path']}` {error}" for row in rows for error in row["html_errors"]]
    if errors:
        lines += ["", "Erreurs du Nu HTML checker :", "", *errors]
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
