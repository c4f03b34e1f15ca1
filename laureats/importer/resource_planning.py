"""What a file of shared productions would change: every row validated, every resource compared
field by field, as planning.py does for the laureates, with the same rules: a column absent
from the file leaves that field as it is, an empty cell in a present column clears it, an
unchanged row is not written, and a file with a single problem has no plan.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..csv_format.resource_columns import (
    IDENTIFIER,
    RESOURCE_BY_NAME,
    RESOURCE_COLUMNS,
    RESOURCE_MULTI_VALUE,
    RESOURCE_RELATIONS,
    resource_column_for_header,
)
from ..csv_format.values import Vocabulary, match_key
from ..models import Laureate, Resource, Sector
from .planning import Plan, PlannedRow, column_change
from .reading import TablePlanner

# What the comparison reads of each relation, fetched only when the file has its column.
PREFETCH = {"laureats": "laureates", "filieres": "sectors", "sources": "sources"}


@dataclass
class ResourceRowPlan(PlannedRow):
    row: int
    slug: str
    name: str
    resource_pk: int | None
    values: dict  # column name -> value read, for the columns the file has
    changes: list = field(default_factory=list)
    # The resource's version when this row was compared with it: applying the plan checks it.
    version: int | None = None
    # The preview reads it of every row (a laureate's members); a resource has none.
    members = None

    @property
    def pk(self):
        return self.resource_pk


@dataclass
class ResourcePlan(Plan):
    """A Plan of resources: the same steps (preview, confirmation, apply) as the laureates'."""

    kind = "resources"
    columns = RESOURCE_COLUMNS
    by_name = RESOURCE_BY_NAME
    relations = RESOURCE_RELATIONS
    heading_columns = frozenset({IDENTIFIER, "titre"})

    def summary(self):
        return _(
            "%(created)s production(s) partagée(s) créée(s), %(updated)s mise(s) à jour, "
            "%(unchanged)s inchangée(s)."
        ) % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
        }


def laureate_keys():
    """{match key: slug} of every laureate, by slug and by name; a name that several laureates
    share maps to None, so that the file names which one by its slug (never a guess)."""
    keys, names = {}, {}
    for slug, name in Laureate.objects.values_list("slug", "name"):
        keys[match_key(slug)] = slug
        names.setdefault(match_key(name), set()).add(slug)
    for key, slugs in names.items():
        keys.setdefault(key, next(iter(slugs)) if len(slugs) == 1 else None)
    return keys


class ResourcePlanner(TablePlanner):
    model = Resource
    columns = RESOURCE_COLUMNS
    identifier = IDENTIFIER
    prefetch = PREFETCH
    column_for_header = staticmethod(resource_column_for_header)
    header_help = gettext_lazy(
        "ligne d'en-tête lue : %(header)s (%(format)s). Colonnes reconnues d'un "
        "fichier de productions partagées, par identifiant ou par libellé : "
        "%(columns)s."
    )
    no_rows = gettext_lazy("le fichier ne contient aucune ligne de production partagée.")
    missing_for_creation = gettext_lazy(
        "colonne absente du fichier : elle est nécessaire pour créer la production %(value)s."
    )

    def __init__(self):
        super().__init__(
            {
                "sectors": Vocabulary(Sector.objects.values_list("slug", "name")),
                "laureates": laureate_keys(),
            }
        )

    def plan(self, table):
        records, existing = self.read(table)
        plans = [
            self.plan_row(row, values, existing.get(values[IDENTIFIER]))
            for row, values, _headers in records
        ]
        self.raise_problems()
        return ResourcePlan(plans, [], {}, table.describe())

    def plan_row(self, number, values, resource):
        plan = ResourceRowPlan(
            number,
            values[IDENTIFIER],
            values.get("titre") or (resource.title if resource else ""),
            resource.pk if resource else None,
            values,
            version=resource.version if resource else None,
        )
        if resource is None:
            self.check_required(number, values)
        else:
            plan.changes = self.changes(resource, values)
        return plan

    def changes(self, resource, values):
        changes = (
            column_change(RESOURCE_BY_NAME[name], resource, after, RESOURCE_MULTI_VALUE)
            for name, after in values.items()
        )
        return [change for change in changes if change]
