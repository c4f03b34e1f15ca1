"""The public change log: /journal/ (every change, filterable) and each fiche's history.

Pages are addressed by `?avant=<key>` (laureats/journal/page.py), "older changes" links: a deep
page costs what the first does. The page numbers of earlier links (`?page=`) are no longer
offered; any value of them shows the newest page, with a notice past the first."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..browse.filters import ignored_notice
from ..journal.log import KINDS, LAUREATE_KINDS, Journal
from ..journal.page import Key
from ..models import Laureate

ENTRIES_PER_PAGE = 30
# Up to this many published laureates, the filter form lists them; beyond, a list of thousands
# would weigh more than the page: a text field takes the fiche's identifier.
LAUREATES_LISTED = 300


def chosen(request, name, allowed, label, notices):
    """The parameter's value if it is one of `allowed`; otherwise "" and a notice."""
    value = request.GET.get(name, "").strip()
    if value and value not in allowed:
        notices.append(ignored_notice(label, value))
        return ""
    return value


def page_key(request, notices):
    """The Key of `?avant=`, None (the newest page) if there is none or it names none."""
    raw = request.GET.get("avant", "").strip()
    key = Key.parse(raw) if raw else None
    if raw and key is None:
        notices.append(ignored_notice(_("début de page"), raw[:40]))
    page = request.GET.get("page", "").strip()
    if page and page != "1":
        notices.append(
            _(
                "Les pages du journal ne sont plus numérotées : voici les changements les plus "
                "récents."
            )
        )
    return key


def listed_laureates():
    """The published laureates the filter form lists, none if there are too many."""
    # Any LAUREATES_LISTED + 1 of them, then in name order: never a sort of thousands of names.
    some = Laureate.objects.published().order_by().values("pk")[: LAUREATES_LISTED + 1]
    rows = list(Laureate.objects.filter(pk__in=some).in_name_order().values("slug", "name"))
    return rows if len(rows) <= LAUREATES_LISTED else []


@require_safe
def journal(request):
    notices = []
    kind = chosen(request, "type", KINDS, _("type de changement"), notices)
    slug = request.GET.get("laureat", "").strip()
    journal = Journal(slug=slug)
    if slug and journal.laureate is None:
        notices.append(ignored_notice(_("lauréat"), slug))
    key = page_key(request, notices)
    page = journal.page(kind, key, ENTRIES_PER_PAGE)
    return render(
        request,
        "laureats/journal.html",
        {
            "page_obj": page,
            "notices": notices,
            "kinds": KINDS,
            "kind": kind,
            "laureates": listed_laureates(),
            "laureate": journal.laureate,
        },
    )


@require_safe
def laureate_history(request, slug):
    journal = Journal(slug=slug)
    if journal.laureate is None:
        raise Http404
    notices = []
    kinds = {key: label for key, label in KINDS.items() if key in LAUREATE_KINDS}
    kind = chosen(request, "type", kinds, _("type de changement"), notices)
    key = page_key(request, notices)
    page = journal.page(kind, key, ENTRIES_PER_PAGE)
    return render(
        request,
        "laureats/journal_laureate.html",
        {
            "laureate": journal.laureate,
            "page_obj": page,
            "notices": notices,
            "kinds": kinds,
            "kind": kind,
        },
    )
