"""Change forms that never save over a newer change (issue 21).

The form carries the version of the row it was read at (django-concurrency's signed
`version` field) and a fingerprint of what it showed, field by field and inline by inline
(`read_state`). Saved at the same version, it is saved as usual. Saved after someone else's
change (another administrator, an import, an accepted proposal, a change of a member or a
source, which adds one to the laureate's version too), nothing is written: the person gets a
conflict page listing each field changed in between, with their value and the current value,
and chooses to save their values anyway, knowingly, or to start again from the current fiche.
If nothing they were shown has changed (the version moved through a save that changed nothing),
their form is saved on top of the current version.

Why not django-concurrency's own admin classes: `ConcurrentModelAdmin` answers a conflict with
a form error ("Record Modified") that says neither what changed nor how to go on, and its
action mixin rewrites the selection checkboxes as "pk,version", which the export actions do
not expect. Its version field, its form field and its refusal of stale saves are used as they
are; this module adds the comparison and the choice.
"""

import copy
import hashlib
import json
from dataclasses import dataclass, field

from concurrency.exceptions import RecordModifiedError
from concurrency.forms import VersionField
from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core import signing
from django.db import router, transaction
from django.db.models import ManyToManyField, QuerySet
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats
from django.utils.text import capfirst
from django.utils.translation import gettext as _

READ_STATE_SALT = "laureats.admin.read_state"
# Form fields that are the mechanism, not the data compared.
MECHANISM = {"version", "read_state"}
# Inline form fields that are not the child's data.
INLINE_MECHANISM = {"DELETE", "ORDER", "id"}
# What the conflict page's form does not carry back.
NOT_REPOSTED = {"csrfmiddlewaretoken", *MECHANISM}


class VersionedForm(forms.ModelForm):
    """The admin form of a versioned model: `version` (a model field) and `read_state`."""

    read_state = forms.CharField(widget=forms.HiddenInput, required=False)
    # Set on the class by VersionedAdmin.get_form for the object being shown.
    read_state_initial = ""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["read_state"] = self.read_state_initial


def signed_version(version):
    return str(VersionField().prepare_value(version))


def digest(key):
    return hashlib.sha256(json.dumps(key).encode()).hexdigest()[:16]


@dataclass
class Item:
    """One field, or one inline, of an edited object: what it compares and what it shows."""

    label: str
    key: object
    lines: list = field(default_factory=list)


def python_value(model_field, obj):
    """The value as a form's cleaned_data gives it: objects for relations."""
    if isinstance(model_field, ManyToManyField):
        return list(getattr(obj, model_field.name).all()) if obj.pk else []
    if model_field.is_relation:
        return getattr(obj, model_field.name)
    return getattr(obj, model_field.attname)


def key_of(value):
    """A JSON-able form of a value: equal for equal values, however they were read."""
    if isinstance(value, list | QuerySet):
        return sorted(key_of(item) for item in value)
    if hasattr(value, "pk"):
        return str(value.pk)
    if value is None:
        return ""
    # A browser posts a textarea's line breaks as CRLF, whatever the row holds.
    return str(value).replace("\r\n", "\n")


def text_of(model_field, value):
    if value is None or value == "" or value == []:
        return _("(vide)")
    if isinstance(model_field, ManyToManyField):
        return ", ".join(str(item) for item in value) or _("(vide)")
    if model_field.choices and not model_field.is_relation:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("oui") if value else _("non")
    if isinstance(value, int):
        return formats.number_format(value, force_grouping=True)
    if hasattr(value, "isoformat"):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    return str(value)


