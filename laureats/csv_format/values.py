"""Values as people type them, and as the portal writes them back.

Every parser takes the cell's text and returns a Python value or raises CellError, whose message
quotes the value once and says what is allowed; every writer is the exact inverse of its parser
on the values the portal stores, which the round-trip property test holds.
"""

import datetime
import functools
import re

from django.utils.translation import gettext as _
from django.utils.translation import override

from ..text.folding import normalize_text

# Separates the values of a multi-value cell; a "|" or "\" inside a value is escaped with "\".
SEPARATOR = "|"
ESCAPE = "\\"
# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
# Prefixed with any number of apostrophes, so that a value that itself starts with "'=" keeps
# its apostrophe through a round trip: writing adds one, reading removes one.
NEUTRALISED = re.compile(r"^'*[=+\-@\t\r]")
YES = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
NO = {"non", "n", "no", "faux", "false", "0"}
AMOUNT_SPACES = re.compile(r"[\s\u00a0\u202f\u2009'’€]|eur(os?)?$", re.IGNORECASE)
AMOUNT = re.compile(r"^(\d+)(?:[,.](\d{1,2}))?$")
FRENCH_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
QUOTE_LIMIT = 60


class CellError(Exception):
    """A value that cannot be read; its message is for the person who typed it."""


def quote(value):
    """The value as the message quotes it: once, shortened when long."""
    text = value if len(value) <= QUOTE_LIMIT else value[: QUOTE_LIMIT - 1] + "…"
    return f"« {text} »"


def match_key(text):
    """Case, accents, apostrophes and punctuation ignored: "Côte d’Azur" == "cote d azur"."""
    # str() first: a lazy translation is keyed by its text in the active language.
    return text_key(str(text))


# Cached: a 5,000-row file asks for the key of the same few roles, kinds and statuses some
# 250,000 times, and normalising is done character by character.
@functools.lru_cache(maxsize=8192)
def text_key(text):
    return " ".join(re.findall(r"[^\W_]+", normalize_text(text)))


def name_key(name):
    """An organisation's name as it is matched; a name of punctuation only ("???") still needs
    a key of its own."""
    return match_key(name) or name.casefold()


def neutralise(value):
    """A cell that a spreadsheet would run as a formula, made inert with a leading apostrophe."""
    return "'" + value if NEUTRALISED.match(value) else value


def restore(value):
    """The inverse of neutralise(), applied to every CSV cell read."""
    return value[1:] if value.startswith("'") and NEUTRALISED.match(value) else value


def split_values(raw):
    """The values of a multi-value cell, "|" separated, "\\|" and "\\\\" standing for | and \\."""
    values, current, chars = [], [], iter(raw)
    for char in chars:
        if char == ESCAPE:
            following = next(chars, "")
            if following in (SEPARATOR, ESCAPE):
                current.append(following)
            else:
                current.append(char + following)
        elif char == SEPARATOR:
            values.append("".join(current))
            current = []
        else:
            current.append(char)
    values.append("".join(current))
    return [value.strip() for value in values if value.strip()]


def escape_value(value):
    return value.replace(ESCAPE, ESCAPE * 2).replace(SEPARATOR, ESCAPE + SEPARATOR)


def join_values(values):
    values = list(values)
    text = f" {SEPARATOR} ".join(values)
    # Nearly every cell has no value holding a "|" or a "\\": one join, not two replacements
    # per value (the 10,000 laureates' export writes a few hundred thousand values).
    if text.count(SEPARATOR) == len(values) - 1 and ESCAPE not in text:
        return text
    return f" {SEPARATOR} ".join(escape_value(value) for value in values)


def parse_amount(raw):
    """Whole euros, written "1 250 000", "1 250 000 €", "1250000,00"; None when empty."""
    if not raw:
        return None
    match = AMOUNT.match(AMOUNT_SPACES.sub("", raw))
    if match is None or (match.group(2) and int(match.group(2))):
        raise CellError(
            _("%(value)s n'est pas un montant en euros entiers (exemple : 1 250 000).")
            % {"value": quote(raw)}
        )
    return int(match.group(1))


def format_amount(value):
    return "" if value is None else str(value)


def parse_date(raw):
    """AAAA-MM-JJ or JJ/MM/AAAA; None when empty."""
    if not raw:
        return None
    try:
        if match := FRENCH_DATE.match(raw):
            day, month, year = (int(part) for part in match.groups())
            return datetime.date(year, month, day)
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise CellError(
            _("%(value)s n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA).") % {"value": quote(raw)}
        ) from None


def format_date(value):
    return value.isoformat() if value else ""


def parse_boolean(raw):
    key = match_key(raw)
    if key in YES:
        return True
    if key in NO:
        return False
    raise CellError(_("%(value)s : attendu « oui » ou « non ».") % {"value": quote(raw)})


def format_boolean(value):
    return "oui" if value else "non"


class Vocabulary:
    """Values known by an identifier or a label: matched in any case, with or without accents."""

    def __init__(self, pairs):
        # In French, whatever language is active: the columns keep their vocabulary for the
        # process, and the first import could come from an administrator browsing in English.
        with override("fr"):
            self.pairs = [(value, str(label)) for value, label in pairs]
        self.keys = {}
        for value, label in self.pairs:
            self.keys.setdefault(match_key(value), value)
            self.keys.setdefault(match_key(label), value)

    def parse(self, raw):
        value = self.keys.get(match_key(raw))
        if value is None:
            raise CellError(
                _("%(value)s n'est pas une valeur permise. Valeurs permises : %(allowed)s.")
                % {"value": quote(raw), "allowed": self.allowed()}
            )
        return value

    def allowed(self):
        return " ; ".join(
            value if match_key(value) == match_key(label) else f"{value} ({label})"
            for value, label in self.pairs
        )
