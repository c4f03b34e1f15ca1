"""Moderation of the public's proposals: each shows what accepting it would change, and is
accepted or rejected from its page (the changes themselves are made by laureats/contributions/moderation.py)."""

from concurrency.forms import VersionField
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..contributions import moderation
from ..models import (
    Proposal,
)
from .base import PortalAdmin
from .organisation_proposals import (
    ORGANISATION_FIELDS,
    accept_organisation,
    organisation_comparison,
)


class ProposalAdminForm(forms.ModelForm):
    # "accept" or "reject" when one of the decision buttons was pressed; set by get_form.
    decision = None
    # The laureate's version that the comparison shows: accepting checks it has not moved.
    seen_version = VersionField()

    class Meta:
        model = Proposal
        fields = ["rejection_reason"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound and self.instance.laureate is not None:
            self.initial["seen_version"] = self.instance.laureate.version

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
    list_select_related = ["laureate", "organisation", "reviewer"]
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
        else:
            unused |= set(ORGANISATION_FIELDS)
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
        if obj.kind == Proposal.Kind.ORGANISATION:
            return organisation_comparison(obj)
        if obj.kind == Proposal.Kind.NEW_LAUREATE:
            rows = [(_("nom du projet"), _("(nouveau lauréat)"), obj.proposed_name)]
            rows.append((_("informations"), "—", obj.value))
        elif obj.laureate is None:
            return _("Le lauréat concerné n'existe plus.")
        else:
            current = moderation.current_value(obj.laureate, obj.field)
            if obj.status == Proposal.Status.PENDING and moderation.changed_since_proposed(
                obj, current
            ):
                return self.comparison_changed_since(obj, current)
            rows = [(obj.get_field_display(), current, obj.value)]
        table = format_html(
            '<table class="proposal-comparison"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
            _("champ"),
            _("valeur actuelle"),
            _("valeur proposée"),
            format_html_rows(rows),
        )
        if obj.status != Proposal.Status.PENDING:
            return table
        return format_html("{}{}", table, self.outcome(obj))

    def comparison_changed_since(self, obj, current):
        """The field changed after the proposal was made: the value it was made against, the
        current one and the proposed one, before the moderator decides."""
        table = format_html(
            '<table class="proposal-comparison"><thead><tr><th scope="col">{}</th>'
            '<th scope="col">{}</th><th scope="col">{}</th><th scope="col">{}</th></tr></thead>'
            '<tbody><tr><th scope="row">{}</th><td>{}</td><td>{}</td><td>{}</td></tr></tbody>'
            "</table>",
            _("champ"),
            _("valeur lors de la proposition"),
            _("valeur actuelle"),
            _("valeur proposée"),
            obj.get_field_display(),
            linebreaksbr(obj.value_when_proposed),
            linebreaksbr(current),
            linebreaksbr(obj.value),
        )
        warning = _(
            "Ce champ a changé depuis la proposition, faite quand il valait la valeur de la "
            "deuxième colonne : accepter remplacera sa valeur actuelle par la valeur proposée."
        )
        return format_html(
            '<p class="proposal-plan proposal-plan-manual">{}</p>{}{}',
            warning,
            table,
            self.outcome(obj),
        )

    def outcome(self, obj):
        """What accepting does, for a pending proposal."""
        plan = moderation.plan(obj)
        if obj.kind == Proposal.Kind.NEW_LAUREATE:
            outcome = _("Accepter crée ce lauréat, non publié, pour que vous complétiez sa fiche.")
            css = "proposal-plan"
        elif plan.automatic:
            outcome = _(
                "Accepter applique cette valeur à la fiche et l'inscrit dans son historique "
                "avec la source."
            )
            css = "proposal-plan"
        else:
            outcome = _(
                "Accepter ne pourra pas appliquer cette valeur automatiquement (%(reason)s) : "
                "il faudra la reporter à la main dans la fiche du lauréat."
            ) % {"reason": plan.reason}
            css = "proposal-plan proposal-plan-manual"
        return format_html('<p class="{}">{}</p>', css, outcome)

    def save_model(self, request, obj, form, change):
        # A decision is saved by moderation.accept/reject, with its reviewer and date.
        if not form.decision:
            super().save_model(request, obj, form, change)

    def response_change(self, request, obj):
        if "_accept" in request.POST:
            return self.accept(request, obj)
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

    def accept(self, request, obj):
        if obj.kind == Proposal.Kind.ORGANISATION:
            return accept_organisation(request, obj)
        seen_version = None
        if obj.kind == Proposal.Kind.CORRECTION:
            # A tampered value is a SuspiciousOperation: a 400.
            seen_version = VersionField().to_python(request.POST.get("seen_version"))
        try:
            outcome = moderation.accept(obj, request.user, seen_version=seen_version)
        except moderation.AlreadyReviewed:
            messages.error(request, _("Cette proposition a déjà été traitée."))
            return redirect("admin:laureats_proposal_changelist")
        except moderation.LaureateChanged:
            messages.warning(
                request,
                _(
                    "Proposition n°%(number)s non acceptée : la fiche de « %(laureate)s » a changé "
                    "depuis que vous avez ouvert cette page. Comparez de nouveau la valeur actuelle "
                    "et la valeur proposée ci-dessous, puis décidez."
                )
                % {"number": obj.pk, "laureate": obj.laureate},
            )
            return redirect("admin:laureats_proposal_change", obj.pk)
        except moderation.SlugConflict:
            messages.error(
                request,
                _(
                    "Proposition n°%(number)s non acceptée : d'autres lauréats du même nom ont "
                    "été créés au même moment. Réessayez."
                )
                % {"number": obj.pk},
            )
            return redirect("admin:laureats_proposal_change", obj.pk)
        laureate = outcome.laureate
        if laureate is None:
            messages.warning(
                request,
                _("Proposition n°%(number)s acceptée ; le lauréat concerné n'existe plus.")
                % {"number": obj.pk},
            )
            return redirect("admin:laureats_proposal_changelist")
        laureate_url = reverse("admin:laureats_laureate_change", args=[laureate.pk])
        if outcome.created:
            messages.success(
                request,
                format_html(
                    _(
                        'Proposition n°{} acceptée : le lauréat <a href="{}">{}</a> a été créé, '
                        "non publié. Complétez sa fiche (porteur, membres, filières, montants) "
                        "puis cochez « publié »."
                    ),
                    obj.pk,
                    laureate_url,
                    laureate.name,
                ),
            )
            return redirect(laureate_url)
        if outcome.plan.automatic:
            messages.success(
                request,
                format_html(
                    _(
                        'Proposition n°{} acceptée et appliquée : « {} » de <a href="{}">{}</a> '
                        "est modifié ; l'historique du lauréat garde la source."
                    ),
                    obj.pk,
                    obj.get_field_display(),
                    laureate_url,
                    laureate,
                ),
            )
            return redirect("admin:laureats_proposal_changelist")
        messages.warning(
            request,
            format_html(
                _(
                    "Proposition n°{} acceptée, mais pas appliquée automatiquement ({}). "
                    'Reportez-la à la main dans la fiche <a href="{}">{}</a>, avec sa source : {}'
                ),
                obj.pk,
                outcome.plan.reason,
                laureate_url,
                laureate,
                obj.source_url,
            ),
        )
        return redirect(laureate_url)


def format_html_rows(rows):
    """Table rows of (field, current, proposed), every value escaped, line breaks kept."""
    return format_html_join(
        "",
        '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>',
        (
            (label, linebreaksbr(current), linebreaksbr(proposed))
            for label, current, proposed in rows
        ),
    )
