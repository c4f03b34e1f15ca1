"""The public change log (/journal/, each fiche's history, the feeds), read from the records
django-simple-history keeps of laureates, their members and sources, organisations and
official figures.

What is public, and only that:
- a laureate's changes once it is published, and only while it is: what was written while it
  was unpublished shows as one "publié" entry when it is published, and a laureate that is not
  published today shows nothing at all;
- an organisation's changes while it belongs to a published laureate (its page is public);
- the official figures, which the home page shows;
- the shared productions' changes while they are in the public catalogue, their publication
  and their removal (laureats/journal/resources.py).
Never the staff member who wrote, nor a proposal's content: a reason is shown only when it is
one the portal writes itself, an accepted proposal's source or an import's file name.

Rows written together (one admin save, one import) make one entry, diffed from the state
before the first to the state after the last (laureats/journal/timeline.py, GROUP_WINDOW).

A page reads the newest history rows only (laureats/journal/page.py): the whole history of
the few records they belong to is then read in a fixed number of queries (values() rows, no
model instances) and diffed in Python, so that a page costs the same at 60 or 10,000
laureates, a deep page what the first does, and any `?avant=` key what any other does. When an
organisation's changes became public (its first membership of a published laureate) is
computed by the database, one row per organisation: an organisation in thousands of consortia
does not make a page build the entries of thousands of laureates.

The first entries written for data loaded raw (`load_real_data`, INITIAL_LOAD_REASON) are no
change: they make no entry, and give the first real edit its "before"
(laureats/journal/timeline.py).
"""

from datetime import UTC, datetime

from django.apps import apps
from django.core.validators import slug_re
from django.db.models import Case, Exists, F, Min, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Laureate, Membership, Organisation, ProgrammeFigure, Source
from .entries import INITIAL_LOAD_REASON, Change, Entry, field_changes, shown
from .page import Table, among, candidates, history_rows, look_back, page_of
from .resources import KIND as RESOURCE_KIND
from .resources import resource_entries, resource_table
from .timeline import LAUREATE_FIELDS, LAUREATE_M2M, LaureateTimeline, groups, initial

FEED_LIMIT = 50  # entries of a feed
END_OF_TIME = datetime(9999, 12, 31, tzinfo=UTC)

# The kinds of change, as the `type` parameter names them.
KINDS = {
    "publication": gettext_lazy("publication d'une fiche"),
    "fiche": gettext_lazy("informations d'une fiche"),
    "membres": gettext_lazy("membres"),
    "sources": gettext_lazy("sources"),
    "organisations": gettext_lazy("organisations"),
    "chiffres": gettext_lazy("chiffres officiels"),
    RESOURCE_KIND: gettext_lazy("productions partagées"),
}
LAUREATE_KINDS = {"publication", "fiche", "membres", "sources"}

ORGANISATION_FIELDS = ["name", "kind", "city", "region__name", "website", "siren", "siret"]
FIGURE_FIELDS = ["label", "value", "unit", "note"]


def m2m_values(history_ids):
    """{history_id: {"sectors": (names...), "regions": (...)}} of these laureate rows."""
    result = {}
    for name, column in LAUREATE_M2M.items():
        m2m = apps.get_model("laureats", f"HistoricalLaureate_{name}")
        rows = m2m.objects.filter(among("history_id", history_ids))
        for history_id, value in rows.order_by(column).values_list("history_id", column):
            result.setdefault(history_id, {}).setdefault(name, []).append(value)
    return {
        history_id: {name: tuple(values) for name, values in by_name.items()}
        for history_id, by_name in result.items()
    }


def public_organisation(column):
    """The organisation of `column` if it is public (a member of a published laureate)."""
    return Organisation.objects.with_published_memberships().filter(pk=OuterRef(column))


