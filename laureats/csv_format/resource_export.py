"""The portal's own export of the shared productions, read back by the import.

The export (laureats/resources/exports.py) names its columns as the API does, for reusers; the
import names them for people who fill a file. So that an administrator can export the
catalogue, correct it in a spreadsheet and import it again, a table whose header is the
export's becomes the import's before it is read:

- `slug` is the production's identifier (the import's `ressource`), `adresse` its address
  (the import's `url`);
- what the portal computes is not read: `url` (the production's page on the portal),
  `mis_a_jour`, and `filieres_des_laureats`, which says that the row's `filieres` are its
  laureates' (it has none of its own, and keeps following theirs).
"""

from dataclasses import replace

from . import values as v

# Only the export has it: with `slug`, it tells the export from any other file. The columns
# are named by their match keys (values.match_key: "mis_a_jour" reads "mis a jour").
MARK = v.match_key("filieres_des_laureats")
RENAMED = {"slug": "ressource", "adresse": "url"}
COMPUTED = {"url", v.match_key("mis_a_jour"), MARK}


def is_resource_export(cells):
    keys = {v.match_key(cell) for cell in cells}
    return MARK in keys and "slug" in keys


def as_import_table(table):
    """The export's table as a file of productions to import: the same rows, in the
    import's columns."""
    keys = [v.match_key(cell) for cell in table.header]
    inherited = keys.index(MARK)
    sectors = keys.index("filieres") if "filieres" in keys else None
    kept = [index for index, key in enumerate(keys) if key not in COMPUTED]
    header = [RENAMED.get(keys[index], table.header[index]) for index in kept]
    rows = []
    for number, cells in table.rows:
        cells = list(cells) + [""] * (len(keys) - len(cells))
        if sectors is not None and v.match_key(cells[inherited]) == "oui":
            # Its laureates' sectors, shown in its place: it has none of its own.
            cells[sectors] = ""
        # Cells past the header stay, so that the import still reports them.
        rows.append((number, [cells[index] for index in kept] + cells[len(keys) :]))
    return replace(table, header=header, rows=rows)
