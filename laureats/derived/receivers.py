"""Which laureates, organisations and resources a write touched, for every way of writing an input:
save(), delete() and their cascades, the many-to-many managers, and the bulk writes that
models/writes.py announces (update(), bulk_update(), bulk_create(), a queryset's delete()).

Each receiver only says which rows (columns.REACH) may have stale derived columns
(columns.Derived.follows); pending.py decides when they are rebuilt, and rebuild.py how.

The rule for bulk writes: they rebuild what they touched, like save() does. Refusing them
would hand the rebuild back to each writer, the very calls that were forgotten before.
"""

from contextlib import contextmanager

from django.core.exceptions import FieldDoesNotExist
from django.db.models import QuerySet
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from ..models.writes import bulk_write
from .columns import (
    REACH,
    LaureateRegion,
    LaureateSector,
    ResourceLaureate,
    ResourceSector,
    feeds,
)
from .pending import batch, note
from .rebuild import batches


def field_names(model, fields):
    """Field names for names or attnames ("region_id"); None stays None (whole rows)."""
    if fields is None:
        return None
    names = set()
    for name in fields:
        try:
            names.add(model._meta.get_field(name).name)
        except FieldDoesNotExist:
            names.add(name)
    return names


def is_local(model, path):
    """Read on the row itself: its primary key, or a foreign key's column."""
    if path == "pk":
        return True
    if "__" in path:
        return False
    field = model._meta.get_field(path)
    return field.many_to_one and field.concrete


def local_paths(model):
    """The foreign keys by which a row of `model` reaches others: saving it may move it."""
    paths = sum(REACH[model].paths, ())
    return {p for p in paths if p != "pk" and is_local(model, p)}


def by_query(model, pks, paths):
    """The ids `paths` lead to from the rows `pks` of `model`, as the database holds them."""
    ids = set()
    for path in paths:
        if path == "pk":
            ids.update(pks)
            continue
        for batch_of_pks in batches(pks):
            rows = QuerySet(model).filter(pk__in=batch_of_pks)
            ids.update(rows.values_list(path, flat=True))
    ids.discard(None)
    return ids


def natural_pks(model, instances):
    """Primary keys of rows a bulk_create() left without one (ignore_conflicts), by their
    unique field (a slug)."""
    field = next(f for f in model._meta.fields if f.unique and not f.primary_key)
    values = [getattr(instance, field.attname) for instance in instances]
    rows = QuerySet(model).filter(**{f"{field.name}__in": values})
    return set(rows.values_list("pk", flat=True))


def by_attributes(model, instances, paths, remote=True):
    """The ids `paths` lead to from `instances`: read on them for local paths, else queried."""
    ids, queried = set(), []
    for path in paths:
        if path == "pk":
            ids.update(instance.pk for instance in instances if instance.pk is not None)
            if any(instance.pk is None for instance in instances):
                ids.update(natural_pks(model, [i for i in instances if i.pk is None]))
        elif is_local(model, path):
            attname = model._meta.get_field(path).attname
            ids.update(getattr(instance, attname) for instance in instances)
        elif remote:
            queried.append(path)
    if queried:
        ids |= by_query(model, [i.pk for i in instances if i.pk is not None], queried)
    ids.discard(None)
    return ids


NOTHING = ((), (), ())


def union(*reaches):
    """The (laureates, organisations, resources) of several `reached()`, merged."""
    return tuple(set().union(*rows) for rows in zip(*reaches, strict=True))


def reached(model, fields, instances=None, pks=None, remote=True):
    """(laureates, organisations, resources) whose derived columns a write of `fields` of these
    rows (instances, or primary keys) may have changed."""
    found = []
    for wanted, paths in zip(feeds(model, fields), REACH[model].paths, strict=True):
        if not wanted:
            found.append(set())
        elif instances is not None:
            found.append(by_attributes(model, instances, paths, remote))
        else:
            found.append(by_query(model, pks, paths))
    return tuple(found)


def will_save(sender, instance, update_fields, **kwargs):
    # A row moved by its foreign key leaves the rows it reached before.
    instance.derived_before = NOTHING
    moving = local_paths(sender)
    fields = field_names(sender, update_fields)
    if instance.pk is not None and moving and (fields is None or fields & moving):
        instance.derived_before = reached(sender, fields, pks=[instance.pk])


