"""History entries for the import's bulk writes, as django-simple-history would record them.

bulk_create()/bulk_update()/delete of a queryset send no per-row signal, so simple_history
writes nothing for them; its own bulk_create_with_history records neither deletions nor the
many-to-many fields. Here each written row gets one entry ("+", "~" or "-"), and a laureate's
entry carries its sectors and regions as they are after the import, in the tables that
simple_history's `m2m_fields` reads: the admin history page shows them, and their change.
"""

from django.conf import settings

from ..journal.entries import INITIAL_LOAD_REASON

BATCH_SIZE = 1000


def enabled():
    return getattr(settings, "SIMPLE_HISTORY_ENABLED", True)


def record(model, objects, history_type, user, date, reason=None):
    """One history entry per object, in bulk; the entries created (with their ids).

    `reason`: the change reason every entry records (the import's file name)."""
    if not enabled() or not objects:
        return []
    history_model = model.history.model
    entries = [
        history_model(
            history_date=date,
            history_user=user,
            history_type=history_type,
            history_change_reason=reason,
            **{
                field.attname: getattr(obj, field.attname) for field in history_model.tracked_fields
            },
        )
        for obj in objects
    ]
    return history_model.objects.bulk_create(entries, batch_size=BATCH_SIZE)


def record_with_m2m(model, objects, history_type, user, date, reason=None):
    """record(), plus each entry's many-to-many rows read from the through tables as they are."""
    entries = record(model, objects, history_type, user, date, reason)
    if not entries:
        return entries
    history_model = model.history.model
    entry_of = {entry.id: entry.history_id for entry in entries}
    for field in history_model._history_m2m_fields:
        through = field.remote_field.through
        # The model simple_history generated for this field (HistoricalLaureate_sectors).
        m2m_history = history_model._meta.apps.get_model(
            history_model._meta.app_label, f"{history_model.__name__}_{field.name}"
        )
        names = [f.attname for f in through._meta.fields]
        owner = field.m2m_column_name()
        rows = through.objects.filter(**{f"{owner}__in": list(entry_of)}).values_list(*names)
        m2m_history.objects.bulk_create(
            [
                m2m_history(history_id=entry_of[values[owner]], **values)
                for values in (dict(zip(names, row, strict=True)) for row in rows)
            ],
            batch_size=BATCH_SIZE,
        )
    return entries


def record_first_entries(models, date, with_m2m=()):
    """A "+" entry for each row of `models` that has none (rows loaded raw by loaddata, which
    simple_history skips): the first edit of such a row then has a "before", which the public
    change log (laureats/journal/log.py) shows as "before → after", while these entries, which
    changed nothing, make no entry of their own (INITIAL_LOAD_REASON). Models of `with_m2m`
    also record their many-to-many fields. The entries created."""
    created = []
    for model in models:
        history_model = model.history.model
        recorded = history_model.objects.values(model._meta.pk.attname)
        objects = list(model.objects.exclude(pk__in=recorded))
        writer = record_with_m2m if model in with_m2m else record
        created += writer(model, objects, "+", None, date, INITIAL_LOAD_REASON)
    return created
