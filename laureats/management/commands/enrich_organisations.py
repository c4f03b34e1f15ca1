"""Compare organisations with the register of companies (API Recherche d'entreprises) and print
the diff, field by field; with --apply, write the fields the record leaves empty.

Only organisations with a SIREN or a SIRET are asked: by name the register gives candidates,
which a person picks in the admin (« Compléter depuis le registre »). A field the record already
fills is never overwritten here, nor the name, nor the kind the legal category suggests: those
are a person's decision, in the admin. Requests keep to the register's rate limit; when the
service fails, the run stops (every next request would fail alike), and what was written stays.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db.models import Q
from django.utils.text import capfirst

from laureats.models import Organisation
from laureats.register.client import RegisterClient, RegisterError
from laureats.register.diff import EnrichmentRefused, apply, fill_empty
from laureats.register.lookup import look_up


class Command(BaseCommand):
    help = (
        "Compare les organisations au registre des entreprises (API Recherche d'entreprises) et "
        "affiche les différences ; --apply remplit les champs vides. Seules les organisations "
        "qui ont un SIREN ou un SIRET sont interrogées."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--apply",
            action="store_true",
            help="Écrit les valeurs du registre dans les champs vides (jamais ailleurs).",
        )
        parser.add_argument(
            "--organisation",
            action="append",
            default=[],
            metavar="SLUG",
            help="Seulement cette organisation (répétable).",
        )
        parser.add_argument(
            "--all",
            action="store_true",
            help="Aussi les organisations déjà comparées au registre.",
        )
        parser.add_argument(
            "--limit", type=int, default=0, help="Au plus ce nombre d'organisations."
        )

    def handle(self, **options):
        organisations = Organisation.objects.select_related("region").order_by("pk")
        if options["organisation"]:
            organisations = organisations.filter(slug__in=options["organisation"])
        if not options["all"]:
            organisations = organisations.filter(register_fetched_at__isnull=True)
        without = organisations.filter(siren="", siret="").count()
        organisations = organisations.filter(~Q(siren="") | ~Q(siret=""))
        if options["limit"] > 0:
            organisations = organisations[: options["limit"]]
        client = RegisterClient()
        asked = written = 0
        for organisation in organisations:
            try:
                lookup = look_up(organisation, client)
            except RegisterError as error:
                raise CommandError(
                    f"{error} ({asked} organisation(s) interrogée(s), {written} complétée(s))."
                ) from None
            asked += 1
            if self.report(organisation, lookup) and options["apply"]:
                written += self.write(organisation, lookup.diff)
        summary = f"{asked} organisation(s) interrogée(s)"
        if options["apply"]:
            summary += f", {written} complétée(s)"
        if without:
            summary += f" ; {without} sans SIREN ni SIRET : à compléter depuis l'admin"
        self.stdout.write(summary + ".")
        if not options["apply"]:
            self.stdout.write(
                "Rien n'a été écrit : relancez avec --apply pour remplir les champs vides."
            )

    def report(self, organisation, lookup):
        self.stdout.write(f"{organisation.slug} ({organisation.siren or organisation.siret})")
        if lookup.error:
            self.stdout.write(f"  {lookup.error}")
            return False
        diff = lookup.diff
        for note in diff.notes:
            self.stdout.write(f"  ! {note}")
        for change in diff.changes:
            rule = "déjà renseigné : gardé" if change.overwrites else "champ vide"
            self.stdout.write(
                f"  {capfirst(change.label)} : {change.before} → {change.after} ({rule})"
            )
        if not diff.changes:
            self.stdout.write("  identique au registre")
        if diff.kind_differs:
            self.stdout.write(
                f"  type suggéré par la catégorie juridique : {diff.kind_label} "
                f"(non appliqué : à confirmer dans l'admin)"
            )
        return True

    def write(self, organisation, diff):
        fields = fill_empty(diff)
        if diff.changes and not fields:
            return 0
        try:
            apply(diff.state, fields)
        except EnrichmentRefused as refusal:
            self.stdout.write(f"  non écrit : {refusal}")
            return 0
        return 1
