"""/contribuer/: the public proposes corrections, new laureates and new shared productions, and
from an organisation's page a correction of the organisation, all kept pending for moderation,
under one hourly limit and one bot trap."""

import logging

from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe
from django_ratelimit.core import get_usage

from ..contributions.forms import (
    OrganisationProposalForm,
    ProposalForm,
    field_from_query,
    organisation_field_from_query,
)
from ..contributions.resource_proposals import ResourceProposalForm
from ..models import Laureate, Organisation, Proposal, Resource
from ..models.validators import is_slug
from .public import coverage

logger = logging.getLogger(__name__)

RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 3600
RATE = f"{RATE_LIMIT}/h"
RATE_GROUP = "contribuer"


def usage(request, increment):
    """django-ratelimit's count for this visitor in the current fixed hour: the window is part
    of the key, so it ends on time whatever the cache backend does with expiry, and the count is
    the cache's own atomic increment. None when the cache does not answer: the form then stays
    open (logged) rather than failing."""
    try:
        return get_usage(
            request,
            group=RATE_GROUP,
            # The visitor's address (deffinum.client), an IPv6 one masked to its /64 by
            # django-ratelimit (RATELIMIT_IPV6_MASK); the counter's key is a keyed hash.
            key="ip",
            rate=RATE,
            method="POST",
            increment=increment,
        )
    except Exception:
        logger.warning(
            "Limite des propositions non appliquée : le cache ne répond pas.", exc_info=True
        )
        return None


def seconds_until_allowed(request, increment=False):
    """0 when the visitor may send a proposal now, else the seconds until their hour ends. Peek
    (increment=False) or spend one proposal of the budget (True). Spending is one atomic
    increment: of N submissions at once, exactly the limit get a count within it."""
    counted = usage(request, increment)
    if counted is None:
        return 0
    limited = counted["count"] > RATE_LIMIT if increment else counted["count"] >= RATE_LIMIT
    if not limited:
        return 0
    # The hour is staggered per visitor by django-ratelimit: say when this visitor's ends.
    return min(max(counted["time_left"], 1), RATE_WINDOW_SECONDS)


def too_many_requests(request, retry_after):
    minutes = -(-retry_after // 60)
    response = render(
        request,
        "429.html",
        {
            "explanation": _(
                "Vous avez envoyé %(limit)s propositions en moins d'une heure : c'est le maximum, "
                "pour protéger le portail des envois automatiques. Cette dernière proposition n'a "
                "pas été enregistrée."
            )
            % {"limit": RATE_LIMIT},
            "retry": ngettext(
                "Réessayez dans %(minutes)s minute. Revenez à la page précédente avec votre "
                "navigateur pour retrouver votre texte.",
                "Réessayez dans %(minutes)s minutes. Revenez à la page précédente avec votre "
                "navigateur pour retrouver votre texte.",
                minutes,
            )
            % {"minutes": minutes},
        },
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def asked_published(query, param, model, notices, unknown):
    """The published row of `model` that `?<param>=<slug>` names (a page's link to a form), None
    if none; a slug no published row has adds the notice `unknown`, never an error."""
    slug = query.get(param, "").strip()
    if not slug:
        return None
    # Only what can be a slug reaches the query (PostgreSQL refuses a NUL byte, for one).
    row = model.objects.published().filter(slug=slug).first() if is_slug(slug) else None
    if row is None:
        notices.append(unknown % {"slug": slug[:80]})
    return row


def asked_laureate(query, notices, unknown):
    return asked_published(query, "laureat", Laureate, notices, unknown)


def comment_from_query(query, notices):
    """?ressource=<slug> (as a production's page links) starts the comment with the production
    the correction is about, for the moderator: a production has no correction form of its
    own."""
    resource = asked_published(
        query,
        "ressource",
        Resource,
        notices,
        _("Aucune production partagée publiée ne porte l'identifiant « %(slug)s »."),
    )
    if resource is None:
        return {}
    return {
        "comment": _("À propos de la production partagée « %(title)s » (%(path)s) : ")
        % {"title": resource.title, "path": resource.get_absolute_url()}
    }


def initial_from_query(query, notices):
    """?laureat=<slug> pre-fills a correction of that laureate."""
    if not query.get("laureat", "").strip():
        return {}
    laureate = asked_laureate(
        query,
        notices,
        _(
            "Aucun lauréat publié ne porte l'identifiant « %(slug)s » : choisissez-le dans la liste."
        ),
    )
    initial = {"kind": Proposal.Kind.CORRECTION}
    return {**initial, "laureate": laureate} if laureate else initial


def laureates_from_query(query, notices):
    """?laureat=<slug> ticks that laureate in a production's proposal."""
    laureate = asked_laureate(
        query,
        notices,
        _("Aucun lauréat publié ne porte l'identifiant « %(slug)s » : cochez-le dans la liste."),
    )
    return {"laureates": [laureate]} if laureate else {}


def submit(request, form):
    """The response to a submitted form, or None when it has errors to show. A proposal spends
    one of the visitor's hourly budget; a bot trap spends none and saves nothing."""
    if form.is_spam():
        # Counted, it would close the form for everyone sharing the bot's address (a NAT, a
        # misconfigured proxy).
        return redirect("laureats:contribute-done")
    if form.is_valid():
        if wait := seconds_until_allowed(request, increment=True):
            return too_many_requests(request, wait)
        form.save()
        return redirect("laureats:contribute-done")
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def contribute(request):
    notices = []
    if request.method == "POST":
        if wait := seconds_until_allowed(request):
            return too_many_requests(request, wait)
        form = ProposalForm(request.POST)
        if response := submit(request, form):
            return response
    else:
        form = ProposalForm(
            initial={
                **initial_from_query(request.GET, notices),
                **field_from_query(request.GET, notices),
                **comment_from_query(request.GET, notices),
            }
        )
    return render(
        request,
        "laureats/contribute.html",
        {
            "form": form,
            "notices": notices,
            "rate_limit": RATE_LIMIT,
            **coverage(),
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def contribute_organisation(request, slug):
    """A correction of a public organisation (a member of a published laureate)."""
    public = Organisation.objects.with_published_memberships().select_related("region")
    organisation = public.filter(slug=slug).first()
    if organisation is None:
        raise Http404
    notices = []
    if request.method == "POST":
        if wait := seconds_until_allowed(request):
            return too_many_requests(request, wait)
        form = OrganisationProposalForm(request.POST, organisation=organisation)
        if response := submit(request, form):
            return response
    else:
        initial = organisation_field_from_query(request.GET, notices)
        form = OrganisationProposalForm(initial=initial, organisation=organisation)
    return render(
        request,
        "laureats/contribute_organisation.html",
        {
            "form": form,
            "organisation": organisation,
            "notices": notices,
            "rate_limit": RATE_LIMIT,
        },
    )


@require_http_methods(["GET", "HEAD", "POST"])
def contribute_resource(request):
    """A new shared production, with its laureates (?laureat= ticks one), for moderation."""
    notices = []
    if request.method == "POST":
        if wait := seconds_until_allowed(request):
            return too_many_requests(request, wait)
        form = ResourceProposalForm(request.POST)
        if response := submit(request, form):
            return response
    else:
        form = ResourceProposalForm(initial=laureates_from_query(request.GET, notices))
    return render(
        request,
        "laureats/contribute_resource.html",
        {"form": form, "notices": notices, "rate_limit": RATE_LIMIT},
    )


@require_safe
def contribute_done(request):
    return render(request, "laureats/contribute_done.html")
