"""Open data exports of any search: the laureates as CSV, JSON or XLSX, and their members table.

The rows are `LaureateFilter`'s, bound to the request's query string as on /laureats/: the same
laureates (all pages), in the same order, and never an unpublished one. They are read in chunks,
each with its relations, so that an export of 10,000 laureates holds a few hundred at a time.
The laureate CSV is `csv_format`'s (its rows are read by opendata/rows.py): the whole list's file
imports back unchanged.
"""

import datetime
import tempfile
from dataclasses import dataclass

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import FileResponse, HttpRequest, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font

from ..api.serializers import LaureateDetailSerializer
from ..browse.filters import LaureateFilter, bind_filterset
from ..csv_format import COLUMN_NAMES, SafeWriter
from ..models import Laureate, Membership, lead_first
from .dictionary import (
    LICENCE_NAME,
    LICENCE_URL,
    MEMBER_COLUMN_NAMES,
    json_fields,
    laureate_fields,
    member_fields,
)
from .rows import chunks, laureate_rows

# Laureates read, prefetched and written per round trip to the database.
CHUNK_SIZE = 200
# Rows of text joined into one piece of the streamed response.
LINES_PER_PIECE = 100
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Excel's limit for one cell; longer text would make the file unreadable.
XLSX_MAX_CELL_LENGTH = 32_767


@dataclass
class Extraction:
    """One export request: which laureates, and the context that every file states."""

    filterset: LaureateFilter
    notices: list
    request: HttpRequest
    extracted_at: datetime.datetime

    @classmethod
    def from_request(cls, request):
        filterset, notices = bind_filterset(
            LaureateFilter, request.GET, Laureate.objects.for_detail()
        )
        return cls(filterset, notices, request, timezone.now())

    def laureates(self):
        return self.filterset.qs.iterator(chunk_size=CHUNK_SIZE)

    def laureate_rows(self, typed=False):
        """The laureate file's rows, as lists of cells (opendata/rows.py)."""
        return laureate_rows(self.filterset.qs, typed)

    def memberships(self):
        """(laureate, membership) pairs: laureates in the list's order, lead first in each."""
        for laureate in self.laureates():
            for membership in lead_first(laureate.memberships.all()):
                yield laureate, membership

    def filters(self):
        """The filters applied, by URL parameter, e.g. {"secteur": ["sante-social"]}."""
        data = self.filterset.form.cleaned_data
        return {name: value for name, value in data.items() if value and name != "tri"}

    def filters_text(self):
        parts = []
        for name, value in self.filters().items():
            values = value if isinstance(value, list) else [value]
            parts.append(f"{name} = {' | '.join(values)}")
        return " ; ".join(parts) or _("aucun (liste complète des lauréats publiés)")

    def filename(self, table, extension):
        return f"deffinum-{table}-{timezone.localdate(self.extracted_at).isoformat()}.{extension}"

    def source_url(self):
        with translation.override(settings.LANGUAGE_CODE):
            return self.request.build_absolute_uri(reverse("laureats:open-data"))

    def datapackage_url(self):
        with translation.override(settings.LANGUAGE_CODE):
            return self.request.build_absolute_uri(reverse("laureats:datapackage"))

    def metadata(self, title, count, fields):
        return {
            "title": title,
            "licence": LICENCE_NAME,
            "licence_url": LICENCE_URL,
            "source": "Portail Deffinum",
            "source_url": self.source_url(),
            # The Table Schemas of the CSV files, for programs (Frictionless Data Package).
            "datapackage_url": self.datapackage_url(),
            "official_list_url": settings.DEFFINUM_OFFICIAL_LIST_URL,
            "extracted_at": timezone.localtime(self.extracted_at).isoformat(timespec="seconds"),
            "query_string": self.request.GET.urlencode(),
            "filters": self.filters(),
            "sort": self.filterset.sort_key,
            "notices": [str(notice) for notice in self.notices],
            "count": count,
            "fields": [field.as_dict() for field in fields],
        }


# Rows -------------------------------------------------------------------------------------


