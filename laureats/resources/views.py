"""The catalogue's public pages: the filtered list and a page per resource."""

from django.shortcuts import render
from django.views.decorators.http import require_safe
from django.views.generic import DetailView

from ..browse.facets import active_chips, facet_options
from ..browse.facts import contribute_url
from ..browse.filters import bind_filterset
from ..models import Proposal, Resource
from ..views.public import list_facet_counts, paginate
from .figures import missing_facts, with_known_flags
from .filters import ResourceFilter

RESOURCES_PER_PAGE = 20


@require_safe
def resource_list(request):
    filterset, notices = bind_filterset(ResourceFilter, request.GET, Resource.objects.for_list())
    counts = list_facet_counts(filterset, "resource-facets")
    page = paginate(request, filterset.qs, RESOURCES_PER_PAGE, notices, counts.matching)
    return render(
        request,
        "laureats/resources/resource_list.html",
        {
            "filter": filterset,
            "page_obj": page,
            "notices": notices,
            # Facets without any option (no laureate has a resource yet) are left out.
            "facets": [
                facet for facet in facet_options(filterset, counts, "id") if facet["options"]
            ],
            "chips": active_chips(filterset),
            "catalogue_is_empty": catalogue_is_empty(filterset, page),
        },
    )


def catalogue_is_empty(filterset, page):
    """Whether no resource is entered at all, which the page says rather than "no match": a
    query only when a filtered list is empty."""
    if page.paginator.count:
        return False
    if not filterset.form.cleaned_data:
        return True
    return not Resource.objects.published().exists()


class ResourceDetailView(DetailView):
    http_method_names = ["get", "head"]
    template_name = "laureats/resources/resource_detail.html"
    context_object_name = "resource"

    def get_queryset(self):
        return with_known_flags(Resource.objects.for_detail())

    def get_context_data(self, **kwargs):
        resource = self.object
        laureates = resource.published_laureates
        return super().get_context_data(
            missing=missing_facts(resource),
            # A production has no correction form of its own: its first laureate's, on « autre
            # chose », the comment naming the production, which a moderator reports by hand.
            correction_url=contribute_url(
                laureates[0] if laureates else None, Proposal.Field.OTHER, ressource=resource.slug
            ),
            **kwargs,
        )
