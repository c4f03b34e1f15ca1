"""What a proposal's page shows before the decision: the current value next to the proposed
one, with the value it was proposed against when the field changed since, and what accepting it
would do. One comparison for the corrections of a laureate and of an organisation
(laureats/contributions/moderation.py applies both the same way)."""

from django.template.defaultfilters import linebreaksbr
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from ..contributions import moderation, resource_proposals
from ..models import Proposal


def table(headers, rows):
    """A comparison table: a header row, then a row per field, its label first; every value
    escaped, its line breaks kept."""
    return format_html(
        '<table class="proposal-comparison"><thead><tr>{}</tr></thead><tbody>{}</tbody></table>',
        format_html_join("", '<th scope="col">{}</th>', ((header,) for header in headers)),
        format_html_join(
            "",
            '<tr><th scope="row">{}</th>{}</tr>',
            (
                (
                    label,
                    format_html_join("", "<td>{}</td>", ((linebreaksbr(v),) for v in values)),
                )
                for label, *values in rows
            ),
        ),
    )


def comparison(obj):
    """The comparison of a proposal with the fiche as it is now, and, while it is pending,
    what accepting it would do."""
    if obj.kind == Proposal.Kind.NEW_LAUREATE:
        rows = [
            (_("nom du projet"), _("(nouveau lauréat)"), obj.proposed_name),
            (_("informations"), "—", obj.value),
        ]
    elif obj.kind == Proposal.Kind.NEW_RESOURCE:
        label = _("(nouvelle production)")
        rows = [(name, label, value) for name, value in resource_proposals.shown_values(obj)]
    elif obj.target is None:
        if obj.kind == Proposal.Kind.ORGANISATION:
            return _("L'organisation concernée n'existe plus.")
        return _("Le lauréat concerné n'existe plus.")
    else:
        current = moderation.current_text(obj, obj.target)
        if obj.status == Proposal.Status.PENDING and moderation.changed_since_proposed(
            obj, current
        ):
            return changed_since(obj, current)
        rows = [(obj.get_target_field_display(), current, obj.value)]
    compared = table([_("champ"), _("valeur actuelle"), _("valeur proposée")], rows)
    if obj.status != Proposal.Status.PENDING:
        return compared
    return format_html("{}{}", compared, outcome(obj))


def changed_since(obj, current):
    """The field changed after the proposal was made: the value it was made against, the
    current one and the proposed one, before the moderator decides."""
    compared = table(
        [
            _("champ"),
            _("valeur lors de la proposition"),
            _("valeur actuelle"),
            _("valeur proposée"),
        ],
        [(obj.get_target_field_display(), obj.value_when_proposed, current, obj.value)],
    )
    warning = _(
        "Ce champ a changé depuis la proposition, faite quand il valait la valeur de la "
        "deuxième colonne : accepter remplacera sa valeur actuelle par la valeur proposée."
    )
    return format_html(
        '<p class="proposal-plan proposal-plan-manual">{}</p>{}{}', warning, compared, outcome(obj)
    )


def outcome(obj):
    """What accepting does, for a pending proposal."""
    plan = moderation.plan(obj)
    organisation = obj.kind == Proposal.Kind.ORGANISATION
    css = "proposal-plan"
    if obj.kind == Proposal.Kind.NEW_LAUREATE:
        text = _("Accepter crée ce lauréat, non publié, pour que vous complétiez sa fiche.")
    elif obj.kind == Proposal.Kind.NEW_RESOURCE and plan.automatic:
        text = _(
            "Accepter crée cette production, publiée, avec la source de la proposition ; son "
            "historique garde le numéro de la proposition. Vérifiez chaque champ avec la source "
            "avant d'accepter."
        )
    elif obj.kind == Proposal.Kind.NEW_RESOURCE:
        css = "proposal-plan proposal-plan-manual"
        text = _(
            "Accepter ne pourra pas créer cette production (%(reason)s) : refusez-la, ou "
            "créez-la à la main."
        ) % {"reason": plan.reason}
    elif plan.automatic and organisation:
        text = _(
            "Accepter applique cette valeur à l'organisation et l'inscrit dans son historique "
            "avec la source."
        )
    elif plan.automatic:
        text = _(
            "Accepter applique cette valeur à la fiche et l'inscrit dans son historique "
            "avec la source."
        )
    else:
        css = "proposal-plan proposal-plan-manual"
        if organisation:
            text = _(
                "Accepter ne pourra pas appliquer cette valeur automatiquement (%(reason)s) : il "
                "faudra la reporter à la main dans la fiche de l'organisation."
            )
        else:
            text = _(
                "Accepter ne pourra pas appliquer cette valeur automatiquement (%(reason)s) : "
                "il faudra la reporter à la main dans la fiche du lauréat."
            )
        text = text % {"reason": plan.reason}
    return format_html('<p class="{}">{}</p>', css, text)
