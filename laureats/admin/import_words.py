"""The words and formats of the import preview (import_preview.py), looked up once per page.

A preview of 5,000 new laureates shows some 85,000 fields: translating a label, localising
an amount, running the template engine or even format_html once per field made the page take
37 s, near the server's 60 s timeout (12 s now, 8 s before the fields were shown). So the
labels, choices, separators and sentences are read once here, and the `<dl>` of each laureate
is built as one string, every value escaped by `escape` (the standard library's html.escape,
which Django's own wraps), leaving the template a loop over laureates.
"""

import datetime
from html import escape

from django.utils import dateformat
from django.utils.formats import get_format
from django.utils.safestring import mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ..csv_format.codecs import Amount, Boolean, Choice, Date
from ..models import Laureate, Membership, Organisation, Region, Resource, Sector

# Long texts (a description) are cut in the preview; the file itself is imported whole.
TEXT_LIMIT = 300


def names(plan):
    """{column: {code: name}} of the sectors and regions (and of a resource's laureates and
    audiences), when a row of the plan has them."""
    columns = set().union(*(row.values for row in plan.rows)) if plan.rows else set()
    if plan.kind == "resources":
        return resource_names(plan, columns)
    found = {"secteurs": {}, "regions": {}}
    if "secteurs" in columns:
        found["secteurs"] = dict(Sector.objects.values_list("slug", "name"))
    if "regions" in columns:
        found["regions"] = {
            code: f"{name} ({code})" for code, name in Region.objects.values_list("code", "name")
        }
    return found


def resource_names(plan, columns):
    found = {"filieres": {}, "laureats": {}, "publics": choices(Resource.Audience.choices)}
    if "filieres" in columns:
        found["filieres"] = dict(Sector.objects.values_list("slug", "name"))
    if "laureats" in columns:
        slugs = {slug for row in plan.rows for slug in row.values.get("laureats", ())}
        for change in (change for row in plan.rows for change in row.changes):
            if change.column == "laureats":
                slugs |= {*change.removed, *change.added}
        found["laureats"] = dict(
            Laureate.objects.filter(slug__in=slugs).values_list("slug", "name")
        )
    return found


def choices(pairs):
    return {value: str(label) for value, label in pairs}


def bullets(items):
    """A `<ul>` of items given as HTML (already escaped)."""
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


class Words:
    def __init__(self, plan):
        self.names = names(plan)
        self.columns, self.by_name = plan.columns, plan.by_name
        self.heading_columns = plan.heading_columns
        self.labels = {column.name: str(column.label) for column in self.columns}
        self.choices = {
            column.name: choices(column.model_field.choices)
            for column in self.columns
            if isinstance(column.codec, Choice)
        }
        self.roles = choices(Membership.Role.choices)
        self.kinds = choices(Organisation.Kind.choices)
        self.yes, self.no = _("oui"), _("non")
        self.thousands = get_format("THOUSAND_SEPARATOR")
        self.date_format = get_format("DATE_FORMAT")
        self.line = _("ligne %(number)s")
        self.siren = _("SIREN %(siren)s")
        self.new_organisation = _("nouvelle organisation")
        self.removed, self.added = _("retiré :"), _("ajouté :")
        self.empty = f'<em class="import-empty">{escape(_("vide"))}</em>'
        # What a new row gets for a column the file does not have.
        self.defaults = {
            column.name: self.readable(column, column.write(column.model_field.get_default()))
            for column in self.columns
            if column.name not in plan.relations
        }

    def readable(self, column, text):
        """A cell as the import writes it (Column.write), as a person reads it; "" if empty."""
        if not text:
            return ""
        codec = column.codec
        if isinstance(codec, Amount):
            return f"{int(text):,} €".replace(",", self.thousands)
        if isinstance(codec, Date):
            return dateformat.format(datetime.date.fromisoformat(text), self.date_format)
        if isinstance(codec, Choice):
            return self.choices[column.name].get(text, text)
        if isinstance(codec, Boolean):
            return self.yes if text == "oui" else self.no
        return Truncator(text).chars(TEXT_LIMIT)

    def member(self, member, is_new):
        parts = [self.roles.get(member.role, member.role), self.kinds.get(member.kind, member.kind)]
        if member.siren:
            parts.append(self.siren % {"siren": member.siren})
        if is_new:
            parts.append(self.new_organisation)
        return f"{member.name} — {', '.join(parts)}"

    def value(self, text="", items=(), links=()):
        """The HTML of a field's value: a text, a list, or sources as links."""
        if links:
            html = bullets(
                f'<a href="{escape(url)}" rel="noreferrer">{escape(url)}</a>'
                + (f" — {escape(title)}" if title else "")
                for url, title in links
            )
        elif items:
            html = bullets(escape(item) for item in items)
        else:
            html = escape(text) if text else self.empty
        return html

    def change(self, before, after, removed, added):
        """The HTML of a changed field: before → after, or what a list loses and gains."""
        if removed or added:
            removed_word, added_word = escape(self.removed), escape(self.added)
            return bullets(
                [f"{removed_word} <del>{escape(value)}</del>" for value in removed]
                + [f"{added_word} <ins>{escape(value)}</ins>" for value in added]
            )
        before = f"<del>« {escape(before)} »</del>" if before else self.empty
        after = f"<ins>« {escape(after)} »</ins>" if after else self.empty
        return f"{before} → {after}"


def fields_html(pairs):
    """The inside of a `<dl>`: one `<div><dt>…</dt><dd>…</dd></div>` per (label, html), the
    label escaped here, the html built by Words (every value in it escaped)."""
    # Every text in it went through escape().
    return mark_safe(
        "".join(f"<div><dt>{escape(label)}</dt><dd>{html}</dd></div>" for label, html in pairs)
    )
