"""Each process's copy of the data version and of the pages it served last."""

import threading
import time
from collections import OrderedDict

from django.conf import settings

from . import versions


class LocalPages:
    """This process's copy of the data version and of the pages it served last.

    A page is shared through Django's cache (Redis) by every worker and instance, but reading it
    there costs a round trip on every hit: measured on two cores, more than serving a static file.
    So each process keeps the pages it served (up to PAGE_CACHE_LOCAL_BYTES, oldest dropped first)
    and trusts its copy of the version for PAGE_CACHE_VERSION_TTL seconds (None: until a write
    of this process) before reading it again from the database. A write in this process is seen
    at once; one in another worker or instance, within that delay. Pages are only ever served
    under the version they were rendered with.
    """

    def __init__(self):
        self.lock = threading.Lock()
        # Counts the writes of this process, so that a page rendered while one happened is not
        # stored (it may show data of a transaction that is not committed yet).
        self.writes = 0
        self.clear()

    def clear(self):
        with self.lock:
            self.version, self.checked = None, 0.0
            self.pages, self.size = OrderedDict(), 0
            self.figures = {}

    def forget_version(self):
        self.writes += 1
        self.version = None

    def current_version(self):
        ttl = settings.PAGE_CACHE_VERSION_TTL
        own = versions.own_version(ttl)
        if own is not None:
            return own
        version = self.version
        if version is not None and (ttl is None or time.monotonic() - self.checked < ttl):
            return version
        version = versions.read_version()
        with self.lock:
            if self.version is None or self.version[0] != version[0]:
                self.pages, self.size = OrderedDict(), 0
                self.figures = {}
            self.version, self.checked = version, time.monotonic()
        return version

    def per_version(self, key, compute):
        """What `compute()` returns, computed once per data version in this process: the figures
        of a page that do not depend on the request (`key` says which, and in which language),
        read again only after the data changed, whether the page cache is on or not. A thread
        whose open transaction wrote has a version of its own (versions.own_version), which
        changes at its next write: what it computes is only ever read back under that version.
        Not kept when a write of this process happened meanwhile."""
        version = self.current_version()[0]
        entry = self.figures.get(key)
        if entry is not None and entry[0] == version:
            return entry[1]
        writes = self.writes
        value = compute()
        if writes == self.writes:
            with self.lock:
                self.figures[key] = (version, value)
        return value

    def get(self, key, version):
        entry = self.pages.get(key)
        return entry if entry is not None and entry[0] == version[0] else None

    def put(self, key, entry):
        limit = settings.PAGE_CACHE_LOCAL_BYTES
        size = len(entry[3] or b"") + 1000
        if size > limit // 8:
            return
        with self.lock:
            if key in self.pages:
                self.size -= self.pages.pop(key)[-1]
            while self.pages and self.size + size > limit:
                self.size -= self.pages.popitem(last=False)[1][-1]
            self.pages[key] = (*entry, size)
            self.size += size


local = LocalPages()
versions.listeners.append(local.forget_version)
