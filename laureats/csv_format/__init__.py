"""The laureates' file format, in one place: its columns, how values are read and written, and
how files of every kind are read. `import_laureates`, the admin import and export, the open data
exports and the data dictionary all use it; the import service is `laureats.importer`."""

from .codecs import MAX_CELL_CHARS
from .columns import (
    BY_NAME,
    COLUMN_NAMES,
    COLUMNS,
    Column,
    column_for_header,
)
from .files import MAX_BYTES, read_file
from .tables import MAX_ROWS, ImportFailed, Problem, Table
from .values import SEPARATOR, CellError, join_values, split_values
from .writing import SafeWriter

__all__ = [
    "BY_NAME",
    "COLUMNS",
    "COLUMN_NAMES",
    "MAX_BYTES",
    "MAX_CELL_CHARS",
    "MAX_ROWS",
    "SEPARATOR",
    "CellError",
    "Column",
    "ImportFailed",
    "Problem",
    "SafeWriter",
    "Table",
    "column_for_header",
    "join_values",
    "read_file",
    "split_values",
]
