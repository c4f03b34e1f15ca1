"""When the derived columns of the rows a write touched are rebuilt: at once, or, inside
`batch()`, once at its end for every write it held.

A single save() rebuilds its laureate (organisation, resource) at once, so that the writer's next query finds the new
values. A bulk write (models/writes.py), a cascade of deletes, an import or a load runs in a
batch: the laureates each of its writes touched are noted, and rebuilt together, in bulk,
when it ends, inside the writer's transaction.
"""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db import connection

from .rebuild import rebuild


@dataclass
class Pending:
    laureates: set = field(default_factory=set)
    organisations: set = field(default_factory=set)
    resources: set = field(default_factory=set)

    def rebuild(self):
        for rows in (self.laureates, self.organisations, self.resources):
            rows.discard(None)
        if self.laureates or self.organisations or self.resources:
            rebuild(self.laureates, self.organisations, self.resources)


pending = ContextVar("pending", default=None)


def note(laureates=(), organisations=(), resources=()):
    """These rows' derived columns may no longer be their recomputation: rebuilt at once, or
    at the end of the current batch."""
    rows = pending.get()
    if rows is None:
        Pending(set(laureates), set(organisations), set(resources)).rebuild()
    else:
        rows.laureates.update(laureates)
        rows.organisations.update(organisations)
        rows.resources.update(resources)


@contextmanager
def batch():
    """Rebuild what the writes inside touched once, at the end. Nested batches are one."""
    if pending.get() is not None:
        yield
        return
    rows = Pending()
    token = pending.set(rows)
    try:
        yield
    except BaseException:
        pending.reset(token)
        # Outside a transaction, what was written before the error stays: so do its columns.
        # Inside one, the error is the transaction's to roll back.
        if not connection.in_atomic_block:
            rows.rebuild()
        raise
    pending.reset(token)
    rows.rebuild()
