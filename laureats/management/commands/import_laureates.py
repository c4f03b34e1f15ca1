from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from laureats.importer import ImportFailed, PlanMoved, apply_plan, plan_file


class Command(BaseCommand):
    help = (
        "Importe une liste de lauréats, ou de productions partagées (en-tête avec la colonne "
        "« ressource ») : CSV (virgule, point-virgule ou tabulation ; UTF-8 ou "
        "Windows-1252), XLSX, XLS ou ODS, au format documenté dans docs/import.md (modèle : "
        "fixtures/laureats-modele.csv). Toutes les lignes sont vérifiées d'abord ; rien n'est "
        "écrit si une seule est fausse. Une colonne absente laisse le champ tel quel ; une "
        "cellule vide le vide. Les lauréats existants (reconnus par leur slug) sont mis à jour."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Fichier CSV, XLSX, XLS ou ODS.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Vérifie et montre, champ par champ, ce qui changerait, sans rien écrire.",
        )

    def handle(self, file, dry_run, **options):
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Impossible de lire {file} : {error.strerror}.") from error
        try:
            plan = plan_file(file.name, data)
            if not dry_run:
                apply_plan(plan)
        except ImportFailed as failure:
            for problem in failure.problems:
                self.stderr.write(str(problem))
            raise CommandError(
                f"{len(failure.problems)} problème(s) dans {file} : rien n'a été importé."
            ) from failure
        except PlanMoved as moved:
            raise CommandError(
                "Des lauréats, organisations ou productions du fichier ont été modifiés pendant "
                "l'importation : rien n'a été importé. Relancez la commande."
            ) from moved
        self.stdout.write(f"Fichier lu : {plan.description}.")
        if dry_run or options["verbosity"] > 1:
            self.write_changes(plan)
        prefix = "Simulation (rien n'a été écrit) : " if dry_run else ""
        self.stdout.write(self.style.SUCCESS(prefix + plan.summary()))

    def write_changes(self, plan):
        for row in plan.created:
            self.stdout.write(f"ligne {row.row} : {row.slug} — créé")
        for row in plan.updated:
            self.stdout.write(f"ligne {row.row} : {row.slug} — mis à jour")
            for change in row.changes:
                if change.is_list:
                    for value in change.removed:
                        self.stdout.write(f"    {change.column} : retiré « {value} »")
                    for value in change.added:
                        self.stdout.write(f"    {change.column} : ajouté « {value} »")
                else:
                    self.stdout.write(
                        f"    {change.column} : « {change.before} » → « {change.after} »"
                    )
        for organisation in plan.new_organisations:
            self.stdout.write(f"organisation créée : {organisation.name} ({organisation.kind})")
        for pk, fields in plan.organisation_updates.items():
            self.stdout.write(f"organisation n°{pk} modifiée : {fields}")
