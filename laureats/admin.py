from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, OuterRef, Prefetch
from django.forms.models import BaseInlineFormSet
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    FigureSource,
    Laureate,
    Membership,
    Organisation,
    ProgrammeFigure,
    Region,
    Sector,
    Source,
)

admin.site.site_header = _("Administration du portail Deffinum")
admin.site.site_title = _("Portail Deffinum")
admin.site.index_title = _("Gestion des lauréats")


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


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    autocomplete_fields = ["laureate"]
    extra = 0
    verbose_name = _("participation")
    verbose_name_plural = _("participations à des consortiums")


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
class LaureateAdmin(SimpleHistoryAdmin):
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
    inlines = [MembershipInline, SourceInline]
    list_per_page = 50
    fieldsets = [
        (None, {"fields": ["name", "acronym", "slug", "status", "scope", "is_published"]}),
        (_("Présentation"), {"fields": ["summary", "description", "website"]}),
        (_("Filières et régions"), {"fields": ["sectors", "regions"]}),
        (
            _("Montants et dates"),
            {"fields": [("total_cost", "state_aid"), ("start_date", "end_date")]},
        ),
        (_("Fiabilité"), {"fields": ["data_note", "created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        lead = Membership.objects.filter(laureate=OuterRef("pk"), role=Membership.Role.LEAD)
        return (
            super()
            .get_queryset(request)
            .annotate(
                has_lead=Exists(lead),
                members=Count("memberships", distinct=True),
            )
            .prefetch_related(
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.filter(role=Membership.Role.LEAD).select_related(
                        "organisation"
                    ),
                    to_attr="lead_memberships",
                )
            )
        )

    @admin.display(description=_("portée"), ordering="scope")
    def scope_display(self, obj):
        return obj.get_scope_display() or "—"

    @admin.display(description=_("porteur"))
    def lead_display(self, obj):
        lead = obj.lead
        if lead is None:
            return format_html('<strong style="color:#b00">{}</strong>', _("⚠ aucun porteur"))
        return lead.name

    @admin.display(description=_("membres"), ordering="members")
    def member_count(self, obj):
        return obj.members

    @admin.display(description=_("montants connus"), boolean=True)
    def amounts_known(self, obj):
        return obj.total_cost is not None and obj.state_aid is not None

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        Laureate.objects.filter(pk=form.instance.pk).refresh_search_documents()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        laureate = self.get_object(request, object_id)
        if (
            request.method == "GET"
            and laureate is not None
            and not laureate.memberships.filter(role=Membership.Role.LEAD).exists()
        ):
            messages.warning(
                request,
                _("Ce lauréat n'a pas de porteur : ajoutez son organisation porteuse ci-dessous."),
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Organisation)
class OrganisationAdmin(SimpleHistoryAdmin):
    list_display = ["name", "kind", "city", "region", "siren", "laureate_count"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "slug", "siren", "city"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [OrganisationMembershipInline]
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("region")
            .annotate(laureates=Count("memberships", distinct=True))
        )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Members' names are part of their consortia's search text.
        Laureate.objects.filter(memberships__organisation=form.instance).refresh_search_documents()

    @admin.display(description=_("consortiums"), ordering="laureates")
    def laureate_count(self, obj):
        return obj.laureates


@admin.register(Sector)
class SectorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "slug", "laureate_count"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(laureates_count=Count("laureates"))

    @admin.display(description=_("lauréats"), ordering="laureates_count")
    def laureate_count(self, obj):
        return obj.laureates_count


@admin.register(Region)
class RegionAdmin(SimpleHistoryAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


class FigureSourceInline(admin.TabularInline):
    model = FigureSource
    extra = 1


@admin.register(ProgrammeFigure)
class ProgrammeFigureAdmin(SimpleHistoryAdmin):
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


@admin.register(Membership)
class MembershipAdmin(SimpleHistoryAdmin):
    list_display = ["laureate", "organisation", "role"]
    list_filter = ["role", "organisation__kind"]
    search_fields = ["laureate__name", "organisation__name"]
    autocomplete_fields = ["laureate", "organisation"]
    list_select_related = ["laureate", "organisation"]
