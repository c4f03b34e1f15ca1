"""French reading order for names: the one definition used by every list, export and the API.

A French reader expects "e-deffinum" among the E's and "Gifod" before "GIP…": case, accents and
ligatures set aside, numbers by their value ("Projet 2" before "Projet 10"). The database's own
byte order (C.UTF-8 here) puts every capital before every small letter.

PostgreSQL sorts with an ICU collation that migration 0007 creates; SQLite with a Python
collation of the same name, registered on every new connection.
"""

import functools
import re

from django.db.backends.signals import connection_created
from django.db.models import F
from django.db.models.functions import Collate

from .folding import normalize_text

COLLATION = "fr_natural"
# ICU's French root order with numeric ordering ("kn"), as in migration 0007.
ICU_LOCALE = "fr-u-kn-true"

NUMBER = re.compile(r"\d+")


def french(field):
    """An expression for `field` (a name, or a "relation__name" path) in French reading order."""
    return Collate(F(field), COLLATION)


@functools.lru_cache(maxsize=65536)
def sort_key(text):
    """SQLite's side of the collation: folded text, numbers padded so they compare by value,
    then the text itself so that names differing only by case or accent keep a stable order."""
    folded = NUMBER.sub(lambda match: match.group().zfill(20), normalize_text(text))
    return folded, text


def compare(left, right):
    left, right = sort_key(left), sort_key(right)
    return (left > right) - (left < right)


def register_sqlite_collation(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_collation(COLLATION, compare)


def connect():
    """Called from LaureatsConfig.ready()."""
    from django.db import connections

    connection_created.connect(register_sqlite_collation, dispatch_uid="french-collation")
    # Connections opened before ready() (a shell may have one).
    for connection in connections.all(initialized_only=True):
        if connection.connection is not None:
            register_sqlite_collation(None, connection)
