"""How one change of the public change log reads (laureats/journal/log.py): a field's label, its
values before and after in words of the active language, and the reason given for it."""

import re
from dataclasses import dataclass, field

from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import formats
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ..opendata.field_docs import field_label

TEXT_SHOWN = 160  # characters of a long text shown before and after

# The reasons the portal writes itself (moderation.py, importer/applying.py).
PROPOSAL_REASON = re.compile(r"^Proposition n°\d+ acceptée — source : (?P<url>https?://\S+)$")
IMPORT_REASON_PREFIX = "Import : "
# The reason of the first entries written for data loaded raw (importer/history.py).
INITIAL_LOAD_REASON = "Données initiales"


@dataclass
class Change:
    kind: str
    label: str
    before: str = ""
    after: str = ""
    text: str = ""  # for a change that has no before/after ("Membre ajouté : …")


@dataclass
class Entry:
    date: object
    title: str
    url: str
    record: str  # "laureate:12", "organisation:3", "figure:7": what the entry is about
    changes: list = field(default_factory=list)
    reason: str = ""
    reason_url: str = ""
    laureate_slug: str = ""

    @property
    def kinds(self):
        return {change.kind for change in self.changes}

    @property
    def anchor(self):
        return f"{self.record.replace(':', '-')}-{int(self.date.timestamp() * 1000)}"

    @property
    def is_publication(self):
        return "publication" in self.kinds

    def summary(self):
        """One line of text, for a feed title."""
        if self.is_publication:
            return _("%(title)s : fiche publiée") % {"title": self.title}
        if self.record.startswith("resource:") and self.changes[0].text:
            # Added to the catalogue or removed from it.
            return _("%(title)s : %(change)s") % {
                "title": self.title,
                "change": self.changes[0].text,
            }
        labels = list(dict.fromkeys(change.label for change in self.changes))
        return _("%(title)s : %(labels)s modifié(s)") % {
            "title": self.title,
            "labels": ", ".join(labels),
        }


def reason_of(raw):
    """(text, url) of a reason the portal wrote; ("", "") for any other."""
    if not raw:
        return "", ""
    match = PROPOSAL_REASON.match(raw)
    if match:
        return _("proposition du public acceptée, source :"), match["url"]
    if raw.startswith(IMPORT_REASON_PREFIX):
        name = raw.removeprefix(IMPORT_REASON_PREFIX)
        return _("importé depuis le fichier « %(name)s »") % {"name": name}, ""
    return "", ""


def shown(model, name, value):
    """A value as a reader sees it, in the active language."""
    if value is None or value == "" or value == ():
        return _("non renseigné")
    if isinstance(value, tuple):
        return ", ".join(value)
    model_field = model._meta.get_field(name.split("__")[0])
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if name in {"total_cost", "state_aid"}:
        return _("%(amount)s €") % {"amount": intcomma(value)}
    if hasattr(value, "isoformat") and not hasattr(value, "hour"):
        return formats.date_format(value, "j F Y")
    if hasattr(value, "as_tuple"):  # a Decimal figure: 62.00 reads 62
        value = int(value) if value == value.to_integral_value() else value
        return intcomma(value)
    return Truncator(str(value)).chars(TEXT_SHOWN)


def label_of(model, name):
    return field_label(model._meta.get_field(name.split("__")[0]))


class FieldChange:
    """A Change of one field, put in words only when read: a log of thousands of changes shows
    one page of them."""

    text = ""

    def __init__(self, kind, model, name, old, new):
        self.kind, self.model, self.name, self.old, self.new = kind, model, name, old, new

    @property
    def label(self):
        return label_of(self.model, self.name)

    @property
    def before(self):
        return shown(self.model, self.name, self.old)

    @property
    def after(self):
        return shown(self.model, self.name, self.new)


def field_changes(model, kind, before, after, names):
    return [
        FieldChange(kind, model, name, before.get(name), after.get(name))
        for name in names
        if before.get(name) != after.get(name)
    ]
