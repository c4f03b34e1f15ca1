"""Recompute every derived column from the rows, and report the rows whose stored value differs.

The same code rebuilds them after every write (laureats/derived/): a row reported here was
written where no signal tells (plain SQL, a many-to-many table written without its manager),
or by code older than its column's definition. --fix rewrites them.
"""

import time

from django.core.management.base import BaseCommand, CommandError

from laureats import derived
from laureats.models import Laureate, Organisation, Resource

# The models that keep derived columns, in the order of derived.rebuild's arguments.
KEEPERS = {"laureate": Laureate, "organisation": Organisation, "resource": Resource}
# Rows named per column; the count says the rest.
SHOWN = 10


class Command(BaseCommand):
    help = (
        "Recalcule chaque colonne dérivée (facettes, complétude, texte de recherche des "
        "lauréats, des organisations et des productions partagées, organisations publiques) à partir des lignes et signale les lignes qui diffèrent ; "
        "--fix les réécrit. Sans --fix, le code de sortie est 1 s'il y en a."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--fix", action="store_true", help="Réécrit les colonnes qui diffèrent."
        )

    def handle(self, fix, **options):
        started = time.monotonic()
        report = derived.check()
        if fix and report:
            derived.rebuild(*(report.rows(name) for name in KEEPERS))
        elapsed = time.monotonic() - started
        slugs = {name: self.slugs(model, report.rows(name)) for name, model in KEEPERS.items()}
        for column in derived.COLUMNS:
            pks = sorted(report.differing.get(column.key, ()))
            if pks:
                names = slugs[column.model._meta.model_name]
                shown = ", ".join(names.get(pk, str(pk)) for pk in pks[:SHOWN])
                more = f" et {len(pks) - SHOWN} autres" if len(pks) > SHOWN else ""
                self.stdout.write(
                    f"{column.model._meta.model_name}.{column.name} : {len(pks)} ligne(s) "
                    f"({shown}{more})"
                )
        laureates, organisations, resources = (len(report.rows(name)) for name in KEEPERS)
        if not report:
            if options["verbosity"]:
                self.stdout.write(
                    self.style.SUCCESS(
                        f"Toutes les colonnes dérivées sont à jour (vérifié en {elapsed:.1f} s)."
                    )
                )
            return
        summary = (
            f"{laureates} lauréat(s), {organisations} organisation(s) et {resources} "
            f"production(s) partagée(s) différaient de leur recalcul (en {elapsed:.1f} s)"
        )
        if fix:
            self.stdout.write(self.style.SUCCESS(f"{summary} : réécrits."))
            return
        raise CommandError(f"{summary}. Relancez avec --fix pour les réécrire.", returncode=1)

    def slugs(self, model, pks):
        names, pks = {}, sorted(pks)
        for start in range(0, len(pks), 500):
            batch = pks[start : start + 500]
            names.update(model.objects.filter(pk__in=batch).values_list("pk", "slug"))
        return names
