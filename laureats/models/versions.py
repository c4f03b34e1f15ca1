"""The version counter of the rows a person edits (laureates, organisations), kept by
django-concurrency: every save() adds one, and a save() whose instance holds an older version
than the row is refused with `RecordModifiedError` (its UPDATE says `WHERE version = <read>`),
so that a form, an import plan or a shell session read before someone else's change can never
write over it. Writers that bypass save() (the import's bulk writes, the children's receivers of
laureats/models/version_signals.py) add one with `bump()`.
"""

from concurrency.fields import AutoIncVersionField
from django.db.models import F
from django.utils.translation import gettext_lazy as _


def version_field():
    # A counter, not a timestamp: two writes in one clock tick still differ, on every database.
    return AutoIncVersionField(
        verbose_name=_("version"),
        help_text=_(
            "Augmente à chaque modification : un formulaire ouvert sur une version plus "
            "ancienne ne peut pas l'écraser."
        ),
    )


def bump(model, pks, instance=None):
    """One more version for the rows `pks` of `model`, written by someone other than save().

    `instance`, when given, is the in-memory object of one of them that the writer holds (the
    laureate whose `memberships.create()` was called): it follows the row when it was current,
    so that its writer can still save it; a stale one stays stale, and its save is refused."""
    pks = {pk for pk in pks if pk is not None}
    if not pks:
        return
    rows = model.objects.filter(pk__in=pks)
    if instance is not None and instance.pk in pks:
        current = rows.filter(pk=instance.pk, version=instance.version)
        if current.update(version=F("version") + 1):
            instance.version += 1
            pks = pks - {instance.pk}
            if not pks:
                return
            rows = model.objects.filter(pk__in=pks)
    rows.update(version=F("version") + 1)
