"""Admin import of a CSV or XLSX file (preview, then confirm) and export of selected laureates.

The same page imports a file of shared productions: the importer recognises it by its header
(the `ressource` column) and its plan goes through the same preview, confirmation and checks.

Why not django-import-export, the usual choice: its imports run row by row through a Resource
whose fields, widgets and `full_clean` carry their own rules, and each row is saved on its own.
The laureate format's rules already exist once, in `csv_format` and `importer`: whole-file
validation that reports every problem, multi-value columns, members matched by SIREN and created
as organisations, one lead per consortium, and all-or-nothing writes. Plugging that into
import-export means overriding `import_data` and rebuilding its Result objects, so that only
its templates would be reused, for two more dependencies (tablib, diff-match-patch) and a
temporary file storage to configure per deployment. A small view over LaureateImporter is the
one set of rules, shared with `import_laureates`.

Between the preview and the confirmation, the file and the plan its preview showed wait in
the database (models.PendingImport), never in the cache: a Redis down or evicting neither
fails the import nor loses a preview. Confirming applies that plan as it is if the database has
not moved since (`database_state`). If it has, the file is compared with today's data again:
the same plan is applied; a different one is shown as a new preview, marked as changed, and
only a confirmation of that one applies it (issue 21). Applying checks the version of every
laureate and organisation the plan writes, under a lock, so that nothing written between that
check and the import is overwritten either (importer.PlanMoved).
"""

import openpyxl
from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..csv_format import COLUMN_NAMES, COLUMNS, MAX_BYTES, MAX_ROWS
from ..csv_format.blank_files import (
    blank_csv,
    blank_resources_csv,
    blank_resources_xlsx,
    blank_xlsx,
)
from ..csv_format.resource_columns import RESOURCE_COLUMNS
from ..importer import ImportFailed, PlanMoved, apply_plan, database_state, plan_file
from ..models import Laureate, PendingImport
from ..opendata.exports import csv_pieces, xlsx_cell, xlsx_header
from ..opendata.rows import laureate_rows
from .import_preview import Preview

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# {kind: {extension: (content type, builder)}}, and the file name each is downloaded under.
BLANK_FILES = {
    "laureats": {"csv": (CSV_TYPE, blank_csv), "xlsx": (XLSX_TYPE, blank_xlsx)},
    "productions": {
        "csv": (CSV_TYPE, blank_resources_csv),
        "xlsx": (XLSX_TYPE, blank_resources_xlsx),
    },
}
EXTENSIONS = (".csv", ".txt", ".tsv", ".xlsx", ".xls", ".ods")


class ImportFileForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Fichier CSV, XLSX, XLS ou ODS"),
        help_text=gettext_lazy("5 Mo au plus. Les colonnes sont décrites plus bas."),
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS) + ",text/csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_BYTES:
            raise ValidationError(
                _("Le fichier pèse %(size)s Mo : 5 Mo au plus.")
                % {"size": round(upload.size / 1024 / 1024, 1)}
            )
        if not upload.name.lower().endswith(EXTENSIONS):
            raise ValidationError(
                _("Format non pris en charge : déposez un fichier .csv, .xlsx, .xls ou .ods.")
            )
        return upload


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
            path(
                "importer/modele.<str:extension>",
                self.admin_site.admin_view(self.blank_file_view),
                name=f"{name}_model",
            ),
            path(
                "importer/modele-productions.<str:extension>",
                self.admin_site.admin_view(self.blank_file_view),
                {"kind": "productions"},
                name=f"{name}_resource_model",
            ),
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
            data = upload.read()
            # Read before the plan: a write during the planning shows as a move at confirmation.
            state = database_state()
            try:
                plan = plan_file(file_name, data)
            except ImportFailed as failure:
                preview = Preview(problems=failure.problems)
            else:
                may_write(request, plan)
                preview = Preview(plan)
                # Confirming imports this exact file, kept server-side: never a re-upload.
                token = PendingImport.keep(request.user, file_name, data, plan, state).token
        return self.render_import(request, form, preview=preview, file_name=file_name, token=token)

    def blank_file_view(self, request, extension, kind="laureats"):
        """The empty file to fill in: the header row the import reads, as CSV or XLSX, of
        laureates (whose workbook also has the productions' sheet) or of productions."""
        if not (self.has_add_permission(request) and self.has_change_permission(request)):
            raise PermissionDenied
        if extension not in BLANK_FILES[kind]:
            raise Http404(_("Modèle disponible en .csv ou .xlsx seulement."))
        content_type, build = BLANK_FILES[kind][extension]
        # "-vide": fixtures/laureats-modele.csv is another file, holding the real laureates.
        response = HttpResponse(build(), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{kind}-modele-vide.{extension}"'
        return response

    def import_confirm(self, request):
        pending = (
            PendingImport.objects.live()
            .filter(user=request.user, token=request.POST.get("token", ""))
            .first()
        )
        shown = pending.load_plan() if pending else None
        if shown is not None:
            may_write(request, shown)
        if shown is None:
            messages.error(
                request,
                _("Ce fichier n'est plus en attente d'importation : déposez-le de nouveau."),
            )
            return redirect(f"admin:{self.opts.app_label}_{self.opts.model_name}_import")
        data = bytes(pending.data)
        fresh = None
        try:
            try:
                plan = shown
                state = database_state()
                if state != pending.state:
                    # Someone wrote since the preview: the file against today's data.
                    plan = plan_file(pending.file_name, data)
                    if plan.shown() != shown.shown():
                        fresh = (plan, state)
                        raise PlanMoved
                apply_plan(plan, user=request.user)
            except PlanMoved:
                return self.moved_preview(request, pending, shown, *(fresh or ()))
        except ImportFailed as failure:
            pending.delete()
            return self.render_import(
                request,
                ImportFileForm(),
                preview=Preview(problems=failure.problems),
                file_name=pending.file_name,
            )
        pending.delete()
        messages.success(
            request,
            _("« %(name)s » importé : %(summary)s")
            % {"name": pending.file_name, "summary": plan.summary()},
        )
        model_name = "resource" if plan.kind == "resources" else self.opts.model_name
        return redirect(f"admin:{self.opts.app_label}_{model_name}_changelist")

    def moved_preview(self, request, pending, shown, plan=None, state=None):
        """The preview of the plan as it is today (made with the database in `state`), marked
        where it differs from the one shown: nothing was imported, and confirming this one
        imports what it shows."""
        data = bytes(pending.data)
        if plan is None:
            state = database_state()
            plan = plan_file(pending.file_name, data)
        token = PendingImport.keep(request.user, pending.file_name, data, plan, state).token
        return self.render_import(
            request,
            ImportFileForm(),
            preview=Preview(plan, moved=plan.rows_changed_since(shown)),
            file_name=pending.file_name,
            token=token,
            status=409,
        )

    def render_import(
        self, request, form, *, preview=None, file_name=None, token=None, status=None
    ):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": _("Importer des lauréats"),
            "form": form,
            "preview": preview,
            "file_name": file_name,
            "token": token,
            "columns": COLUMNS,
            "resource_columns": RESOURCE_COLUMNS,
            "max_rows": MAX_ROWS,
        }
        if status is None:
            status = 400 if preview and preview.problems else 200
        return TemplateResponse(request, self.import_template, context, status=status)

    # Export --------------------------------------------------------------------------------

    def export_rows(self, queryset, typed=False):
        """The selected laureates in the open data files' row format, by name: the file can be
        imported back as is."""
        pks = list(queryset.values_list("pk", flat=True))
        return laureate_rows(Laureate.objects.filter(pk__in=pks).in_name_order(), typed)

    @admin.action(description=gettext_lazy("Exporter la sélection (CSV)"), permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{export_filename("csv")}"'
        response.writelines(csv_pieces(self.export_rows(queryset), COLUMN_NAMES))
        return response

    @admin.action(description=gettext_lazy("Exporter la sélection (XLSX)"), permissions=["view"])
    def export_xlsx(self, request, queryset):
        workbook = openpyxl.Workbook(write_only=True)
        sheet = workbook.create_sheet("Lauréats")
        sheet.freeze_panes = "A2"
        xlsx_header(sheet, COLUMN_NAMES)
        for row in self.export_rows(queryset, typed=True):
            sheet.append([xlsx_cell(sheet, value) for value in row])
        response = HttpResponse(content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{export_filename("xlsx")}"'
        workbook.save(response)
        return response


def may_write(request, plan):
    """The import page is the laureates' (their add and change permissions let one in); a file
    of shared productions writes productions, which needs their permissions too."""
    if plan.kind == "resources" and not (
        request.user.has_perm("laureats.add_resource")
        and request.user.has_perm("laureats.change_resource")
    ):
        raise PermissionDenied(
            _("Importer des productions partagées demande le droit de les ajouter et modifier.")
        )
