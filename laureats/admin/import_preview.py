"""What the import page shows of a Plan, for a person to check before confirming.

Everything here is read from the plan the importer computed (laureats/importer/planning.py),
never from the file again: the preview shows what confirming writes. A new laureate is shown
field by field; a changed one, each changed field before → after; and every removal (a member
leaving, a lead replaced, a source removed, a field emptied...) is also listed at the top, so
that none is found only inside a row. Values read as a person reads them: amounts in euros,
dates in words, sectors and regions by name, statuses by label.

The names of the sectors and regions are the only reads: two queries, whatever the number of
rows, and none when the file has neither column.
"""

import datetime
from dataclasses import dataclass, field

from django.utils.formats import date_format, number_format
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ..csv_format import BY_NAME, COLUMNS
from ..csv_format.codecs import Amount, Boolean, Choice, Date
from ..csv_format.values import split_values
from ..importer.planning import MULTI_VALUE
from ..models import Membership, Organisation, Region, Sector

# Long texts (a description) are cut in the preview; the file itself is imported whole.
TEXT_LIMIT = 300
# Shown in each new laureate's heading rather than in its list of fields.
HEADING_COLUMNS = {"slug", "nom"}
ROLES = dict(Membership.Role.choices)
KINDS = dict(Organisation.Kind.choices)


def names(plan):
    """{column: {code: name}} for the sectors and regions the plan's rows hold."""
    columns = set().union(*(row.values for row in plan.rows)) if plan.rows else set()
    found = {"secteurs": {}, "regions": {}}
    if "secteurs" in columns:
        found["secteurs"] = dict(Sector.objects.values_list("slug", "name"))
    if "regions" in columns:
        found["regions"] = {
            code: f"{name} ({code})" for code, name in Region.objects.values_list("code", "name")
        }
    return found


def readable(column, text):
    """A cell as the import writes it (Column.write), as a person reads it; "" when empty."""
    if not text:
        return ""
    codec = column.codec
    if isinstance(codec, Amount):
        return f"{number_format(int(text), force_grouping=True)} €"
    if isinstance(codec, Date):
        return date_format(datetime.date.fromisoformat(text))
    if isinstance(codec, Choice):
        return str(dict(column.model_field.choices).get(text, text))
    if isinstance(codec, Boolean):
        return _("oui") if text == "oui" else _("non")
    return Truncator(text).chars(TEXT_LIMIT)


def source_parts(text):
    """(url, title) of one source as the plan writes it ("adresse titre", | escaped)."""
    url, _space, title = (split_values(text) or [""])[0].partition(" ")
    return url, title.strip()


@dataclass
class Field:
    label: str
    text: str = ""
    items: list = field(default_factory=list)
    links: list = field(default_factory=list)  # sources: (url, title)
    # The column is not in the file: the field gets the model's default.
    absent: bool = False
    is_list: bool = False

    @property
    def empty(self):
        return not (self.text or self.items or self.links)


def member_text(member, is_new):
    parts = [str(ROLES.get(member.role, member.role)), str(KINDS.get(member.kind, member.kind))]
    if member.siren:
        parts.append(_("SIREN %(siren)s") % {"siren": member.siren})
    if is_new:
        parts.append(_("nouvelle organisation"))
    return f"{member.name} — {', '.join(parts)}"


class NewLaureate:
    """A laureate the file creates, with every field it will have."""

    def __init__(self, row, labels):
        self.row, self.slug, self.name = row.row, row.slug, row.name
        self.fields = [
            self.field(column, row, labels)
            for column in COLUMNS
            if column.name not in HEADING_COLUMNS
        ]

    @staticmethod
    def field(column, row, labels):
        label = str(column.label)
        if column.name not in row.values:
            if column.name in MULTI_VALUE:
                return Field(label, absent=True, is_list=True)
            default = column.write(column.model_field.get_default())
            return Field(label, readable(column, default), absent=True)
        value = row.values[column.name]
        if column.name in ("secteurs", "regions"):
            return Field(label, items=[labels[column.name].get(v, v) for v in value], is_list=True)
        if column.name == "membres":
            refs = list(row.members or {})
            new = [ref[0] == "new" for ref in refs] if len(refs) == len(value) else []
            return Field(
                label,
                items=[
                    member_text(member, bool(new) and new[index])
                    for index, member in enumerate(value)
                ],
                is_list=True,
            )
        if column.name == "sources":
            return Field(label, links=list(value), is_list=True)
        return Field(label, readable(column, column.write(value)))