def public_since(organisation_ids):
    """{organisation id: when it first was a member of a laureate published then (and now)},
    in one query that returns a row per organisation, whatever its number of consortia.

    For each row of one of its memberships (not a removal), and until the next row of that
    membership: the row's date if the laureate was published then, else the laureate's first
    publication within that span."""
    later_rows = Membership.history.filter(
        laureate_id=OuterRef("laureate_id"),
        organisation_id=OuterRef("organisation_id"),
        history_date__gt=OuterRef("history_date"),
    ).order_by("history_date", "history_id")
    laureate_rows = Laureate.history.filter(id=OuterRef("laureate_id"))
    state_then = laureate_rows.filter(history_date__lte=OuterRef("history_date")).order_by(
        "-history_date", "-history_id"
    )
    publication = laureate_rows.filter(
        is_published=True,
        history_date__gt=OuterRef("history_date"),
        history_date__lt=Coalesce(OuterRef("until"), Value(END_OF_TIME)),
    ).order_by("history_date", "history_id")
    rows = (
        Membership.history.filter(
            among("organisation_id", organisation_ids),
            Exists(Laureate.objects.published().filter(pk=OuterRef("laureate_id"))),
        )
        .exclude(history_type="-")
        .annotate(
            until=Subquery(later_rows.values("history_date")[:1]),
            published_then=Subquery(state_then.values("is_published")[:1]),
        )
        .annotate(
            since=Case(
                When(published_then=True, then=F("history_date")),
                default=Subquery(publication.values("history_date")[:1]),
            )
        )
        .order_by()
        .values("organisation_id")
        .annotate(first=Min("since"))
        .values_list("organisation_id", "first")
    )
    return {pk: first for pk, first in rows if first is not None}


