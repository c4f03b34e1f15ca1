"""Environment variables read strictly: a malformed value stops start-up with a message naming
the variable, instead of silently meaning something else. Used by the settings and by
gunicorn.conf.py, so that both read a variable the same way."""

import os

from django.core.exceptions import ImproperlyConfigured

TRUE_VALUES = {"1", "true", "yes", "on", "oui"}
FALSE_VALUES = {"0", "false", "no", "off", "non"}


def env_bool(name, default=False):
    """A boolean variable; anything but a known spelling stops start-up: a typo such as
    SECURE_SSL_REDIRECT=ture must not silently switch a security setting off."""
    value = os.environ.get(name, "").strip().lower()
    if not value:
        return default
    if value in TRUE_VALUES:
        return True
    if value in FALSE_VALUES:
        return False
    raise ImproperlyConfigured(
        f"{name}={os.environ[name]!r} n'est pas un booléen : écrivez 1 ou 0 (true/false, oui/non)."
    )


def env_int(name, default=0, minimum=None, maximum=None):
    """A whole number; `minimum` and `maximum`, when given, bound it (inclusive)."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = int(value)
    except ValueError:
        raise ImproperlyConfigured(
            f"{name}={os.environ[name]!r} n'est pas un nombre entier."
        ) from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        bounds = f"de {minimum} à {maximum}" if maximum is not None else f"au moins {minimum}"
        raise ImproperlyConfigured(f"{name}={os.environ[name]!r} : la valeur doit être {bounds}.")
    return number


def env_float(name, default=0.0):
    """A number of seconds and the like: a decimal point, never negative."""
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number >= 0 or number == float("inf"):
        raise ImproperlyConfigured(
            f"{name}={os.environ[name]!r} n'est pas un nombre positif (par exemple 0.2)."
        )
    return number


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]
