"""A Plan written in one transaction: all of it, or nothing.

Only what the plan says changed is written, and in bulk: one statement (or one per thousand
rows) per table and per kind of write, whatever the number of laureates and members, so that a
5,000-row list fits in a request. Bulk writes send no per-row signal, so this module does by
itself what the receivers would: one history entry per row written (`history`). The derived
columns of the laureates written are rebuilt once, at the end, by their owner (laureats/derived/).
"""

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import derived
from ..csv_format import ImportFailed, Problem
from ..models import Laureate, Membership, Organisation, Resource, Sector, Source
from .history import BATCH_SIZE, record, record_with_m2m
from .planning import PlanMoved

# Primary keys per DELETE: within SQLite's oldest limit of 999 parameters a statement.
DELETE_BATCH_SIZE = 500


def apply_plan(plan, user=None, writer=None):
    """Write the plan with `writer` (a Writer class: the laureates' by default, the shared
    productions' for theirs, chosen by importer.apply_plan); ImportFailed (nothing written) if the database refuses any of it, and
    PlanMoved (nothing written) if a laureate or an organisation it changes has changed since
    the plan was made: the plan must then be made again, and shown."""
    try:
        with transaction.atomic(), derived.batch():
            (writer or Writer)(plan, user).write()
    except (IntegrityError, DatabaseError) as error:
        raise ImportFailed(
            [Problem(0, "", _("écriture refusée : %(error)s") % {"error": error})]
        ) from error


