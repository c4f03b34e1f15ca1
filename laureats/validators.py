import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


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
