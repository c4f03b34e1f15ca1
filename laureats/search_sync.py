"""Keeps what is derived from every laureate's rows current, whoever writes: its search text,
its facet columns (`region_codes`, `member_kinds`, their bits and `sector_bits`), its
completeness (`known_mask`), and on each organisation whether it is a member of a published
laureate (`in_published_laureate`). The one mechanism for all four.

They span several tables (the laureate, its regions, sectors, sources and memberships, its
members' names, kinds and regions), so no single save() could keep them right, and explicit calls in each writer
(admin, import, proposals, shell) get forgotten. Receivers on these models rebuild what a write
touches, inside the same transaction: a rollback undoes both, and the writer's next query
already finds the new values. Writes are rare (a few per admin action), so the few queries each
costs are cheap.

Not covered, by design: raw saves (`loaddata`) and bulk_create()/update(), which send no
per-row signal; their callers, load_real_data, generate_synthetic and the import
(laureats/importer/applying.py), rebuild in bulk with LaureateQuerySet.refresh_derived(), the
only other way these columns are written (and OrganisationQuerySet.refresh_published_flag() for
the organisations a bulk delete took out of a consortium).
"""

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from .models import Laureate, Membership, Organisation, Region, Sector, Source

# The fields the search text is built from (Laureate.build_search_document); sectors and
# regions are not part of it.
LAUREATE_FIELDS = {"name", "acronym", "summary", "description"}
ORGANISATION_FIELDS = {"name"}
# An organisation's fields that its laureates' facet columns hold.
ORGANISATION_FACET_FIELDS = {"kind", "region", "region_id"}
# The laureate's own fields that models/completeness.py reads.
COMPLETENESS_FIELDS = {
    "name",
    "scope",
    "total_cost",
    "state_aid",
    "start_date",
    "end_date",
    "description",
}


def refresh(laureate_ids, search=True, facets=True, completeness=True):
    laureate_ids = {pk for pk in laureate_ids if pk is not None}
    if not laureate_ids:
        return
    laureates = Laureate.objects.filter(pk__in=laureate_ids)
    if facets:
        laureates.refresh_involvement()
    if completeness:
        laureates.refresh_completeness()
    if search:
        laureates.refresh_search_documents()


def refresh_organisations(organisation_ids):
    organisation_ids = {pk for pk in organisation_ids if pk is not None}
    if organisation_ids:
        Organisation.objects.filter(pk__in=organisation_ids).refresh_published_flag()


def touches(update_fields, fields):
    return update_fields is None or bool(fields & set(update_fields))


def laureate_saved(sender, instance, raw, created, update_fields, **kwargs):
    if raw:
        return
    search = touches(update_fields, LAUREATE_FIELDS)
    completeness = touches(update_fields, COMPLETENESS_FIELDS)
    # A whole save() writes the derived columns the instance holds, which may be older than
    # its rows (an instance read before a member was added): the rows decide them again. A new
    # laureate has no relations yet.
    facets = update_fields is None and not created
    if search or completeness or facets:
        refresh([instance.pk], search=search, facets=facets, completeness=completeness)
    # Published or withdrawn, it may make its members public or not (a new one has none).
    if not created and touches(update_fields, {"is_published"}):
        Laureate.objects.filter(pk=instance.pk).refresh_member_flags()


def laureate_deleted(sender, instance, origin=None, **kwargs):
    # Its memberships went first (membership_deleted noted their organisations on the
    # deletion's origin); the first laureate deleted rebuilds the flags of them all.
    left = getattr(origin, "left_organisation_ids", None)
    if left:
        refresh_organisations(left)
        left.clear()


def membership_will_save(sender, instance, raw, **kwargs):
    # A membership moved to another laureate leaves the old one's text stale too, and moved
    # to another organisation, the old one's flag.
    instance.previous_laureate_id = instance.previous_organisation_id = None
    if not raw and instance.pk is not None:
        previous = (
            Membership.objects.filter(pk=instance.pk)
            .values_list("laureate_id", "organisation_id")
            .first()
        )
        if previous:
            instance.previous_laureate_id, instance.previous_organisation_id = previous


def membership_saved(sender, instance, raw, created, **kwargs):
    if raw:
        return
    previous_laureate = getattr(instance, "previous_laureate_id", None)
    previous_organisation = getattr(instance, "previous_organisation_id", None)
    refresh([instance.laureate_id, previous_laureate])
    # A new role changes no one's publicity.
    if created or (previous_laureate, previous_organisation) != (
        instance.laureate_id,
        instance.organisation_id,
    ):
        refresh_organisations([instance.organisation_id, previous_organisation])


def deleting_laureates(origin):
    """True when the deletion started from laureates: their memberships go with them."""
    if isinstance(origin, QuerySet):
        return origin.model is Laureate
    return isinstance(origin, Laureate)


def membership_deleted(sender, instance, origin=None, **kwargs):
    if not deleting_laureates(origin):
        refresh([instance.laureate_id])
        refresh_organisations([instance.organisation_id])
        return
    # Deleting laureates: their members' flags are rebuilt once, after the laureates
    # (laureate_deleted), not once per membership.
    if not hasattr(origin, "left_organisation_ids"):
        origin.left_organisation_ids = set()
    origin.left_organisation_ids.add(instance.organisation_id)


