"""One laureate's timeline in the change log (laureats/journal/log.py): its rows, its members' and
its sources', in order, cut into groups of rows written together and walked once, each group
diffed against the state before it.

Rows written together (one admin save: the fields, then each many-to-many change and each
inline member or source; one import) come as several history rows a few milliseconds apart:
the rows of one record within GROUP_WINDOW make one entry, diffed from the state before the
first to the state after the last, so that a sector replaced reads "A → B". Rows of two writers
never make one entry, however close: not the same person, or a load or an import (whose rows
all carry its reason and its one date) and anything else. A load followed at once by an edit
would otherwise read as the fiche's publication, without the edit's values.

A load's rows (INITIAL_LOAD_REASON) that are a record's first give the first edit its "before"
and make no entry; a load over existing rows (`load_real_data --force`) shows what it changed.
"""

from datetime import timedelta

from django.urls import reverse
from django.utils.translation import gettext as _

from ..models import Laureate, Membership
from .entries import (
    IMPORT_REASON_PREFIX,
    INITIAL_LOAD_REASON,
    Change,
    Entry,
    field_changes,
    reason_of,
)

GROUP_WINDOW = timedelta(seconds=5)

LAUREATE_FIELDS = [
    "name",
    "acronym",
    "status",
    "scope",
    "summary",
    "description",
    "total_cost",
    "state_aid",
    "state_aid_kind",
    "start_date",
    "end_date",
    "website",
    "data_note",
]
LAUREATE_M2M = {"sectors": "sector__name", "regions": "region__name"}


def writer(row):
    """Who wrote the row, as far as grouping goes: its user, and for a bulk write (a load, an
    import) its reason and date, which every row of that write carries."""
    reason = row["history_change_reason"] or ""
    bulk = reason == INITIAL_LOAD_REASON or reason.startswith(IMPORT_REASON_PREFIX)
    return row["history_user_id"], (reason, row["history_date"]) if bulk else None


def groups(rows):
    """Rows sorted by date, cut where two are further apart than GROUP_WINDOW or were written
    by two writers."""
    group = []
    for row in rows:
        if group and (
            row["history_date"] - group[-1]["history_date"] > GROUP_WINDOW
            or writer(row) != writer(group[-1])
        ):
            yield group
            group = []
        group.append(row)
    if group:
        yield group


def initial(group):
    """Whether the rows are the first entries of data loaded raw, which changed nothing."""
    return all(row["history_change_reason"] == INITIAL_LOAD_REASON for row in group)


class LaureateTimeline:
    """One laureate's rows in order, walked once: what it looked like before each group of rows,
    and whether it was published then."""

    def __init__(self, laureate, timeline):
        self.laureate = laureate
        self.timeline = timeline
        self.url = reverse("laureats:laureate-detail", args=[laureate["slug"]])
        self.state = None  # the last laureate row
        self.members = {}  # organisation id -> (name, role)
        self.sources = {}  # url -> title

    def entries(self):
        entries = []
        rows = [dict(row, _what=what) for _date, _order, what, row in self.timeline]
        for group in groups(rows):
            entry = self.entry(group)
            if entry is not None:
                entries.append(entry)
        return entries

    def entry(self, group):
        was_published = bool(self.state and self.state["is_published"])
        before, members_before, sources_before = self.state, dict(self.members), dict(self.sources)
        reason = ("", "")
        for row in group:
            what = row["_what"]
            if what == "laureate":
                self.state = row
                reason = (
                    reason_of(row["history_change_reason"])
                    if row["history_change_reason"]
                    else reason
                )
            elif what == "member":
                self.apply(
                    self.members,
                    row["organisation_id"],
                    (row["organisation_name"], row["role"]),
                    row,
                )
            else:
                self.apply(self.sources, row["url"], row["title"], row)
        if self.state is None or not self.state["is_published"]:
            return None
        if initial(group) and before is None:
            return None
        if not was_published:
            changes = [Change("publication", _("fiche"), text=_("publiée"))]
        else:
            changes = field_changes(
                Laureate, "fiche", before, self.state, [*LAUREATE_FIELDS, *LAUREATE_M2M]
            )
            changes += self.member_changes(members_before)
            changes += self.source_changes(sources_before)
        if not changes:
            return None
        text, url = reason
        return Entry(
            group[-1]["history_date"],
            self.laureate["name"],
            self.url,
            f"laureate:{self.laureate['id']}",
            changes,
            reason=text,
            reason_url=url,
            laureate_slug=self.laureate["slug"],
        )

    @staticmethod
    def apply(state, key, value, row):
        if row["history_type"] == "-":
            state.pop(key, None)
        else:
            state[key] = value

    def member_changes(self, before):
        changes = []
        roles = dict(Membership.Role.choices)
        for pk in before.keys() | self.members.keys():
            old, new = before.get(pk), self.members.get(pk)
            if old == new:
                continue
            name = (new or old)[0]
            if old is None:
                text = _("%(name)s ajouté (%(role)s)") % {"name": name, "role": roles[new[1]]}
                changes.append(Change("membres", _("membre"), text=text))
            elif new is None:
                text = _("%(name)s retiré") % {"name": name}
                changes.append(Change("membres", _("membre"), text=text))
            else:
                label = _("rôle de %(name)s") % {"name": name}
                changes.append(Change("membres", label, roles[old[1]], roles[new[1]]))
        return sorted(changes, key=lambda change: change.text or change.label)

    def source_changes(self, before):
        changes = []
        for url in sorted(before.keys() | self.sources.keys()):
            old, new = before.get(url), self.sources.get(url)
            if url in before and url in self.sources and old == new:
                continue
            if url not in before:
                text = _("%(title)s ajoutée") % {"title": new or url}
            elif url not in self.sources:
                text = _("%(title)s retirée") % {"title": old or url}
            else:
                text = _("titre de %(url)s : %(old)s → %(new)s") % {
                    "url": url,
                    "old": old or "—",
                    "new": new or "—",
                }
            changes.append(Change("sources", _("source"), text=text))
        return changes
