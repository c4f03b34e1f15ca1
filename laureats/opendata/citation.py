"""How to cite a fiche: a line for people, CSL-JSON and BibTeX for reference managers.

The date cited is that of the version shown (`updated_at`), not the day of reading: the same
fiche gives the same citation until it changes, and cached pages stay right.
"""

import json
import re

from django.utils import formats, timezone
from django.utils.translation import gettext as _

# Characters that BibTeX (LaTeX) reads as commands, and how to write them as text. BibTeX,
# biber and every parser count each brace, escaped or not, to find where a value ends: a brace
# of the text is written as a command whose own braces are balanced, so that no name can close
# its field and add others (`X}}, author = "Evil"`).
BIBTEX_ESCAPES = {
    "\\": r"\textbackslash{}",
    "{": r"\textbraceleft{}",
    "}": r"\textbraceright{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
# BibTeX's month macros, written without braces.
MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
BIBTEX_SPECIAL = re.compile("|".join(re.escape(char) for char in BIBTEX_ESCAPES))


def bibtex_escape(text):
    """`text` as literal BibTeX text, in one pass (so that an escape is never escaped again)."""
    text = " ".join(str(text).split())
    return BIBTEX_SPECIAL.sub(lambda match: BIBTEX_ESCAPES[match.group()], text)


def bibtex_url(url):
    # The url field is read verbatim by biblatex and hyperref; only braces would break it.
    return url.replace("{", "%7B").replace("}", "%7D").replace("\\", "%5C")


class Citation:
    def __init__(self, laureate, url):
        self.laureate = laureate
        self.url = url
        self.portal = _("Portail Deffinum")
        self.date = timezone.localdate(laureate.updated_at)

    @property
    def title(self):
        return str(self.laureate)

    @property
    def text(self):
        return _("« %(title)s », %(portal)s, version du %(date)s, %(url)s") % {
            "title": self.title,
            "portal": self.portal,
            "date": formats.date_format(self.date, "j F Y"),
            "url": self.url,
        }

    @property
    def key(self):
        # A slug's characters (letters, digits, "-", "_") are all valid in a BibTeX key and a
        # file name: kept as they are, so that two fiches never share a key.
        return "deffinum-" + self.laureate.slug

    @property
    def csl_json(self):
        item = {
            "id": self.key,
            "type": "webpage",
            "title": self.title,
            "container-title": self.portal,
            "URL": self.url,
            "issued": {"date-parts": [[self.date.year, self.date.month, self.date.day]]},
            "language": "fr",
        }
        return json.dumps([item], ensure_ascii=False, indent=2)

    @property
    def bibtex(self):
        # @misc, known to every BibTeX style; double braces keep capitals as written and make
        # the portal a corporate author, not a "Deffinum, Portail".
        fields = [
            ("title", "{{" + bibtex_escape(self.title) + "}}"),
            ("author", "{{" + bibtex_escape(self.portal) + "}}"),
            ("howpublished", "{" + bibtex_escape(self.portal) + "}"),
            ("year", str(self.date.year)),
            ("month", MONTHS[self.date.month - 1]),
            ("url", "{" + bibtex_url(self.url) + "}"),
            ("note", "{" + bibtex_escape(self.version) + "}"),
        ]
        body = ",\n".join(f"  {name} = {value}" for name, value in fields)
        return f"@misc{{{self.key},\n{body}\n}}"

    @property
    def version(self):
        return _("version du %(date)s") % {"date": self.date.isoformat()}
