from django.apps import apps
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.utils import timezone

from laureats import derived
from laureats.importer.history import record, record_with_m2m
from laureats.journal.entries import INITIAL_LOAD_REASON
from laureats.journal.timeline import LAUREATE_M2M
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


def load_fixtures(*fixtures, verbosity=0):
    """Load `fixtures` (names or paths, as loaddata takes them) the way `make run` loads the
    shipped data: derived columns rebuilt, and each record's history entry of the load."""
    start = timezone.now()
    # Every row loaded is a write of the derived columns' inputs: rebuilt once, at the end,
    # rather than at each of the thousand rows.
    with derived.batch():
        call_command("loaddata", *fixtures, verbosity=verbosity)
    record_load(HISTORY_MODELS, since=start, date=timezone.now())


def record_load(models, since, date):
    """One history entry of the load per record, all at `date` (INITIAL_LOAD_REASON): the
    record as loaded, derived columns included, is the "before" of its first edit in the change
    log (/journal/). loaddata saves raw, which simple_history skips, except its many-to-many
    writes: the entries they wrote since `since` (no reason, no user) give way to these.

    A record seen for the first time gets a "+" entry, which makes no entry of the change log;
    one reloaded over its history (--force) a "~" entry, which shows what the load changed.
    """
    for model in models:
        written = model.history.filter(
            history_date__gte=since, history_change_reason=None, history_user=None
        )
        if model is Laureate:
            for name in LAUREATE_M2M:
                m2m = apps.get_model("laureats", f"HistoricalLaureate_{name}")
                m2m.objects.filter(history__in=written.values("history_id")).delete()
        written.delete()
        recorded = model.history.values(model._meta.pk.attname)
        new = list(model.objects.exclude(pk__in=recorded))
        reloaded = list(model.objects.filter(pk__in=recorded))
        writer = record_with_m2m if model is Laureate else record
        writer(model, new, "+", None, date, INITIAL_LOAD_REASON)
        writer(model, reloaded, "~", None, date, INITIAL_LOAD_REASON)


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
        load_fixtures(*REAL_DATA_FIXTURES, verbosity=options["verbosity"])
        if options["verbosity"]:
            self.stdout.write(self.style.SUCCESS("Données réelles chargées."))
