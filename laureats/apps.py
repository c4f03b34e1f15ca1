from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LaureatsConfig(AppConfig):
    name = "laureats"
    verbose_name = _("Lauréats Deffinum")
    default_auto_field = "django.db.models.BigAutoField"
