"""The import service (laureates, and shared productions): a file read by `csv_format` becomes a Plan (every problem, or
every change), which `apply_plan` writes in one transaction. `import_laureates` and the admin
import both go through `import_file`'s two steps."""

from pathlib import PurePath

from ..csv_format import ImportFailed, Problem, read_file
from ..csv_format.resource_columns import is_resource_header
from ..csv_format.resource_export import is_resource_export
from . import applying
from .planning import Change, Plan, PlanMoved, Planner, RowPlan
from .resource_applying import ResourceWriter
from .resource_export import ExportPlanner
from .resource_planning import ResourcePlan, ResourcePlanner
from .state import database_state


def plan_file(name, data):
    """The Plan of a file's bytes (of laureates, or of shared productions when its header
    names the `ressource` column or is their export's); ImportFailed with every problem
    otherwise."""
    table = read_file(name, data)
    if is_resource_header(table.header):
        planner = ResourcePlanner()
    elif is_resource_export(table.header):
        # The portal's export of the productions, corrected and given back.
        planner = ExportPlanner()
    else:
        planner = Planner()
    plan = planner.plan(table)
    # Only the name: a path given to the command may say where files are kept.
    plan.file_name = PurePath(name).name
    return plan


def apply_plan(plan, user=None):
    """Write a plan of either kind in one transaction (applying.apply_plan): ImportFailed or
    PlanMoved, and nothing written, when it cannot be written as its preview showed it."""
    writer = ResourceWriter if plan.kind == "resources" else applying.Writer
    applying.apply_plan(plan, user, writer)


__all__ = [
    "Change",
    "ImportFailed",
    "Plan",
    "PlanMoved",
    "Planner",
    "Problem",
    "ResourcePlan",
    "ResourcePlanner",
    "RowPlan",
    "apply_plan",
    "database_state",
    "plan_file",
]