def member_row(laureate, membership):
    """One laureate × organisation; None where the organisation's detail is not known."""
    organisation = membership.organisation
    region = organisation.region
    return {
        "laureat_slug": laureate.slug,
        "laureat_nom": laureate.name,
        "organisation_slug": organisation.slug,
        "organisation_nom": organisation.name,
        "role": membership.role,
        "type": organisation.kind,
        "siren": organisation.siren or None,
        "siret": organisation.siret or None,
        "ville": organisation.city or None,
        "region_code": region.code if region else None,
        "region": region.name if region else None,
        "code_commune": organisation.commune_code or None,
        "latitude": organisation.latitude,
        "longitude": organisation.longitude,
        "categorie_juridique": organisation.legal_category or None,
        "numero_declaration_activite": organisation.activity_declaration_number or None,
        "qualiopi": yes_no(organisation.is_qualiopi),
        "uai": organisation.uai or None,
        "registre_consulte_le": utc_text(organisation.register_fetched_at),
    }


def yes_no(value):
    """A flag as the data package declares it ("oui", "non"); None when not known."""
    if value is None:
        return None
    return "oui" if value else "non"


def utc_text(moment):
    """A moment as Table Schema's default datetime reads it: ISO 8601 in UTC, or None."""
    if moment is None:
        return None
    return moment.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# CSV --------------------------------------------------------------------------------------


class Echo:
    """A file that hands back what is written to it, so csv.writer can feed a stream."""

    def write(self, value):
        return value


def csv_pieces(rows, fieldnames):
    # csv_format's writer: formulas neutralised, CR and LF quoted.
    writer = SafeWriter(Echo(), fieldnames)
    yield writer.writeheader()
    for group in chunks(rows, LINES_PER_PIECE):
        yield "".join(writer.writerow(row) for row in group)


def csv_response(pieces, filename):
    response = StreamingHttpResponse(
        (piece.encode() for piece in pieces), content_type="text/csv; charset=utf-8"
    )
    return attachment(response, filename)


# JSON -------------------------------------------------------------------------------------


def json_pieces(metadata, key, items):
    dump = DjangoJSONEncoder(ensure_ascii=False).encode
    yield f'{{"metadata": {dump(metadata)},\n"{key}": ['
    separator = "\n"
    for group in chunks(items, LINES_PER_PIECE):
        pieces = []
        for item in group:
            pieces.append(separator + dump(item))
            separator = ",\n"
        yield "".join(pieces)
    yield "\n]}\n"


def json_response(pieces, filename):
    response = StreamingHttpResponse(
        (piece.encode() for piece in pieces), content_type="application/json; charset=utf-8"
    )
    return attachment(response, filename)


def serialized_laureates(extraction):
    # The API's detail representation: one JSON shape for a laureate, in the API and the file.
    context = {"request": extraction.request}
    for chunk in chunks(extraction.laureates(), CHUNK_SIZE):
        yield from LaureateDetailSerializer(chunk, many=True, context=context).data


# XLSX -------------------------------------------------------------------------------------


def xlsx_cell(sheet, value):
    cell = WriteOnlyCell(sheet)
    if isinstance(value, str):
        # A line break is "\n" in a spreadsheet cell. openpyxl keeps a "\r" when lxml is
        # installed and drops it otherwise: the file must not depend on that.
        value = value.replace("\r\n", "\n").replace("\r", "\n")
        value = ILLEGAL_CHARACTERS_RE.sub("", value)[:XLSX_MAX_CELL_LENGTH]
        cell.value = value
        # Text that starts with "=" stays text: a spreadsheet must not run what a source wrote.
        cell.data_type = "s"
    else:
        cell.value = value
        if isinstance(value, datetime.date):
            cell.number_format = "yyyy-mm-dd"
    return cell