class VersionedAdmin:
    """For a ModelAdmin of a versioned model (before PortalAdmin in the bases)."""

    form = VersionedForm
    conflict_template = "admin/laureats/conflict.html"

    # What the form showed ------------------------------------------------------------------

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        if change and obj is not None and request.method != "POST":
            form.read_state_initial = self.sign_read_state(self.current_items(request, obj))
        return form

    def compared_fields(self, request, obj):
        """The model fields the change form edits."""
        form = super().get_form(request, obj, change=True)
        model_fields = {f.name: f for f in self.model._meta.get_fields() if f.concrete}
        return [
            model_fields[name]
            for name in form.base_fields
            if name in model_fields and name not in MECHANISM
        ]

    def inline_formsets(self, request, obj, bound):
        """(label, formset, compared model fields) of each inline, bound to the POST or not."""
        prefixes = {}
        for formset_class, inline in self.get_formsets_with_inlines(request, obj):
            # The prefix the admin gives each inline's formset.
            prefix = formset_class.get_default_prefix()
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
            if prefixes[prefix] != 1 or not prefix:
                prefix = f"{prefix}-{prefixes[prefix]}"
            if bound:
                formset = formset_class(**self.get_formset_kwargs(request, obj, inline, prefix))
            else:
                formset = formset_class(
                    instance=obj, prefix=prefix, queryset=inline.get_queryset(request)
                )
            excluded = INLINE_MECHANISM | {formset.fk.name}
            fields = [
                formset.model._meta.get_field(name)
                for name in formset.form.base_fields
                if name not in excluded
            ]
            yield capfirst(inline.verbose_name_plural), formset, fields

    def current_items(self, request, obj):
        items = {}
        for model_field in self.compared_fields(request, obj):
            value = python_value(model_field, obj)
            items[model_field.name] = Item(
                capfirst(model_field.verbose_name),
                key_of(value),
                [text_of(model_field, value)],
            )
        for label, formset, fields in self.inline_formsets(request, obj, bound=False):
            related = [f.name for f in fields if f.is_relation and not f.many_to_many]
            children = formset.get_queryset().select_related(*related)
            rows = [[python_value(f, child) for f in fields] for child in children]
            items[formset.prefix] = self.inline_item(label, fields, rows)
        return items

    def posted_items(self, request, obj):
        """The same, from what the person posted (raw text where a value does not validate)."""
        items = {}
        form = super().get_form(request, obj, change=True)(
            request.POST, request.FILES, instance=copy.copy(obj)
        )
        form.is_valid()
        for model_field in self.compared_fields(request, obj):
            name = model_field.name
            if name in form.cleaned_data:
                value = form.cleaned_data[name]
                items[name] = Item(
                    capfirst(model_field.verbose_name), key_of(value), [text_of(model_field, value)]
                )
            else:
                raw = form[name].value()
                items[name] = Item(capfirst(model_field.verbose_name), ["?"], [str(raw or "")])
        for label, formset, fields in self.inline_formsets(request, obj, bound=True):
            rows = []
            for child_form in formset.forms:
                if child_form.is_valid():
                    data = child_form.cleaned_data
                    if data and not data.get("DELETE"):
                        rows.append([data.get(f.name) for f in fields])
                elif child_form.has_changed():
                    rows.append([child_form[f.name].value() for f in fields])
            items[formset.prefix] = self.inline_item(label, fields, rows)
        return items

    @staticmethod
    def inline_item(label, fields, rows):
        lines = sorted(
            " — ".join(text_of(f, value) for f, value in zip(fields, row, strict=True))
            for row in rows
        )
        keys = sorted([key_of(value) for value in row] for row in rows)
        return Item(label, keys, lines or [_("(aucun)")])

    def sign_read_state(self, items):
        state = {name: digest(item.key) for name, item in items.items()}
        return signing.dumps(state, salt=READ_STATE_SALT, compress=True)

    @staticmethod
    def read_state(request):
        try:
            return signing.loads(request.POST.get("read_state", ""), salt=READ_STATE_SALT)
        except signing.BadSignature:
            # Unknown: everything counts as changed in between, and the person chooses.
            return {}

    # Saving ---------------------------------------------------------------------------------

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method != "POST" or "_saveasnew" in request.POST:
            return super().change_view(request, object_id, form_url, extra_context)
        obj = self.get_object(request, unquote(object_id))
        if obj is None or not self.has_change_permission(request, obj):
            return super().change_view(request, object_id, form_url, extra_context)
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                conflict = self.conflict(request, obj, lock=True)
                if conflict is None:
                    return super().change_view(request, object_id, form_url, extra_context)
        except RecordModifiedError:
            # Written between our check and the save (SQLite has no row lock): rolled back.
            conflict = self.conflict(request, obj, force=True)
        return self.render_conflict(request, conflict, form_url)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        """Restoring an old version (django-simple-history) saves the form it showed, read at
        the version it was opened at: refused with a message if the fiche changed since."""
        try:
            with transaction.atomic(using=router.db_for_write(self.model)):
                return super().history_form_view(request, object_id, version_id, extra_context)
        except RecordModifiedError:
            messages.error(
                request,
                _(
                    "Rien n'a été rétabli : la fiche a été modifiée depuis que vous avez ouvert "
                    "cette version. Comparez-la de nouveau avec la fiche actuelle."
                ),
            )
            return redirect(request.get_full_path())

    def conflict(self, request, obj, lock=False, force=False):
        """None when the post can be saved as is; otherwise what the conflict page shows."""
        manager = self.model._default_manager
        current = (manager.select_for_update() if lock else manager).get(pk=obj.pk)
        read_version = VersionField().to_python(request.POST.get("version"))
        if read_version == current.version and not force:
            return None
        read = self.read_state(request)
        now = self.current_items(request, current)
        theirs = self.posted_items(request, current)
        changed = [name for name in now if read.get(name) != digest(now[name].key)]
        conflicts = [name for name in changed if theirs[name].key != now[name].key]
        if not conflicts and not force:
            # Nothing they were shown has changed: their form goes on top of today's version.
            data = request.POST.copy()
            data["version"] = signed_version(current.version)
            request.POST = data
            return None
        return Conflict(
            obj=current,
            rows=[(now[name].label, theirs[name].lines, now[name].lines) for name in conflicts],
            own=[
                (theirs[name].label, theirs[name].lines)
                for name in theirs
                if name not in conflicts and digest(theirs[name].key) != read.get(name)
            ],
            also_yours={name for name in conflicts if digest(theirs[name].key) != read.get(name)},
            names=conflicts,
            version=signed_version(current.version),
            read_state=self.sign_read_state(now),
        )

    def render_conflict(self, request, conflict, form_url=""):
        opts = self.model._meta
        change_url = reverse(
            f"admin:{opts.app_label}_{opts.model_name}_change", args=[conflict.obj.pk]
        )
        reposted = [
            (name, value)
            for name, values in request.POST.lists()
            if name not in NOT_REPOSTED
            for value in values
        ]
        context = {
            **self.admin_site.each_context(request),
            "opts": opts,
            "original": conflict.obj,
            "title": _("Modifié pendant votre saisie : %(object)s") % {"object": conflict.obj},
            "rows": [
                (label, yours, current, name in conflict.also_yours)
                for name, (label, yours, current) in zip(conflict.names, conflict.rows, strict=True)
            ],
            "own": conflict.own,
            "reposted": reposted,
            "version": conflict.version,
            "read_state": conflict.read_state,
            "form_url": form_url or request.get_full_path(),
            "change_url": change_url,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, self.conflict_template, context, status=409)


@dataclass
class Conflict:
    obj: object
    rows: list
    own: list
    also_yours: set
    names: list
    version: str
    read_state: str
