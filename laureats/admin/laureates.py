"""The laureates' admin: the consortium, its members (one lead at most), sources, sectors and
regions, with warnings for what a fiche still lacks; and the memberships on their own."""

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..models import (
    Laureate,
    Membership,
    Source,
)
from .base import PortalAdmin
from .conflicts import VersionedAdmin
from .imports import LaureateImportExportMixin
from .resources import LaureateResourceInline


class MembershipFormSet(BaseInlineFormSet):
    """Refuses a second lead with a message on the form, before the database would."""

    def clean(self):
        super().clean()
        leads = [
            form.cleaned_data.get("organisation")
            for form in self.forms
            if form.cleaned_data
            and not form.cleaned_data.get("DELETE")
            and form.cleaned_data.get("role") == Membership.Role.LEAD
        ]
        if len(leads) > 1:
            raise ValidationError(
                _("Un lauréat n'a qu'un porteur : %(names)s sont tous indiqués comme porteurs."),
                params={"names": ", ".join(str(lead) for lead in leads)},
            )


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    autocomplete_fields = ["organisation"]
    extra = 1


class SourceInline(admin.TabularInline):
    model = Source
    extra = 1


class NoLeadFilter(admin.SimpleListFilter):
    title = _("porteur")
    parameter_name = "porteur"

    def lookups(self, request, model_admin):
        return [("sans", _("Sans porteur")), ("avec", _("Avec porteur"))]

    def queryset(self, request, queryset):
        if self.value() == "sans":
            return queryset.filter(has_lead=False)
        if self.value() == "avec":
            return queryset.filter(has_lead=True)
        return queryset


class NoSectorFilter(admin.SimpleListFilter):
    title = _("filière renseignée")
    parameter_name = "filiere_renseignee"

    def lookups(self, request, model_admin):
        return [("non", _("Sans filière")), ("oui", _("Avec filière"))]

    def queryset(self, request, queryset):
        if self.value() == "non":
            return queryset.filter(sectors__isnull=True)
        if self.value() == "oui":
            return queryset.filter(sectors__isnull=False).distinct()
        return queryset


@admin.register(Laureate)
class LaureateAdmin(LaureateImportExportMixin, VersionedAdmin, PortalAdmin):
    list_display = [
        "name",
        "acronym",
        "status",
        "scope_display",
        "lead_display",
        "member_count",
        "amounts_known",
        "is_published",
        "updated_at",
    ]
    list_display_links = ["name"]
    list_filter = [
        "scope",
        "status",
        "sectors",
        "regions",
        "is_published",
        NoLeadFilter,
        NoSectorFilter,
    ]
    search_fields = ["name", "acronym", "slug", "memberships__organisation__name"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    filter_horizontal = ["sectors", "regions"]
    inlines = [MembershipInline, SourceInline, LaureateResourceInline]
    list_per_page = 50

    class Media:
        css = {"all": ["css/admin-laureats.css"]}

    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "acronym",
                    "slug",
                    "status",
                    "scope",
                    "is_published",
                    # Hidden: what the form was read at (admin/conflicts.py).
                    ("version", "read_state"),
                ]
            },
        ),
        (_("Présentation"), {"fields": ["summary", "description", "website"]}),
        (_("Filières et régions"), {"fields": ["sectors", "regions"]}),
        (
            _("Montants et dates"),
            {
                "fields": [
                    ("total_cost", "state_aid", "state_aid_kind"),
                    ("start_date", "end_date"),
                ]
            },
        ),
        (_("Fiabilité"), {"fields": ["data_note", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .with_lead_flag()
            .annotate(members=Count("memberships", distinct=True))
            .with_lead()
        )

    @admin.display(description=_("portée"), ordering="scope")
    def scope_display(self, obj):
        return obj.get_scope_display() or "—"

    @admin.display(description=_("porteur"))
    def lead_display(self, obj):
        lead = obj.lead
        if lead is None:
            return format_html('<strong class="missing-lead">{}</strong>', _("⚠ aucun porteur"))
        return lead.name

    @admin.display(description=_("membres"), ordering="members")
    def member_count(self, obj):
        return obj.members

    @admin.display(description=_("montants connus"), boolean=True)
    def amounts_known(self, obj):
        return obj.total_cost is not None and obj.state_aid is not None

    def change_view(self, request, object_id, form_url="", extra_context=None):
        laureate = self.get_object(request, object_id)
        if (
            request.method == "GET"
            and laureate is not None
            and not laureate.memberships.leads().exists()
        ):
            messages.warning(
                request,
                _("Ce lauréat n'a pas de porteur : ajoutez son organisation porteuse ci-dessous."),
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Membership)
class MembershipAdmin(PortalAdmin):
    list_display = ["laureate", "organisation", "role"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["laureate__name", "organisation__name"]
    autocomplete_fields = ["laureate", "organisation"]
    list_select_related = ["laureate", "organisation"]
