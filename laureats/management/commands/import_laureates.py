from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laureats.importer import ImportFailed, LaureateImporter, decode


class Command(BaseCommand):
    help = (
        "Importe une liste de lauréats au format CSV documenté dans le README "
        "(modèle : fixtures/laureats-modele.csv). Toutes les lignes sont vérifiées d'abord ; "
        "rien n'est écrit si une seule est fausse. Une nouvelle importation met à jour les "
        "lauréats existants (reconnus par leur slug) au lieu de les dupliquer."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Fichier CSV en UTF-8.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Vérifie et montre ce qui serait fait, sans rien écrire.",
        )

    def handle(self, file, dry_run, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Impossible de lire {file} : {error.strerror}.") from error
        try:
            report = LaureateImporter().import_text(decode(data), dry_run=dry_run)
        except ImportFailed as failure:
            for problem in failure.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(failure.problems)} problème(s) dans {file} : rien n'a été importé."
            ) from failure
        prefix = "Simulation (rien n'a été écrit) : " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + report.summary()))
