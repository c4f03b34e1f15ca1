"""Moderation of the public's proposals: each shows what accepting it would change
(proposal_comparison.py), and is accepted (proposal_acceptance.py) or rejected from its page;
the changes themselves are made by laureats/contributions/moderation.py."""

from concurrency.forms import VersionField
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..contributions import moderation
from ..models import Proposal
from .base import PortalAdmin
from .proposal_acceptance import accept
from .proposal_comparison import comparison

# The fields of a correction of an organisation, shown for that kind only.
ORGANISATION_FIELDS = ["organisation_link", "organisation_field"]
# What a proposal of a new shared production shows instead of a correction's target and field.
RESOURCE_FIELDS = ["resource_link"]


class ProposalAdminForm(forms.ModelForm):
    # "accept" or "reject" when one of the decision buttons was pressed; set by get_form.
    decision = None
    # The version of the laureate or organisation that the comparison shows: accepting checks
    # it has not moved.
    seen_version = VersionField()

    class Meta:
        model = Proposal
        fields = ["rejection_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.target is not None:
            self.initial["seen_version"] = self.instance.target.version

    def clean(self):
        cleaned = super().clean()
        if self.decision and self.instance.status != Proposal.Status.PENDING:
            raise ValidationError(_("Cette proposition a déjà été traitée."))
        if self.decision == "reject" and not cleaned.get("rejection_reason", "").strip():
            self.add_error(
                "rejection_reason",
                _("Indiquez la raison du refus : la personne qui a proposé y a droit."),
            )
        return cleaned


@admin.register(Proposal)
class ProposalAdmin(PortalAdmin):
    """Moderation of the public's proposals: compare with the current entry, accept or reject."""

    form = ProposalAdminForm
    list_display = [
        "number",
        "created_at",
        "kind",
        "target",
        "field",
        "status",
        "applied",
        "reviewer",
    ]
    list_display_links = ["number", "target"]
    list_filter = ["status", "kind", "field"]
    show_facets = admin.ShowFacets.ALWAYS
    search_fields = [
        "proposed_name",
        "laureate__name",
        "organisation__name",
        "value",
        "source_url",
        "email",
    ]
    list_select_related = ["laureate", "organisation", "resource", "reviewer"]
    ordering = ["-created_at", "-pk"]
    list_per_page = 50
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "kind",
                    "laureate_link",
                    "organisation_link",
                    "resource_link",
                    "proposed_name",
                    "field",
                    "organisation_field",
                    "created_at",
                ]
            },
        ),
        (_("Comparaison avec la fiche actuelle"), {"fields": ["comparison"]}),
        (_("Proposition"), {"fields": ["value", "source_link", "comment"]}),
        (_("Contact (privé, jamais publié)"), {"fields": ["email"]}),
        (
            _("Décision"),
            {
                "fields": [
                    "status",
                    "applied",
                    "reviewer",
                    "reviewed_at",
                    "rejection_reason",
                    "seen_version",
                ]
            },
        ),
    ]
    readonly_fields = [
        "kind",
        "laureate_link",
        "organisation_link",
        "resource_link",
        "proposed_name",
        "field",
        "organisation_field",
        "created_at",
        "comparison",
        "value",
        "source_link",
        "comment",
        "email",
        "status",
        "applied",
        "reviewer",
        "reviewed_at",
    ]

    def has_add_permission(self, request):
        # Proposals come from the public form only.
        return False

    def get_fieldsets(self, request, obj=None):
        # A correction has no proposed name; a new laureate has no field to correct.
        unused = {"field"} if obj and obj.kind == Proposal.Kind.NEW_LAUREATE else {"proposed_name"}
        # A correction of an organisation has its own target and field (ORGANISATION_FIELDS).
        if obj and obj.kind == Proposal.Kind.ORGANISATION:
            unused = {"laureate_link", "proposed_name", "field"}
        elif obj and obj.kind == Proposal.Kind.NEW_RESOURCE:
            # Its title, laureates and fields are in the comparison table, by their labels
            # (its value is their JSON).
            unused = {"laureate_link", "proposed_name", "field", "value", *ORGANISATION_FIELDS}
        else:
            unused |= set(ORGANISATION_FIELDS)
        if not (obj and obj.kind == Proposal.Kind.NEW_RESOURCE):
            unused |= set(RESOURCE_FIELDS)
        return [
            (title, {**options, "fields": [f for f in options["fields"] if f not in unused]})
            for title, options in super().get_fieldsets(request, obj)
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != Proposal.Status.PENDING:
            return [*self.readonly_fields, "rejection_reason"]
        return self.readonly_fields

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        form.decision = None
        if "_accept" in request.POST:
            form.decision = "accept"
        elif "_reject" in request.POST:
            form.decision = "reject"
        return form

    def changelist_view(self, request, extra_context=None):
        pending = Proposal.objects.pending().count()
        subtitle = ngettext(
            "%(count)s proposition en attente de relecture",
            "%(count)s propositions en attente de relecture",
            pending,
        ) % {"count": pending}
        return super().changelist_view(request, {"subtitle": subtitle, **(extra_context or {})})

    def change_view(self, request, object_id, form_url="", extra_context=None):
        proposal = self.get_object(request, object_id)
        context = {
            "is_pending": proposal is not None and proposal.status == Proposal.Status.PENDING,
            # The decision buttons replace "save": there is nothing else to edit.
            "show_save": False,
            "show_save_and_continue": False,
            **(extra_context or {}),
        }
        return super().change_view(request, object_id, form_url, context)

    @admin.display(description=_("n°"), ordering="pk")
    def number(self, obj):
        return obj.pk

    @admin.display(description=_("concerne"))
    def target(self, obj):
        if obj.kind == Proposal.Kind.ORGANISATION:
            return obj.organisation or "—"
        if obj.kind == Proposal.Kind.NEW_RESOURCE:
            return obj.resource or _("nouvelle production : %(name)s") % {"name": obj.proposed_name}
        if obj.kind == Proposal.Kind.NEW_LAUREATE and obj.laureate is None:
            return _("nouveau : %(name)s") % {"name": obj.proposed_name}
        return obj.laureate or "—"

    @admin.display(description=_("lauréat"))
    def laureate_link(self, obj):
        if obj.laureate is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">{}</a>)',
            reverse("admin:laureats_laureate_change", args=[obj.laureate.pk]),
            obj.laureate,
            obj.laureate.get_absolute_url(),
            _("page publique") if obj.laureate.is_published else _("non publié"),
        )

    @admin.display(description=_("production créée"))
    def resource_link(self, obj):
        if obj.resource is None:
            return _("aucune (créée en acceptant la proposition)")
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">{}</a>)',
            reverse("admin:laureats_resource_change", args=[obj.resource.pk]),
            obj.resource,
            obj.resource.get_absolute_url(),
            _("page publique") if obj.resource.is_published else _("non publiée"),
        )

    @admin.display(description=_("organisation"))
    def organisation_link(self, obj):
        if obj.organisation is None:
            return "—"
        return format_html(
            '<a href="{}">{}</a> (<a href="{}">{}</a>)',
            reverse("admin:laureats_organisation_change", args=[obj.organisation.pk]),
            obj.organisation,
            obj.organisation.get_absolute_url(),
            _("page publique"),
        )

    @admin.display(description=_("source"))
    def source_link(self, obj):
        return format_html(
            '<a href="{}" rel="noopener noreferrer nofollow" target="_blank">{}</a>',
            obj.source_url,
            obj.source_url,
        )

    @admin.display(description=_("comparaison"))
    def comparison(self, obj):
        return comparison(obj)

    def save_model(self, request, obj, form, change):
        # A decision is saved by moderation.accept/reject, with its reviewer and date.
        if not form.decision:
            super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if "_accept" in request.POST:
            return accept(request, obj)
        if "_reject" in request.POST:
            try:
                moderation.reject(obj, request.user, obj.rejection_reason)
            except moderation.AlreadyReviewed:
                messages.error(request, _("Cette proposition a déjà été traitée."))
            else:
                messages.success(
                    request,
                    _("Proposition n°%(number)s refusée.") % {"number": obj.pk},
                )
            return redirect("admin:laureats_proposal_changelist")
        return super().response_change(request, obj)
