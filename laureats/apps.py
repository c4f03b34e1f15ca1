from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaureatsConfig(AppConfig):
    name = "laureats"
    verbose_name = _("Lauréats Deffinum")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The search text follows every write to a laureate, its members or their names.
        from . import ordering, search_sync, versions

        search_sync.connect()
        # A change of a laureate's children is a change of the laureate (its version).
        versions.connect()
        # Names sort in French reading order on SQLite too (laureats/ordering.py).
        ordering.connect()
