"""What the import page shows of a Plan, for a person to check before confirming.

Everything here is read from the plan the importer computed (laureats/importer/planning.py),
never from the file again: the preview shows what confirming writes. A new laureate is shown
field by field; a changed one, each changed field before → after; and every removal (a member
leaving, a lead replaced, a source removed, a field emptied...) is also listed at the top, so
that none is found only inside a row. Values read as a person reads them: amounts in euros,
dates in words, sectors and regions by name, statuses by label (import_words.py).

The names of the sectors and regions are the only reads: two queries, whatever the number of
rows, and none when the file has neither column.
"""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..csv_format.values import split_values
from .import_words import Words, fields_html

# What a removal from a list column is called, in the warning at the top of the preview.
REMOVED_ITEM = {
    "secteurs": gettext_lazy("filière retirée"),
    "filieres": gettext_lazy("filière retirée"),
    "regions": gettext_lazy("région retirée"),
    "laureats": gettext_lazy("lauréat retiré"),
    "publics": gettext_lazy("public retiré"),
}
# The column that publishes a row, in either kind of file.
PUBLISHED = {"publie", "publiee"}


def source_parts(text):
    """(url, title) of one source as the plan writes it ("adresse titre", | escaped)."""
    url, _space, title = (split_values(text) or [""])[0].partition(" ")
    return url, title.strip()


def source_text(url, title):
    return f"{url} « {title} »" if title else url


class Shown:
    """A laureate of the plan, as its heading names it."""

    def __init__(self, row, words):
        self.row, self.slug, self.name = row.row, row.slug, row.name
        self.line = words.line % {"number": row.row}


class NewLaureate(Shown):
    """A laureate the file creates, with every field it will have."""

    def __init__(self, row, words):
        super().__init__(row, words)
        # The columns the file lacks are the same for every row: the preview says once what
        # they give (Preview.defaults).
        self.fields = [
            (words.labels[column.name], self.value(column, row, words))
            for column in words.columns
            if column.name in row.values and column.name not in words.heading_columns
        ]
        self.fields_html = fields_html(self.fields)

    @staticmethod
    def value(column, row, words):
        name = column.name
        value = row.values[name]
        if name in words.names:
            return words.value(items=[words.names[name].get(code, code) for code in value])
        if name == "membres":
            # The plan resolved each member, in the file's order, to an organisation known
            # ("pk") or to be created ("new").
            refs = list(row.members or {})
            new = [ref[0] == "new" for ref in refs] if len(refs) == len(value) else []
            items = [words.member(m, bool(new) and new[i]) for i, m in enumerate(value)]
            return words.value(items=items)
        if name == "sources":
            return words.value(links=value)
        return words.value(words.readable(column, column.write(value)))


class ShownChange:
    """One changed field of an existing laureate, before → after, as a person reads them."""

    def __init__(self, change, words):
        column = words.by_name[change.column]
        self.column = change.column
        self.label = words.labels[change.column]
        self.is_list = change.is_list
        self.removed, self.added = list(change.removed), list(change.added)
        if change.column in words.names:
            codes = words.names[change.column]
            self.removed = [codes.get(code, code) for code in change.removed]
            self.added = [codes.get(code, code) for code in change.added]
        elif change.column == "sources":
            self.removed = [source_parts(text) for text in change.removed]
            self.added = [source_parts(text) for text in change.added]
        self.before = words.readable(column, change.before)
        self.after = words.readable(column, change.after)
        as_text = (lambda pair: source_text(*pair)) if change.column == "sources" else str
        self.html = words.change(
            self.before,
            self.after,
            [as_text(value) for value in self.removed],
            [as_text(value) for value in self.added],
        )


class ChangedLaureate(Shown):
    def __init__(self, row, words):
        super().__init__(row, words)
        self.changes = [ShownChange(change, words) for change in row.changes]
        self.fields_html = fields_html((change.label, change.html) for change in self.changes)


@dataclass
class Removal:
    what: str  # "membre retiré", "source retirée"...
    text: str


class Removals(Shown):
    """Every removal of one laureate: what the warning at the top of the preview names."""

    def __init__(self, row, words):
        super().__init__(row, words)
        self.items = []
        for change in row.changes:
            self.items += self.of(change, words)

    def of(self, change, words):
        column = words.by_name[change.column]
        if change.column == "membres":
            yield from (
                Removal(_("membre retiré"), f"{name} ({words.roles.get(role, role)})")
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
                Removal(_("source retirée"), source_text(url, title)) for url, title in change.gone
            )
        elif change.column in words.names:
            what = str(REMOVED_ITEM[change.column])
            names = words.names[change.column]
            yield from (Removal(what, names.get(code, code)) for code in change.removed)
        elif change.column in PUBLISHED:
            if change.before == "oui" and change.after == "non":
                yield Removal(
                    _("publication retirée"), _("la fiche ne sera plus montrée sur le portail")
                )
        elif change.before and not change.after:
            yield Removal(
                _("champ vidé"),
                _("%(field)s (était : %(value)s)")
                % {
                    "field": words.labels[change.column],
                    "value": words.readable(column, change.before),
                },
            )


class Preview:
    """What the import page shows: a plan's rows, or the problems that stop the file."""

    def __init__(self, plan=None, problems=(), moved=None):
        self.plan = plan
        # "laureates" or "resources": what the page's sentences call the rows.
        self.kind = plan.kind if plan is not None else "laureates"
        self.problems = list(problems)
        # After a confirmation refused because the data moved: the slugs of the rows that
        # this preview shows otherwise than the one confirmed.
        self.is_moved = moved is not None
        self.moved = moved or set()
        self.created, self.updated, self.unchanged, self.removals = [], [], [], []
        self.new_organisations, self.organisation_updates, self.description = [], 0, ""
        self.defaults = ""
        if plan is None:
            return
        words = Words(plan)
        self.created = [NewLaureate(row, words) for row in plan.created]
        if self.created:
            # What every laureate created gets for the columns the file does not have.
            in_file = plan.created[0].values
            self.defaults = fields_html(
                (words.labels[column.name], words.value(words.defaults.get(column.name, "")))
                for column in words.columns
                if column.name not in in_file
            )
        self.updated = [ChangedLaureate(row, words) for row in plan.updated]
        self.unchanged = plan.unchanged
        removals = (Removals(row, words) for row in plan.updated)
        self.removals = [laureate for laureate in removals if laureate.items]
        self.new_organisations = plan.new_organisations
        self.organisation_updates = len(plan.organisation_updates)
        self.description = plan.description

    @property
    def removal_count(self):
        return sum(len(laureate.items) for laureate in self.removals)
