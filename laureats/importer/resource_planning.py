"""What a file of shared productions would change: every row validated, every resource compared
field by field, as planning.py does for the laureates, with the same rules: a column absent
from the file leaves that field as it is, an empty cell in a present column clears it, an
unchanged row is not written, and a file with a single problem has no plan.
"""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from ..csv_format import ImportFailed, Problem
from ..csv_format.resource_columns import (
    IDENTIFIER,
    RESOURCE_BY_NAME,
    RESOURCE_COLUMNS,
    RESOURCE_MULTI_VALUE,
    RESOURCE_RELATIONS,
    resource_column_for_header,
)
from ..csv_format.values import CellError, Vocabulary, match_key, quote
from ..models import Laureate, Resource, Sector
from .planning import Change, Plan

# What the comparison reads of each relation, fetched only when the file has its column.
PREFETCH = {"laureats": "laureates", "filieres": "sectors", "sources": "sources"}


@dataclass
class ResourceRowPlan:
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
    def action(self):
        if self.resource_pk is None:
            return "created"
        return "updated" if self.changes else "unchanged"

    def shown(self):
        changes = [
            (c.column, c.before, c.after, tuple(c.removed), tuple(c.added)) for c in self.changes
        ]
        return (self.action, self.name, changes)


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


class ResourcePlanner:
    def __init__(self):
        self.lookups = {
            "sectors": Vocabulary(Sector.objects.values_list("slug", "name")),
            "laureates": laureate_keys(),
        }
        self.problems = []

    def problem(self, row, column, message):
        self.problems.append(Problem(row, column, message))

    def plan(self, table):
        columns = self.read_header(table)
        records = self.read_rows(table, columns)
        if not records and not self.problems:
            self.problem(0, "", _("le fichier ne contient aucune ligne de production partagée."))
        columns_read = {column.name for column in columns.values()}
        existing = {
            resource.slug: resource
            for resource in Resource.objects.filter(
                slug__in=[values[IDENTIFIER] for _row, values, _headers in records]
            ).prefetch_related(*(PREFETCH[name] for name in columns_read if name in PREFETCH))
        }
        plans = [
            self.plan_row(row, values, existing.get(values[IDENTIFIER]))
            for row, values, _headers in records
        ]
        if self.problems:
            raise ImportFailed(sorted(self.problems, key=lambda problem: problem.row))
        return ResourcePlan(plans, [], {}, table.describe())

    def read_header(self, table):
        columns, seen = {}, {}
        for index, text in enumerate(table.header):
            if not text.strip():
                continue
            column = resource_column_for_header(text)
            if column is None:
                self.problem(1, text, _("colonne inconnue."))
            elif column.name in seen:
                self.problem(
                    1,
                    text,
                    _("colonne en double (déjà « %(other)s »).") % {"other": seen[column.name]},
                )
            else:
                columns[index] = column
                seen[column.name] = text
        if self.problems:
            self.problem(
                1,
                "",
                _(
                    "ligne d'en-tête lue : %(header)s (%(format)s). Colonnes reconnues d'un "
                    "fichier de productions partagées, par identifiant ou par libellé : "
                    "%(columns)s."
                )
                % {
                    "header": quote(" | ".join(table.header)),
                    "format": table.describe(),
                    "columns": ", ".join(f"{c.name} ({c.label})" for c in RESOURCE_COLUMNS),
                },
            )
            raise ImportFailed(self.problems)
        return columns

    def read_rows(self, table, columns):
        records, first_row = [], {}
        width = max(columns) + 1
        for number, cells in table.rows:
            if not any(cell.strip() for cell in cells):
                continue
            if any(cell.strip() for cell in cells[width:]) and len(cells) > len(table.header):
                self.problem(number, "", _("plus de valeurs que de colonnes dans l'en-tête."))
                continue
            values, headers = {}, {}
            for index, column in columns.items():
                raw = cells[index].strip() if index < len(cells) else ""
                headers[column.name] = table.header[index]
                try:
                    values[column.name] = column.read(raw, self.lookups)
                except CellError as error:
                    for message in error.args:
                        self.problem(number, table.header[index], message)
            slug = values.get(IDENTIFIER)
            if slug in first_row:
                self.problem(
                    number,
                    headers[IDENTIFIER],
                    _("%(value)s figure déjà ligne %(row)s.")
                    % {"value": quote(slug), "row": first_row[slug]},
                )
            elif slug:
                first_row[slug] = number
            if slug and len(values) == len(columns):
                records.append((number, values, headers))
        return records

    def plan_row(self, number, values, resource):
        slug = values[IDENTIFIER]
        plan = ResourceRowPlan(
            number,
            slug,
            values.get("titre") or (resource.title if resource else ""),
            resource.pk if resource else None,
            values,
            version=resource.version if resource else None,
        )
        if resource is None:
            for column in RESOURCE_COLUMNS:
                if column.required and column.name not in values:
                    self.problem(
                        number,
                        column.name,
                        _(
                            "colonne absente du fichier : elle est nécessaire pour créer la "
                            "production %(value)s."
                        )
                        % {"value": quote(slug)},
                    )
        else:
            plan.changes = self.changes(resource, values)
        return plan

    def changes(self, resource, values):
        changes = []
        for name, after in values.items():
            column = RESOURCE_BY_NAME[name]
            before = column.current(resource)
            if name == "sources":
                if dict(before) != dict(after):
                    old, new, urls = set(before), set(after), dict(after)
                    changes.append(
                        Change(
                            name,
                            removed=[column.write([item]) for item in before if item not in new],
                            added=[column.write([item]) for item in after if item not in old],
                            gone=tuple(item for item in before if item[0] not in urls),
                        )
                    )
            elif name in RESOURCE_MULTI_VALUE:
                if sorted(before) != sorted(after):
                    changes.append(
                        Change(
                            name,
                            removed=sorted(set(before) - set(after)),
                            added=sorted(set(after) - set(before)),
                        )
                    )
            elif before != after:
                changes.append(Change(name, column.write(before), column.write(after)))
        return changes
