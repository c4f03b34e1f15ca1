"""The files of any search of /ressources/ (CSV, JSON, XLSX): the FilterSet's rows (every page,
the list's order), each as the API gives it, read in chunks. One path for the three: the JSON
holds the API's values, the CSV and the XLSX the same values as cells (lists joined by " | ",
laureates by slug, sources as "address title", as the import reads them back); all are written
by the laureate exports' machinery (formulas neutralised, streamed, the XLSX's "À propos" sheet)
and their columns documented by the data dictionary (opendata/dictionary.py:
RESOURCE_COLUMNS)."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from ..browse.filters import bind_filterset
from ..csv_format.values import join_values
from ..models import Resource
from ..opendata.dictionary import RESOURCE_COLUMN_NAMES, resource_fields
from ..opendata.exports import (
    CHUNK_SIZE,
    Extraction,
    csv_pieces,
    csv_response,
    described,
    json_pieces,
    json_response,
    xlsx_response,
)
from ..opendata.rows import chunks
from .api import ResourceSerializer
from .filters import ResourceFilter

COLUMNS = RESOURCE_COLUMN_NAMES
EXTENSIONS = ("csv", "json", "xlsx")


class ResourceExtraction(Extraction):
    """One export of /ressources/: its FilterSet, and the context every file states."""

    @classmethod
    def from_request(cls, request):
        filterset, notices = bind_filterset(
            ResourceFilter, request.GET, Resource.objects.for_detail()
        )
        return cls(filterset, notices, request, timezone.now())

    def filters(self):
        data = self.filterset.form.cleaned_data
        return {name: value for name, value in data.items() if value}

    def filters_text(self):
        return super().filters_text() if self.filters() else _("aucun (toutes les productions)")

    def records(self):
        """Each resource as the API gives it (ResourceSerializer), in the list's order."""
        context = {"request": self.request}
        rows = self.filterset.qs.iterator(chunk_size=CHUNK_SIZE)
        for chunk in chunks(rows, CHUNK_SIZE):
            yield from ResourceSerializer(chunk, many=True, context=context).data


def item_text(item):
    """A laureate by its slug, a source as the import reads it (its address, then its
    title), anything else as itself."""
    if not isinstance(item, dict):
        return str(item)
    if "slug" in item:
        return item["slug"]
    return f"{item['url']} {item.get('titre') or ''}".strip()


def cell(value):
    """An API value as a CSV cell, as the import reads it back (csv_format/resource_export.py):
    "" for null, lists joined by "|"."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, list):
        return join_values(item_text(item) for item in value)
    return str(value)


def rows(records):
    """The CSV's rows: every column a cell of text."""
    for record in records:
        yield {name: cell(record[name]) for name in COLUMNS}


def typed_rows(records):
    """The spreadsheet's: the same cells, the date a date, unknown empty."""
    for row in rows(records):
        available = row["date_mise_a_disposition"]
        row["date_mise_a_disposition"] = (
            datetime.date.fromisoformat(available) if available else None
        )
        yield row


@require_safe
def resource_export(request, extension):
    extraction = ResourceExtraction.from_request(request)
    filename = extraction.filename("ressources", extension)
    records = extraction.records()
    if extension == "csv":
        response = csv_response(csv_pieces(rows(records), COLUMNS), filename)
    elif extension == "json":
        title = _("Productions partagées des lauréats Deffinum")
        count = extraction.filterset.qs.count()
        metadata = extraction.metadata(title, count, resource_fields())
        response = json_response(json_pieces(metadata, "resources", records), filename)
    else:
        response = xlsx_response(
            extraction,
            _("Productions partagées"),
            typed_rows(records),
            COLUMNS,
            resource_fields(),
            filename,
        )
    return described(response, extraction)
