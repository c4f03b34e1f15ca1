"""What a browser would post from a page's form: its inputs, selects and textareas as the HTML
shows them, so that a test submits a form it has read the way a person's browser does (with
its hidden fields), not a dictionary written by hand."""

import re
from html.parser import HTMLParser

SKIPPED_INPUTS = {"submit", "button", "image", "reset", "file"}


class FormReader(HTMLParser):
    def __init__(self, form_id, form_index):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.form_index = form_index
        self.forms_seen = -1
        self.inside = False
        self.fields = []
        self.select = None
        self.select_options = []
        self.textarea = None
        self.action = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms_seen += 1
            if self.form_id:
                self.inside = attrs.get("id") == self.form_id
            else:
                self.inside = self.forms_seen == self.form_index
            if self.inside:
                self.action = attrs.get("action")
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in SKIPPED_INPUTS:
                return
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value", "on")))
                return
            self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self.select = (name, "multiple" in attrs)
            self.select_options = []
        elif tag == "option" and self.select:
            self.select_options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            name, multiple = self.select
            chosen = [value for value, selected in self.select_options if selected]
            if not chosen and not multiple and self.select_options:
                chosen = [self.select_options[0][0]]
            self.fields += [(name, value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # A browser drops the newline that follows <textarea>.
            self.fields.append((name, text.removeprefix("\n")))
            self.textarea = None


def form_fields(html, form_id=None, form_index=0):
    """[(name, value)] of the page's form whose id is `form_id`, or else of its form number
    `form_index` (0: the first)."""
    reader = FormReader(form_id, form_index)
    reader.feed(html)
    return reader.fields


def as_post(fields, **changes):
    """A dict for the test client: several values for a name become a list; `changes` replace.
    Line breaks are sent as CRLF, as a browser sends them."""
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(re.sub(r"\r?\n", "\r\n", value))
    data = {name: values if len(values) > 1 else values[0] for name, values in data.items()}
    data.update(changes)
    return data
