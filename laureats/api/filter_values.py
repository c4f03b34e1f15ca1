"""The API's filter values, read as the import reads the same values (laureats/csv_format/):
identifiers or labels, in any case, with or without accents. A value that means nothing is
refused with a 400 listing the allowed values, where the HTML list ignores it with a notice
(filters.bind_filterset): a program cannot read a notice, and an ignored filter silently
widens its search."""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy, override, pgettext
from rest_framework import exceptions, status

from ..browse.filters import unbound
from ..csv_format import BY_NAME
from ..csv_format.codecs import KINDS
from ..csv_format.values import CellError, Vocabulary
from ..models import Organisation

# The filters whose values are a column of the laureate file: read by that column's codec,
# which also takes region codes without their leading zero and "|"-separated lists.
IMPORT_COLUMNS = {
    "secteur": "secteurs",
    "region": "regions",
    "portee": "portee",
    "statut": "statut",
}
# Their lookups (codecs.Codes), by the column's field.
LOOKUPS = {"secteur": "sectors", "region": "regions"}
# Organisation kinds, as the import reads a member's kind.
KIND_FILTERS = {"type_membre", "type_porteur", "type"}
# A "type" whose values are others' (a resource's kind) is read by its own labels.
ORGANISATION_KINDS = set(Organisation.Kind.values)


class InvalidFilter(exceptions.APIException):
    status_code = status.HTTP_400_BAD_REQUEST
    default_code = "invalid_filter"
    default_detail = gettext_lazy("Valeur de filtre invalide.")

    def __init__(self, messages, parameters):
        super().__init__(" ".join(messages))
        # {parameter: {"invalid": [values], "allowed": [identifiers]}}, for programs.
        self.parameters = parameters


def read_value(name, raw, choices):
    """The identifiers one value of filter `name` stands for, or CellError saying why none."""
    if raw in dict(choices):
        # Exactly an identifier: "-completude" and "completude" differ by punctuation only.
        return [raw]
    if name in IMPORT_COLUMNS:
        column = BY_NAME[IMPORT_COLUMNS[name]]
        lookups = {LOOKUPS[name]: Vocabulary(choices)} if name in LOOKUPS else {}
        values = column.read(raw, lookups)
        return values if isinstance(values, list) else [values]
    if name in KIND_FILTERS and {key for key, _label in choices} <= ORGANISATION_KINDS:
        return [KINDS.parse(raw)]
    return [Vocabulary(choices).parse(raw)]


def named(name, message):
    return f"{name}{pgettext('between a label and its value', ' : ')}{message}"


def strict_data(filterset, params):
    """The FilterSet's data from the query string, every choice value read to its identifier;
    InvalidFilter naming every value that is none."""
    data, messages, parameters = {}, [], {}
    for name in filterset.filters:
        values = [value.strip() for value in params.getlist(name) if value.strip()]
        if not values:
            continue
        field = filterset.filters[name].field
        if not isinstance(field, forms.ChoiceField):
            data[name] = values[-1]
            continue
        choices = [(str(key), label) for key, label in field.choices if key != ""]
        read, invalid = [], []
        for raw in values:
            try:
                read += read_value(name, raw, choices)
            except CellError as error:
                invalid.append(raw)
                messages.append(named(name, " ".join(error.args)))
        if invalid:
            parameters[name] = {"invalid": invalid, "allowed": [key for key, _label in choices]}
        elif isinstance(field, forms.MultipleChoiceField):
            data[name] = list(dict.fromkeys(read))
        else:
            # One value: the last one given counts, as in the HTML list.
            data[name] = read[-1]
    if parameters:
        raise InvalidFilter(messages, parameters)
    return data


def bind_strictly(filterset_class, params, queryset):
    """The FilterSet bound to the query string; InvalidFilter when any value is not one."""
    # Labels read in French, as in the import file, whatever language the client asks for. One
    # FilterSet: its filters' fields read the values, then its form is bound to them.
    with override(settings.LANGUAGE_CODE):
        filterset = unbound(filterset_class, params, queryset)
        data = strict_data(filterset, params)
    filterset.data = data
    if not filterset.form.is_valid():
        # An over-long search or organisation: refused too, rather than dropped.
        errors = filterset.form.errors
        raise InvalidFilter(
            [named(name, " ".join(messages)) for name, messages in errors.items()],
            {name: {"invalid": [params.getlist(name)[-1].strip()]} for name in errors},
        )
    return filterset
