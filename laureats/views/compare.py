"""Side by side (/comparer/) and what is left to find (/a-completer/): pages built on the one
definition of completeness (models/completeness.py), and for /a-completer/ on the laureates
announced and not entered (announced.py)."""

from django.shortcuts import render
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from deffinum.pagecache.local import local

from ..browse.comparison import MAX_COMPARED, MIN_COMPARED, Comparison, requested_slugs
from ..browse.facts import facts_to_complete
from ..models import Laureate
from ..resources.figures import resource_figures, resources_to_complete
from ..statistics.announced import NO_FILTER, Shortfall, announced_and_entered


@require_safe
def compare(request):
    slugs, notices = requested_slugs(request.GET)
    comparison = Comparison(slugs)
    return render(
        request,
        "laureats/compare.html",
        {
            "comparison": comparison,
            "laureates": comparison.laureates,
            # Once each: "at most 4" may come from the request and from the comparison.
            "notices": list(dict.fromkeys(notices + comparison.notices)),
            "choices": comparison.choices() if comparison.can_add() else [],
            "min_compared": MIN_COMPARED,
            "max_compared": MAX_COMPARED,
        },
    )


@require_safe
def to_complete(request):
    published = Laureate.objects.published()
    totals = published.completeness_totals()
    laureates = published.only(
        "name", "slug", "acronym", "total_cost", "start_date", "known_mask"
    ).in_name_order()
    return render(
        request,
        "laureats/to_complete.html",
        {
            "totals": totals,
            "facts": facts_to_complete(laureates, totals),
            **missing_laureates(),
            "resource_facts": [row for row in shared_resource_figures()["facts"] if row["missing"]],
            "resources_to_complete": resources_to_complete(),
        },
    )


def shared_resource_figures():
    """The catalogue's figures, as /statistiques/ computes them: once per data version."""
    return local.per_version(("resource figures", get_language()), resource_figures)


def missing_laureates():
    """The laureates announced and not entered, whole and per sector, from the official
    figures (announced.py): what /a-completer/ opens with."""
    official, entered = announced_and_entered()
    programme = official.get(NO_FILTER)
    sectors = official.of_filter("secteur")
    return {
        "entered_count": entered[NO_FILTER],
        "announced_laureates": programme.count if programme else None,
        "missing_laureates": max(programme.count - entered[NO_FILTER], 0) if programme else 0,
        "sector_rows": [Shortfall(item, entered[(item.param, item.value)]) for item in sectors],
        "sector_note": next((item.note for item in sectors if item.note), ""),
        "sector_sources": list(
            dict.fromkeys(source for item in sectors for source in item.sources)
        ),
        "other_shortfalls": official.shortfalls(
            official.of_filter("portee") + official.of_filter("statut"), entered
        ),
    }