def saved(sender, instance, created, update_fields, **kwargs):
    fields = None if created else field_names(sender, update_fields)
    # A new row has no reverse relation yet: nothing to query through one.
    after = reached(sender, fields, [instance], remote=not created)
    note(*union(after, getattr(instance, "derived_before", NOTHING)))


def will_delete(sender, instance, **kwargs):
    # What the row reaches through others' rows is read while they still exist.
    instance.derived_reached = reached(sender, None, [instance])


def deleted(sender, instance, **kwargs):
    local = reached(sender, None, [instance], remote=False)
    note(*union(getattr(instance, "derived_reached", NOTHING), local))


def relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A laureate's regions or sectors, written through a many-to-many manager, from either
    side. Their rows of the relation send no other signal."""
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            note_laureates(sender, [instance.pk])
        return
    # From the region's (or sector's) side: pk_set holds laureates; a clear gives none, so
    # the laureates it leaves are read before.
    if action == "pre_clear":
        instance.derived_cleared = list(instance.laureates.values_list("pk", flat=True))
    elif action == "post_clear":
        note_laureates(sender, getattr(instance, "derived_cleared", []))
    elif action in {"post_add", "post_remove"}:
        note_laureates(sender, pk_set or [])


def note_laureates(sender, pks):
    """These laureates; and, for their sectors, their resources, which may inherit them."""
    resources = ()
    if sender is LaureateSector and pks:
        resources = ResourceLaureate.objects.filter(laureate_id__in=pks).values_list(
            "resource_id", flat=True
        )
    note(pks, resources=resources)


def resource_relation_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """A resource's laureates or own sectors, written through its many-to-many managers or
    the laureate's (sector's) `resources`: the resources' search text names their laureates,
    and their sectors are facets."""
    if not reverse:
        if action in {"post_add", "post_remove", "post_clear"}:
            note(resources=[instance.pk])
        return
    # From the laureate's (or sector's) side: pk_set holds resources; a clear gives none, so
    # the resources it leaves are read before.
    if action == "pre_clear":
        instance.derived_cleared = list(instance.resources.values_list("pk", flat=True))
    elif action == "post_clear":
        note(resources=getattr(instance, "derived_cleared", []))
    elif action in {"post_add", "post_remove"}:
        note(resources=pk_set or [])


@contextmanager
def following(model, action, rows, fields):
    """Around a bulk write: the rows it reaches before (if it moves them) and after."""
    with batch():
        moving = fields is not None and bool(fields & local_paths(model))
        if action == "update":
            pks = list(rows.order_by().values_list("pk", flat=True))
            before = reached(model, fields, pks=pks) if moving else NOTHING
            yield
            after = reached(model, fields, pks=pks)
        else:
            pks = [instance.pk for instance in rows if instance.pk is not None]
            before = reached(model, fields, pks=pks) if moving else NOTHING
            yield
            # Rows just created have no reverse relation yet; rows upserted may.
            after = reached(model, fields, rows, remote=action != "bulk_create")
        note(*union(before, after))


def bulk_written(sender, action, rows, fields, **kwargs):
    if sender not in REACH:
        return None
    fields = field_names(sender, fields)
    if not any(feeds(sender, fields)):
        return None
    if action == "delete":
        # Each row deleted, and each row its cascade takes, sends its own signals.
        return batch()
    return following(sender, action, rows, fields)


def connect():
    """Called from LaureatsConfig.ready()."""
    uid = "derived-"
    bulk_write.connect(bulk_written, dispatch_uid=uid + "bulk")
    for model in REACH:
        if model in {LaureateRegion, LaureateSector}:
            # Created by Django, without managers of ours nor delete signals: only the
            # many-to-many managers' signal tells of their writes.
            m2m_changed.connect(relation_changed, sender=model, dispatch_uid=uid + "m2m")
            continue
        if model in {ResourceLaureate, ResourceSector}:
            m2m_changed.connect(
                resource_relation_changed, sender=model, dispatch_uid=uid + "resource-m2m"
            )
            continue
        name = model._meta.model_name
        pre_save.connect(will_save, sender=model, dispatch_uid=f"{uid}{name}-pre-save")
        post_save.connect(saved, sender=model, dispatch_uid=f"{uid}{name}-save")
        pre_delete.connect(will_delete, sender=model, dispatch_uid=f"{uid}{name}-pre-delete")
        post_delete.connect(deleted, sender=model, dispatch_uid=f"{uid}{name}-delete")
