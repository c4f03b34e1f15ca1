from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse


class Command(BaseCommand):
    help = (
        "Dit où sont le portail et son administration une fois `make run` lancé, et la commande "
        "qui crée un administrateur."
    )

    def add_arguments(self, parser):
        parser.add_argument("--port", type=int, default=8000, help="Le port de runserver.")

    def handle(self, port, **options):
        base = f"http://127.0.0.1:{port}"
        has_admin = get_user_model().objects.filter(is_superuser=True, is_active=True).exists()
        lines = [
            f"Portail :         {base}{reverse('laureats:home')}",
            f"Administration :  {base}{reverse('admin:index')}",
            "Créer un administrateur : DEBUG=1 .venv/bin/python manage.py createsuperuser"
            + ("" if has_admin else " (aucun administrateur pour l'instant)"),
        ]
        self.stdout.write(self.style.SUCCESS("\n".join(lines)))
