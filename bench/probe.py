"""In-process measurements: each page's URL, size, render time and SQL queries, from inside
Django (this file run as a script, in the data set's environment), without and with the cache."""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from common import FILTERS, PYTHON, ROOT, SEARCH, base_env, page_queries


def probe(dataset):
    """Run this script inside Django for the pages' URLs, sizes and query counts."""
    result = subprocess.run(
        [PYTHON, str(Path(__file__).resolve())],
        cwd=ROOT,
        env=base_env(dataset),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def probe_pages():
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "deffinum.settings")
    sys.path.insert(0, str(ROOT))
    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count, Q
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from laureats.models import Laureate, Organisation

    published = Laureate.objects.published()
    laureate = published.annotate(n=Count("memberships")).order_by("-n", "slug").first()
    organisation = (
        Organisation.objects.annotate(
            n=Count("memberships", filter=Q(memberships__laureate__is_published=True))
        )
        .order_by("-n", "slug")
        .first()
    )
    paths = {
        "home": "/",
        "list": "/laureats/",
        "list_filters": f"/laureats/?{FILTERS}",
        "list_search": f"/laureats/?{SEARCH}",
        "list_filters_search": f"/laureats/?{FILTERS}&{SEARCH}",
        "list_page_50": "/laureats/?page=50",
        "laureate": laureate.get_absolute_url(),
        "organisation": organisation.get_absolute_url(),
        "organisations": "/organisations/",
        "statistics": "/statistiques/",
        "export_csv": "/laureats/export.csv",
        "api": "/api/laureats/",
        "resources": "/ressources/",
    }
    client = Client()

    def get(path):
        response = client.get(path)
        size = (
            sum(len(chunk) for chunk in response.streaming_content)
            if response.streaming
            else len(response.content)
        )
        return response, size

    pages = {}
    for key, path in paths.items():
        settings.PAGE_CACHE_ENABLED = False
        get(path)  # the first render of a process pays for imports and template loading
        started = time.monotonic()
        with CaptureQueriesContext(connection) as queries:
            response, size = get(path)
        seconds = time.monotonic() - started
        # captured_queries reads the connection's log, which the next request empties.
        query_count = page_queries(queries)
        settings.PAGE_CACHE_ENABLED = True
        cache.clear()
        get(path)
        with CaptureQueriesContext(connection) as hit_queries:
            hit, _ = get(path)
        hit_query_count = page_queries(hit_queries)
        pages[key] = {
            "path": path,
            "status": response.status_code,
            "bytes": size,
            "seconds": seconds,
            "queries": query_count,
            "hit": not hit.streaming and not hit.templates and hit.status_code == 200,
            "hit_queries": hit_query_count,
        }
    cache.clear()
    slugs = list(published.order_by("slug").values_list("slug", flat=True)[:150])
    organisations = list(
        Organisation.objects.with_published_memberships()
        .order_by("slug")
        .values_list("slug", flat=True)[:50]
    )
    pages["soak_paths"] = (
        [f"/laureats/{slug}/" for slug in slugs]
        + [f"/organisations/{slug}/" for slug in organisations]
        + [f"/laureats/?page={number}" for number in range(1, 31)]
        + [f"/laureats/?secteur={slug}" for slug in ["agriculture", "transports", "transversal"]]
        + ["/laureats/export.csv?secteur=agriculture&region=84", "/api/laureats/?page=2"]
    )
    print(json.dumps(pages))


if __name__ == "__main__":
    probe_pages()
