"""The portal's own export of the shared productions, as the import reads it back.

The export (laureats/resources/exports.py) names its columns as the API does, for reusers; the
import's file names them for people who fill one in. So that an administrator can export the
catalogue, correct it in a spreadsheet and give it back, the import also reads the export's
columns (importer/resource_export.py says what it does with them):

- `slug` is the production's identifier (the import's `ressource`); `adresse` its address,
  which the import already knows by that label;
- `mis_a_jour` says when the row was exported: a production changed since is not overwritten;
- `filieres_des_laureats` says that the row's `filieres` are its laureates' (it has none of
  its own, and keeps following theirs);
- `url`, the production's page on the portal, is not read.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from django.utils.translation import gettext as _

from . import values as v
from .codecs import Boolean, Codec
from .resource_columns import IDENTIFIER, RESOURCE_BY_NAME, LaureateRefs, resource_column_for_header

EXPORTED_AT = "mis_a_jour"
FOLLOWS_LAUREATES = "filieres_des_laureats"
# The export's `url`, read under a name of its own: the import's `url` is the address.
PORTAL_PAGE = "page_du_portail"


def is_resource_export(cells):
    """Whether a header is the productions' export's: it names `slug` and `titre` (the
    laureates' file names them `slug` and `nom`)."""
    keys = {v.match_key(cell) for cell in cells}
    return {"slug", "titre"} <= keys and "nom" not in keys


class ExportDate(Codec):
    def parse(self, raw, column, lookups):
        try:
            value = datetime.fromisoformat(raw)
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            raise v.CellError(
                _(
                    "%(value)s n'est pas la date d'un export du portail : exportez de nouveau "
                    "les productions à corriger."
                )
                % {"value": v.quote(raw)}
            )
        return value


class Ignored(Codec):
    def parse(self, raw, column, lookups):
        return None


class AnyLaureates(LaureateRefs):
    """The export lists only a production's published laureates: an empty cell is one whose
    laureates are all unpublished, and names none to remove."""

    def parse(self, raw, column, lookups):
        return super().parse(raw, column, lookups) if raw.strip() else []


@dataclass(frozen=True)
class ExportColumn:
    """A column only the export has: read, never written to a field."""

    name: str
    codec: Codec

    @property
    def header_keys(self):
        return {v.match_key(self.name)}

    def read(self, raw, lookups):
        return self.codec.parse(raw, self, lookups)


EXPORT_ONLY = {
    "slug": RESOURCE_BY_NAME[IDENTIFIER],
    "laureats": replace(RESOURCE_BY_NAME["laureats"], codec=AnyLaureates()),
    v.match_key(EXPORTED_AT): ExportColumn(EXPORTED_AT, ExportDate()),
    v.match_key(FOLLOWS_LAUREATES): ExportColumn(FOLLOWS_LAUREATES, Boolean()),
    "url": ExportColumn(PORTAL_PAGE, Ignored()),
}


def export_column_for_header(text):
    """The column an export's header cell names: the import's, or one of the export's own."""
    return EXPORT_ONLY.get(v.match_key(text)) or resource_column_for_header(text)
