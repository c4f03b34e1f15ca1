"""The admin's "Accepter" on a proposal's page: accepted by laureats/contributions/moderation.py, the same way
for the corrections of a laureate and of an organisation, then a message saying what was done
and where to go on."""

from concurrency.forms import VersionField
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from ..contributions import moderation
from ..models import Proposal


def accept(request, obj):
    seen_version = None
    if obj.kind not in (Proposal.Kind.NEW_LAUREATE, Proposal.Kind.NEW_RESOURCE):
        # The corrected row's version that the page compared: a tampered value is a
        # SuspiciousOperation, a 400.
        seen_version = VersionField().to_python(request.POST.get("seen_version"))
    try:
        outcome = moderation.accept(obj, request.user, seen_version=seen_version)
    except moderation.AlreadyReviewed:
        messages.error(request, _("Cette proposition a déjà été traitée."))
        return redirect("admin:laureats_proposal_changelist")
    except moderation.TargetChanged:
        messages.warning(
            request,
            _(
                "Proposition n°%(number)s non acceptée : la fiche de « %(target)s » a changé "
                "depuis que vous avez ouvert cette page. Comparez de nouveau la valeur actuelle "
                "et la valeur proposée ci-dessous, puis décidez."
            )
            % {"number": obj.pk, "target": obj.target},
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
    if obj.kind == Proposal.Kind.NEW_RESOURCE:
        return resource_accepted(request, obj, outcome)
    target = outcome.proposal.target
    organisation = obj.kind == Proposal.Kind.ORGANISATION
    if target is None:
        if organisation:
            gone = _("Proposition n°%(number)s acceptée ; l'organisation concernée n'existe plus.")
        else:
            gone = _("Proposition n°%(number)s acceptée ; le lauréat concerné n'existe plus.")
        messages.warning(request, gone % {"number": obj.pk})
        return redirect("admin:laureats_proposal_changelist")
    url = reverse(f"admin:laureats_{target._meta.model_name}_change", args=[target.pk])
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
                url,
                target.name,
            ),
        )
        return redirect(url)
    if outcome.plan.automatic:
        if organisation:
            applied = _(
                'Proposition n°{} acceptée et appliquée : « {} » de <a href="{}">{}</a> '
                "est modifié ; l'historique de l'organisation garde la source."
            )
        else:
            applied = _(
                'Proposition n°{} acceptée et appliquée : « {} » de <a href="{}">{}</a> '
                "est modifié ; l'historique du lauréat garde la source."
            )
        messages.success(
            request, format_html(applied, obj.pk, obj.get_target_field_display(), url, target)
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
            target,
            obj.source_url,
        ),
    )
    return redirect(url)


def resource_accepted(request, obj, outcome):
    """The message of an accepted production: created (published), or not creatable."""
    resource = outcome.proposal.resource
    if resource is None:
        messages.warning(
            request,
            _(
                "Proposition n°%(number)s acceptée, mais la production n'a pas été créée "
                "(%(reason)s) : créez-la à la main si elle doit figurer au catalogue."
            )
            % {"number": obj.pk, "reason": outcome.plan.reason},
        )
        return redirect("admin:laureats_proposal_changelist")
    url = reverse("admin:laureats_resource_change", args=[resource.pk])
    messages.success(
        request,
        format_html(
            _(
                'Proposition n°{} acceptée : la production <a href="{}">{}</a> a été créée et '
                "publiée, avec sa source. Complétez-la (publics, filières, certifications) ou "
                "décochez « publiée » pour la retirer du catalogue."
            ),
            obj.pk,
            url,
            resource.title,
        ),
    )
    return redirect(url)
