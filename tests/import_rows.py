"""The import file as the tests of the import (command, admin, derived columns) write it: one
row of a complete, valid laureate whose cells a test overrides by column name, the file, and
the command that reads it."""

from django.core.management import call_command

from laureats.csv_format import COLUMN_NAMES

HEADER = ",".join(COLUMN_NAMES)


def import_row(**values):
    """The cells of a valid row, by column name, `values` overriding them."""
    cells = dict.fromkeys(COLUMN_NAMES, "")
    cells.update(
        slug="projet-sante",
        nom="Projet santé",
        statut="retenu",
        portee="interregionale",
        secteurs="sante-social",
        regions="27|84",
        cout_total_eur="1000000",
        aide_etat_eur="700000",
        membres="porteur:cfa::CFA de test | partenaire:laboratoire:732829320:Laboratoire de test",
        sources="https://example.org/article Un article",
        publie="oui",
    )
    cells.update(values)
    return cells


def csv_line(**values):
    """The same row as one line of a comma-separated file, every cell quoted."""
    return ",".join(f'"{value}"' for value in import_row(**values).values())


def write(tmp_path, *rows, name="laureats.csv", header=HEADER, encoding="utf-8"):
    """A CSV file of these lines under the header."""
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *rows]) + "\n").encode(encoding))
    return path


def run_import(path, *args):
    call_command("import_laureates", str(path), *args, verbosity=0)


def current_row(laureate):
    """The laureate's line of the export (laureats/opendata/rows.py), by column name: the row
    an administrator re-imports with a change."""
    from laureats.models import Laureate
    from laureats.opendata.rows import laureate_rows

    (cells,) = laureate_rows(Laureate.objects.filter(pk=laureate.pk))
    return dict(zip(COLUMN_NAMES, cells, strict=True))


def export_text(laureates):
    """`laureates` (a queryset, in its order) as the CSV export writes them."""
    from laureats.opendata.exports import csv_pieces
    from laureats.opendata.rows import laureate_rows

    return "".join(csv_pieces(laureate_rows(laureates), COLUMN_NAMES))
