"""/contribuer/: the public proposes corrections and new laureates, kept pending for moderation."""

from django.core.cache import cache
from django.shortcuts import redirect, render
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from ..forms import ProposalForm
from ..models import Laureate, Proposal

RATE_LIMIT = 5
RATE_WINDOW_SECONDS = 3600


def rate_limit_key(request):
    # Counted in Django's cache (Redis in production, so shared by every instance), under a keyed
    # hash: not even the cache holds the address, and it expires with the window.
    # REMOTE_ADDR is the client only when no proxy rewrites it; behind one, the proxy must set it.
    address = request.META.get("REMOTE_ADDR", "")
    return "contribuer:" + salted_hmac("contribuer-ip", address).hexdigest()


def is_rate_limited(request):
    return (cache.get(rate_limit_key(request)) or 0) >= RATE_LIMIT


def count_submission(request):
    key = rate_limit_key(request)
    # add() starts the window; incr() keeps its expiry (atomic on Redis).
    if not cache.add(key, 1, RATE_WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between the two calls
            cache.add(key, 1, RATE_WINDOW_SECONDS)


def too_many_requests(request):
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
            "retry": _(
                "Réessayez dans une heure. Revenez à la page précédente avec votre navigateur "
                "pour retrouver votre texte."
            ),
        },
        status=429,
    )
    response["Retry-After"] = str(RATE_WINDOW_SECONDS)
    return response


def initial_from_query(query, notices):
    """?laureat=<slug> pre-fills a correction of that laureate; an unknown slug gets a notice."""
    slug = query.get("laureat", "").strip()
    if not slug:
        return {}
    laureate = Laureate.objects.published().filter(slug=slug).first()
    if laureate is None:
        notices.append(
            _(
                "Aucun lauréat publié ne porte l'identifiant « %(slug)s » : choisissez-le dans la liste."
            )
            % {"slug": slug[:80]}
        )
        return {"kind": Proposal.Kind.CORRECTION}
    return {"kind": Proposal.Kind.CORRECTION, "laureate": laureate}


@require_http_methods(["GET", "HEAD", "POST"])
def contribute(request):
    notices = []
    if request.method == "POST":
        if is_rate_limited(request):
            return too_many_requests(request)
        form = ProposalForm(request.POST)
        if form.is_spam():
            count_submission(request)
            return redirect("laureats:contribute-done")
        if form.is_valid():
            count_submission(request)
            form.save()
            return redirect("laureats:contribute-done")
    else:
        form = ProposalForm(initial=initial_from_query(request.GET, notices))
    return render(
        request,
        "laureats/contribute.html",
        {
            "form": form,
            "notices": notices,
            "rate_limit": RATE_LIMIT,
            "entered_count": Laureate.objects.published().count(),
        },
    )


def contribute_done(request):
    return render(request, "laureats/contribute_done.html")
