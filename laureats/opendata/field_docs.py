"""How a model field is described to people, written once: its label, its type in words, its
allowed values and its help text. The data dictionary (dictionary.py) and the API's schema
(api/serializers.py) both read it, so the two can never describe a field differently."""

from dataclasses import dataclass, field

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from ..csv_format import SEPARATOR


@dataclass
class FieldDoc:
    name: str
    label: str
    type: str
    description: str
    values: list = field(default_factory=list)  # [(value, label)] when the values are a list

    def as_dict(self):
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type,
            "description": self.description,
            "values": [{"value": value, "label": label} for value, label in self.values],
        }


def type_label(model_field):
    if model_field.many_to_many or model_field.one_to_many:
        return str(_("liste (valeurs séparées par « %(sep)s » en CSV)") % {"sep": SEPARATOR})
    if model_field.choices:
        return str(_("code (voir les valeurs)"))
    if isinstance(model_field, models.URLField):
        return str(_("adresse web"))
    if isinstance(model_field, models.DateTimeField):
        return str(_("date et heure ISO 8601 (UTC)"))
    if isinstance(model_field, models.DateField):
        return str(_("date AAAA-MM-JJ"))
    if isinstance(model_field, models.FloatField):
        return str(_("nombre décimal"))
    if isinstance(model_field, models.IntegerField):
        return str(_("nombre entier"))
    if isinstance(model_field, models.BooleanField):
        return str(_("oui / non"))
    return str(_("texte"))


def field_label(model_field):
    if model_field.is_relation and model_field.auto_created:
        return str(capfirst(model_field.related_model._meta.verbose_name_plural))
    return str(capfirst(model_field.verbose_name))


def choice_values(model_field):
    return [(value, str(label)) for value, label in getattr(model_field, "choices", None) or []]


def model_help(model, field_name):
    """A field's label and help text, for a serializer or a column: written once, in the model."""
    model_field = model._meta.get_field(field_name)
    text = field_label(model_field)
    help_text = getattr(model_field, "help_text", "")
    return f"{text}. {help_text}" if help_text else f"{text}."
