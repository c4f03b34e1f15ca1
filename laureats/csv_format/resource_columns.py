"""The shared productions' file: one declaration per column, as columns.py declares the
laureates' file, with the codecs that read a resource's cells.

A table (a CSV file, or a workbook's sheet) is one of resources when its header names the
column `ressource`, the resource's identifier: the laureates' file never has it, so the
import recognises a file by its header, as it finds the laureates' sheet by its `slug`.
Values are read by their code or their French label (« Licence Ouverte 2.0 », « jeu
sérieux »), in any case, with or without accents, and a few usual names (ALIASES).
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..resources.models import Resource, certification_codes, validate_certifications
from . import values as v
from .codecs import Boolean, Choice, Codec, Codes, Date, Slug, Sources, Text, Url, check_length
from .columns import Column

IDENTIFIER = "ressource"


class AliasVocabulary(v.Vocabulary):
    """A Vocabulary that also knows a few usual names, without listing them as allowed."""

    def __init__(self, pairs, aliases):
        super().__init__(pairs)
        self.listed = self.pairs
        for value, alias in aliases:
            self.keys.setdefault(v.match_key(alias), value)

    def allowed(self):
        return " ; ".join(
            value if v.match_key(value) == v.match_key(label) else f"{value} ({label})"
            for value, label in self.listed
        )


# What people call these values besides their code and label.
ALIASES = {
    "licence": [
        (Resource.Licence.ETALAB, "Licence Ouverte"),
        (Resource.Licence.ETALAB, "Licence Ouverte 2.0"),
        (Resource.Licence.ETALAB, "Etalab"),
        (Resource.Licence.ETALAB, "Etalab 2.0"),
        (Resource.Licence.ETALAB, "LO 2.0"),
        (Resource.Licence.CC_BY, "CC-BY 4.0"),
        (Resource.Licence.CC_BY_SA, "CC-BY-SA 4.0"),
        (Resource.Licence.CC_BY_NC, "CC-BY-NC 4.0"),
        (Resource.Licence.FREE_SOFTWARE, "logiciel libre"),
        (Resource.Licence.FREE_SOFTWARE, "libre"),
    ],
    "kind": [
        (Resource.Kind.ELEARNING, "e-learning"),
        (Resource.Kind.ELEARNING, "module de formation en ligne"),
        (Resource.Kind.IMMERSIVE, "simulation immersive"),
        (Resource.Kind.IMMERSIVE, "réalité virtuelle"),
        (Resource.Kind.PLATFORM, "plateforme"),
        (Resource.Kind.PLATFORM, "logiciel"),
        (Resource.Kind.GUIDE, "guide"),
        (Resource.Kind.GUIDE, "référentiel"),
    ],
    "access": [(Resource.Access.MEMBERS, "membres")],
}


@dataclass(frozen=True)
class ResourceColumn(Column):
    @property
    def model_field(self):
        return Resource._meta.get_field(self.field)

    @cached_property
    def vocabulary(self):
        choices = self.model_field.choices or getattr(self.model_field, "options", [])
        return AliasVocabulary(choices, ALIASES.get(self.field, []))


class LaureateRefs(Codes):
    """The laureates that make a resource: identifiers or names, "|" separated; at least one.
    `lookups["laureates"]` is {match key: slug} (importer/resource_planning.py)."""

    def __init__(self):
        super().__init__("slug")

    def parse(self, raw, column, lookups):
        keys, slugs, errors = lookups["laureates"], set(), []
        for item in v.split_values(raw):
            key = v.match_key(item)
            slug = keys.get(key)
            if key in keys and slug is None:
                errors.append(
                    _(
                        "%(value)s : plusieurs lauréats portent ce nom ; donnez son identifiant (slug)."
                    )
                    % {"value": v.quote(item)}
                )
            elif slug is None:
                errors.append(
                    _("%(value)s : aucun lauréat n'a cet identifiant (slug) ou ce nom.")
                    % {"value": v.quote(item)}
                )
            else:
                slugs.add(slug)
        if errors:
            raise v.CellError(*errors)
        if not slugs:
            raise v.CellError(
                _(
                    "obligatoire : au moins un lauréat, par identifiant ou par nom, séparés par « | »."
                )
            )
        return sorted(slugs)


class ChoiceList(Codec):
    """Several values of a fixed list (the audiences), "|" separated, held in the list's order."""

    def parse(self, raw, column, lookups):
        chosen, errors = [], []
        for item in v.split_values(raw):
            try:
                chosen.append(column.vocabulary.parse(item))
            except v.CellError as error:
                errors += error.args
        if errors:
            raise v.CellError(*errors)
        return column.model_field.in_order(chosen)

    def format(self, value):
        return v.join_values(value)


