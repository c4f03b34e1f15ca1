import itertools
import re

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

# The web addresses the portal stores and links to (sources, websites): http and https only,
# the same for the models, the import and the moderation of proposals.
validate_web_address = URLValidator(schemes=["http", "https"])


def luhn_is_valid(digits):
    """The Luhn checksum that INSEE uses for SIREN numbers."""
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def validate_siren(value):
    if not value:
        return
    if len(value) != 9 or not value.isascii() or not value.isdigit():
        raise ValidationError(_("Le SIREN compte exactement 9 chiffres."), code="siren_format")
    if not luhn_is_valid(value):
        raise ValidationError(
            _("Ce SIREN n'est pas valide (sa clé de contrôle est fausse)."), code="siren_luhn"
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
