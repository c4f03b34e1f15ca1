"""Side by side (/comparer/) and what is left to find (/a-completer/): pages built on the one
definition of completeness (models/completeness.py)."""

from django.shortcuts import render
from django.views.decorators.http import require_safe

from ..comparison import MAX_COMPARED, MIN_COMPARED, Comparison, requested_slugs
from ..facts import facts_to_complete
from ..models import Laureate


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
    laureates = (
        published.with_completeness()
        .only("name", "slug", "acronym", "total_cost", "start_date", "known_mask")
        .in_name_order()
    )
    return render(
        request,
        "laureats/to_complete.html",
        {"totals": totals, "facts": facts_to_complete(laureates, totals)},
    )
