"""Open data: the exports of any search of /laureats/, and the /donnees/ page that documents them."""

from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from rest_framework.settings import api_settings

from ..models import Organisation
from ..models.completeness import FACTS
from ..opendata import catalogue, exports
from ..opendata.datapackage import CHANGELOG, FORMAT_VERSION, data_package
from ..opendata.dictionary import (
    completeness,
    laureate_fields,
    member_fields,
)
from .public import coverage


@require_safe
def laureate_export(request, extension):
    return exports.laureates_response(exports.Extraction.from_request(request), extension)


@require_safe
def member_export(request, extension):
    return exports.members_response(exports.Extraction.from_request(request), extension)


def throttle_rate_text(rate):
    """ "600/minute" as "600 requêtes par minute", for people."""
    number, _slash, period = rate.partition("/")
    unit = {"s": _("seconde"), "m": _("minute"), "h": _("heure"), "d": _("jour")}[period[:1]]
    return _("%(number)s requêtes par %(unit)s") % {"number": number, "unit": unit}


@require_safe
def open_data(request):
    filled = completeness()
    dates = catalogue.dataset_dates()
    return render(
        request,
        "laureats/opendata.html",
        {
            **coverage(),
            "organisation_count": Organisation.objects.with_published_memberships().count(),
            "last_change": dates["changed"],
            "laureate_fields": [(field, filled[field.name]) for field in laureate_fields()],
            "member_fields": member_fields(),
            "formats": ["csv", "json", "xlsx"],
            "format_version": FORMAT_VERSION,
            "changelog": CHANGELOG,
            "dataset": catalogue.schema_org_dataset(request, dates),
            "completeness_facts": FACTS,
            "api_throttle_rate": throttle_rate_text(api_settings.DEFAULT_THROTTLE_RATES["anon"]),
        },
    )


@require_safe
def datapackage(request):
    """The Frictionless Data Package of the published CSVs: their Table Schemas, licence, date."""
    response = JsonResponse(data_package(request), json_dumps_params={"ensure_ascii": False})
    response["Link"] = f'<{exports.LICENCE_URL}>; rel="license"'
    return response


@require_safe
def dcat_catalogue(request):
    """The dataset in DCAT (JSON-LD), for harvesting catalogues such as data.gouv.fr."""
    return JsonResponse(
        catalogue.dcat_catalogue(request),
        content_type="application/ld+json",
        json_dumps_params={"ensure_ascii": False},
    )