class Certifications(Text):
    """RNCP or RS codes, written back one space apart whatever separated them."""

    def parse(self, raw, column, lookups):
        super().parse(raw, column, lookups)
        try:
            validate_certifications(raw)
        except ValidationError as error:
            raise v.CellError(*error.messages) from None
        text = " ".join(certification_codes(raw))
        check_length(text, column.model_field.max_length)
        return text


RESOURCE_COLUMNS = [
    ResourceColumn(
        IDENTIFIER,
        "slug",
        Slug(),
        gettext_lazy(
            "Identifiant unique de la production (lettres, chiffres, tirets) ; sert à la mise à "
            "jour. Cette colonne fait reconnaître le fichier comme un fichier de productions."
        ),
        True,
    ),
    ResourceColumn("titre", "title", Text(), gettext_lazy("Titre de la production."), True),
    ResourceColumn(
        "laureats",
        "laureates",
        LaureateRefs(),
        gettext_lazy(
            "Le ou les lauréats qui la produisent, par identifiant (slug) ou par nom, séparés "
            "par « | »."
        ),
        True,
    ),
    ResourceColumn(
        "type",
        "kind",
        Choice(),
        gettext_lazy(
            "Type, par code ou libellé (ex. « jeu-serieux » ou « jeu sérieux ») ; vide si inconnu."
        ),
    ),
    ResourceColumn("description", "description", Text(), gettext_lazy("Description courte.")),
    ResourceColumn(
        "filieres",
        "sectors",
        Codes("slug"),
        gettext_lazy(
            "Filières, par identifiant ou par nom, séparées par « | » ; vide : celles de ses "
            "lauréats."
        ),
    ),
    ResourceColumn(
        "publics",
        "audience",
        ChoiceList(),
        gettext_lazy("Publics, par code ou libellé (ex. « apprentis »), séparés par « | »."),
    ),
    ResourceColumn(
        "certifications",
        "certifications",
        Certifications(),
        gettext_lazy("Codes RNCP ou RS préparés, séparés par des espaces (RNCP34567 RS5678)."),
    ),
    ResourceColumn(
        "licence",
        "licence",
        Choice(),
        gettext_lazy(
            "Licence, par code ou libellé (ex. « Licence Ouverte 2.0 », « CC BY-SA », "
            "« inconnue » si les sources n'en disent rien) ; vide si non saisie."
        ),
    ),
    ResourceColumn(
        "acces",
        "access",
        Choice(),
        gettext_lazy("« public », « sur demande » ou « membres » (du consortium seulement)."),
    ),
    ResourceColumn(
        "url", "url", Url(), gettext_lazy("Adresse web de la production (http:// ou https://).")
    ),
    ResourceColumn(
        "langue", "language", Choice(), gettext_lazy("« fr », « en » ou « mul », ou leur libellé.")
    ),
    ResourceColumn(
        "etat",
        "status",
        Choice(),
        gettext_lazy("« prévue », « disponible » ou « retirée » ; vide si inconnu."),
    ),
    ResourceColumn(
        "date_mise_a_disposition",
        "available_on",
        Date(),
        gettext_lazy("Date de mise à disposition (AAAA-MM-JJ ou JJ/MM/AAAA) ; vide si inconnue."),
    ),
    ResourceColumn(
        "publiee",
        "is_published",
        Boolean(),
        gettext_lazy("« oui » ou « non » : montrée sur le portail ou non."),
    ),
    ResourceColumn(
        "sources",
        "sources",
        Sources(),
        gettext_lazy(
            "Sources séparées par « | », chacune sous la forme « adresse titre » (l'adresse "
            "d'abord, puis un espace et le titre, facultatif)."
        ),
    ),
]
RESOURCE_COLUMN_NAMES = [column.name for column in RESOURCE_COLUMNS]
RESOURCE_BY_NAME = {column.name: column for column in RESOURCE_COLUMNS}
# The columns holding several values, compared as sets and shown as what is added and removed;
# of them, those written to related rows rather than to the resource's own fields.
RESOURCE_MULTI_VALUE = {"laureats", "filieres", "publics", "sources"}
RESOURCE_RELATIONS = {"laureats", "filieres", "sources"}


def resource_column_for_header(text):
    """The resource column a header cell names, by identifier or French label; None if none."""
    key = v.match_key(text)
    return next((column for column in RESOURCE_COLUMNS if key in column.header_keys), None)


def is_resource_header(cells):
    """Whether a header row is a resources table's: it names the `ressource` column."""
    return any(v.match_key(cell) == IDENTIFIER for cell in cells)
