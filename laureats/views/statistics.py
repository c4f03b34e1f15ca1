from urllib.parse import urlencode

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from deffinum.pagecache.local import local

from ..browse.facets import active_chips, active_params, facet_options
from ..browse.filters import LaureateFilter, bind_filterset
from ..csv_format import SafeWriter
from ..models import Laureate
from ..statistics.announced import (
    FILTERS,
    AnnouncedCounts,
    announced_and_entered,
    entered_from_statistics,
)
from ..statistics.charts import bar_chart, linked_rows, list_url, region_map
from ..statistics.figures import LaureateStatistics, official_figures
from .compare import shared_resource_figures
from .public import HOME_FIGURES, coverage

# The bar charts of the computed figures, in page order (the map is drawn apart).
CHARTS = ["sectors", "scopes", "statuses", "member_kinds", "lead_kinds"]
OFFICIAL_SECTORS = "filieres-officielles"


def filtered_statistics(request):
    filterset, notices = bind_filterset(LaureateFilter, request.GET, Laureate.objects.published())
    active = active_params(filterset)
    if active:
        return filterset, notices, LaureateStatistics(filterset.qs), active
    # Without a valid filter (bad values are dropped), the list's set is every published one:
    # its figures are computed once per data version (each breakdown when first shown).
    stats = local.per_version(
        ("statistics", get_language()),
        lambda: LaureateStatistics(filterset.qs, unfiltered=True),
    )
    return filterset, notices, stats, active


def announced_shortfalls(official, stats, active):
    """What the page's counts of sectors, scopes and statuses leave out, against the official
    figures: {filter: shortfalls}, and those of the active filters. Without a filter the page
    has counted every published laureate already; with one, they are counted once per data
    version (announced.py)."""
    announced = AnnouncedCounts.from_figures(official["all"])
    if active:
        _official, entered = announced_and_entered()
    else:
        sectors = {row.value: row.count for row in stats.sectors.rows}
        entered = entered_from_statistics(stats.totals, sectors)
    by_filter = {
        param: announced.shortfalls(announced.of_filter(param), entered) for param in FILTERS
    }
    return by_filter, announced.shortfalls(announced.of(active), entered)


@require_safe
def statistics(request):
    filterset, notices, stats, active = filtered_statistics(request)
    official = local.per_version(("official figures", get_language()), official_figures)
    shortfalls, filter_shortfalls = announced_shortfalls(official, stats, active)
    # The key figures as cards, the others folded: fourteen cards were five phone screens.
    main_figures = [figure for figure in official["figures"] if figure.key in HOME_FIGURES]
    more_figures = [figure for figure in official["figures"] if figure.key not in HOME_FIGURES]
    query = urlencode(active)
    charts = [bar_chart(getattr(stats, name), active) for name in CHARTS]
    for chart in charts:
        chart["csv_url"] = csv_url(chart["key"], query)
        chart["shortfalls"] = shortfalls.get(chart["breakdown"].param, [])
    official_chart = bar_chart(official["sectors"])
    official_chart["csv_url"] = csv_url(OFFICIAL_SECTORS, "")
    region_chart = region_map(stats.regions, active)
    region_chart["csv_url"] = csv_url("regions", query)
    return render(
        request,
        "laureats/statistics.html",
        {
            "filter": filterset,
            "notices": notices,
            "chips": active_chips(filterset),
            # The list's facets as checkboxes, without counts: this page does not need them.
            "filter_options": facet_options(filterset, id_prefix="stats"),
            "hidden_params": [
                (name, value)
                for name, value in active
                if name not in LaureateFilter.FACETS and name != "q"
            ],
            "is_filtered": bool(active),
            "filter_shortfalls": filter_shortfalls,
            "scope_shortfalls": shortfalls["portee"],
            **coverage(),
            "totals": stats.totals,
            "completeness": stats.completeness,
            "sizes": stats.consortium_sizes,
            "charts": charts,
            "region_map": region_chart,
            "national_url": list_url(active, "portee", Laureate.Scope.NATIONAL),
            "list_url": list_url(active, "", ""),
            "official": official,
            "main_figures": main_figures,
            "more_figures": more_figures,
            "official_chart": official_chart,
            # The whole catalogue, whatever the laureates' filters: once per data version.
            "resources": shared_resource_figures(),
        },
    )


def csv_url(key, query):
    url = reverse("laureats:statistics-csv", args=[key])
    return f"{url}?{query}" if query else url


@require_safe
def statistics_csv(request, chart):
    """One chart's numbers as CSV, computed under the same filters as the page."""
    if chart == OFFICIAL_SECTORS:
        breakdown, active = official_figures()["sectors"], []
    elif chart in LaureateStatistics.BREAKDOWNS:
        _filterset, _notices, stats, active = filtered_statistics(request)
        breakdown = stats.breakdown(chart)
    else:
        raise Http404
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="deffinum-{chart}.csv"'
    writer = SafeWriter(response)
    extra = breakdown.unit == "organisations"
    writer.writerow(breakdown.csv_header)
    for row in linked_rows(breakdown, active):
        writer.writerow(
            [
                row["value"],
                row["label"],
                row["count"],
                *([row["laureates"]] if extra else []),
                request.build_absolute_uri(row["url"]) if row["url"] else "",
            ]
        )
    return response
