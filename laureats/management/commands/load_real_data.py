from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from laureats import derived
from laureats.importer.history import mark_initial, record_first_entries
from laureats.models import (
    Laureate,
    Membership,
    Organisation,
    ProgrammeFigure,
    Region,
    Sector,
    Source,
)

# Every model of the fixtures that keeps a history.
HISTORY_MODELS = [Region, Sector, ProgrammeFigure, Organisation, Laureate, Membership, Source]

REAL_DATA_FIXTURES = ["regions", "sectors", "programme_figures", "laureates"]


class Command(BaseCommand):
    help = (
        "Charge les données réelles et sourcées (régions, filières, chiffres du programme, "
        "lauréats documentés) dans une base vide. Une base déjà remplie est laissée telle quelle, "
        "pour ne pas écraser ce qu'un administrateur a corrigé ; --force recharge les fixtures."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Recharge les fixtures même si la base contient déjà des données.",
        )

    def handle(self, force, **options):
        if Region.objects.exists() and not force:
            if options["verbosity"]:
                self.stdout.write("Données réelles déjà présentes : rien à charger.")
            return
        start = timezone.now()
        # Every row loaded is a write of the derived columns' inputs: rebuilt once, at the end,
        # rather than at each of the thousand rows.
        with derived.batch():
            call_command("loaddata", *REAL_DATA_FIXTURES, verbosity=options["verbosity"])
        # loaddata writes no history either: each row's first entry, so that the first edit in
        # the admin shows in the change log (/journal/) with its value before.
        # The entries loaddata's many-to-many writes recorded are the load too: no change.
        mark_initial(HISTORY_MODELS, since=start)
        record_first_entries(HISTORY_MODELS, timezone.now(), with_m2m=[Laureate])
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("Données réelles chargées."))
