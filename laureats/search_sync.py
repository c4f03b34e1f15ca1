"""Keeps every laureate's search text current, whoever writes: the one mechanism for it.

The text spans three tables (the laureate, its memberships, its members' names), so no single
save() could keep it right, and explicit calls in each writer (admin, import, proposals, shell)
get forgotten. Receivers on the three models rebuild the text of the laureates a write touches,
inside the same transaction: a rollback undoes both, and the writer's next query already finds
the new text. Writes are rare (a few per admin action), so the few queries each costs are cheap.

Not covered, by design: raw saves (`loaddata`) and bulk_create()/update(), which send no
per-row signal; their callers, load_real_data, generate_synthetic and the import
(laureats/importer/applying.py), rebuild in bulk with
LaureateQuerySet.refresh_search_documents(), the only other way the text is written.
"""

from django.db.models import QuerySet
from django.db.models.signals import post_delete, post_save, pre_save

from .models import Laureate, Membership, Organisation

# The fields the search text is built from (Laureate.build_search_document); sectors and
# regions are not part of it, so m2m changes need no receiver.
LAUREATE_FIELDS = {"name", "acronym", "summary", "description"}
ORGANISATION_FIELDS = {"name"}


def refresh(laureate_ids):
    laureate_ids = {pk for pk in laureate_ids if pk is not None}
    if laureate_ids:
        Laureate.objects.filter(pk__in=laureate_ids).refresh_search_documents()


def touches(update_fields, fields):
    return update_fields is None or bool(fields & set(update_fields))


def laureate_saved(sender, instance, raw, update_fields, **kwargs):
    if not raw and touches(update_fields, LAUREATE_FIELDS):
        refresh([instance.pk])


def membership_will_save(sender, instance, raw, **kwargs):
    # A membership moved to another laureate leaves the old one's text stale too.
    instance.previous_laureate_id = None
    if not raw and instance.pk is not None:
        instance.previous_laureate_id = (
            Membership.objects.filter(pk=instance.pk).values_list("laureate_id", flat=True).first()
        )


def membership_saved(sender, instance, raw, **kwargs):
    if not raw:
        refresh([instance.laureate_id, getattr(instance, "previous_laureate_id", None)])


def deleting_laureates(origin):
    """True when the deletion started from laureates: their memberships go with them."""
    if isinstance(origin, QuerySet):
        return origin.model is Laureate
    return isinstance(origin, Laureate)


def membership_deleted(sender, instance, origin=None, **kwargs):
    if not deleting_laureates(origin):
        refresh([instance.laureate_id])


def organisation_saved(sender, instance, raw, created, update_fields, **kwargs):
    # A new organisation belongs to no consortium yet.
    if not raw and not created and touches(update_fields, ORGANISATION_FIELDS):
        refresh(
            Membership.objects.filter(organisation=instance).values_list("laureate_id", flat=True)
        )


def connect():
    """Called from LaureatsConfig.ready()."""
    uid = "search-text-"
    post_save.connect(laureate_saved, sender=Laureate, dispatch_uid=uid + "laureate")
    pre_save.connect(membership_will_save, sender=Membership, dispatch_uid=uid + "membership-pre")
    post_save.connect(membership_saved, sender=Membership, dispatch_uid=uid + "membership")
    post_delete.connect(membership_deleted, sender=Membership, dispatch_uid=uid + "membership-del")
    post_save.connect(organisation_saved, sender=Organisation, dispatch_uid=uid + "organisation")
