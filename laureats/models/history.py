"""The change history of records whose many-to-many links can be written from either side."""

from simple_history.models import HistoricalRecords

WRITTEN = {"post_add", "post_remove", "post_clear"}


class HistoryOfLinks(HistoricalRecords):
    """django-simple-history's records, which also stay right when a link is written from the
    other side (`laureate.resources.add(resource)`, `sector.laureates.remove(laureate)`).

    The stock handler then receives the other side's record, and writes it into this model's
    history with this model's fields: a TypeError, and the write lost
    (django-simple-history#1048, open). Here each record on this side that the write reached
    gets its row, as if the link had been written from its own side."""

    def m2m_changed(self, instance, action, attr, pk_set, reverse, **kwargs):
        if not reverse:
            return super().m2m_changed(instance, action, attr, pk_set, reverse, **kwargs)
        # `model` is this side's class; `attr` its field that the link belongs to.
        records = kwargs["model"].objects.filter(**{attr: instance})
        if action == "pre_clear":
            # A clear names no record: the ones it will leave are read before.
            cleared = getattr(instance, "history_cleared", {})
            cleared[attr] = list(records.values_list("pk", flat=True))
            instance.history_cleared = cleared
            return None
        if action not in WRITTEN:
            return None
        if action == "post_clear":
            pks = getattr(instance, "history_cleared", {}).pop(attr, [])
        else:
            pks = pk_set or []
        for record in records.model.objects.filter(pk__in=pks).order_by("pk"):
            super().m2m_changed(record, action, attr, None, False, **kwargs)
        return None
