from django.core.management import call_command
from django.core.management.base import BaseCommand

from laureats.models import Laureate, Region

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
        call_command("loaddata", *REAL_DATA_FIXTURES, verbosity=options["verbosity"])
        # loaddata saves rows raw, which the receivers of search_sync skip: one bulk rebuild instead.
        Laureate.objects.all().refresh_derived()
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("Données réelles chargées."))
