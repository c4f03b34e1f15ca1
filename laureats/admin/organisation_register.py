"""The organisations' admin action « Compléter depuis le registre » (laureats/register/ does the
work): a page with, for each selected organisation, the diff of what the register says (each
field before → after, with a box to tick) or the candidates found by its name; nothing is
written until the person ticks fields and confirms, each organisation at the version shown."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Organisation
from ..register.client import RegisterClient, RegisterError
from ..register.diff import EnrichmentRefused, apply, read_state
from ..register.lookup import Lookup, look_up, look_up_all

# Each one is a request to the register, at its pace (6 a second): the page answers within
# seconds. More go through `manage.py enrich_organisations`.
MOST_AT_ONCE = 10


class OrganisationRegisterMixin:
    """For OrganisationAdmin: the action and its page."""

    actions = ["enrich_from_register"]

    def get_urls(self):
        name = f"{self.opts.app_label}_{self.opts.model_name}_register"
        return [
            path("registre/", self.admin_site.admin_view(self.register_view), name=name),
            *super().get_urls(),
        ]

    @admin.action(
        description=gettext_lazy("Compléter depuis le registre"),
        permissions=["change"],
    )
    def enrich_from_register(self, request, queryset):
        organisations = list(queryset.select_related("region").in_name_order()[: MOST_AT_ONCE + 1])
        if len(organisations) > MOST_AT_ONCE:
            self.message_user(
                request,
                _(
                    "Sélectionnez au plus %(count)s organisations à la fois ; pour davantage, "
                    "utilisez la commande « manage.py enrich_organisations »."
                )
                % {"count": MOST_AT_ONCE},
                messages.ERROR,
            )
            return None
        return self.register_page(request, look_up_all(organisations))

    def register_page(self, request, lookups):
        return TemplateResponse(
            request,
            "admin/laureats/organisation/register.html",
            {
                **self.admin_site.each_context(request),
                "opts": self.opts,
                "title": _("Compléter depuis le registre des entreprises"),
                "lookups": lookups,
                "register_url": reverse(
                    f"admin:{self.opts.app_label}_{self.opts.model_name}_register"
                ),
                "has_diff": any(lookup.diff for lookup in lookups),
            },
        )

    def register_view(self, request):
        if not self.has_change_permission(request):
            raise PermissionDenied
        if request.method == "POST":
            return self.register_apply(request)
        # A candidate picked: its SIREN, asked for directly.
        key, siren = request.GET.get("organisation", ""), request.GET.get("siren", "")
        organisation = None
        if key.isascii() and key.isdigit() and len(key) < 18:
            organisation = Organisation.objects.select_related("region").filter(pk=key).first()
        if organisation is None or not (siren.isascii() and siren.isdigit() and len(siren) == 9):
            return self.register_refused(request, _("Choisissez une organisation et un SIREN."))
        try:
            lookup = look_up(organisation, RegisterClient(), siren=siren)
        except RegisterError as error:
            lookup = Lookup(organisation, error=str(error))
        return self.register_page(request, [lookup])

    def register_apply(self, request):
        states = request.POST.getlist("state")
        if not states:
            return self.register_refused(request, _("Ce formulaire de comparaison est incomplet."))
        for signed in states:
            try:
                prefix = f"o{read_state(signed)['pk']}"
                organisation, labels = apply(
                    signed,
                    request.POST.getlist(f"{prefix}-fields"),
                    apply_kind=request.POST.get(f"{prefix}-kind") == "on",
                )
            except EnrichmentRefused as refusal:
                self.message_user(request, str(refusal), messages.ERROR)
                continue
            self.message_user(
                request,
                _("« %(name)s » complétée depuis le registre : %(fields)s.")
                % {"name": organisation, "fields": ", ".join(labels) or _("déjà à jour")},
                messages.SUCCESS,
            )
        return redirect(reverse("admin:laureats_organisation_changelist"))

    def register_refused(self, request, message):
        self.message_user(request, message, messages.ERROR)
        return redirect(reverse("admin:laureats_organisation_changelist"))