class ShownChange:
    """One changed field of an existing laureate, before → after, as a person reads them."""

    def __init__(self, change, labels):
        column = BY_NAME[change.column]
        self.column = change.column
        self.label = str(column.label)
        self.is_list = change.is_list
        if change.column in labels:
            codes = labels[change.column]
            self.removed = [codes.get(code, code) for code in change.removed]
            self.added = [codes.get(code, code) for code in change.added]
        else:
            self.removed, self.added = list(change.removed), list(change.added)
        self.is_sources = change.column == "sources"
        if self.is_sources:
            self.removed = [source_parts(text) for text in change.removed]
            self.added = [source_parts(text) for text in change.added]
        self.before = readable(column, change.before)
        self.after = readable(column, change.after)


class ChangedLaureate:
    def __init__(self, row, labels):
        self.row, self.slug, self.name = row.row, row.slug, row.name
        self.changes = [ShownChange(change, labels) for change in row.changes]


@dataclass
class Removal:
    what: str  # "membre retiré", "source retirée"...
    text: str


class Removals:
    """Every removal of one laureate: what the warning at the top of the preview names."""

    def __init__(self, row, labels):
        self.row, self.slug, self.name = row.row, row.slug, row.name
        self.items = []
        for change in row.changes:
            self.items += self.of(change, labels)

    def of(self, change, labels):
        column = BY_NAME[change.column]
        if change.column == "membres":
            yield from (
                Removal(_("membre retiré"), f"{name} ({ROLES.get(role, role)})")
                for name, role in change.gone
            )
            before, after = change.lead or ("", "")
            if before and after:
                yield Removal(_("porteur remplacé"), f"{before} → {after}")
            elif before:
                yield Removal(
                    _("porteur retiré"), _("%(name)s, sans nouveau porteur") % {"name": before}
                )
        elif change.column == "sources":
            yield from (
                Removal(_("source retirée"), f"{url} « {title} »" if title else url)
                for url, title in change.gone
            )
        elif change.column in labels:
            what = _("filière retirée") if change.column == "secteurs" else _("région retirée")
            yield from (Removal(what, labels[change.column].get(c, c)) for c in change.removed)
        elif change.column == "publie":
            if change.before == "oui" and change.after == "non":
                yield Removal(
                    _("publication retirée"), _("la fiche ne sera plus montrée sur le portail")
                )
        elif change.before and not change.after:
            yield Removal(
                _("champ vidé"),
                _("%(field)s (était : %(value)s)")
                % {"field": column.label, "value": readable(column, change.before)},
            )


class Preview:
    """What the import page shows: a plan's rows, or the problems that stop the file."""

    def __init__(self, plan=None, problems=(), moved=None):
        self.plan = plan
        self.problems = list(problems)
        # After a confirmation refused because the data moved: the slugs of the rows that
        # this preview shows otherwise than the one confirmed.
        self.is_moved = moved is not None
        self.moved = moved or set()
        self.created, self.updated, self.unchanged, self.removals = [], [], [], []
        self.new_organisations, self.organisation_updates, self.description = [], 0, ""
        if plan is None:
            return
        labels = names(plan)
        self.created = [NewLaureate(row, labels) for row in plan.created]
        self.updated = [ChangedLaureate(row, labels) for row in plan.updated]
        self.unchanged = plan.unchanged
        self.removals = [
            removals
            for removals in (Removals(row, labels) for row in plan.updated)
            if removals.items
        ]
        self.new_organisations = plan.new_organisations
        self.organisation_updates = len(plan.organisation_updates)
        self.description = plan.description

    @property
    def removal_count(self):
        return sum(len(removals.items) for removals in self.removals)
