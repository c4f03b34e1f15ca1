"""The laureate file's columns: one declaration each, with how its cells are read and written.

A column names the Laureate field (or relation) it holds and a codec (codecs.py), the one object
that knows how to read a cell, write it back and read the laureate's current value in the same
form, so that a new column of a known kind is one line in COLUMNS.
"""

from dataclasses import dataclass
from functools import cached_property

from django.utils.text import capfirst
from django.utils.translation import gettext_lazy, override

from ..models import Laureate
from . import values as v
from .codecs import (
    AidKind,
    Amount,
    Boolean,
    Choice,
    Codec,
    Codes,
    Date,
    Members,
    Slug,
    Sources,
    Text,
    Url,
)


@dataclass(frozen=True)
class Column:
    name: str
    field: str
    codec: Codec
    description: str
    # Needed to create a laureate; an update may leave the column out.
    required: bool = False

    @property
    def model_field(self):
        return Laureate._meta.get_field(self.field)

    @cached_property
    def vocabulary(self):
        return v.Vocabulary(self.model_field.choices)

    @property
    def label(self):
        model_field = self.model_field
        if model_field.auto_created:
            return capfirst(model_field.related_model._meta.verbose_name_plural)
        return capfirst(model_field.verbose_name)

    @property
    def french_label(self):
        with override("fr"):
            return str(self.label)

    @cached_property
    def header_keys(self):
        """The header texts that name this column: its identifier, or its French label."""
        return {v.match_key(self.name), v.match_key(self.french_label)}

    def read(self, raw, lookups):
        return self.codec.parse(raw, self, lookups)

    def write(self, value):
        return self.codec.format(value)

    def current(self, laureate):
        return self.codec.current(laureate, self)


COLUMNS = [
    Column(
        "slug",
        "slug",
        Slug(),
        gettext_lazy(
            "Identifiant unique du lauréat (lettres, chiffres, tirets) ; sert à la mise à jour."
        ),
        True,
    ),
    Column("nom", "name", Text(), gettext_lazy("Nom du projet."), True),
    Column("acronyme", "acronym", Text(), gettext_lazy("Acronyme, s'il existe.")),
    Column(
        "statut",
        "status",
        Choice(),
        gettext_lazy(
            "« retenu » (retenu dans Deffinum) ou « reoriente-cma » (réorienté vers l'AMI CMA), ou leur libellé."
        ),
        True,
    ),
    Column(
        "portee",
        "scope",
        Choice(),
        gettext_lazy("« nationale », « interregionale », ou vide si inconnue."),
    ),
    Column(
        "secteurs",
        "sectors",
        Codes("slug"),
        gettext_lazy(
            "Filières, par identifiant (ex. « sante-social ») ou par nom, séparées par « | »."
        ),
    ),
    Column(
        "regions",
        "regions",
        Codes("code"),
        gettext_lazy(
            "Régions couvertes, par code INSEE (ex. « 27 ») ou par nom, séparées par « | »."
        ),
    ),
    Column(
        "cout_total_eur",
        "total_cost",
        Amount(),
        gettext_lazy("Coût total en euros entiers (espaces et « € » permis) ; vide si inconnu."),
    ),
    # xgettext:no-python-format
    Column(
        "aide_etat_eur",
        "state_aid",
        Amount(),
        gettext_lazy("Aide de l'État en euros (au plus 70 % du coût) ; vide si inconnue."),
    ),
    Column(
        "nature_aide",
        "state_aid_kind",
        AidKind(),
        gettext_lazy(
            "Nature du montant de la colonne aide_etat_eur : « accordee » pour une aide "
            "accordée, comptée dans les totaux, « demandee » pour un montant seulement "
            "demandé, jamais additionné aux aides accordées (ou leur libellé). Écrit vide si le "
            "montant est inconnu ; une cellule vide vaut « accordee »."
        ),
    ),
    Column(
        "date_debut",
        "start_date",
        Date(),
        gettext_lazy("Date de début du projet (AAAA-MM-JJ ou JJ/MM/AAAA) ; vide si inconnue."),
    ),
    Column(
        "date_fin",
        "end_date",
        Date(),
        gettext_lazy("Date de fin du projet (AAAA-MM-JJ ou JJ/MM/AAAA) ; vide si inconnue."),
    ),
    Column("site_web", "website", Url(), gettext_lazy("Adresse du site du projet.")),
    Column("resume", "summary", Text(), gettext_lazy("Résumé en quelques phrases.")),
    Column("description", "description", Text(), gettext_lazy("Description longue.")),
    Column(
        "remarques",
        "data_note",
        Text(),
        gettext_lazy("Remarques sur la fiabilité des données, affichées au public."),
    ),
    Column(
        "publie",
        "is_published",
        Boolean(),
        gettext_lazy("« oui » ou « non » : publié sur le portail ou non."),
    ),
    Column(
        "membres",
        "memberships",
        Members(),
        gettext_lazy(
            "Membres séparés par « | », chacun sous la forme « rôle:type:SIREN:nom » ; rôle « porteur » "
            "ou « partenaire », type parmi les identifiants de types d'organisation, SIREN facultatif "
            "(laisser vide entre les deux-points). Exemple : « porteur:association::Gifod ». "
            "Un « | » dans un nom s'écrit « \\| »."
        ),
    ),
    Column(
        "sources",
        "sources",
        Sources(),
        gettext_lazy(
            "Sources séparées par « | », chacune sous la forme « adresse titre » (l'adresse d'abord, "
            "puis un espace et le titre, facultatif). Un « | » dans un titre s'écrit « \\| »."
        ),
    ),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
BY_NAME = {column.name: column for column in COLUMNS}


def column_for_header(text):
    """The column a header cell names, by identifier or French label; None if none."""
    key = v.match_key(text)
    return next((column for column in COLUMNS if key in column.header_keys), None)
