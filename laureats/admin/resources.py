"""The shared productions' admin: a changelist with filters and search, the resource with its
sources, and an inline on each laureate's change form (admin/laureates.py)."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import Resource, ResourceSource
from .base import PortalAdmin
from .conflicts import VersionedAdmin


class ResourceSourceInline(admin.TabularInline):
    model = ResourceSource
    extra = 1


class LaureateResourceInline(admin.TabularInline):
    """On a laureate's change form: its productions, each linked to its own form, where they
    are edited. Read-only here: a link row saved from this side would reach neither the
    resource's history (simple-history follows its many-to-many manager) nor its derived
    columns (its search text and sectors name its laureates)."""

    model = Resource.laureates.through
    fields = ["production"]
    readonly_fields = ["production"]
    extra = 0
    verbose_name = _("production partagée")
    verbose_name_plural = _("productions partagées (modifiables depuis leur propre fiche)")

    @admin.display(description=_("production partagée"))
    def production(self, link):
        url = reverse("admin:laureats_resource_change", args=[link.resource_id])
        return format_html('<a href="{}">{}</a>', url, link.resource)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AudienceFilter(admin.SimpleListFilter):
    title = _("public")
    parameter_name = "public"

    def lookups(self, request, model_admin):
        return Resource.Audience.choices

    def queryset(self, request, queryset):
        if self.value() in Resource.Audience.values:
            return queryset.filter(audience__contains=f"|{self.value()}|")
        return queryset


@admin.register(Resource)
class ResourceAdmin(VersionedAdmin, PortalAdmin):
    list_display = ["title", "kind", "status", "licence", "access", "is_published", "updated_at"]
    list_filter = [
        "kind",
        "status",
        "licence",
        "access",
        AudienceFilter,
        "language",
        "is_published",
        "sectors",
        ("laureates", admin.RelatedOnlyFieldListFilter),
    ]
    search_fields = ["title", "slug", "description", "certifications", "laureates__name"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["created_at", "updated_at"]
    autocomplete_fields = ["laureates"]
    filter_horizontal = ["sectors"]
    inlines = [ResourceSourceInline]
    list_per_page = 50
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "slug",
                    "kind",
                    "description",
                    "laureates",
                    "is_published",
                    # Hidden: what the form was read at (admin/conflicts.py).
                    ("version", "read_state"),
                ]
            },
        ),
        (_("Pour qui"), {"fields": ["sectors", "audience", "certifications"]}),
        (
            _("Accès"),
            {"fields": ["status", "available_on", "licence", "access", "url", "language"]},
        ),
        (_("Suivi"), {"fields": ["created_at", "updated_at"]}),
    ]
