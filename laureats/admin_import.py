"""Admin import of a CSV or XLSX file (preview, then confirm) and export of selected laureates.

Why not django-import-export, the usual choice: its imports run row by row through a Resource
whose fields, widgets and `full_clean` carry their own rules, and each row is saved on its own.
The laureate format's rules already exist once, in `importer.LaureateImporter`: whole-file
validation that reports every problem, multi-value columns, members matched by SIREN and created
as organisations, one lead per consortium, and all-or-nothing writes. Plugging that into
import-export means overriding `import_data` and rebuilding its Result objects, so that only
its templates would be reused, for two more dependencies (tablib, diff-match-patch) and a
temporary file storage to configure per deployment. A small view over LaureateImporter is the
one set of rules, shared with `import_laureates`.
"""

import csv
import datetime
import hashlib
import io
from dataclasses import dataclass, field

import openpyxl
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .importer import (
    COLUMN_NAMES,
    COLUMNS,
    ImportFailed,
    LaureateImporter,
    Problem,
    decode,
    laureate_to_row,
    split_values,
    write_csv,
)
from .models import Laureate

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
# The file waits in the session between preview and confirm: its text, bounded like the upload.
MAX_TEXT_CHARS = 5 * 1024 * 1024
MAX_SHEET_ROWS = 5000
SESSION_KEY = "laureate_import"
EXPORT_PREFETCH = ["sectors", "regions", "memberships__organisation", "sources"]
AMOUNT_COLUMNS = {"cout_total_eur", "aide_etat_eur"}
MULTI_VALUE_COLUMNS = {"secteurs", "regions", "membres", "sources"}


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV (UTF-8) ou XLSX"),
        help_text=gettext_lazy("5 Mo au plus. Les colonnes sont décrites plus bas."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(
                _("Le fichier pèse %(size)s Mo : 5 Mo au plus.")
                % {"size": round(upload.size / 1024 / 1024, 1)}
            )
        if not upload.name.lower().endswith((".csv", ".xlsx")):
            raise ValidationError(
                _("Format non pris en charge : déposez un fichier .csv ou .xlsx.")
            )
        return upload


def cell_text(value):
    """A spreadsheet cell as the CSV format writes it (dates ISO, whole numbers without .0)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def pick_sheet(workbook):
    """The first sheet whose header has a "slug" column (an export adds an "À propos" sheet)."""
    for sheet in workbook.worksheets:
        header = next(sheet.iter_rows(max_row=1, values_only=True), ())
        if "slug" in [cell_text(cell).strip() for cell in header]:
            return sheet
    return workbook.worksheets[0]


def xlsx_to_csv(data):
    """The laureates sheet as CSV text, and which sheet row each CSV line came from.

    The CSV goes through the same LaureateImporter as any file; problems are then reported
    with the sheet's row numbers.
    """
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:
        # openpyxl raises zipfile, KeyError, XML and its own errors for a damaged file.
        raise ImportFailed(
            [Problem(0, "", _("ce fichier n'est pas un classeur XLSX lisible."))]
        ) from error
    try:
        sheet = pick_sheet(workbook)
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        sheet_rows = []
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number > MAX_SHEET_ROWS:
                raise ImportFailed(
                    [Problem(0, "", _("plus de %(max)s lignes.") % {"max": MAX_SHEET_ROWS})]
                )
            cells = [cell_text(cell) for cell in row]
            while cells and not cells[-1].strip():
                cells.pop()
            if number > 1 and not cells:
                continue
            writer.writerow(cells)
            sheet_rows.append(number)
    finally:
        workbook.close()
    text = out.getvalue()
    reader = csv.reader(io.StringIO(text, newline=""))
    line_map = {}
    for index, _row in enumerate(reader):
        line_map[reader.line_num] = sheet_rows[index]
    return text, line_map


def read_upload(name, data):
    """(CSV text, {CSV line: sheet row} or None) of an uploaded file; ImportFailed if unreadable."""
    if name.lower().endswith(".xlsx"):
        text, line_map = xlsx_to_csv(data)
    else:
        text, line_map = decode(data), None
    if len(text) > MAX_TEXT_CHARS:
        raise ImportFailed([Problem(0, "", _("le fichier lu dépasse 5 millions de caractères."))])
    return text, line_map


def relabel(problems, line_map):
    if not line_map:
        return list(problems)
    return [Problem(line_map.get(p.line, p.line), p.column, p.message) for p in problems]


@dataclass
class PreviewRow:
    line: int
    slug: str
    name: str
    changes: list = field(default_factory=list)  # (column, before, after) for an update


@dataclass
class Preview:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    organisations_created: int = 0


def shorten(value, limit=80):
    return value if len(value) <= limit else value[: limit - 1] + "…"


def describe_change(column, before, after):
    """(column, before, after) for the preview; multi-value columns list what is added/removed."""
    if column not in MULTI_VALUE_COLUMNS:
        return column, shorten(before), shorten(after)
    old, new = set(split_values(before)), set(split_values(after))
    removed = "\n".join(shorten(value) for value in sorted(old - new))
    added = "\n".join(shorten(value) for value in sorted(new - old))
    if not removed and not added:  # same values, another order or spacing
        return column, shorten(before), shorten(after)
    return column, removed, added


def build_preview(text, line_map=None):
    """What importing this text would do, found by importing it and rolling back.

    The same LaureateImporter as `import_laureates` reads and writes it, so the preview cannot
    disagree with the import.
    """
    importer = LaureateImporter()
    try:
        rows = importer.read(text)
    except ImportFailed as failure:
        return Preview(problems=relabel(failure.problems, line_map))
    by_slug = {row.values["slug"]: row for row in rows}
    existing = Laureate.objects.filter(slug__in=by_slug).prefetch_related(*EXPORT_PREFETCH)
    before = {laureate.slug: laureate_to_row(laureate) for laureate in existing}
    try:
        with transaction.atomic():
            report = importer.import_text(text)
            updated = Laureate.objects.filter(slug__in=report.updated)
            after = {
                laureate.slug: laureate_to_row(laureate)
                for laureate in updated.prefetch_related(*EXPORT_PREFETCH)
            }
            transaction.set_rollback(True)
    except IntegrityError as error:
        return Preview(
            problems=[Problem(0, "", _("écriture refusée : %(error)s") % {"error": error})]
        )

    def preview_row(slug):
        row = by_slug[slug]
        line = line_map.get(row.line, row.line) if line_map else row.line
        return PreviewRow(line=line, slug=slug, name=row.values["name"])

    preview = Preview(organisations_created=report.organisations_created)
    preview.created = [preview_row(slug) for slug in report.created]
    preview.unchanged = [preview_row(slug) for slug in report.unchanged]
    for slug in report.updated:
        entry = preview_row(slug)
        entry.changes = [
            describe_change(column, before[slug][column], after[slug][column])
            for column in COLUMN_NAMES
            if before[slug][column] != after[slug][column]
        ]
        preview.updated.append(entry)
    return preview


def export_filename(extension):
    return f"laureats-selection-{timezone.localdate().isoformat()}.{extension}"


class LaureateImportExportMixin:
    """For LaureateAdmin: "Importer un fichier" on the changelist, and the export actions."""

    actions = ["export_csv", "export_xlsx"]
    import_template = "admin/laureats/laureate/import.html"

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_import"
        return [
            path("importer/", self.admin_site.admin_view(self.import_view), name=name),
            *super().get_urls(),
        ]

    # Import --------------------------------------------------------------------------------

    def import_view(self, request):
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self.import_confirm(request)
        form = ImportFileForm(request.POST or None, request.FILES or None)
        preview = file_name = token = None
        if request.method == "POST" and form.is_valid():
            upload = form.cleaned_data["file"]
            file_name = upload.name
            try:
                text, line_map = read_upload(upload.name, upload.read())
            except ImportFailed as failure:
                preview = Preview(problems=failure.problems)
            else:
                preview = build_preview(text, line_map)
                if not preview.problems:
                    # Confirming imports this exact text, kept server-side: never a re-upload.
                    token = hashlib.sha256(text.encode()).hexdigest()
                    request.session[SESSION_KEY] = {
                        "text": text,
                        "name": file_name,
                        "token": token,
                        "line_map": sorted(line_map.items()) if line_map else None,
                    }
        return self.render_import(request, form, preview=preview, file_name=file_name, token=token)

    def import_confirm(self, request):
        pending = request.session.get(SESSION_KEY)
        if not pending or request.POST.get("token") != pending["token"]:
            messages.error(
                request,
                _("Ce fichier n'est plus en attente d'importation : déposez-le de nouveau."),
            )
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        try:
            report = LaureateImporter().import_text(pending["text"])
        except (ImportFailed, IntegrityError) as failure:
            # The database changed since the preview (a sector removed...): nothing was written.
            problems = getattr(failure, "problems", None) or [Problem(0, "", str(failure))]
            line_map = dict(pending["line_map"]) if pending["line_map"] else None
            return self.render_import(
                request,
                ImportFileForm(),
                preview=Preview(problems=relabel(problems, line_map)),
                file_name=pending["name"],
            )
        del request.session[SESSION_KEY]
        messages.success(
            request,
            _("« %(name)s » importé : %(summary)s")
            % {"name": pending["name"], "summary": report.summary()},
        )
        return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_changelist")

    def render_import(self, request, form, *, preview=None, file_name=None, token=None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Importer des lauréats"),
            "form": form,
            "preview": preview,
            "file_name": file_name,
            "token": token,
            "columns": COLUMNS,
            "multi_value_columns": MULTI_VALUE_COLUMNS,
            "max_rows": MAX_SHEET_ROWS,
        }
        status = 400 if preview and preview.problems else 200
        return TemplateResponse(request, self.import_template, context, status=status)

    # Export --------------------------------------------------------------------------------

    def export_rows(self, queryset):
        pks = list(queryset.values_list("pk", flat=True))
        return (
            Laureate.objects.filter(pk__in=pks).prefetch_related(*EXPORT_PREFETCH).order_by("name")
        )

    @admin.action(description=gettext_lazy("Exporter la sélection (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        """The selected laureates in the import format: the file can be imported back as is."""
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export_filename("csv")}"'
        write_csv(self.export_rows(queryset), response)
        return response

    @admin.action(description=gettext_lazy("Exporter la sélection (XLSX)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        workbook = openpyxl.Workbook()
        sheet = workbook.active
        sheet.title = "Lauréats"
        sheet.append(COLUMN_NAMES)
        for laureate in self.export_rows(queryset):
            row = laureate_to_row(laureate)
            sheet.append(
                [
                    int(row[name]) if name in AMOUNT_COLUMNS and row[name] else row[name]
                    for name in COLUMN_NAMES
                ]
            )
            # openpyxl turns a text starting with "=" into a formula: keep it a text.
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
        response = HttpResponse(
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response["Content-Disposition"] = f'attachment; filename="{export_filename("xlsx")}"'
        workbook.save(response)
        return response
