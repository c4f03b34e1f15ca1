"""The CSV of any search of /ressources/: the FilterSet's rows (every page, the list's order),
each as the API gives it, lists joined by "|" as in the laureate file; written by the laureate
exports' machinery (formulas neutralised, streamed in chunks)."""

from django.utils import timezone
from django.views.decorators.http import require_safe

from ..browse.filters import bind_filterset
from ..csv_format.values import SEPARATOR
from ..models import Resource
from ..opendata.exports import CHUNK_SIZE, attachment, csv_pieces, csv_response
from ..opendata.rows import chunks
from .api import ResourceSerializer
from .filters import ResourceFilter

COLUMNS = [
    "slug",
    "titre",
    "type",
    "description",
    "laureats",
    "filieres",
    "filieres_des_laureats",
    "publics",
    "certifications",
    "licence",
    "acces",
    "etat",
    "langue",
    "adresse",
    "date_mise_a_disposition",
    "sources",
    "mis_a_jour",
    "url",
]


def cell(value):
    """A JSON value as a CSV cell: "" for null, lists joined, laureates and sources by slug
    and address."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return SEPARATOR.join(
            item.get("slug") or item.get("url", "") if isinstance(item, dict) else str(item)
            for item in value
        )
    return str(value)


def rows(request, queryset):
    context = {"request": request}
    for chunk in chunks(queryset.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        for data in ResourceSerializer(chunk, many=True, context=context).data:
            yield {name: cell(data[name]) for name in COLUMNS}


@require_safe
def resource_csv(request):
    filterset, _notices = bind_filterset(ResourceFilter, request.GET, Resource.objects.for_detail())
    filename = f"deffinum-ressources-{timezone.localdate().isoformat()}.csv"
    response = csv_response(csv_pieces(rows(request, filterset.qs), COLUMNS), filename)
    return attachment(response, filename)
