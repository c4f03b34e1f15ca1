"""The laureate file's columns: one declaration each, with how its cells are read and written.

A column names the Laureate field (or relation) it holds and a codec, the one object that knows
how to read a cell, write it back and read the laureate's current value in the same form, so
that a new column of a known kind is one line in COLUMNS.
"""

from dataclasses import dataclass
from functools import cached_property

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, override

from ..models import Laureate, Membership, Organisation, Source
from ..validators import validate_siren, validate_web_address
from . import values as v

# Text columns without a length in the model (description, remarks) still have one here.
MAX_CELL_CHARS = 100_000


def check_length(raw, limit):
    if len(raw) > limit:
        raise v.CellError(
            _("%(length)s caractères : %(max)s au plus.") % {"length": len(raw), "max": limit}
        )


class Codec:
    """Reads a cell into the field's value, writes it back, and reads a laureate's value."""

    def parse(self, raw, column, lookups):
        raise NotImplementedError

    def format(self, value):
        return value

    def current(self, laureate, column):
        return getattr(laureate, column.field)

    def text(self, laureate, column):
        """The laureate's cell as the export writes it."""
        return self.format(self.current(laureate, column))


class Text(Codec):
    def parse(self, raw, column, lookups):
        check_length(raw, column.model_field.max_length or MAX_CELL_CHARS)
        if not raw and not column.model_field.blank:
            raise v.CellError(_("obligatoire : cette cellule ne peut pas être vide."))
        return raw


class Slug(Text):
    def parse(self, raw, column, lookups):
        super().parse(raw, column, lookups)
        try:
            validate_slug(raw)
        except ValidationError:
            raise v.CellError(
                _("%(value)s : lettres sans accents, chiffres et tirets seulement.")
                % {"value": v.quote(raw)}
            ) from None
        return raw


class Url(Text):
    def parse(self, raw, column, lookups):
        super().parse(raw, column, lookups)
        if raw:
            try:
                validate_web_address(raw)
            except ValidationError:
                raise v.CellError(
                    _("%(value)s n'est pas une adresse web (http:// ou https://).")
                    % {"value": v.quote(raw)}
                ) from None
        return raw


class Choice(Codec):
    def parse(self, raw, column, lookups):
        if not raw:
            if column.model_field.blank:
                return ""
            raise v.CellError(
                _("obligatoire. Valeurs permises : %(allowed)s.")
                % {"allowed": column.vocabulary.allowed()}
            )
        return column.vocabulary.parse(raw)


class AidKind(Choice):
    """Granted or requested: an empty cell is the model's default, "accordee". An amount that
    is not known has no kind, so its cell is written empty (and reads back as the default)."""

    def parse(self, raw, column, lookups):
        return column.vocabulary.parse(raw) if raw else column.model_field.default

    def text(self, laureate, column):
        return "" if laureate.state_aid is None else self.format(self.current(laureate, column))


class Amount(Codec):
    def parse(self, raw, column, lookups):
        return v.parse_amount(raw)

    def format(self, value):
        return v.format_amount(value)


class Date(Codec):
    def parse(self, raw, column, lookups):
        return v.parse_date(raw)

    def format(self, value):
        return v.format_date(value)


class Boolean(Codec):
    def parse(self, raw, column, lookups):
        # Empty is refused rather than guessed: "oui" would re-publish what an admin hid.
        return v.parse_boolean(raw)

    def format(self, value):
        return v.format_boolean(value)


class Codes(Codec):
    """Sectors or regions: identifiers or names, "|" separated; held sorted by identifier."""

    def __init__(self, attribute):
        self.attribute = attribute

    def parse(self, raw, column, lookups):
        vocabulary = lookups[column.field]
        codes, errors = set(), []
        for item in v.split_values(raw):
            try:
                codes.add(vocabulary.parse(item.zfill(2) if item.isdigit() else item))
            except v.CellError as error:
                errors += error.args
        if errors:
            raise v.CellError(*errors)
        return sorted(codes)

    def format(self, value):
        return v.join_values(value)

    def current(self, laureate, column):
        return sorted(
            getattr(item, self.attribute) for item in getattr(laureate, column.field).all()
        )


