"""The resources' own kinds of columns: several choices of a fixed list, as
"|apprentis|salaries|" (one text column that SQLite and PostgreSQL filter alike, shown in forms
as checkboxes, as `region_codes` is stored)."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

SEPARATOR = "|"


def joined(values):
    return f"{SEPARATOR}{SEPARATOR.join(values)}{SEPARATOR}" if values else ""


def split(text):
    return [value for value in (text or "").split(SEPARATOR) if value]


class ChoiceListField(models.CharField):
    """A list of values taken from `options` (a TextChoices' `choices`), in their order."""

    def __init__(self, *args, options=(), **kwargs):
        self.options = list(options)
        kwargs.setdefault("max_length", 200)
        kwargs.update(blank=True, default=list)
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        for fixed in ("blank", "default"):
            kwargs.pop(fixed, None)
        kwargs["options"] = self.options
        return name, path, args, kwargs

    def in_order(self, values):
        chosen = set(values)
        return [value for value, _label in self.options if value in chosen] + sorted(
            chosen - {value for value, _label in self.options}
        )

    def from_db_value(self, value, expression, connection):
        return split(value)

    def to_python(self, value):
        if isinstance(value, list | tuple):
            return list(value)
        return split(value)

    def get_prep_value(self, value):
        # A list is stored joined; a text is a lookup's operand ("|apprentis|"), kept as is.
        if isinstance(value, list | tuple):
            return joined(self.in_order(value))
        # Not through to_python, which would split the operand into a list.
        return value if value is None else str(value)

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def validate(self, value, model_instance):
        known = {key for key, _label in self.options}
        unknown = [item for item in value if item not in known]
        if unknown:
            raise ValidationError(
                _("Valeur inconnue : %(values)s."),
                code="invalid_choice",
                params={"values": ", ".join(unknown)},
            )

    def formfield(self, **kwargs):
        return forms.TypedMultipleChoiceField(
            choices=self.options,
            required=False,
            widget=forms.CheckboxSelectMultiple,
            label=self.verbose_name,
            help_text=self.help_text,
            **{key: kwargs[key] for key in ("initial",) if key in kwargs},
        )

    def labels(self, values):
        names = dict(self.options)
        return [str(names.get(value, value)) for value in values]
