"""What a file would change: every row validated, every laureate compared field by field.

Nothing is written here, so the preview, `--dry-run` and the import itself are one computation:
the plan lists per laureate each change (before → after), each member or source removed, and
which organisations would be created or updated; a file with a single problem has no plan.

The rule that cannot lose data: a column absent from the file leaves that field as it is; an
empty cell in a present column clears it. An unchanged row is not written at all.
"""

from dataclasses import dataclass, field

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..csv_format import BY_NAME, COLUMNS, column_for_header
from ..csv_format.resource_columns import RESOURCE_MULTI_VALUE
from ..csv_format.values import CellError, Vocabulary
from ..models import (
    MAX_AID_RATE_PERCENT,
    Laureate,
    Membership,
    Region,
    Sector,
)
from .organisations import OrganisationMatcher
from .reading import TablePlanner

# What the comparison reads of each relation, fetched only when the file has its column. A
# membership is compared by organisation and role (the organisations are the matcher's): no
# organisation is loaded with it, which halves the objects built for a 5,000-row preview.
PREFETCH = {
    "secteurs": "sectors",
    "regions": "regions",
    "sources": "sources",
    "membres": Prefetch(
        "memberships", Membership.objects.only("laureate_id", "organisation_id", "role")
    ),
}
MULTI_VALUE = set(PREFETCH)
# Each model constraint, the column its error belongs to, and the check on the row's values.
CONSTRAINT_CHECKS = {
    "laureate_aid_at_most_70_percent": (
        "aide_etat_eur",
        lambda v: (
            v.get("state_aid") is None
            or v.get("total_cost") is None
            or 100 * v["state_aid"] <= MAX_AID_RATE_PERCENT * v["total_cost"] + 50
        ),
    ),
    "laureate_end_after_start": (
        "date_fin",
        lambda v: (
            not v.get("start_date") or not v.get("end_date") or v["end_date"] >= v["start_date"]
        ),
    ),
}


@dataclass
class Change:
    column: str
    before: str = ""
    after: str = ""
    removed: list = field(default_factory=list)
    added: list = field(default_factory=list)
    # What the preview warns of (`removed` also holds what only changes, a role, a title): the
    # members leaving (name, role) or sources removed (url, title); the lead before and after,
    # if it changes. Class defaults: a plan pickled before them (PendingImport) still reads.
    gone: tuple = ()
    lead: tuple = ()

    @property
    def is_list(self):
        return self.column in MULTI_VALUE or self.column in RESOURCE_MULTI_VALUE


def column_change(column, obj, after, lists):
    """The Change the file makes to one column of a laureate or a resource; None if none.
    Sources are compared by url and title, the other `lists` whatever their order."""
    before = column.current(obj)
    if column.name == "sources":
        if dict(before) == dict(after):
            return None
        old, new, urls = set(before), set(after), dict(after)
        return Change(
            column.name,
            removed=[column.write([item]) for item in before if item not in new],
            added=[column.write([item]) for item in after if item not in old],
            gone=tuple(item for item in before if item[0] not in urls),
        )
    if column.name in lists:
        if sorted(before) == sorted(after):
            return None
        return Change(
            column.name,
            removed=sorted(set(before) - set(after)),
            added=sorted(set(after) - set(before)),
        )
    if before == after:
        return None
    return Change(column.name, column.write(before), column.write(after))


class PlannedRow:
    """What the preview and the writer read of a row of either kind; `pk` is the object's
    that the row updates, None for a row that creates one."""

    @property
    def action(self):
        if self.pk is None:
            return "created"
        return "updated" if self.changes else "unchanged"

    def shown(self):
        changes = [
            (c.column, c.before, c.after, tuple(c.removed), tuple(c.added)) for c in self.changes
        ]
        return (self.action, self.name, changes)


@dataclass
class RowPlan(PlannedRow):
    row: int
    slug: str
    name: str
    laureate_pk: int | None
    values: dict  # column name -> value read, for the columns the file has
    changes: list = field(default_factory=list)
    members: dict | None = None  # organisation ref -> role, when the file has "membres"
    # The laureate's version when this row was compared with it: applying the plan checks it.
    version: int | None = None

    @property
    def pk(self):
        return self.laureate_pk