def organisation_saved(sender, instance, raw, created, update_fields, **kwargs):
    if raw:
        return
    # save() writes the flag the instance holds, which may be older than its memberships (an
    # instance read before a laureate was published): the rows decide it again. A new
    # organisation belongs to no consortium yet, and is only wrong when created flagged.
    if touches(update_fields, {"in_published_laureate"}) and (
        instance.in_published_laureate or not created
    ):
        refresh_organisations([instance.pk])
    if created:
        return
    search = touches(update_fields, ORGANISATION_FIELDS)
    facets = touches(update_fields, ORGANISATION_FACET_FIELDS)
    if search or facets:
        # Whether a laureate has a lead or a partner does not depend on who they are.
        refresh(
            Membership.objects.filter(organisation=instance).values_list("laureate_id", flat=True),
            search=search,
            facets=facets,
            completeness=False,
        )


def related_laureates_changed(instance, action, reverse, pk_set, facets):
    """A laureate's regions or sectors changed, from either side of the relation."""
    if not reverse:
        if action.startswith("post_"):
            refresh([instance.pk], search=False, facets=facets)
        return
    # From a region's (or sector's) side: `instance` is the region, pk_set its laureates added
    # or removed; a clear gives none, so the laureates it will leave are noted before.
    if action == "pre_clear":
        instance.cleared_laureate_ids = list(instance.laureates.values_list("pk", flat=True))
    elif action == "post_clear":
        refresh(getattr(instance, "cleared_laureate_ids", []), search=False, facets=facets)
    elif action.startswith("post_"):
        refresh(pk_set, search=False, facets=facets)


def laureate_regions_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """The regions a laureate covers are part of its `region_codes` and its completeness."""
    related_laureates_changed(instance, action, reverse, pk_set, facets=True)


def laureate_sectors_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A laureate's sectors are its `sector_bits`, and having one is a fact of completeness."""
    related_laureates_changed(instance, action, reverse, pk_set, facets=True)


def related_will_delete(sender, instance, **kwargs):
    # Deleting a region or a sector deletes its rows of the relation without any m2m_changed:
    # the laureates it leaves are noted before.
    instance.deleted_laureate_ids = list(instance.laureates.values_list("pk", flat=True))


def region_deleted(sender, instance, **kwargs):
    refresh(getattr(instance, "deleted_laureate_ids", []), search=False, facets=True)


def sector_deleted(sender, instance, **kwargs):
    # Its laureates' `sector_bits` and completeness.
    refresh(getattr(instance, "deleted_laureate_ids", []), search=False, facets=True)


def source_will_save(sender, instance, raw, **kwargs):
    # A source moved to another laureate may leave the old one without any.
    instance.previous_laureate_id = None
    if not raw and instance.pk is not None:
        instance.previous_laureate_id = (
            Source.objects.filter(pk=instance.pk).values_list("laureate_id", flat=True).first()
        )


def source_saved(sender, instance, raw, created, **kwargs):
    previous = getattr(instance, "previous_laureate_id", None)
    if not raw and (created or previous != instance.laureate_id):
        refresh([instance.laureate_id, previous], search=False, facets=False)


def source_deleted(sender, instance, origin=None, **kwargs):
    if not deleting_laureates(origin):
        refresh([instance.laureate_id], search=False, facets=False)


def connect():
    """Called from LaureatsConfig.ready()."""
    uid = "search-text-"
    post_save.connect(laureate_saved, sender=Laureate, dispatch_uid=uid + "laureate")
    post_delete.connect(laureate_deleted, sender=Laureate, dispatch_uid=uid + "laureate-del")
    pre_save.connect(membership_will_save, sender=Membership, dispatch_uid=uid + "membership-pre")
    post_save.connect(membership_saved, sender=Membership, dispatch_uid=uid + "membership")
    post_delete.connect(membership_deleted, sender=Membership, dispatch_uid=uid + "membership-del")
    post_save.connect(organisation_saved, sender=Organisation, dispatch_uid=uid + "organisation")
    m2m_changed.connect(
        laureate_regions_changed,
        sender=Laureate.regions.through,
        dispatch_uid=uid + "laureate-regions",
    )
    m2m_changed.connect(
        laureate_sectors_changed,
        sender=Laureate.sectors.through,
        dispatch_uid=uid + "laureate-sectors",
    )
    for model, deleted in [(Region, region_deleted), (Sector, sector_deleted)]:
        name = model._meta.model_name
        pre_delete.connect(related_will_delete, sender=model, dispatch_uid=f"{uid}{name}-pre-del")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"{uid}{name}-del")
    pre_save.connect(source_will_save, sender=Source, dispatch_uid=uid + "source-pre")
    post_save.connect(source_saved, sender=Source, dispatch_uid=uid + "source")
    post_delete.connect(source_deleted, sender=Source, dispatch_uid=uid + "source-del")
