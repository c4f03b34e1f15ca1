"""The admin's side of a correction of an organisation (Proposal.Kind.ORGANISATION): its
comparison with the organisation's current value, and its acceptance, applied by
laureats/contributions/moderation.py (accept_organisation)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..contributions import moderation
from ..models import Proposal

# The fields of a correction of an organisation, shown for that kind only.
ORGANISATION_FIELDS = ["organisation_link", "organisation_field"]


def comparison_table(label, current, proposed):
    """The table of ProposalAdmin.comparison, for one field."""
    return format_html(
        '<table class="proposal-comparison"><thead><tr><th scope="col">{}</th>'
        '<th scope="col">{}</th><th scope="col">{}</th></tr></thead><tbody>{}</tbody></table>',
        _("champ"),
        _("valeur actuelle"),
        _("valeur proposée"),
        format_html_join(
            "",
            '<tr><th scope="row">{}</th><td>{}</td><td>{}</td></tr>',
            [(label, linebreaksbr(current), linebreaksbr(proposed))],
        ),
    )


def organisation_comparison(obj):
    """The comparison of a correction of an organisation, and what accepting it would do."""
    if obj.organisation is None:
        return _("L'organisation concernée n'existe plus.")
    current = moderation.current_organisation_value(obj.organisation, obj.organisation_field)
    table = comparison_table(obj.get_organisation_field_display(), current, obj.value)
    if obj.status != Proposal.Status.PENDING:
        return table
    plan = moderation.plan_organisation(obj)
    if plan.automatic:
        outcome = _(
            "Accepter applique cette valeur à l'organisation et l'inscrit dans son historique "
            "avec la source."
        )
        css = "proposal-plan"
    else:
        outcome = _(
            "Accepter ne pourra pas appliquer cette valeur automatiquement (%(reason)s) : il "
            "faudra la reporter à la main dans la fiche de l'organisation."
        ) % {"reason": plan.reason}
        css = "proposal-plan proposal-plan-manual"
    return format_html('{}<p class="{}">{}</p>', table, css, outcome)


def accept_organisation(request, obj):
    """The admin's "accept" for a correction of an organisation (moderation.accept)."""
    try:
        outcome = moderation.accept(obj, request.user)
    except moderation.AlreadyReviewed:
        messages.error(request, _("Cette proposition a déjà été traitée."))
        return redirect("admin:laureats_proposal_changelist")
    organisation = outcome.proposal.organisation
    if organisation is None:
        messages.warning(
            request,
            _("Proposition n°%(number)s acceptée ; l'organisation concernée n'existe plus.")
            % {"number": obj.pk},
        )
        return redirect("admin:laureats_proposal_changelist")
    url = reverse("admin:laureats_organisation_change", args=[organisation.pk])
    if outcome.plan.automatic:
        messages.success(
            request,
            format_html(
                _(
                    'Proposition n°{} acceptée et appliquée : « {} » de <a href="{}">{}</a> '
                    "est modifié ; l'historique de l'organisation garde la source."
                ),
                obj.pk,
                obj.get_organisation_field_display(),
                url,
                organisation,
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
            url,
            organisation,
            obj.source_url,
        ),
    )
    return redirect(url)