@dataclass
class Plan:
    rows: list
    new_organisations: list
    organisation_updates: dict
    description: str = ""
    # The file's name, which the history of every row written records (the public change log
    # shows it as the change's source).
    file_name: str = ""
    # Organisation pk -> its version when the plan decided to update it.
    organisation_versions: dict = field(default_factory=dict)

    # What the preview and the writer read of the kind of rows (class attributes, not fields:
    # a plan pickled before them still reads); resource_planning.ResourcePlan has its own.
    kind = "laureates"
    columns = COLUMNS
    by_name = BY_NAME
    relations = MULTI_VALUE
    heading_columns = frozenset({"slug", "nom"})

    def with_action(self, action):
        return [row for row in self.rows if row.action == action]

    @property
    def created(self):
        return self.with_action("created")

    @property
    def updated(self):
        return self.with_action("updated")

    @property
    def unchanged(self):
        return self.with_action("unchanged")

    def shown(self):
        """What a preview of this plan shows, row by row: two plans that show the same write
        the same."""
        return {
            "rows": {row.slug: row.shown() for row in self.rows},
            "new_organisations": [tuple(vars(o).values()) for o in self.new_organisations],
            "organisation_updates": sorted(
                (pk, sorted(fields.items())) for pk, fields in self.organisation_updates.items()
            ),
        }

    def rows_changed_since(self, other):
        """The slugs of this plan's rows that the preview of `other` showed otherwise."""
        before = other.shown()["rows"]
        return {slug for slug, shown in self.shown()["rows"].items() if before.get(slug) != shown}

    def summary(self):
        return _(
            "%(created)s lauréat(s) créé(s), %(updated)s mis à jour, %(unchanged)s inchangé(s) ; "
            "%(organisations)s organisation(s) créée(s)."
        ) % {
            "created": len(self.created),
            "updated": len(self.updated),
            "unchanged": len(self.unchanged),
            "organisations": len(self.new_organisations),
        }


class PlanMoved(Exception):
    """A row the plan writes changed since the plan was made (its version moved): the plan
    may no longer be what its preview showed, and nothing of it was written."""


class Planner(TablePlanner):
    model = Laureate
    columns = COLUMNS
    prefetch = PREFETCH
    column_for_header = staticmethod(column_for_header)
    missing_identifier = gettext_lazy(
        "colonne obligatoire absente : elle identifie chaque lauréat."
    )
    header_help = gettext_lazy(
        "ligne d'en-tête lue : %(header)s (%(format)s). Colonnes reconnues, par "
        "identifiant ou par libellé : %(columns)s."
    )
    no_rows = gettext_lazy("le fichier ne contient aucune ligne de lauréat.")
    missing_for_creation = gettext_lazy(
        "colonne absente du fichier : elle est nécessaire pour créer le lauréat %(value)s."
    )

    def __init__(self):
        super().__init__(
            {
                "sectors": Vocabulary(Sector.objects.values_list("slug", "name")),
                "regions": Vocabulary(Region.objects.values_list("code", "name")),
            }
        )

    def plan(self, table):
        """The Plan of a Table (csv_format.read_file), or ImportFailed listing every problem."""
        records, existing = self.read(table)
        organisations = OrganisationMatcher()
        plans = [
            self.plan_row(row, values, headers, existing.get(values["slug"]), organisations)
            for row, values, headers in records
        ]
        self.raise_problems()
        return Plan(
            plans,
            organisations.new,
            dict(organisations.updates),
            table.describe(),
            organisation_versions={
                pk: organisations.by_pk[pk].version for pk in organisations.updates
            },
        )

    def plan_row(self, number, values, headers, laureate, organisations):
        plan = RowPlan(
            number,
            values["slug"],
            "",
            laureate.pk if laureate else None,
            values,
            version=laureate.version if laureate else None,
        )
        if laureate is None:
            self.check_required(number, values)
        fields = (
            {c.field: c.current(laureate) for c in COLUMNS if c.name not in MULTI_VALUE}
            if laureate
            else {}
        )
        fields |= {
            BY_NAME[name].field: value for name, value in values.items() if name not in MULTI_VALUE
        }
        plan.name = fields.get("name", "")
        for constraint in Laureate._meta.constraints:
            # An unmapped constraint is still enforced by the database (an IntegrityError).
            if constraint.name not in CONSTRAINT_CHECKS:
                continue
            column, check = CONSTRAINT_CHECKS[constraint.name]
            if not check(fields):
                message = constraint.get_violation_error_message()
                self.problem(number, headers.get(column, column), str(message))
        if "membres" in values:
            plan.members = self.resolve_members(
                number, headers["membres"], values["membres"], organisations
            )
        if laureate is not None:
            plan.changes = self.changes(laureate, values, plan.members, organisations)
        return plan

    def resolve_members(self, number, header, members, organisations):
        resolved = {}
        for member in members:
            try:
                resolved[organisations.resolve(member)] = member.role
            except CellError as error:
                for message in error.args:
                    self.problem(number, header, message)
        return resolved

    def changes(self, laureate, values, members, organisations):
        changes = []
        for name, after in values.items():
            column = BY_NAME[name]
            if name == "membres":
                current = {("pk", m.organisation_id): m.role for m in laureate.memberships.all()}
                if current != members:
                    changes.append(self.member_change(current, members, organisations))
                continue
            change = column_change(column, laureate, after, MULTI_VALUE)
            if change:
                changes.append(change)
        return changes

    def member_change(self, current, wanted, organisations):
        def text(ref, role):
            return f"{organisations.name(ref)} ({role})"

        name, lead = organisations.name, Membership.Role.LEAD
        leads = [
            next((r for r, role in m.items() if role == lead), None) for m in (current, wanted)
        ]
        return Change(
            "membres",
            removed=[text(ref, role) for ref, role in current.items() if wanted.get(ref) != role],
            added=[text(ref, role) for ref, role in wanted.items() if current.get(ref) != role],
            gone=tuple((name(ref), role) for ref, role in current.items() if ref not in wanted),
            lead=tuple(name(r) if r else "" for r in leads) if leads[0] != leads[1] else (),
        )
