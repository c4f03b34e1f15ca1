"""Bulk writes that announce themselves, as save() and delete() do with their signals.

`QuerySet.update()`, `bulk_update()`, `bulk_create()` and `delete()` send no per-row signal, so a
receiver that keeps something in step with the rows (laureats/derived/) cannot see them. The
models whose rows something is derived from use `InputQuerySet` and `InputModel`: each of those
writes first sends `bulk_write`, and runs inside the context managers its receivers return.
A receiver can thus read the rows before the write, and act after it, in one place.

The models know nothing of their receivers (laureats/derived/ connects them from
LaureatsConfig.ready()): this module imports Django only.
"""

from contextlib import ExitStack, contextmanager
from contextvars import ContextVar

from django.db import models
from django.dispatch import Signal

# Sent with sender=<model>, action ("update", "bulk_update", "bulk_create", "bulk_upsert": a
# bulk_create() that may update existing rows, or "delete"), rows (the queryset, or the list of
# objects) and fields (the set of fields written, None when whole rows appear or disappear). A
# receiver returns a context manager or None.
bulk_write = Signal()

# The models whose write is being announced: bulk_update() runs update() itself, and that
# inner write is the outer one's, already announced.
announcing = ContextVar("announcing", default=frozenset())


@contextmanager
def announced(model, action, rows, fields):
    if model in announcing.get():
        yield
        return
    token = announcing.set(announcing.get() | {model})
    try:
        with ExitStack() as stack:
            responses = bulk_write.send(sender=model, action=action, rows=rows, fields=fields)
            for _receiver, context in responses:
                if context is not None:
                    stack.enter_context(context)
            yield
    finally:
        announcing.reset(token)


class InputQuerySet(models.QuerySet):
    """A QuerySet whose bulk writes send `bulk_write`."""

    def update(self, **kwargs):
        with announced(self.model, "update", self, set(kwargs)):
            return super().update(**kwargs)

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        with announced(self.model, "bulk_update", objs, set(fields)):
            return super().bulk_update(objs, fields, batch_size=batch_size)

    def bulk_create(self, objs, *args, **kwargs):
        objs = list(objs)
        action = "bulk_upsert" if kwargs.get("update_conflicts") else "bulk_create"
        with announced(self.model, action, objs, None):
            return super().bulk_create(objs, *args, **kwargs)

    def delete(self):
        with announced(self.model, "delete", self, None):
            return super().delete()

    # As QuerySet's own: templates may not call them, and managers have no delete().
    update.alters_data = bulk_update.alters_data = bulk_create.alters_data = True
    delete.alters_data = delete.queryset_only = True


class InputModel(models.Model):
    """A model whose delete() is announced as one write: the rows its cascade takes with it
    send their own signals, and a receiver acts once, after them all."""

    class Meta:
        abstract = True

    def delete(self, *args, **kwargs):
        with announced(type(self), "delete", [self], None):
            return super().delete(*args, **kwargs)
