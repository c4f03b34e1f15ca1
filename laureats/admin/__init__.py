"""The Django admin of the portal, one module per domain; importing them registers the admins."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from . import laureates, organisations, programme, proposals, resources  # noqa: F401

admin.site.site_header = _("Administration du portail Deffinum")
admin.site.site_title = _("Portail Deffinum")
admin.site.index_title = _("Gestion des lauréats")
