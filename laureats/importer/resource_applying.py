"""A ResourcePlan written as applying.py writes the laureates': only what changed, in bulk, one
history entry per row written (with the file's name as its reason), inside the transaction and
the derived-data batch that `apply_plan` opens, and nothing at all if a resource the plan
changes was written since the plan compared it (PlanMoved)."""

from .. import derived
from ..models import Resource, ResourceSource
from .applying import Writer

# The columns that list related rows by slug, and the relation each replaces.
M2M_COLUMNS = {"laureats": Resource.laureates, "filieres": Resource.sectors}


class ResourceWriter(Writer):
    def write(self):
        rows = [row for row in self.plan.rows if row.action != "unchanged"]
        if not rows:
            return
        resources = self.write_objects(Resource, rows)
        for column, descriptor in M2M_COLUMNS.items():
            self.write_relation(rows, resources, column, descriptor)
        self.record_objects(Resource, rows, resources)
        self.write_sources(rows, resources, ResourceSource, "resource")
        # Their laureates and sectors are written in plain SQL, which no signal tells of.
        derived.note(resources=[resource.pk for resource in resources])

    def write_relation(self, rows, resources, column, descriptor):
        """Replace the laureates (or sectors) of the resources whose row changes them: the
        file names them by slug."""
        changing = [row for row in rows if column in self.changed(row)]
        if not changing:
            return
        slugs = {slug for row in changing for slug in row.values[column]}
        model = descriptor.field.related_model
        pks = dict(model.objects.filter(slug__in=slugs).values_list("slug", "pk"))
        self.write_m2m(rows, resources, column, descriptor, pks)
