"""The organisations' admin, with every consortium each one is in."""

from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from ..models import (
    Membership,
    Organisation,
)
from .base import PortalAdmin
from .conflicts import VersionedAdmin
from .organisation_merge import OrganisationMergeMixin
from .organisation_register import OrganisationRegisterMixin


class OrganisationMembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "organisation"
    autocomplete_fields = ["laureate"]
    extra = 0
    verbose_name = _("participation")
    verbose_name_plural = _("participations à des consortiums")


@admin.register(Organisation)
class OrganisationAdmin(
    OrganisationRegisterMixin, OrganisationMergeMixin, VersionedAdmin, PortalAdmin
):
    actions = [*OrganisationMergeMixin.actions, *OrganisationRegisterMixin.actions]
    list_display = ["name", "kind", "city", "region", "siren", "laureate_count"]
    list_filter = ["kind", "region"]
    search_fields = ["name", "slug", "siren", "siret", "city"]
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
            # A GROUP BY drops Meta.ordering: the autocomplete's pages would come unordered.
            .order_by(*Organisation._meta.ordering)
        )

    @admin.display(description=_("consortiums"), ordering="laureates")
    def laureate_count(self, obj):
        return obj.laureates
