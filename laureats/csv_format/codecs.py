"""The codecs of the laureate file: each reads a cell into a field's value, writes it back, and
reads a laureate's current value in the same form (columns.py pairs each column with one)."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext as _

from ..models import Membership, Organisation, Source
from ..models.validators import validate_siren, validate_siret, validate_web_address
from . import values as v


def related(laureate, field):
    """The rows of the laureate's relation `field` (sectors, regions, memberships, sources),
    prefetched or not. The open data exports read them in bulk instead (opendata/rows.py)."""
    return getattr(laureate, field).all()


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
    is not known has no kind, so the export writes its cell empty (opendata/rows.py), which
    reads back as the default."""

    def parse(self, raw, column, lookups):
        return column.vocabulary.parse(raw) if raw else column.model_field.default


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
        return sorted(getattr(item, self.attribute) for item in related(laureate, column.field))


@dataclass(frozen=True)
class Member:
    role: str
    kind: str
    siren: str
    name: str
    # The establishment that takes part, when known: its first 9 digits are the SIREN.
    siret: str = ""

    def as_text(self):
        return f"{self.role}:{self.kind}:{self.siret or self.siren}:{self.name}"


def read_identifier(identifier):
    """(SIREN, SIRET) of a member's identifier: a SIREN (9 digits), or a SIRET (14 digits),
    whose SIREN is its first 9. Spaces are dropped ("732 829 320 00074", as the Annuaire des
    entreprises writes it). ValidationError when it is neither."""
    identifier = "".join(identifier.split())
    if len(identifier) == 14:
        validate_siret(identifier)
        return identifier[:9], identifier
    validate_siren(identifier)
    return identifier, ""


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
    """ "rôle:type:SIREN:nom" per member, a SIRET in place of the SIREN when known; the name
    comes last, so it may hold ":"."""

    def parse(self, raw, column, lookups):
        members, errors, seen = [], [], set()
        for item in v.split_values(raw):
            parts = [part.strip() for part in item.split(":", 3)]
            if len(parts) != 4:
                errors.append(
                    _("%(value)s : attendu « rôle:type:SIREN:nom ».") % {"value": v.quote(item)}
                )
                continue
            role, kind, identifier, name = parts
            item_errors = []
            checks = [
                (ROLES.parse, role),
                (KINDS.parse, kind),
                (read_identifier, identifier),
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
            siren, siret = read_identifier(identifier)
            key = siret or siren or v.name_key(name)
            if key in seen:
                errors.append(_("%(value)s figure deux fois.") % {"value": v.quote(name)})
            seen.add(key)
            members.append(Member(role, kind, siren, name, siret))
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
            Member(
                m.role,
                m.organisation.kind,
                m.organisation.siren,
                m.organisation.name,
                m.organisation.siret,
            )
            for m in related(laureate, "memberships")
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
        return [(source.url, source.title) for source in related(laureate, "sources")]
