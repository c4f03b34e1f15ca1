"""The forms of an HTML page, read as a browser submits them: what a test sends to a server it
did not start in-process (tests/test_instances.py) is then whatever the page holds, hidden
fields, tokens and version counters included, and not a copy of the form's fields that the
test would have to keep in step with the code."""

import re
from html.parser import HTMLParser

# Inputs a browser never sends as such (a file input is sent by the test itself).
NOT_SENT = {"submit", "button", "image", "reset", "file"}


class Form:
    def __init__(self, attrs):
        self.attrs = attrs
        self.fields = []  # (name, value) in document order, as a browser sends them
        self.buttons = {}  # submit buttons by name: sent only when pressed
        self.files = set()  # file inputs, whose content the test sends itself

    def data(self, press=None, **changes):
        """The pairs a browser sends when `press` (a submit button's name) is clicked, with the
        fields named in `changes` set to these values instead."""
        pairs = [(name, value) for name, value in self.fields if name not in changes]
        pairs += list(changes.items())
        if press is not None:
            pairs.append((press, self.buttons[press]))
        return pairs

    def names(self):
        return {name for name, _value in self.fields} | set(self.buttons) | self.files


class FormParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self.form = None
        self.select = None  # [name, multiple, options, selected]
        self.option = None
        self.textarea = None

    def handle_starttag(self, tag, attributes):
        attrs = {name: value if value is not None else "" for name, value in attributes}
        if tag == "form":
            self.form = Form(attrs)
            self.forms.append(self.form)
        elif self.form is None or "disabled" in attrs:
            return
        elif tag == "input":
            self.input(attrs)
        elif tag == "button" and attrs.get("type", "submit") == "submit" and attrs.get("name"):
            self.form.buttons[attrs["name"]] = attrs.get("value", "")
        elif tag == "select" and attrs.get("name"):
            self.select = [attrs["name"], "multiple" in attrs, [], []]
        elif tag == "option" and self.select is not None:
            self.close_option()
            self.option = [attrs.get("value"), "", "selected" in attrs]
        elif tag == "textarea" and attrs.get("name"):
            self.textarea = [attrs["name"], ""]

    def input(self, attrs):
        kind, name = attrs.get("type", "text").lower(), attrs.get("name")
        if not name:
            return
        if kind == "submit":
            self.form.buttons[name] = attrs.get("value", "")
        elif kind == "file":
            self.form.files.add(name)
        elif kind in NOT_SENT or (kind in ("checkbox", "radio") and "checked" not in attrs):
            return
        else:
            default = "on" if kind in ("checkbox", "radio") else ""
            self.form.fields.append((name, attrs.get("value", default)))

    def handle_data(self, data):
        if self.option is not None:
            self.option[1] += data
        elif self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "option" and self.option is not None:
            self.close_option()
        elif tag == "select" and self.select is not None:
            self.close_option()
            name, multiple, options, selected = self.select
            # A single select with nothing selected sends its first option.
            values = selected if (selected or multiple) else options[:1]
            self.form.fields.extend((name, value) for value in values)
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            name, text = self.textarea
            # The HTML parser keeps the newline that follows <textarea>; a browser drops it.
            self.form.fields.append((name, text.removeprefix("\n")))
            self.textarea = None
        elif tag == "form":
            self.form = None

    def close_option(self):
        if self.option is None:
            return
        value, text, selected = self.option
        value = text.strip() if value is None else value
        self.select[2].append(value)
        if selected:
            self.select[3].append(value)
        self.option = None


def forms(html):
    parser = FormParser()
    parser.feed(html)
    parser.close()
    return parser.forms


def form_with(html, name):
    """The page's one form holding a field or submit button called `name`."""
    found = [form for form in forms(html) if name in form.names()]
    assert len(found) == 1, f"{len(found)} formulaires ont un champ « {name} »"
    return found[0]


def form_fields(html, form_id=None, form_index=0):
    """[(name, value)] of the page's form whose id is `form_id`, or else of its form number
    `form_index` (0: the first)."""
    found = forms(html)
    if form_id is not None:
        found = [form for form in found if form.attrs.get("id") == form_id]
        form_index = 0
    assert len(found) > form_index, f"pas de formulaire « {form_id or form_index} »"
    return list(found[form_index].fields)


def as_post(fields, **changes):
    """A dict for the test client: several values for a name become a list; `changes` replace.
    Line breaks are sent as CRLF, as a browser sends them."""
    data = {}
    for name, value in fields:
        data.setdefault(name, []).append(re.sub(r"\r?\n", "\r\n", value))
    data = {name: values if len(values) > 1 else values[0] for name, values in data.items()}
    data.update(changes)
    return data


def form_data(html, form_id):
    """{name: value or [values]} of the form `form_id` of `html`, as a browser would post it."""
    data = {}
    for name, value in form_fields(html, form_id):
        data.setdefault(name, []).append(value)
    return {name: values[0] if len(values) == 1 else values for name, values in data.items()}
