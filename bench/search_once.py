"""Is evaluating the search once per request faster? (issue 24)

`python bench/search_once.py` against the 10,000-laureate database of bench/curve.py
(BENCH_SEARCH_DATABASE, default postgres://postgres@127.0.0.1:5432/deffinum_curve_10000; run
`make bench` or bench/curve.py first). For the broad search of the benchmark (65 % of the
laureates), the median of 9 runs of:

- what the list does today: the page's query ranks the matches and keeps 20; the facets' query
  evaluates the search again in the GIN index;
- the alternative: the matching ids ranked once, then the facets counted on those ids (as an
  `IN` list, Django's way, and as one array parameter) and the page read by id.

It prints one Markdown table. Measured on 2026-12-07 (machine shared with other work), the
alternative lost: ranking the ids costs what the page costs, and counting the facets on 6,500
ids costs 2 to 6 times re-evaluating the search.
"""

import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATABASE = os.environ.get(
    "BENCH_SEARCH_DATABASE", "postgres://postgres@127.0.0.1:5432/deffinum_curve_10000"
)
WORDS = ["realite", "virtuelle"]
OPTIONS = [("portee", "nationale"), ("portee", "interregionale"), ("statut", "en-cours")]


def median_ms(run, repeat=9):
    run()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main():
    os.environ.update(
        DATABASE_URL=DATABASE, DJANGO_SETTINGS_MODULE="deffinum.settings", LOG_LEVEL="ERROR"
    )
    os.environ.setdefault("SECRET_KEY", "bench-only-key-never-used-elsewhere-" + "x" * 20)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.postgres.search import SearchRank
    from django.db.models import BooleanField, F
    from django.db.models.expressions import RawSQL

    from laureats.browse.counting import count_published
    from laureats.models import Laureate
    from laureats.text.ordering import french
    from laureats.text.search import prefix_query

    query = prefix_query(WORDS)
    published = Laureate.objects.published()
    matches = published.filter(search_vector=query)
    ranked = matches.annotate(rank=SearchRank(F("search_vector"), query)).order_by(
        "-rank", french("name"), "pk"
    )
    ids = list(ranked.values_list("pk", flat=True))
    in_array = RawSQL(
        f'"{Laureate._meta.db_table}"."id" = ANY(%s)', (ids,), output_field=BooleanField()
    )
    rows = [
        ("today: the page, ranked, 20 rows", lambda: list(ranked[:20])),
        ("today: the facets, search evaluated again", lambda: count_published(matches, OPTIONS)),
        ("once: the matching ids, ranked", lambda: list(ranked.values_list("pk", flat=True))),
        (
            "once: the facets on the ids (IN list)",
            lambda: count_published(published.filter(pk__in=ids), OPTIONS),
        ),
        (
            "once: the facets on the ids (one array)",
            lambda: count_published(published.filter(in_array), OPTIONS),
        ),
        ("once: the page read by id", lambda: list(published.filter(pk__in=ids[:20]))),
    ]
    print(f"Recherche « {' '.join(WORDS)} » : {len(ids)} résultats\n")
    print("| étape | médiane (ms) |\n| --- | ---: |")
    for label, run in rows:
        print(f"| {label} | {median_ms(run):.1f} |")


if __name__ == "__main__":
    main()