def xlsx_header(sheet, names):
    cells = []
    for name in names:
        cell = xlsx_cell(sheet, name)
        cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def xlsx_response(extraction, title, rows, fieldnames, fields, filename):
    workbook = Workbook(write_only=True)
    data = workbook.create_sheet(title)
    data.freeze_panes = "A2"
    xlsx_header(data, fieldnames)
    count = 0
    for row in rows:
        # A list of cells in the order of `fieldnames`, or a dict by name.
        cells = [row[name] for name in fieldnames] if isinstance(row, dict) else row
        data.append([xlsx_cell(data, value) for value in cells])
        count += 1
    about = workbook.create_sheet(_("À propos"))
    metadata = extraction.metadata(title, count, fields)
    lines = [
        # "Portail Deffinum" is the name reusers cite (see the licence), in every language.
        [_("Données"), f"{title} — Portail Deffinum"],
        [_("Licence"), LICENCE_NAME, LICENCE_URL],
        [_("Source"), metadata["source"], metadata["source_url"]],
        [_("Liste officielle des lauréats"), metadata["official_list_url"]],
        [_("Date d'extraction"), metadata["extracted_at"]],
        [_("Lignes"), count],
        [_("Filtres appliqués"), extraction.filters_text()],
        [_("Tri"), metadata["sort"]],
        [_("Valeurs de filtre ignorées"), " ; ".join(metadata["notices"]) or _("aucune")],
        [],
    ]
    for line in lines:
        about.append([xlsx_cell(about, value) for value in line])
    xlsx_header(
        about, [_("Colonne"), _("Libellé"), _("Type"), _("Description"), _("Valeurs possibles")]
    )
    for field in fields:
        values = " ; ".join(f"{value} ({label})" for value, label in field.values)
        line = [field.name, field.label, field.type, field.description, values]
        about.append([xlsx_cell(about, value) for value in line])
    # Written to disk as it goes (write-only mode), then streamed from there; FileResponse
    # closes (and so deletes) the file once sent.
    file = tempfile.TemporaryFile()  # noqa: SIM115
    workbook.save(file)
    file.seek(0)
    response = FileResponse(file, content_type=XLSX_CONTENT_TYPE)
    return attachment(response, filename)


# Responses --------------------------------------------------------------------------------


def attachment(response, filename):
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    # Any query string makes a new file: search engines need none of them.
    response["X-Robots-Tag"] = "noindex"
    return response


def described(response, extraction):
    """The licence, and the data package that describes the file's columns (RFC 8288 links)."""
    response["Link"] = (
        f'<{LICENCE_URL}>; rel="license", '
        f'<{extraction.datapackage_url()}>; rel="describedby"; type="application/json"'
    )
    return response


def laureates_response(extraction, extension):
    return described(laureates_file(extraction, extension), extraction)


def members_response(extraction, extension):
    return described(members_file(extraction, extension), extraction)


def laureates_file(extraction, extension):
    filename = extraction.filename("laureats", extension)
    if extension == "csv":
        return csv_response(csv_pieces(extraction.laureate_rows(), COLUMN_NAMES), filename)
    if extension == "json":
        count = extraction.filterset.qs.count()
        metadata = extraction.metadata(_("Lauréats Deffinum"), count, json_fields())
        pieces = json_pieces(metadata, "laureates", serialized_laureates(extraction))
        return json_response(pieces, filename)
    rows = extraction.laureate_rows(typed=True)
    fields = laureate_fields()
    names = [field.name for field in fields]
    return xlsx_response(extraction, _("Lauréats"), rows, names, fields, filename)


def members_file(extraction, extension):
    filename = extraction.filename("membres", extension)
    rows = (member_row(*pair) for pair in extraction.memberships())
    if extension == "csv":
        return csv_response(csv_pieces(rows, MEMBER_COLUMN_NAMES), filename)
    if extension == "json":
        count = Membership.objects.filter(laureate__in=extraction.filterset.qs.values("pk")).count()
        metadata = extraction.metadata(_("Membres des lauréats Deffinum"), count, member_fields())
        return json_response(json_pieces(metadata, "members", rows), filename)
    return xlsx_response(
        extraction, _("Membres"), rows, MEMBER_COLUMN_NAMES, member_fields(), filename
    )
