"""A change of a laureate's members, sources, sectors or regions is a change of the laureate,
and a change of an organisation's memberships one of the organisation, whoever writes it (an
admin inline, another form, the shell): each adds one to the version of the row it belongs to
(models/versions.py), so that a form opened before it is refused instead of posting the old
children back. Also, what a proposal's field was when it was made, for the moderation.

The import writes in bulk, without these signals, and adds its versions itself
(laureats/importer/applying.py).
"""

from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from . import Laureate, Membership, Organisation, Proposal, Source
from .versions import bump


def cached_parent(child, descriptor):
    """The parent object `child` holds in memory, if any (no query)."""
    return descriptor.__get__(child) if descriptor.is_cached(child) else None


def membership_will_save(sender, instance, raw, **kwargs):
    # Moved to another laureate or organisation, it changes the one it leaves too.
    instance.versions_left = ()
    if not raw and instance.pk is not None:
        instance.versions_left = (
            Membership.objects.filter(pk=instance.pk)
            .values_list("laureate_id", "organisation_id")
            .first()
            or ()
        )


def deleting_laureates(origin):
    """True when the deletion started from laureates: their memberships go with them."""
    if isinstance(origin, QuerySet):
        return origin.model is Laureate
    return isinstance(origin, Laureate)


def membership_deleted(sender, instance, origin=None, **kwargs):
    if not deleting_laureates(origin):
        membership_changed(sender, instance)
        return
    # With its laureate: the laureate needs no version any more, and its members' versions
    # are added once, after it (laureate_deleted), not once per membership.
    if not hasattr(origin, "versions_left_organisations"):
        origin.versions_left_organisations = set()
    origin.versions_left_organisations.add(instance.organisation_id)


def laureate_deleted(sender, instance, origin=None, **kwargs):
    left = getattr(origin, "versions_left_organisations", None)
    if left:
        bump(Organisation, left)
        left.clear()


def membership_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    left_laureate, left_organisation = getattr(instance, "versions_left", None) or (None, None)
    bump(
        Laureate,
        {instance.laureate_id, left_laureate},
        cached_parent(instance, Membership.laureate),
    )
    bump(
        Organisation,
        {instance.organisation_id, left_organisation},
        cached_parent(instance, Membership.organisation),
    )


def source_changed(sender, instance, raw=False, origin=None, **kwargs):
    # Deleted with its laureate, it changes no laureate that stays.
    if not raw and not deleting_laureates(origin):
        bump(Laureate, {instance.laureate_id}, cached_parent(instance, Source.laureate))


def laureate_relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """Its sectors or regions, from the laureate's side or from the sector's (region's)."""
    if not reverse:
        if action.startswith("post_"):
            bump(Laureate, {instance.pk}, instance)
        return
    if action == "pre_clear":
        instance.versions_cleared = list(instance.laureates.values_list("pk", flat=True))
    elif action == "post_clear":
        bump(Laureate, getattr(instance, "versions_cleared", []))
    elif action.startswith("post_"):
        bump(Laureate, pk_set or ())


def reloaded_keeps_its_version(sender, instance, raw, **kwargs):
    """A row loaded raw over an existing one (`load_real_data --force`) takes the row's version
    before its save adds one: the fixture holds none, and the version must never go back."""
    if raw and instance.pk is not None:
        current = sender.objects.filter(pk=instance.pk).values_list("version", flat=True).first()
        if current is not None:
            instance.version = current


def proposal_will_save(sender, instance, raw, **kwargs):
    """A new correction (of a laureate or of an organisation) records how the fiche showed its
    field when it was proposed."""
    if raw or not instance._state.adding or instance.value_when_proposed:
        return
    from ..contributions.moderation import value_when_proposed

    instance.value_when_proposed = value_when_proposed(instance)


def connect():
    uid = "laureats.models.version_signals"
    pre_save.connect(membership_will_save, sender=Membership, dispatch_uid=f"{uid}.m.pre")
    post_save.connect(membership_changed, sender=Membership, dispatch_uid=f"{uid}.m.save")
    post_delete.connect(membership_deleted, sender=Membership, dispatch_uid=f"{uid}.m.delete")
    post_delete.connect(laureate_deleted, sender=Laureate, dispatch_uid=f"{uid}.l.delete")
    post_save.connect(source_changed, sender=Source, dispatch_uid=f"{uid}.s.save")
    post_delete.connect(source_changed, sender=Source, dispatch_uid=f"{uid}.s.delete")
    for through in (Laureate.sectors.through, Laureate.regions.through):
        m2m_changed.connect(
            laureate_relation_changed, sender=through, dispatch_uid=f"{uid}.{through.__name__}"
        )
    for model in (Laureate, Organisation):
        pre_save.connect(
            reloaded_keeps_its_version, sender=model, dispatch_uid=f"{uid}.raw.{model.__name__}"
        )
    pre_save.connect(proposal_will_save, sender=Proposal, dispatch_uid=f"{uid}.proposal")
