"""The productions' export given back to the import (csv_format/resource_export.py): the rows
planned as a file of productions, with what only the export says.

- A production changed since the row was exported (`mis_a_jour`) is not planned: writing the
  row would undo that change without anyone seeing it. The problem says to export again.
- The export names only a production's published laureates: its links to unpublished ones
  are kept, not removed.
- A row whose `filieres_des_laureats` is « oui » shows its laureates' sectors: the production
  keeps following them. Its `filieres` are read as its own only once that cell says « non »;
  changed while it still says « oui », they are a problem, not a guess.
"""

from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..csv_format.resource_columns import IDENTIFIER
from ..csv_format.resource_export import (
    EXPORTED_AT,
    FOLLOWS_LAUREATES,
    PORTAL_PAGE,
    export_column_for_header,
)
from ..models import Resource
from ..models.publication import of_published_laureates
from .resource_planning import ResourcePlanner


class ExportPlanner(ResourcePlanner):
    column_for_header = staticmethod(export_column_for_header)

    def read(self, table):
        records, existing = super().read(table)
        # The laureates' sectors of the productions that follow them: one query.
        following = [
            resource.pk
            for (_row, values, _headers) in records
            if values.get(FOLLOWS_LAUREATES) and (resource := existing.get(values[IDENTIFIER]))
        ]
        links = of_published_laureates(
            Resource.laureates.through.objects.filter(resource_id__in=following)
        ).values_list("resource_id", "laureate__sectors__slug")
        self.inherited = {}
        for pk, slug in links:
            sectors = self.inherited.setdefault(pk, set())
            if slug is not None:
                sectors.add(slug)
        return records, existing

    def plan_row(self, number, values, resource):
        exported_at = values.pop(EXPORTED_AT, None)
        follows = values.pop(FOLLOWS_LAUREATES, None)
        values.pop(PORTAL_PAGE, None)
        if resource is not None:
            if exported_at is not None and resource.updated_at > exported_at:
                self.problem(
                    number,
                    EXPORTED_AT,
                    _(
                        "la production a été modifiée le %(date)s, après cet export : ses "
                        "valeurs ne sont pas réécrites. Exportez-la de nouveau, puis corrigez."
                    )
                    % {
                        "date": formats.date_format(
                            timezone.localtime(resource.updated_at), "DATETIME_FORMAT"
                        )
                    },
                )
            if "laureats" in values:
                hidden = {
                    laureate.slug
                    for laureate in resource.laureates.all()
                    if not laureate.is_published
                }
                values["laureats"] = sorted(set(values["laureats"]) | hidden)
            if follows and "filieres" in values:
                if set(values["filieres"]) == self.inherited.get(resource.pk, set()):
                    del values["filieres"]
                else:
                    self.problem(
                        number,
                        "filieres",
                        _(
                            "« %(column)s » vaut « oui » : ces filières sont celles de ses "
                            "lauréats. Pour lui donner les siennes, mettez-y « non »."
                        )
                        % {"column": FOLLOWS_LAUREATES},
                    )
                    del values["filieres"]
        elif not values.get("laureats", True):
            # A production deleted since its export is created again: with a laureate.
            self.problem(
                number,
                "laureats",
                _(
                    "obligatoire : au moins un lauréat, par identifiant ou par nom, séparés par « | »."
                ),
            )
        return super().plan_row(number, values, resource)