@dataclass(frozen=True)
class Member:
    role: str
    kind: str
    siren: str
    name: str

    def as_text(self):
        return f"{self.role}:{self.kind}:{self.siren}:{self.name}"


ROLES = v.Vocabulary(Membership.Role.choices)
KINDS = v.Vocabulary(Organisation.Kind.choices)
NAME_LENGTH = Organisation._meta.get_field("name").max_length


def members_in_order(members):
    return sorted(members, key=lambda m: (m.role != Membership.Role.LEAD, m.name, m.siren))


def check_name(name):
    if not name:
        raise v.CellError(_("le nom d'un membre manque."))
    check_length(name, NAME_LENGTH)


class Members(Codec):
    """ "rôle:type:SIREN:nom" per member; the name comes last, so it may hold ":"."""

    def parse(self, raw, column, lookups):
        members, errors, seen = [], [], set()
        for item in v.split_values(raw):
            parts = [part.strip() for part in item.split(":", 3)]
            if len(parts) != 4:
                errors.append(
                    _("%(value)s : attendu « rôle:type:SIREN:nom ».") % {"value": v.quote(item)}
                )
                continue
            role, kind, siren, name = parts
            item_errors = []
            checks = [
                (ROLES.parse, role),
                (KINDS.parse, kind),
                (validate_siren, siren),
                (check_name, name),
            ]
            for check, value in checks:
                try:
                    check(value)
                except ValidationError as error:
                    item_errors.append(f"{v.quote(name)} : {error.messages[0]}")
                except v.CellError as error:
                    item_errors += error.args
            if item_errors:
                errors += item_errors
                continue
            role, kind = ROLES.parse(role), KINDS.parse(kind)
            key = siren or v.name_key(name)
            if key in seen:
                errors.append(_("%(value)s figure deux fois.") % {"value": v.quote(name)})
            seen.add(key)
            members.append(Member(role, kind, siren, name))
        leads = [m.name for m in members if m.role == Membership.Role.LEAD]
        if len(leads) > 1:
            errors.append(
                _("deux porteurs ou plus (%(names)s) : un seul est permis.")
                % {"names": ", ".join(leads)}
            )
        if errors:
            raise v.CellError(*errors)
        return members_in_order(members)

    def format(self, value):
        return v.join_values(member.as_text() for member in members_in_order(value))

    def current(self, laureate, column):
        return members_in_order(
            Member(m.role, m.organisation.kind, m.organisation.siren, m.organisation.name)
            for m in laureate.memberships.all()
        )


SOURCE_URL_LENGTH = Source._meta.get_field("url").max_length
SOURCE_TITLE_LENGTH = Source._meta.get_field("title").max_length


class Sources(Codec):
    """ "adresse titre" per source: the address has no space, so the title starts at the first."""

    def parse(self, raw, column, lookups):
        sources, errors, seen = [], [], set()
        for item in v.split_values(raw):
            url, _space, title = item.partition(" ")
            title = title.strip()
            try:
                validate_web_address(url)
                check_length(url, SOURCE_URL_LENGTH)
                check_length(title, SOURCE_TITLE_LENGTH)
            except ValidationError:
                errors.append(
                    _("%(value)s n'est pas une adresse web (http:// ou https://).")
                    % {"value": v.quote(url)}
                )
                continue
            except v.CellError as error:
                errors += error.args
                continue
            if url in seen:
                errors.append(_("%(value)s figure deux fois.") % {"value": v.quote(url)})
            seen.add(url)
            sources.append((url, title))
        if errors:
            raise v.CellError(*errors)
        return sources

    def format(self, value):
        return v.join_values(f"{url} {title}".strip() for url, title in value)

    def current(self, laureate, column):
        return [(source.url, source.title) for source in laureate.sources.all()]


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

    def text(self, laureate):
        return self.codec.text(laureate, self)


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


def laureate_to_row(laureate):
    """A laureate as one row of text (prefetch memberships__organisation, sectors, regions,
    sources): the inverse of reading, so that export then import is lossless."""
    return {column.name: column.text(laureate) for column in COLUMNS}
