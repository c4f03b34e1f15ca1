"""Open data: the exports of any search of /laureats/, and the /donnees/ page that documents them."""

from django.db.models import Max
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from rest_framework.settings import api_settings

from .. import exports
from ..data_dictionary import (
    completeness,
    laureate_fields,
    member_fields,
)
from ..models import Laureate, Organisation


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
    laureates = Laureate.objects.published()
    filled = completeness()
    return render(
        request,
        "laureats/opendata.html",
        {
            **Laureate.objects.coverage(),
            "organisation_count": Organisation.objects.with_published_memberships().count(),
            "last_change": laureates.aggregate(last=Max("updated_at"))["last"],
            "laureate_fields": [(field, filled[field.name]) for field in laureate_fields()],
            "member_fields": member_fields(),
            "formats": ["csv", "json", "xlsx"],
            "api_throttle_rate": throttle_rate_text(api_settings.DEFAULT_THROTTLE_RATES["anon"]),
        },
    )
