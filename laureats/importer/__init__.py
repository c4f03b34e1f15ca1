"""The laureates import service: a file read by `csv_format` becomes a Plan (every problem, or
every change), which `apply_plan` writes in one transaction. `import_laureates` and the admin
import both go through `import_file`'s two steps."""

from pathlib import PurePath

from ..csv_format import ImportFailed, Problem, read_file
from .applying import apply_plan
from .planning import Change, Plan, PlanMoved, Planner, RowPlan, database_state


def plan_file(name, data):
    """The Plan of a file's bytes; ImportFailed with every problem otherwise."""
    plan = Planner().plan(read_file(name, data))
    # Only the name: a path given to the command may say where files are kept.
    plan.file_name = PurePath(name).name
    return plan


__all__ = [
    "Change",
    "ImportFailed",
    "Plan",
    "PlanMoved",
    "Planner",
    "Problem",
    "RowPlan",
    "apply_plan",
    "database_state",
    "plan_file",
]