class Writer:
    def __init__(self, plan, user):
        self.plan = plan
        self.user = user
        self.organisation_pks = {}
        self.date = timezone.now()
        # Read back by the public change log (laureats/journal/log.py, IMPORT_REASON_PREFIX).
        self.reason = f"Import : {plan.file_name}"[:100] if plan.file_name else None

    def write(self):
        rows = [row for row in self.plan.rows if row.action != "unchanged"]
        if not rows and not self.plan.organisation_updates:
            return
        self.write_organisations()
        laureates = self.write_objects(Laureate, rows)
        self.write_m2m(rows, laureates, "secteurs", Laureate.sectors, self.sector_pks(rows))
        self.write_m2m(rows, laureates, "regions", Laureate.regions, None)
        self.record_objects(Laureate, rows, laureates)
        self.write_sources(rows, laureates, Source, "laureate")
        left = self.write_members(rows, laureates)
        # Written partly in plain SQL (`delete`), which no signal tells of: the laureates, the
        # organisations that left a consortium, and the shared productions of these laureates
        # (their sectors and search text follow them) are named to the owner.
        written = [laureate.pk for laureate in laureates]
        productions = Resource.laureates.through.objects.filter(laureate_id__in=written)
        derived.note(written, left, productions.values_list("resource_id", flat=True))

    def changed(self, row):
        return {change.column for change in row.changes} if row.pk else set(row.values)

    def history(self, model, objects, history_type):
        return record(model, objects, history_type, self.user, self.date, self.reason)

    def write_organisations(self):
        new = [
            Organisation(name=o.name, kind=o.kind, siren=o.siren, siret=o.siret, slug=o.slug)
            for o in self.plan.new_organisations
        ]
        if new:
            Organisation.objects.bulk_create(new, batch_size=BATCH_SIZE)
            self.history(Organisation, new, "+")
            for index, organisation in enumerate(new):
                self.organisation_pks[("new", index)] = organisation.pk
        # Few (a SIREN or a kind completed), and their save() keeps their laureates' search text.
        updates = Organisation.objects.select_for_update().filter(
            pk__in=self.plan.organisation_updates
        )
        for organisation in updates:
            if organisation.version != self.plan.organisation_versions.get(organisation.pk):
                raise PlanMoved
            for name, value in self.plan.organisation_updates[organisation.pk].items():
                setattr(organisation, name, value)
            organisation.save()

    def organisation_pk(self, ref):
        return ref[1] if ref[0] == "pk" else self.organisation_pks[ref]

    def write_objects(self, model, rows):
        """The laureates (or resources) of `rows`, in their order: created, or updated in their
        own fields."""
        by_name = self.plan.by_name
        # Locked until the import commits: nobody writes them between this check and the write.
        existing = model.objects.select_for_update().in_bulk([row.pk for row in rows if row.pk])
        objects, created, updated, fields = [], [], [], set()
        for row in rows:
            if row.pk and getattr(existing.get(row.pk), "version", None) != row.version:
                # Changed (or deleted) since the plan compared the file with it.
                raise PlanMoved
            obj = existing.get(row.pk) or model()
            scalars = self.changed(row) - self.plan.relations
            for name in scalars:
                setattr(obj, by_name[name].field, row.values[name])
            if obj.pk is None:
                created.append(obj)
            elif self.changed(row):
                # bulk_update() leaves auto_now alone; save() would have set it. A row that
                # changes only members, sources or relations changes the fiche too: its
                # date is the "version du" of its citation and its "dernière mise à jour".
                obj.updated_at = self.date
                # bulk_update() does not count versions as save() does (the row is locked).
                obj.version += 1
                fields |= {by_name[name].field for name in scalars} | {"updated_at", "version"}
                updated.append(obj)
            objects.append(obj)
        # ResourceQuerySet's bulk writes keep a resource's search text; the laureates' derived
        # columns are rebuilt at the end of the import (module docstring).
        model.objects.bulk_create(created, batch_size=BATCH_SIZE)
        if updated:
            model.objects.bulk_update(updated, sorted(fields), batch_size=BATCH_SIZE)
        return objects

    def sector_pks(self, rows):
        if any("secteurs" in row.values for row in rows):
            return dict(Sector.objects.values_list("slug", "pk"))
        return {}

    def write_m2m(self, rows, owners, column, descriptor, pks):
        """Replace the related rows (a laureate's sectors or regions, a resource's laureates
        or sectors) of the owners whose file row changes them; `pks` maps the file's values
        to primary keys, None where the values are the keys (regions' codes)."""
        through = descriptor.through
        owner = descriptor.field.m2m_field_name()
        target = descriptor.field.m2m_reverse_field_name()
        changing = [
            (row, obj) for row, obj in zip(rows, owners, strict=True) if column in self.changed(row)
        ]
        if not changing:
            return
        through.objects.filter(
            **{f"{owner}__in": [obj.pk for row, obj in changing if row.pk]}
        ).delete()
        through.objects.bulk_create(
            [
                through(**{f"{owner}_id": obj.pk, f"{target}_id": pks[value] if pks else value})
                for row, obj in changing
                for value in row.values[column]
            ],
            batch_size=BATCH_SIZE,
        )

    def record_objects(self, model, rows, objects):
        """One history entry per laureate (or resource) created or changed, carrying its final
        relations (simple_history's receivers wrote one per save and one per m2m set())."""
        new, changed = [], []
        for row, obj in zip(rows, objects, strict=True):
            if not row.pk:
                new.append(obj)
            elif self.changed(row) - {"sources", "membres"}:
                changed.append(obj)
        record_with_m2m(model, new, "+", self.user, self.date, self.reason)
        record_with_m2m(model, changed, "~", self.user, self.date, self.reason)

    def current(self, model, rows, owners, column, owner="laureate"):
        """{owner pk: {key: object}} of the sources or memberships the file's rows replace."""
        pks = [
            obj.pk
            for row, obj in zip(rows, owners, strict=True)
            if row.pk and column in self.changed(row)
        ]
        current = {pk: {} for pk in pks}
        key = "organisation_id" if model is Membership else "url"
        for obj in model.objects.filter(**{f"{owner}_id__in": pks}):
            current[getattr(obj, f"{owner}_id")][getattr(obj, key)] = obj
        return current

    def delete(self, model, objects):
        # A queryset's delete() would send both per-row signals (history, search text) row by
        # row; their work is done here in bulk (the "-" history entries) and at the end (the
        # search text). So a plain DELETE by primary key, as bulk_create() is to save().
        if objects:
            self.history(model, objects, "-")
            table = connection.ops.quote_name(model._meta.db_table)
            column = connection.ops.quote_name(model._meta.pk.column)
            with connection.cursor() as cursor:
                for start in range(0, len(objects), DELETE_BATCH_SIZE):
                    pks = [obj.pk for obj in objects[start : start + DELETE_BATCH_SIZE]]
                    marks = ", ".join(["%s"] * len(pks))
                    cursor.execute(f"DELETE FROM {table} WHERE {column} IN ({marks})", pks)

    def update(self, model, objects, fields):
        if objects:
            model.objects.bulk_update(objects, fields, batch_size=BATCH_SIZE)
            self.history(model, objects, "~")

    def create(self, model, objects):
        if objects:
            model.objects.bulk_create(objects, batch_size=BATCH_SIZE)
            self.history(model, objects, "+")

    def write_sources(self, rows, owners, model, owner):
        """The sources of the laureates (model Source, owner "laureate") or of the resources
        whose row changes them: removed, retitled or added."""
        current = self.current(model, rows, owners, "sources", owner)
        removed, retitled, new = [], [], []
        for row, obj in zip(rows, owners, strict=True):
            if "sources" not in self.changed(row):
                continue
            wanted = dict(row.values["sources"])
            existing = current.get(obj.pk, {})
            for url, source in existing.items():
                if url not in wanted:
                    removed.append(source)
                elif source.title != wanted[url]:
                    source.title = wanted[url]
                    retitled.append(source)
            new += [
                model(**{owner: obj}, url=url, title=title)
                for url, title in row.values["sources"]
                if url not in existing
            ]
        self.delete(model, removed)
        self.update(model, retitled, ["title"])
        self.create(model, new)

    def write_members(self, rows, laureates):
        current = self.current(Membership, rows, laureates, "membres")
        removed, demoted, promoted, new = [], [], [], []
        for row, laureate in zip(rows, laureates, strict=True):
            if "membres" not in self.changed(row):
                continue
            wanted = {self.organisation_pk(ref): role for ref, role in row.members.items()}
            existing = current.get(laureate.pk, {})
            for organisation_id, membership in existing.items():
                if organisation_id not in wanted:
                    removed.append(membership)
                elif membership.role != wanted[organisation_id]:
                    membership.role = wanted[organisation_id]
                    is_lead = membership.role == Membership.Role.LEAD
                    (promoted if is_lead else demoted).append(membership)
            new += [
                Membership(laureate=laureate, organisation_id=organisation_id, role=role)
                for organisation_id, role in wanted.items()
                if organisation_id not in existing
            ]
        # Removed and demoted before anyone is promoted or added: the one-lead constraint holds
        # after every statement.
        self.delete(Membership, removed)
        self.update(Membership, demoted, ["role"])
        self.update(Membership, promoted, ["role"])
        self.create(Membership, new)
        # Their memberships changed: so did they, for a form of theirs opened before.
        changed = {m.organisation_id for m in [*removed, *demoted, *promoted, *new]}
        self.bump_versions(Organisation, changed)
        return {membership.organisation_id for membership in removed}

    def bump_versions(self, model, pks):
        pks = sorted(pks)
        for start in range(0, len(pks), DELETE_BATCH_SIZE):
            model.objects.filter(pk__in=pks[start : start + DELETE_BATCH_SIZE]).update(
                version=F("version") + 1
            )
