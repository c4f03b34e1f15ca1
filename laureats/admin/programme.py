"""The reference data (sectors, regions) and the programme's official figures with their sources."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import (
    FigureSource,
    ProgrammeFigure,
    Region,
    Sector,
)
from .base import PortalAdmin


@admin.register(Sector)
class SectorAdmin(PortalAdmin):
    list_display = ["name", "slug", "laureate_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(laureates_count=Count("laureates"))

    @admin.display(description=_("lauréats"), ordering="laureates_count")
    def laureate_count(self, obj):
        return obj.laureates_count


@admin.register(Region)
class RegionAdmin(PortalAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


class FigureSourceInline(admin.TabularInline):
    model = FigureSource
    extra = 1


@admin.register(ProgrammeFigure)
class ProgrammeFigureAdmin(PortalAdmin):
    list_display = ["label", "display_value", "unit", "sector", "position", "has_note"]
    list_editable = ["position"]
    list_filter = [("sector", admin.EmptyFieldListFilter)]
    search_fields = ["label", "key", "note"]
    inlines = [FigureSourceInline]

    @admin.display(description=_("valeur"), ordering="value")
    def display_value(self, obj):
        return obj.display_value

    @admin.display(description=_("remarque"), boolean=True)
    def has_note(self, obj):
        return bool(obj.note)
