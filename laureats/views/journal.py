"""The public change log: /journal/ (every change, filterable) and each fiche's history."""

from django.http import Http404
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..filters import ignored_notice
from ..journal import KINDS, LAUREATE_KINDS, Journal
from .public import paginate

ENTRIES_PER_PAGE = 30


def chosen(request, name, allowed, label, notices):
    """The parameter's value if it is one of `allowed`; otherwise "" and a notice."""
    value = request.GET.get(name, "").strip()
    if value and value not in allowed:
        notices.append(ignored_notice(label, value))
        return ""
    return value


@require_safe
def journal(request):
    notices = []
    kind = chosen(request, "type", KINDS, _("type de changement"), notices)
    slug = request.GET.get("laureat", "").strip()
    journal = Journal(slug=slug)
    if slug and journal.laureate is None:
        notices.append(ignored_notice(_("lauréat"), slug))
    page = paginate(request, journal.entries(kind), ENTRIES_PER_PAGE, notices)
    return render(
        request,
        "laureats/journal.html",
        {
            "page_obj": page,
            "notices": notices,
            "kinds": KINDS,
            "kind": kind,
            "laureates": journal.laureates.values(),
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
    page = paginate(request, journal.entries(kind), ENTRIES_PER_PAGE, notices)
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
