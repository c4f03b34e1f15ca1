"""Which history rows one page of the change log reads (laureats/journal/log.py), in bounded work.

Entries are ordered newest first by a key (date in microseconds, kind of record, record id),
and a page is addressed by the key of its first entry (`?avant=<key>`, the entries at or before
it): a keyset, so that a deep page costs what the first does and no query counts the whole
history. For a page, each history table gives its newest rows at or before the key (index on
history_date), visible records only, and only rows that can end an entry (journal.py says
which); their records are the page's candidates, and only these records' histories are read
and diffed (and the official figures', a dozen records). Every entry newer than the oldest row
read belongs to a candidate, so those entries are exact; older ones wait for the next page.

One read a page, of a fixed number of rows: a page costs the same queries and reads at most
the histories of that many records, whatever its key and however many rows an import wrote at
one date. Where the rows read make fewer entries than a page holds, the page is shorter and its
"older changes" link goes on from the oldest row read.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.db.models import Q

# History rows read per table, for each entry a page shows: an entry is one row (an edit, an
# import), or a few when a save writes a laureate, its members and its sources together.
LOOK_BACK = 2
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)
# How entries of the same date are ordered (the record's kind, then its id).
RANKS = {"figure": 0, "laureate": 1, "organisation": 2, "resource": 3}

# history_user_id only tells two writers apart (timeline.groups): never shown.
HISTORY = [
    "history_id",
    "history_date",
    "history_type",
    "history_change_reason",
    "history_user_id",
]


def among(field, ids):
    """`field` in `ids`, as a condition that still runs a query when there is no id (an
    empty IN would not): a page costs the same queries whatever kinds of record it holds."""
    return Q(**{f"{field}__in": ids}) if ids else Q(**{f"{field}__isnull": True})


def history_rows(model_or_history, fields, *conditions, **filters):
    history = getattr(model_or_history, "history", model_or_history)
    return list(
        history.filter(*conditions, **filters)
        .order_by("history_date", "history_id")
        .values("id", *HISTORY, *fields)
    )


def micros(date):
    return (date - EPOCH) // MICROSECOND


@dataclass(frozen=True, order=True)
class Key:
    micros: int
    rank: int
    record_id: int

    @classmethod
    def parse(cls, raw):
        """The key a `?avant=` value names; None if it names none."""
        parts = raw.split("-")
        if len(parts) != 3 or parts[1] not in RANKS:
            return None
        try:
            key = cls(int(parts[0]), RANKS[parts[1]], int(parts[2]))
            key.date  # noqa: B018 (a date out of range raises OverflowError)
        except (ValueError, OverflowError):
            return None
        return key

    @classmethod
    def of_entry(cls, entry):
        kind, record_id = entry.record.split(":")
        return cls(micros(entry.date), RANKS[kind], int(record_id))

    def __str__(self):
        kind = next(name for name, rank in RANKS.items() if rank == self.rank)
        return f"{self.micros}-{kind}-{self.record_id}"

    @property
    def date(self):
        return EPOCH + timedelta(microseconds=self.micros)

    def just_before(self):
        return Key(self.micros, self.rank, self.record_id - 1)


@dataclass
class Table:
    """One history table read for the page: its rows belong to record `kind`:`record_field`."""

    kind: str
    history: object  # the history manager (Model.history)
    record_field: str
    visible: Q

    def at_or_before(self, key):
        """The rows whose key is at or before `key`."""
        rank = RANKS[self.kind]
        if key is None:
            return Q()
        if rank < key.rank:
            return Q(history_date__lte=key.date)
        if rank > key.rank:
            return Q(history_date__lt=key.date)
        return Q(history_date__lt=key.date) | Q(
            history_date=key.date, **{f"{self.record_field}__lte": key.record_id}
        )

    def newest(self, key, excluded, look_back):
        """The newest `look_back` keys of rows at or before `key`: distinct, since the rows
        of one entry share one (an import writes a laureate and its members at one date)."""
        rows = (
            self.history.filter(self.visible, self.at_or_before(key))
            .exclude(excluded)
            .order_by("-history_date", f"-{self.record_field}")
            .values_list("history_date", self.record_field)
            .distinct()[:look_back]
        )
        rank = RANKS[self.kind]
        return [(Key(micros(date), rank, record_id), self.kind) for date, record_id in rows]


def look_back(limit):
    """The rows read per table for a page of `limit` entries."""
    return int(LOOK_BACK * limit) + 1


def candidates(tables, key, excluded, look_back):
    """({kind: {record ids}}, the oldest key read or None when the history was read to its
    start): every entry at or before `key` and newer than the oldest key is of these records."""
    rows, complete = set(), True
    for table in tables:
        found = table.newest(key, excluded, look_back)
        complete = complete and len(found) < look_back
        rows.update(found)
    # The look_back-th newest key is no older than any table's oldest key read: every row newer
    # than it, in every table, was read.
    rows = sorted(rows, reverse=True)
    oldest = None
    if not complete:
        oldest = rows[look_back - 1][0]
        if oldest >= rows[0][0]:
            # All the rows read are of one record at one date: take that record's entry.
            oldest = oldest.just_before()
        rows = [row for row in rows if row[0] > oldest]
    records = {}
    for row_key, kind in rows:
        records.setdefault(kind, set()).add(row_key.record_id)
    return records, oldest


class JournalPage:
    """The entries of one page, and where the next (older) page starts: what templates read
    as `page_obj`."""

    def __init__(self, entries, key, next_key):
        self.entries = entries
        self.key = key
        self.next_key = next_key

    def __iter__(self):
        return iter(self.entries)

    def __len__(self):
        return len(self.entries)

    def __getitem__(self, index):
        return self.entries[index]

    @property
    def has_next(self):
        return self.next_key is not None

    @property
    def has_previous(self):
        return self.key is not None

    @property
    def next_cursor(self):
        return str(self.next_key) if self.next_key else ""


def page_of(entries, key, oldest, limit):
    """The page of at most `limit` entries at or before `key`, newer than `oldest`."""
    keyed = sorted(
        ((Key.of_entry(entry), entry) for entry in entries),
        key=lambda item: item[0],
        reverse=True,
    )
    keyed = [
        (entry_key, entry)
        for entry_key, entry in keyed
        if (key is None or entry_key <= key) and (oldest is None or entry_key > oldest)
    ]
    shown = keyed[:limit]
    # Without more entries here, the next page starts at the oldest row read (None: the
    # history was read to its start).
    next_key = shown[-1][0].just_before() if len(keyed) > limit else oldest
    return JournalPage([entry for _key, entry in shown], key, next_key)
