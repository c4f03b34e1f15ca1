from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from deffinum.pagecache.local import local

from ..browse.facets import active_chips, active_params, facet_counts, facet_options, facets
from ..browse.filters import LaureateFilter, bind_filterset
from ..browse.organisation_filter import OrganisationFilter
from ..models import Laureate, Organisation, ProgrammeFigure, Resource, Sector
from ..organisations.partner_graph import partner_graph
from ..organisations.partners import partners, possible_partners
from ..resources.figures import resource_figures
from ..statistics.announced import (
    FILTERS,
    AnnouncedCounts,
    announced_and_entered,
    entered_from_statistics,
    figures_of_filters,
)
from ..statistics.charts import bar_chart, list_url, region_map
from ..statistics.figures import LaureateStatistics
from ..statistics.member_map import member_map

LAUREATES_PER_PAGE = 20
HOME_LAUREATES = 30  # beyond that, the home page links to the list
ORGANISATIONS_PER_PAGE = 50
HOME_FIGURES = [
    "laureates",
    "national_scope",
    "interregional_scope",
    "redirected_to_ami_cma",
    "budget",
    "max_aid_rate",
]


@require_safe
def home(request):
    # Nothing on it depends on the request but its language: computed once per data version.
    context = local.per_version(("home", get_language()), home_figures)
    return render(request, "laureats/home.html", context)


def home_figures():
    # The key figures, and those of filter values (announced.py), which the sectors and the map
    # compare their counts with: the same two queries.
    figures = list(
        ProgrammeFigure.objects.filter(Q(key__in=HOME_FIGURES) | figures_of_filters())
        .select_related("sector")
        .prefetch_related("sources")
    )
    by_key = {figure.key: figure for figure in figures}
    # The small map and two charts linking to /statistiques/: three aggregate queries.
    stats = LaureateStatistics.of_published()
    sectors = list(Sector.objects.with_published_counts())
    coverage = Laureate.objects.coverage()
    announced = coverage["announced_laureates"]
    official = AnnouncedCounts.from_figures(figures)
    entered = entered_from_statistics(
        stats.totals, {sector.slug: sector.published_count for sector in sectors}
    )
    home_charts = [
        bar_chart(stats.statuses, id_prefix="home-"),
        bar_chart(stats.member_kinds, id_prefix="home-"),
    ]
    for chart in home_charts:
        param = chart["breakdown"].param
        chart["shortfalls"] = official.shortfalls(official.of_filter(param), entered)
    return {
        "figures": [by_key[key] for key in HOME_FIGURES if key in by_key],
        **coverage,
        "missing_laureates": max(announced - coverage["entered_count"], 0) if announced else 0,
        # Sectors without a laureate entered are named in a note, not shown as "0 lauréat".
        "sectors": [sector for sector in sectors if sector.published_count],
        "empty_sectors": [sector for sector in sectors if not sector.published_count],
        "sector_shortfalls": official.shortfalls(official.of_filter("secteur"), entered),
        "scope_shortfalls": official.shortfalls(official.of_filter("portee"), entered),
        # The entered laureates, each a link: the page leads to them, not only to figures.
        "laureates": list(
            Laureate.objects.published()
            .in_name_order()
            .only("name", "slug", "acronym")[:HOME_LAUREATES]
        ),
        "region_map": region_map(stats.regions, id_prefix="home-"),
        "totals": stats.totals,
        "completeness": Laureate.objects.published().completeness_totals(),
        "national_url": list_url((), "portee", Laureate.Scope.NATIONAL),
        # The shared productions entered (laureats/resources/), by type with « non saisi »: the
        # catalogue ships empty.
        "resources": resource_figures(),
        "home_charts": home_charts,
    }


def coverage():
    """How many laureates are entered and announced (`LaureateQuerySet.coverage`), once per data
    version: every list and data page shows it."""
    return local.per_version("coverage", Laureate.objects.coverage)


class CountedPaginator(Paginator):
    """A Paginator told the number of rows, when a query already counted them."""

    def __init__(self, object_list, per_page, count=None):
        super().__init__(object_list, per_page)
        self.known_count = count

    @cached_property
    def count(self):
        return self.known_count if self.known_count is not None else super().count