class Journal:
    """The public entries, newest first, one page at a time (laureats/journal/page.py); with
    `slug` (a published laureate's), only its own.

    `laureate` is {"id", "slug", "name"} of `slug`, None if it is not published; `laureates`,
    the same of the published laureates a page reads.
    """

    def __init__(self, slug=None):
        rows = Laureate.objects.published().filter(slug=slug).values("id", "slug", "name")
        # What is no slug names no laureate (and a NUL byte is no PostgreSQL text).
        self.laureate = rows.first() if slug and slug_re.fullmatch(slug) else None
        self.laureates = {}

    def tables(self, kind, laureates_only):
        # EXISTS, which PostgreSQL checks row by row as it walks the date index down to the
        # few rows a page reads (IN would read every published laureate first).
        def published(column):
            return Exists(Laureate.objects.published().filter(pk=OuterRef(column)))

        if self.laureate is not None:
            own, owned = Q(id=self.laureate["id"]), Q(laureate_id=self.laureate["id"])
        else:
            own, owned = Q(published("id")), Q(published("laureate_id"))
        # Only rows that can end an entry: a laureate's own rows while it is published (what it
        # says while unpublished shows in the entry of its publication, ended by a published
        # row), an organisation's changes (its creation shows as a member added).
        laureate_tables = [
            Table("laureate", Laureate.history, "id", own & Q(is_published=True)),
            Table("laureate", Membership.history, "laureate_id", owned),
            Table("laureate", Source.history, "laureate_id", owned),
        ]
        other_tables = {}
        if self.laureate is None and not laureates_only:
            public = Exists(public_organisation("id")) & ~Q(history_type="+")
            other_tables["organisations"] = Table(
                "organisation", Organisation.history, "id", public
            )
            other_tables[RESOURCE_KIND] = resource_table()
        if kind == "chiffres":
            return []
        if kind in {"organisations", RESOURCE_KIND}:
            return [other_tables[kind]] if kind in other_tables else []
        if kind:
            return laureate_tables
        return [*laureate_tables, *other_tables.values()]

    def page(self, kind=None, key=None, limit=FEED_LIMIT, laureates_only=False):
        """The page of at most `limit` entries at or before `key` (a page.Key, None for
        the newest), of `kind` only if given (and only its changes)."""
        tables = self.tables(kind, laureates_only)
        # A record's first entry from a load changes nothing: no entry to look for.
        initial_load = Q(history_change_reason=INITIAL_LOAD_REASON, history_type="+")
        records, oldest = candidates(tables, key, initial_load, look_back(limit))
        everything = self.laureate is None and not laureates_only
        resource_ids = list(records.get("resource", set()))
        if kind == RESOURCE_KIND:
            # The resources' own page of the log (their feed): no laureate to read.
            entries = resource_entries(resource_ids) if everything else []
        else:
            entries = self.entries_of(
                records.get("laureate", set()), records.get("organisation", set()), everything
            )
            if everything:
                entries += resource_entries(resource_ids)
        if everything and kind in {None, "", "chiffres"}:
            # The dozen official figures, edited a few times a year: all their history.
            entries += self.figure_entries()
        if kind:
            entries = [entry for entry in entries if kind in entry.kinds]
            for entry in entries:
                entry.changes = [change for change in entry.changes if change.kind == kind]
        return page_of(entries, key, oldest, limit)

    def entries_of(self, laureate_ids, organisation_ids, with_organisations):
        rows = Laureate.objects.published().filter(among("pk", laureate_ids))
        self.laureates = {row["id"]: row for row in rows.values("id", "slug", "name")}
        entries = self.laureate_entries(list(self.laureates))
        if with_organisations:
            entries += self.organisation_entries(organisation_ids)
        return entries

    # Laureates, their members and sources ---------------------------------------------------

    def laureate_entries(self, ids):
        owned = among("laureate_id", ids)
        rows = history_rows(Laureate, [*LAUREATE_FIELDS, "is_published"], among("id", ids))
        m2m = m2m_values([row["history_id"] for row in rows])
        # The organisation's name looked up row by row (its index), not by joining every
        # organisation.
        named = Organisation.objects.filter(pk=OuterRef("organisation_id")).values("name")
        members = history_rows(
            Membership.history.annotate(organisation_name=Subquery(named)),
            ["laureate_id", "organisation_id", "organisation_name", "role"],
            owned,
        )
        sources = history_rows(Source, ["laureate_id", "title", "url"], owned)

        # One timeline per laureate: its own rows first at equal dates (an import writes the
        # laureate and its members under one date), then members and sources.
        timelines = {}
        for row in rows:
            row.update(m2m.get(row["history_id"], {}))
            timelines.setdefault(row["id"], []).append((row["history_date"], 0, "laureate", row))
        for name, found in [("member", members), ("source", sources)]:
            for row in found:
                timeline = timelines.setdefault(row["laureate_id"], [])
                timeline.append((row["history_date"], 1, name, row))
        entries = []
        for laureate_id, timeline in timelines.items():
            if laureate_id in self.laureates:
                timeline.sort(key=lambda item: item[:2])
                laureate = self.laureates[laureate_id]
                entries += LaureateTimeline(laureate, timeline).entries()
        return entries

    # Organisations and figures --------------------------------------------------------------

    def organisation_entries(self, ids):
        public = Organisation.objects.with_published_memberships().filter(among("pk", ids))
        current = {pk: (name, slug) for pk, name, slug in public.values_list("pk", "name", "slug")}
        rows = history_rows(Organisation, ORGANISATION_FIELDS, among("id", list(current)))
        entries = self.simple_entries(
            Organisation,
            "organisations",
            rows,
            ORGANISATION_FIELDS,
            title=lambda pk: current[pk][0],
            url=lambda pk: reverse("laureats:organisation-detail", args=[current[pk][1]]),
            # A new organisation shows as a member added to a laureate.
            announce_creation=False,
            record="organisation",
        )
        # Diffed from its whole history, shown from when it was public (without history of its
        # memberships, from the start).
        since = public_since(list(current))
        return [
            entry
            for entry in entries
            if entry.date >= since.get(int(entry.record.split(":")[1]), entry.date)
        ]

    def figure_entries(self):
        rows = history_rows(ProgrammeFigure, FIGURE_FIELDS)
        home = reverse("laureats:home")
        labels = {}
        for row in rows:
            labels[row["id"]] = row["label"]
        return self.simple_entries(
            ProgrammeFigure,
            "chiffres",
            rows,
            FIGURE_FIELDS,
            title=lambda pk: labels[pk],
            url=lambda pk: home,
            # A new figure says its value (only figures announce their creation).
            announce_creation=True,
            record="figure",
        )

    def simple_entries(self, model, kind, rows, names, *, title, url, announce_creation, record):
        by_record = {}
        for row in rows:
            by_record.setdefault(row["id"], []).append(row)
        entries = []
        for pk, records in by_record.items():
            before = {}
            for group in groups(records):
                after = {name: group[-1][name] for name in names}
                if initial(group) and not before:
                    changes = []
                elif group[-1]["history_type"] == "-":
                    changes = [Change(kind, str(model._meta.verbose_name), text=_("retiré"))]
                elif not before:
                    changes = (
                        [
                            Change(
                                kind,
                                str(model._meta.verbose_name),
                                text=_("ajouté, %(value)s")
                                % {
                                    "value": f"{shown(model, 'value', after['value'])} "
                                    f"{after['unit']}".strip()
                                },
                            )
                        ]
                        if announce_creation and group[0]["history_type"] == "+"
                        else []
                    )
                else:
                    changes = field_changes(model, kind, before, after, names)
                before = after
                if changes:
                    entries.append(
                        Entry(
                            group[-1]["history_date"],
                            title(pk),
                            url(pk),
                            f"{record}:{pk}",
                            changes,
                        )
                    )
        return entries
