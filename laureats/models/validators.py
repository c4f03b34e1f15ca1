import itertools
import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator, URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _
from stdnum import luhn
from stdnum.exceptions import ValidationError as InvalidIdentifier
from stdnum.fr import siren, siret

# The web addresses the portal stores and links to (sources, websites): http and https only,
# the same for the models, the import and the moderation of proposals.
validate_web_address = URLValidator(schemes=["http", "https"])


def luhn_is_valid(digits):
    """The Luhn checksum that INSEE uses for SIREN numbers (python-stdnum's)."""
    return luhn.is_valid(digits)


# The messages of each identifier: (wrong length or not digits, wrong check key).
MESSAGES = {
    "siren": (
        _("Le SIREN compte exactement 9 chiffres."),
        _("Ce SIREN n'est pas valide (sa clé de contrôle est fausse)."),
    ),
    "siret": (
        _("Le SIRET compte exactement 14 chiffres."),
        _("Ce SIRET n'est pas valide (sa clé de contrôle est fausse)."),
    ),
}


def check_identifier(value, module, length):
    """Refuse `value` unless it is exactly `length` ASCII digits with a valid key, as
    python-stdnum's `module` (stdnum.fr.siren or stdnum.fr.siret) checks it. Spaces are refused
    here, where stdnum would drop them: what is stored is the bare number (the proposal form
    strips them first)."""
    if not value:
        return
    kind = module.__name__.rsplit(".", 1)[-1]
    wrong_format, wrong_key = MESSAGES[kind]
    if len(value) != length or not value.isascii() or not value.isdigit():
        raise ValidationError(wrong_format, code=f"{kind}_format")
    try:
        module.validate(value)
    except InvalidIdentifier:
        raise ValidationError(wrong_key, code=f"{kind}_luhn") from None


def validate_siren(value):
    check_identifier(value, siren, 9)


def validate_siret(value):
    check_identifier(value, siret, 14)


# The register's other identifiers, by their published formats: the INSEE code of a commune
# (Corsica's start 2A or 2B), the legal category (4 digits of INSEE's nomenclature), the
# training body's declaration number (11 characters) and a school's UAI (7 digits and a letter).
COMMUNE_CODE = re.compile(r"[0-9]{5}|2[AB][0-9]{3}")
validate_commune_code = RegexValidator(
    rf"^(?:{COMMUNE_CODE.pattern})\Z",
    _("Le code commune INSEE compte 5 caractères (2A ou 2B pour la Corse)."),
)
validate_legal_category = RegexValidator(
    r"^[0-9]{4}\Z", _("La catégorie juridique est un code de 4 chiffres.")
)
validate_activity_declaration = RegexValidator(
    r"^[0-9]{2}[0-9AB][0-9]{8}\Z",
    _("Le numéro de déclaration d'activité compte 11 caractères."),
)
validate_uai = RegexValidator(
    r"^[0-9]{7}[A-Z]\Z", _("Le code UAI compte 7 chiffres suivis d'une lettre majuscule.")
)


# What Django's <slug:> path converter accepts, and so every slug the site makes.
SLUG_PATTERN = re.compile(r"[-a-zA-Z0-9_]+")


def is_slug(value):
    """True when `value` can be a slug: checked before it reaches a query, so that what cannot
    be an identifier (a NUL byte, which PostgreSQL refuses) is simply not found."""
    return (
        isinstance(value, str) and len(value) <= 200 and SLUG_PATTERN.fullmatch(value) is not None
    )


def free_slug(name, is_taken, max_length, fallback):
    """A slug made from `name` (or `fallback` when nothing of it is left), numbered -2, -3…
    until `is_taken` says it is free, never longer than `max_length`."""
    base = slugify(name)[:max_length] or fallback
    if not is_taken(base):
        return base
    for number in itertools.count(2):
        suffix = f"-{number}"
        slug = base[: max_length - len(suffix)] + suffix
        if not is_taken(slug):
            return slug
