from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaureatsConfig(AppConfig):
    name = "laureats"
    verbose_name = _("Lauréats Deffinum")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The derived columns follow every write of their inputs (laureats/derived/).
        from .derived import receivers
        from .models import version_signals
        from .text import ordering

        receivers.connect()
        # A change of a laureate's children is a change of the laureate (its version).
        version_signals.connect()
        # Names sort in French reading order on SQLite too (laureats/text/ordering.py).
        ordering.connect()
