"""The whole-page cache: anonymous GET/HEAD of public pages answered before Django renders them.

A self-contained component of the project, configured by settings (PAGE_CACHE_*) and importing
nothing from the domain app:

- `middleware.py` decides which requests may be answered from a stored page and under which
  key (the canonical URL: only the query parameters the page takes, PAGE_CACHE_PARAMETERS),
  stores and serves pages, and adds validators (ETag, Last-Modified) to public responses;
- `local.py` keeps each process's copy of the version and of the pages it served;
- `versions.py` holds the data version (a row in the database, rewritten in the same
  transaction as any write to the watched apps' tables) and the code's release identifier.

See docs/deployment.md, "Cache des pages", for the Redis settings to use in production.
"""
