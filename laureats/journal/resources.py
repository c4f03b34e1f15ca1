"""The shared productions in the change log (laureats/journal/log.py): what the public catalogue
gained, changed and lost, with each field's value before and after, as for the laureates.

A resource's entries are those of the groups of rows (timeline.groups) that change what the
catalogue shows: its publication ("ajoutée au catalogue"), a change of its fields, laureates or
sectors while it is published (before → after), its removal (unpublished or deleted:
"retirée du catalogue"). What is written while it is unpublished shows nothing, as for a
laureate; a deleted resource's entries stay, its title linking to the catalogue.
"""

from django.apps import apps
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import Resource
from ..models.publication import of_published_laureates
from .entries import Change, Entry, field_changes, reason_of
from .page import Table, among, history_rows
from .timeline import groups, initial

KIND = "ressources"
RESOURCE_FIELDS = [
    "title",
    "kind",
    "description",
    "audience",
    "certifications",
    "licence",
    "access",
    "url",
    "language",
    "status",
    "available_on",
]
RESOURCE_M2M = {"laureates": "laureate__name", "sectors": "sector__name"}


def resource_table():
    """The rows that can end an entry: those of a published resource, and those after which
    it was published once (its removal)."""
    once_published = Resource.history.filter(
        id=OuterRef("id"), is_published=True, history_date__lt=OuterRef("history_date")
    )
    return Table("resource", Resource.history, "id", Q(is_published=True) | Exists(once_published))


def m2m_values(history_ids):
    """{history_id: {"laureates": (names...), "sectors": (...)}} of these resource rows.

    Only the laureates published now are named, as every public page names a resource's
    laureates; one deleted since is left out, as its historical link reads NULL (the
    historical tables' foreign keys are nullable, read through a LEFT JOIN)."""
    result = {}
    for name, column in RESOURCE_M2M.items():
        m2m = apps.get_model("laureats", f"HistoricalResource_{name}")
        rows = m2m.objects.filter(among("history_id", history_ids), **{f"{column}__isnull": False})
        if name == "laureates":
            rows = of_published_laureates(rows)
        for history_id, value in rows.order_by(column).values_list("history_id", column):
            result.setdefault(history_id, {}).setdefault(name, []).append(value)
    return result


def resource_entries(ids):
    """The entries of these resources (ids), in a fixed number of queries."""
    rows = history_rows(Resource, [*RESOURCE_FIELDS, "slug", "is_published"], among("id", ids))
    m2m = m2m_values([row["history_id"] for row in rows])
    audience = Resource._meta.get_field("audience")
    by_record = {}
    for row in rows:
        # The labels, as the page shows them, rather than the stored values.
        row["audience"] = tuple(audience.labels(row["audience"] or []))
        for name in RESOURCE_M2M:
            row[name] = tuple(m2m.get(row["history_id"], {}).get(name, ()))
        by_record.setdefault(row["id"], []).append(row)
    entries = []
    for pk, records in by_record.items():
        last = records[-1]
        shown = last["is_published"] and last["history_type"] != "-"
        url = (
            reverse("laureats:resource-detail", args=[last["slug"]])
            if shown
            else reverse("laureats:resource-list")
        )
        entries += ResourceTimeline(pk, last["title"], url).entries(records)
    return entries


def in_catalogue(row):
    return row is not None and row["is_published"] and row["history_type"] != "-"


class ResourceTimeline:
    def __init__(self, pk, title, url):
        self.pk, self.title, self.url = pk, title, url

    def entries(self, rows):
        entries, before = [], None
        for group in groups(rows):
            after = group[-1]
            changes = self.changes(group, before, after)
            before = after
            if changes:
                text, url = reason_of(after["history_change_reason"])
                entries.append(
                    Entry(
                        after["history_date"],
                        self.title,
                        self.url,
                        f"resource:{self.pk}",
                        changes,
                        reason=text,
                        reason_url=url,
                    )
                )
        return entries

    def changes(self, group, before, after):
        label = str(Resource._meta.verbose_name)
        if initial(group) and before is None:
            return []
        if in_catalogue(before) and not in_catalogue(after):
            return [Change(KIND, label, text=_("retirée du catalogue"))]
        if not in_catalogue(after):
            return []
        if not in_catalogue(before):
            return [Change(KIND, label, text=_("ajoutée au catalogue"))]
        return field_changes(Resource, KIND, before, after, [*RESOURCE_FIELDS, *RESOURCE_M2M])