def paginate(request, queryset, per_page, notices, count=None):
    """The requested page; a page number that is not one is replaced, with a notice. `count`,
    when known, saves counting the rows again."""
    paginator = CountedPaginator(queryset, per_page, count)
    raw = request.GET.get("page", "1")
    try:
        number = int(raw)
        if number < 1:
            raise ValueError
    except ValueError:
        notices.append(
            _("« %(page)s » n'est pas un numéro de page : page 1 affichée.") % {"page": raw[:20]}
        )
        number = 1
    if number > paginator.num_pages:
        notices.append(
            _("Il n'y a que %(count)s page(s) : dernière page affichée.")
            % {"count": paginator.num_pages}
        )
        number = paginator.num_pages
    return paginator.page(number)


@require_safe
def laureate_list(request):
    filterset, notices = bind_filterset(LaureateFilter, request.GET, Laureate.objects.for_list())
    # The facets' query counts the results too, in the same pass over the matches. Each card
    # says how complete it is, from the page's own query (not the facets').
    counts = list_facet_counts(filterset, "laureate-facets")
    page = paginate(request, filterset.qs, LAUREATES_PER_PAGE, notices, counts.matching)
    return render(
        request,
        "laureats/laureate_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "notices": notices,
            "facets": facets(filterset, counts),
            "chips": active_chips(filterset),
            "shortfalls": list_shortfalls(filterset),
            **coverage(),
        },
    )


def list_facet_counts(filterset, key):
    """`facet_counts` of a list (laureates, resources). Without an active filter they do not
    depend on the request, whose pages and sorts share them: computed once per data version,
    under `key`."""
    if active_params(filterset):
        return facet_counts(filterset)
    return local.per_version(key, lambda: facet_counts(filterset))


def list_shortfalls(filterset):
    """The chosen sectors, scopes and statuses with fewer laureates entered than announced. No
    query without such a filter, nor with one until the data changes (announced.py)."""
    chosen = [(name, value) for name, value in active_params(filterset) if name in FILTERS]
    if not chosen:
        return []
    official, entered = announced_and_entered()
    return official.shortfalls(official.of(chosen), entered)


class LaureateDetailView(DetailView):
    # Read-only pages: any other method (PUT, DELETE, TRACE, OPTIONS...) is a 405.
    http_method_names = ["get", "head"]
    template_name = "laureats/laureate_detail.html"
    context_object_name = "laureate"

    def get_queryset(self):
        # Its shared productions (laureats/resources/): one query more, not one per resource.
        resources = Resource.objects.of_laureate_page()
        return Laureate.objects.for_detail().prefetch_related(
            Prefetch("resources", queryset=resources, to_attr="shared_resources")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Its members, prefetched with the laureate: no query more.
        members = [membership.organisation for membership in self.object.memberships.all()]
        context["member_map"] = member_map(members)
        return context


@require_safe
def organisation_list(request):
    filterset, notices = bind_filterset(
        OrganisationFilter,
        request.GET,
        Organisation.objects.for_list(),
    )
    # The facets' query counts the results too, as on the laureates' list.
    counts = list_facet_counts(filterset, "organisation-facets")
    page = paginate(request, filterset.qs, ORGANISATIONS_PER_PAGE, notices, counts.matching)
    chosen = filterset.form.cleaned_data if filterset.form.is_valid() else {}
    # The options ticked in the folded panel; the search box is in sight, outside it.
    active_filters = sum(len(chosen.get(name) or []) for name in OrganisationFilter.FACETS)
    return render(
        request,
        "laureats/organisation_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "notices": notices,
            "facets": facet_options(filterset, counts, id_prefix="id_org"),
            "active_filters": active_filters,
            "member_map": member_map(filterset.qs.for_map(), total=page.paginator.count),
        },
    )


class OrganisationDetailView(DetailView):
    http_method_names = ["get", "head"]
    template_name = "laureats/organisation_detail.html"
    context_object_name = "organisation"

    def get_queryset(self):
        return Organisation.objects.for_detail()

    def get_object(self, queryset=None):
        organisation = super().get_object(queryset)
        # An organisation known only through unpublished laureates is not public yet.
        if not organisation.published_memberships:
            raise Http404
        return organisation

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        found = partners(self.object)
        context["partners"] = found
        context["partner_graph"] = partner_graph(self.object, found)
        context["possible_partners"] = possible_partners(
            self.object, [partner.organisation.pk for partner in found]
        )
        # It and its partners, read with it: no query more.
        context["member_map"] = member_map(
            [self.object, *(partner.organisation for partner in found)]
        )
        return context
