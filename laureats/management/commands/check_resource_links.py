"""Check the address of every published resource and record what it answered (issue 26).

Run it from cron (once a day or a week); never from a web request, since it waits on other
people's servers. How a link is checked: laureats/resources/links.py.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from laureats.models import Resource
from laureats.resources.links import LinkChecker, user_agent

MAX_WORKERS = 32


class Command(BaseCommand):
    help = (
        "Vérifie l'adresse de chaque production partagée publiée (HEAD, puis GET si le serveur "
        "refuse HEAD ; robots.txt respecté) et enregistre la date, le statut HTTP, le problème "
        "éventuel et la date du dernier succès."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--timeout",
            type=float,
            default=10.0,
            help="Secondes d'attente d'une connexion et de chaque lecture (défaut : 10).",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=8,
            help=f"Vérifications simultanées, de 1 à {MAX_WORKERS} (défaut : 8).",
        )
        parser.add_argument(
            "--max-redirects",
            type=int,
            default=5,
            help="Redirections suivies au plus (défaut : 5).",
        )
        parser.add_argument(
            "--portal-url",
            default="",
            help=(
                "Adresse du portail, nommée dans le User-Agent (défaut : https:// et le premier "
                "nom d'ALLOWED_HOSTS)."
            ),
        )
        parser.add_argument(
            "--allow-local",
            action="store_true",
            help=(
                "Pour les tests et le développement seulement : vérifie aussi les adresses "
                "locales ou internes (127.0.0.1, 10.x, 192.168.x…), refusées sinon."
            ),
        )

    def handle(self, timeout, workers, max_redirects, portal_url, allow_local, **options):
        if not 0 < timeout <= 120:
            raise CommandError("--timeout doit être compris entre 0 et 120 secondes.")
        if not 1 <= workers <= MAX_WORKERS:
            raise CommandError(f"--workers doit être compris entre 1 et {MAX_WORKERS}.")
        if not 0 <= max_redirects <= 20:
            raise CommandError("--max-redirects doit être compris entre 0 et 20.")
        checker = LinkChecker(
            user_agent(portal_url),
            timeout=timeout,
            max_redirects=max_redirects,
            workers=workers,
            allow_local=allow_local,
        )
        rows = list(
            Resource.objects.published().exclude(url="").order_by("pk").values_list("pk", "url")
        )
        by_url = {}
        for pk, url in rows:
            by_url.setdefault(url, []).append(pk)
        working = failing = 0
        # Each address once, however many resources share it; the rows are written here, in
        # the command's thread, as each check ends.
        for url, outcome in checker.check_all(list(by_url)):
            now = timezone.now()
            values = {
                "link_checked_at": now,
                "link_status": outcome.status,
                "link_error": outcome.error,
            }
            if outcome.works:
                values["link_working_at"] = now
                working += 1
            else:
                failing += 1
                self.stdout.write(f"{url} : {outcome.error} ({outcome.status or '—'})")
            # update(): no new version or history row, and updated_at unchanged, since the
            # resource's facts did not change.
            Resource.objects.filter(pk__in=by_url[url]).update(**values)
        self.stdout.write(
            f"{len(by_url)} adresse(s) vérifiée(s) : {working} fonctionne(nt), {failing} en échec."
        )
