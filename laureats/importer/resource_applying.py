"""A ResourcePlan written as applying.py writes the laureates': only what changed, in bulk, one
history entry per row written (with the file's name as its reason), inside the transaction and
the derived-data batch that `apply_plan` opens, and nothing at all if a resource the plan
changes was written since the plan compared it (PlanMoved)."""

from ..models import Resource, ResourceSource
from .applying import Writer
from .history import BATCH_SIZE, record_with_m2m
from .planning import PlanMoved

# The columns that list related rows by slug, and the relation each replaces.
M2M_COLUMNS = {"laureats": Resource.laureates, "filieres": Resource.sectors}


class ResourceWriter(Writer):
    def write(self):
        rows = [row for row in self.plan.rows if row.action != "unchanged"]
        if not rows:
            return
        resources = self.write_resources(rows)
        for column, descriptor in M2M_COLUMNS.items():
            self.write_relation(rows, resources, column, descriptor)
        self.record_resources(rows, resources)
        self.write_resource_sources(rows, resources)

    def changed(self, row):
        return {change.column for change in row.changes} if row.resource_pk else set(row.values)

    def write_resources(self, rows):
        """The resources of `rows`, in their order: created, or updated in their own fields."""
        by_name = self.plan.by_name
        # Locked until the import commits: nobody writes them between this check and the write.
        existing = Resource.objects.select_for_update().in_bulk(
            [row.resource_pk for row in rows if row.resource_pk]
        )
        resources, created, updated, fields = [], [], [], set()
        for row in rows:
            resource = existing.get(row.resource_pk) if row.resource_pk else Resource()
            if row.resource_pk and getattr(resource, "version", None) != row.version:
                # Changed (or deleted) since the plan compared the file with it.
                raise PlanMoved
            scalars = self.changed(row) - self.plan.relations
            for name in scalars:
                setattr(resource, by_name[name].field, row.values[name])
            if resource.pk is None:
                created.append(resource)
            else:
                # bulk_update() sets neither auto_now nor the version, as save() would.
                resource.updated_at = self.date
                resource.version += 1
                fields |= {by_name[name].field for name in scalars} | {"updated_at", "version"}
                updated.append(resource)
            resources.append(resource)
        # ResourceQuerySet's bulk writes keep the search text of the rows they write.
        Resource.objects.bulk_create(created, batch_size=BATCH_SIZE)
        if updated:
            Resource.objects.bulk_update(updated, sorted(fields), batch_size=BATCH_SIZE)
        return resources

    def write_relation(self, rows, resources, column, descriptor):
        """Replace the laureates (or sectors) of the resources whose row changes them."""
        changing = [
            (row, resource)
            for row, resource in zip(rows, resources, strict=True)
            if column in self.changed(row)
        ]
        if not changing:
            return
        through = descriptor.through
        owner = descriptor.field.m2m_field_name()
        target = descriptor.field.m2m_reverse_field_name()
        model = descriptor.field.related_model
        slugs = {slug for row, _resource in changing for slug in row.values[column]}
        pks = dict(model.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        through.objects.filter(
            **{f"{owner}__in": [resource.pk for row, resource in changing if row.resource_pk]}
        ).delete()
        through.objects.bulk_create(
            [
                through(**{f"{owner}_id": resource.pk, f"{target}_id": pks[slug]})
                for row, resource in changing
                for slug in row.values[column]
            ],
            batch_size=BATCH_SIZE,
        )

    def record_resources(self, rows, resources):
        """One history entry per resource created or changed, with its final laureates and
        sectors."""
        new, changed = [], []
        for row, resource in zip(rows, resources, strict=True):
            if not row.resource_pk:
                new.append(resource)
            elif self.changed(row) - {"sources"}:
                changed.append(resource)
        record_with_m2m(Resource, new, "+", self.user, self.date, self.reason)
        record_with_m2m(Resource, changed, "~", self.user, self.date, self.reason)

    def write_resource_sources(self, rows, resources):
        pks = [
            resource.pk
            for row, resource in zip(rows, resources, strict=True)
            if row.resource_pk and "sources" in self.changed(row)
        ]
        current = {pk: {} for pk in pks}
        for source in ResourceSource.objects.filter(resource_id__in=pks):
            current[source.resource_id][source.url] = source
        removed, retitled, new = [], [], []
        for row, resource in zip(rows, resources, strict=True):
            if "sources" not in self.changed(row):
                continue
            wanted = dict(row.values["sources"])
            existing = current.get(resource.pk, {})
            for url, source in existing.items():
                if url not in wanted:
                    removed.append(source)
                elif source.title != wanted[url]:
                    source.title = wanted[url]
                    retitled.append(source)
            new += [
                ResourceSource(resource=resource, url=url, title=title)
                for url, title in row.values["sources"]
                if url not in existing
            ]
        self.delete(ResourceSource, removed)
        self.update(ResourceSource, retitled, ["title"])
        self.create(ResourceSource, new)
