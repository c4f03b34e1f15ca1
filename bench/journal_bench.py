"""The change log's cost at 1,000 and 10,000 synthetic laureates, uncached, in process.

    DATABASE_URL=... python bench/journal_bench.py setup 1000   # migrate, generate, add history
    STATIC_ROOT=/tmp/journal-bench-static DEBUG=0 python manage.py collectstatic --noinput
    DATABASE_URL=... python bench/journal_bench.py run          # p50 of 20 runs per URL

The history: a "+" entry per laureate (with its sectors and regions), member, source,
organisation and figure, as record_first_entries writes after loaddata; then three edits of each
laureate's cost and one member's role change per ten laureates, at dates spread over 30 days.
"""

import os
import random
import re
import statistics
import sys
import time
from datetime import timedelta
from html import unescape

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deffinum.settings")
os.environ.setdefault("CACHE_DISABLED", "1")
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("ALLOWED_HOSTS", "testserver")
os.environ.setdefault("LOG_LEVEL", "ERROR")
# Hashed static names, as in production: `manage.py collectstatic` into STATIC_ROOT first.
os.environ.setdefault("STATIC_ROOT", "/tmp/journal-bench-static")
os.environ.setdefault("SECRET_KEY", "bench-only-key-never-used-elsewhere-xxxxxxxxxxxxxxxxxxxx")
sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402


def setup(count):
    from laureats.importer.history import record_first_entries
    from laureats.models import Laureate, Membership, Organisation, ProgrammeFigure, Source

    call_command("migrate", verbosity=0)
    call_command("generate_synthetic", laureates=count, verbosity=0)
    start = timezone.now() - timedelta(days=40)
    models = [Laureate, Membership, Source, Organisation, ProgrammeFigure]
    record_first_entries(models, start, with_m2m=[Laureate])
    rng = random.Random(16)
    laureates = list(Laureate.objects.all())
    history = Laureate.history.model
    rows = []
    for edit in range(3):
        for laureate in laureates:
            laureate.total_cost = 1_000_000 + edit * 1000 + rng.randrange(1000)
            row = history(
                history_date=start + timedelta(seconds=rng.randrange(30 * 86400)),
                history_type="~",
                history_change_reason="Import : lot-synthetique.csv" if edit == 1 else None,
                **{f.attname: getattr(laureate, f.attname) for f in history.tracked_fields},
            )
            rows.append(row)
    rows.sort(key=lambda row: row.history_date)
    history.objects.bulk_create(rows, batch_size=2000)
    members = list(Membership.objects.filter(role=Membership.Role.PARTNER)[: count // 10])
    mhistory = Membership.history.model
    mrows = []
    for member in members:
        member.role = Membership.Role.LEAD if hasattr(Membership.Role, "LEAD") else member.role
        mrows.append(
            mhistory(
                history_date=start + timedelta(seconds=rng.randrange(30 * 86400)),
                history_type="~",
                **{f.attname: getattr(member, f.attname) for f in mhistory.tracked_fields},
            )
        )
    mhistory.objects.bulk_create(mrows, batch_size=2000)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(count, "laureates,", history.objects.count(), "laureate history rows")


def run():
    runs = int(os.environ.get("BENCH_RUNS", "20"))
    from laureats.models import Laureate

    slug = (
        Laureate.objects.filter(is_published=True).order_by("pk").values_list("slug", flat=True)[7]
    )
    client = Client()
    deep = "/journal/"
    for _ in range(49):  # page 50: follow the "next" link 49 times
        html = unescape(client.get(deep).content.decode())
        deep = "/journal/" + re.search(r'href="(\?[^"]*)" rel="next"', html)[1]
    urls = [
        "/journal/",
        deep,
        "/journal/?type=fiche",
        f"/laureats/{slug}/historique/",
        "/journal/flux.atom",
        f"/laureats/{slug}/historique/flux.atom",
        "/laureats/flux.atom",
        "/laureats/flux.atom?portee=nationale",
    ]
    print("| URL | p50 ms | queries | status |")
    print("|---|---|---|---|")
    for url in urls:
        times = []
        for _ in range(runs):
            with CaptureQueriesContext(connection) as queries:
                begin = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - begin) * 1000)
        print(
            f"| {url} | {statistics.median(times):.1f} | {len(queries)} | {response.status_code} |"
        )


if __name__ == "__main__":
    if sys.argv[1] == "setup":
        setup(int(sys.argv[2]))
    else:
        run()
