"""The organisations' admin actions that find likely duplicates and merge two of them
(laureats/organisations/merge.py does the work): a page listing the groups found, and a merge page
that shows what will move before anything is written."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Organisation
from ..organisations.merge import MergeRefused, duplicate_groups, merge, plan_merge
from ..text.ordering import sort_key

DUPLICATE_FIELDS = ["pk", "name", "slug", "aliases", "siren", "kind", "city", "version"]


class MergeForm(forms.Form):
    kept = forms.IntegerField(widget=forms.HiddenInput)
    absorbed = forms.IntegerField(widget=forms.HiddenInput)
    kept_version = forms.IntegerField(widget=forms.HiddenInput)
    absorbed_version = forms.IntegerField(widget=forms.HiddenInput)


class OrganisationMergeMixin:
    """For OrganisationAdmin: the two actions and the merge page."""

    actions = ["find_duplicates", "merge_two"]

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_merge"
        return [
            path("fusionner/", self.admin_site.admin_view(self.merge_view), name=name),
            *super().get_urls(),
        ]

    def merge_url(self, kept, absorbed):
        url = reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_merge")
        return f"{url}?garder={kept.pk}&fusionner={absorbed.pk}"

    @admin.action(
        description=gettext_lazy("Repérer les doublons probables des organisations sélectionnées"),
        permissions=["change"],
    )
    def find_duplicates(self, request, queryset):
        selected = set(queryset.values_list("pk", flat=True))
        everyone = Organisation.objects.only(*DUPLICATE_FIELDS).in_name_order()
        # In French reading order, ties of case and accent broken alike on every database
        # ("Bâtiment PACA", "batiment Paca" fold alike): the first is the one offered to keep.
        groups = [
            sorted(group, key=lambda organisation: sort_key(organisation.name))
            for group in duplicate_groups(everyone)
            if selected & {o.pk for o in group}
        ]
        rows = [
            (group, [(other, self.merge_url(group[0], other)) for other in group[1:]])
            for group in groups
        ]
        return TemplateResponse(
            request,
            "admin/laureats/organisation/duplicates.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Doublons probables"),
                "rows": rows,
                "selected_count": len(selected),
            },
        )

    @admin.action(
        description=gettext_lazy("Fusionner les deux organisations sélectionnées"),
        permissions=["change", "delete"],
    )
    def merge_two(self, request, queryset):
        pair = list(queryset.in_name_order()[:3])
        if len(pair) != 2:
            self.message_user(
                request,
                _("Sélectionnez exactement deux organisations à fusionner."),
                messages.ERROR,
            )
            return None
        return redirect(self.merge_url(*pair))

    def merge_view(self, request):
        if not (self.has_change_permission(request) and self.has_delete_permission(request)):
            raise PermissionDenied
        if request.method == "POST":
            return self.merge_confirm(request)
        keys = [request.GET.get("garder", ""), request.GET.get("fusionner", "")]
        if not all(key.isascii() and key.isdigit() and len(key) < 18 for key in keys):
            return self.merge_refused(request, _("Choisissez deux organisations à fusionner."))
        rows = Organisation.objects.select_related("region").in_bulk([int(k) for k in keys])
        if len(rows) != 2:
            return self.merge_refused(request, _("Choisissez deux organisations différentes."))
        kept, absorbed = rows[int(keys[0])], rows[int(keys[1])]
        try:
            plan = plan_merge(kept, absorbed)
        except MergeRefused as refusal:
            return self.merge_refused(request, str(refusal))
        form = MergeForm(
            initial={
                "kept": kept.pk,
                "absorbed": absorbed.pk,
                "kept_version": kept.version,
                "absorbed_version": absorbed.version,
            }
        )
        return TemplateResponse(
            request,
            "admin/laureats/organisation/merge.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Fusionner deux organisations"),
                "plan": plan,
                "form": form,
                "swap_url": self.merge_url(absorbed, kept),
            },
        )

    def merge_confirm(self, request):
        form = MergeForm(request.POST)
        if not form.is_valid():
            return self.merge_refused(request, _("Ce formulaire de fusion est incomplet."))
        data = form.cleaned_data
        try:
            kept = merge(
                data["kept"], data["absorbed"], data["kept_version"], data["absorbed_version"]
            )
        except MergeRefused as refusal:
            return self.merge_refused(request, str(refusal))
        self.message_user(
            request,
            _("Les deux organisations n'en font plus qu'une : « %(name)s ».") % {"name": kept},
            messages.SUCCESS,
        )
        return redirect(reverse("admin:laureats_organisation_change", args=[kept.pk]))

    def merge_refused(self, request, message):
        self.message_user(request, message, messages.ERROR)
        return redirect(reverse("admin:laureats_organisation_changelist"))
