"""The quick benchmark: uncached render times in-process, at two sizes of data (issue 16).

`python bench/curve.py`: every page of bench/run.py rendered by the Django test client, without
the page cache, against two PostgreSQL databases of synthetic laureates (1,000 and 10,000 by
default, with as many shared productions); for each, the median of BENCH_REPEAT renders and
the SQL queries, then the ratio of the two sizes, which says whether a page's cost still grows
with the data. No server, no wrk: a minute, not ten, and what `make bench` measures as "sans
cache, 1 connexion" minus the HTTP stack.

Settings (environment): BENCH_PG (postgres://postgres@127.0.0.1:5432), BENCH_CURVE_DATABASES
("deffinum_curve_1000,deffinum_curve_10000": each name ends with its number of laureates),
BENCH_REPEAT (7), BENCH_CURVE_PAGES (keys of PAGES, comma-separated: only these pages),
BENCH_REUSE_DB=1 (keep databases that already exist), BENCH_CURVE_OUTPUT (a Markdown file to
write the table to).
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from common import page_queries

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
DATABASES = os.environ.get(
    "BENCH_CURVE_DATABASES", "deffinum_curve_1000,deffinum_curve_10000"
).split(",")
REPEAT = int(os.environ.get("BENCH_REPEAT", "7"))
FILTERS = "secteur=construction-btp&portee=nationale"
# « réalité virtuelle »: a broad search, 65 % of the synthetic laureates (the worst case kept);
# « passerelle agile »: a search for a project's name, 1.5 % of them (what a visitor types).
SEARCH = "q=r%C3%A9alit%C3%A9+virtuelle"
NARROW_SEARCH = "q=passerelle+agile"
PAGES = [
    ("home", "accueil"),
    ("list", "liste"),
    ("list_filters", "liste, 2 filtres"),
    ("list_search", "liste, recherche large (65 %)"),
    ("list_search_narrow", "liste, recherche ciblée (1,5 %)"),
    ("list_filters_search", "liste, 2 filtres + recherche"),
    ("list_page_50", "liste, page 50"),
    ("laureate", "un lauréat"),
    ("organisation", "une organisation"),
    ("organisations", "liste des organisations"),
    ("statistics", "statistiques"),
    ("api", "API, liste"),
    ("export_csv", "export CSV (tout)"),
    ("resources", "productions partagées (autant que de lauréats)"),
]
# BENCH_CURVE_PAGES=resources,list: only these pages (keys above), for one page's figure.
if os.environ.get("BENCH_CURVE_PAGES"):
    ONLY = set(os.environ["BENCH_CURVE_PAGES"].split(","))
    PAGES = [(key, label) for key, label in PAGES if key in ONLY]
# Targets of issue 16, in ms (p50, uncached, one connection, 10,000 laureates).
TARGETS = {"statistics": 100, "api": 30, "export_csv": 1500}
HTML_TARGET = 50
# For each page that may miss its target: the cause measured (EXPLAIN ANALYZE, profiles) at
# 10,000 laureates, and the next step. Printed under the table for every page that misses.
FACETS = (
    "une seule requête de facettes, un test de bit par option sur chaque lauréat retenu "
    "(~8-20 ms à 10 000), la page et ses trois préchargements (~5 ms), puis le rendu Python "
    "(~30 ms : gabarit de 40 options et 20 cartes, compilation des requêtes)"
)
FACETS_NEXT = (
    "le rendu : le gabarit des facettes et des cartes, mesuré au profil ; compter par GROUP BY "
    "sur les masques ne gagne rien (9 000 masques distincts pour 9 800 lauréats)"
)
AGGREGATES = (
    "chaque chiffre agrège les 9 800 lauréats publiés, un parcours d'index chacun : le total "
    "en ~40 agrégats (~16-18 ms), les filières (~8-15 ms), la carte (~6-8 ms), la complétude "
    "(~6-8 ms), porteurs et tailles (~7-10 ms chacun) ; puis le rendu (~30 ms)"
)
AGGREGATES_NEXT = (
    "des compteurs par valeur tenus à l'écriture par laureats/derived/ pour les chiffres "
    "sans filtre ; sans eux, le coût reste proportionnel aux lauréats"
)
# Measured by bench/search_once.py: why the search is still evaluated by each query.
SEARCH_ONCE = (
    "évaluer la recherche une fois par requête a été mesuré plus lent (bench/search_once.py) : "
    "classer les identifiants coûte autant que la page, et compter les facettes sur 6 500 "
    "identifiants 1,6 à 5 fois plus que réévaluer la recherche dans l'index GIN"
)
RESOURCES = (
    "mesuré le 2026-12-07 (profil, PostgreSQL, 10 000 productions de 1 à 3 lauréats) : la "
    "requête des facettes non cochées ~1,1 s (la filière d'une production sans filière propre "
    "est celle de ses lauréats : deux EXISTS par filière et par production), puis ~8 600 "
    "options de la facette « Lauréat », une par lauréat ayant une production (leur liste "
    "~0,1 s, leur GROUP BY ~0,12 s, leur rendu en cases à cocher ~1,35 s, page de 2,6 Mo)"
)
RESOURCES_NEXT = (
    "compter les filières par GROUP BY (propres et héritées) et ne proposer en facette que "
    "les lauréats cochés et les plus fournis, les autres par la recherche"
)
MISSES = {
    "resources": (RESOURCES, RESOURCES_NEXT),
    "home": (AGGREGATES, AGGREGATES_NEXT),
    "statistics": (AGGREGATES + " ; 12 requêtes en tout", AGGREGATES_NEXT),
    "list": (FACETS, FACETS_NEXT),
    "list_filters": (FACETS, FACETS_NEXT),
    "list_page_50": (FACETS, FACETS_NEXT),
    "list_filters_search": (
        "deux facettes cochées : trois requêtes de facettes et la page, chacune réévaluant la "
        "recherche sur les lauréats des filtres (~10-20 ms chacune), puis le rendu (~30 ms)",
        SEARCH_ONCE,
    ),
    "list_search_narrow": (FACETS, FACETS_NEXT),
    "list_search": (
        "6 500 résultats : la requête de la page calcule ts_rank pour tous avant d'en montrer "
        "20 (~25-40 ms, les vecteurs lus dans la ligne depuis la migration 0025 ; 45-80 ms "
        "quand ils étaient dans la table TOAST), et la requête des facettes "
        "réévalue la recherche dans l'index GIN (~13 ms)",
        SEARCH_ONCE + " ; reste un classement moins coûteux, qui changerait l'ordre",
    ),
    "organisations": (
        "la page lue dans l'index des noms et son compte dans l'index partiel des organisations "
        "membres d'un lauréat publié ; le reste est le rendu",
        "mesurer le rendu au profil",
    ),
    "export_csv": (
        "Python : mise en forme et écriture de 186 000 cellules (~0,5 s) ; attente de la base "
        "(~0,3 s, la jointure des membres lit les 20 000 organisations à chaque tranche)",
        "lire les organisations membres une fois pour tout l'export",
    ),
}


def laureate_count(database):
    return int(database.rsplit("_", 1)[1])


def prepare(database):
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if exists and os.environ.get("BENCH_REUSE_DB"):
            return
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{database}"')
    env = environment(database)
    for args in (
        ["migrate", "--noinput", "--verbosity", "0"],
        # As many shared productions as laureates (issue 26): /ressources/ at 10,000.
        [
            "generate_synthetic",
            *["--laureates", str(laureate_count(database))],
            *["--resources", str(laureate_count(database))],
        ],
    ):
        subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)
    with psycopg.connect(f"{PG}/{database}", autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def environment(database):
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "REDIS_URL"}}
    env.update(
        DATABASE_URL=f"{PG}/{database}",
        DEBUG="0",
        SECRET_KEY="bench-only-key-never-used-elsewhere-" + "x" * 20,
        ALLOWED_HOSTS="testserver",
        CACHE_DISABLED="1",
        API_THROTTLE_RATE="1000000000/second",
        LOG_LEVEL="ERROR",
    )
    return env


def measure(database):
    result = subprocess.run(
        [PYTHON, __file__, "--probe"],
        cwd=ROOT,
        env=environment(database),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def probe():
    """Inside Django: each page's median render time, its query count and its status."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deffinum.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    import tracemalloc

    from django.conf import settings

    # Plain static names: no collectstatic needed for a render (DEBUG is off).
    settings.STORAGES["staticfiles"]["BACKEND"] = (
        "django.contrib.staticfiles.storage.StaticFilesStorage"
    )

    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from laureats.models import Laureate, Organisation

    laureate = (
        Laureate.objects.published().annotate(n=Count("memberships")).order_by("-n", "slug")[0]
    )
    organisation = Organisation.objects.annotate(
        n=Count("memberships", filter=Q(memberships__laureate__is_published=True))
    ).order_by("-n", "slug")[0]
    paths = {
        "home": "/",
        "list": "/laureats/",
        "list_filters": f"/laureats/?{FILTERS}",
        "list_search": f"/laureats/?{SEARCH}",
        "list_search_narrow": f"/laureats/?{NARROW_SEARCH}",
        "list_filters_search": f"/laureats/?{FILTERS}&{SEARCH}",
        "list_page_50": "/laureats/?page=50",
        "laureate": laureate.get_absolute_url(),
        "organisation": organisation.get_absolute_url(),
        "organisations": "/organisations/",
        "statistics": "/statistiques/",
        "api": "/api/laureats/",
        "export_csv": "/laureats/export.csv",
        "resources": "/ressources/",
    }
    client = Client()

    def get(path):
        response = client.get(path)
        if response.streaming:
            size = sum(len(chunk) for chunk in response.streaming_content)
        else:
            size = len(response.content)
        return response.status_code, size

    pages = {}
    for key, path in paths.items():
        if key not in dict(PAGES):
            continue
        get(path)  # imports and templates loaded
        repeat = 3 if key == "export_csv" else REPEAT
        times = []
        for _ in range(repeat):
            started = time.perf_counter()
            status, size = get(path)
            times.append(time.perf_counter() - started)
        with CaptureQueriesContext(connection) as queries:
            get(path)
        page = {
            "path": path,
            "status": status,
            "bytes": size,
            "ms": 1000 * statistics.median(times),
            # The machine is shared: the fastest render is the one least slowed by others.
            "min_ms": 1000 * min(times),
            "queries": page_queries(queries),
        }
        if key == "export_csv":
            # Python's own allocations while streaming: what a worker's memory grows by.
            tracemalloc.start()
            get(path)
            page["peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
            tracemalloc.stop()
        pages[key] = page
    print(json.dumps(pages))


# The export's time grows with what it writes: its target is a duration, not a ratio.
WITHOUT_RATIO = {"export_csv"}


def page_met(key, one, ten):
    """Its target at 10,000 laureates and (pages) at most 1.5 times its cost at 1,000."""
    ratio = ten["ms"] / one["ms"] if one["ms"] else 0
    fast = ten["ms"] <= TARGETS.get(key, HTML_TARGET)
    return fast and (key in WITHOUT_RATIO or ratio <= 1.5)


def table(results):
    small, large = results
    lines = [
        f"| page | SQL | p50 à {small[0]} (ms) | p50 à {large[0]} (ms) | min à {large[0]} (ms) "
        "| rapport (p50) | objectif |",
        "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for key, label in PAGES:
        one, ten = small[1][key], large[1][key]
        target = TARGETS.get(key, HTML_TARGET)
        ratio = ten["ms"] / one["ms"] if one["ms"] else 0
        met = page_met(key, one, ten)
        if ten["queries"] == one["queries"]:
            queries = str(ten["queries"])
        else:
            queries = f"{one['queries']} → {ten['queries']}"
        extra = f", pic Python {ten['peak_mb']:.1f} Mo" if "peak_mb" in ten else ""
        lines.append(
            f"| {label} | {queries} | {one['ms']:.1f} | {ten['ms']:.1f} | {ten['min_ms']:.1f} "
            f"| × {ratio:.2f} | ≤ {target} ms{'' if key in WITHOUT_RATIO else ', ≤ × 1.5'} : "
            f"{'atteint' if met else '**manqué**'}"
            f"{extra} |"
        )
    missed = [
        (label, MISSES[key])
        for key, label in PAGES
        if key in MISSES and not page_met(key, small[1][key], large[1][key])
    ]
    if missed:
        lines += ["", "Objectifs manqués, cause mesurée et suite :", ""]
        # Pages that miss for the same measured reason are named together.
        grouped = {}
        for label, miss in missed:
            grouped.setdefault(miss, []).append(label)
        for (cause, step), labels in grouped.items():
            lines.append(f"- **{', '.join(labels)}** : {cause}. Suite : {step}.")
    load = os.getloadavg()[0]
    lines.append("")
    lines.append(f"Charge moyenne de la machine (1 min) à la fin : {load:.1f}.")
    return "\n".join(lines)


def main():
    results = []
    for database in DATABASES:
        prepare(database)
        results.append((laureate_count(database), measure(database)))
    text = table(results)
    print(text)
    output = os.environ.get("BENCH_CURVE_OUTPUT")
    if output:
        Path(output).write_text(text + "\n")
    return text


if __name__ == "__main__":
    if "--probe" in sys.argv:
        probe()
    else:
        main()
