"""API-wide defaults named in settings.REST_FRAMEWORK.

Kept apart from the views: DRF imports these while `rest_framework.views` is still loading, so
this module must not import it at the top.
"""

import logging

from django.conf import settings
from django.core.cache import caches
from django.utils.translation import gettext as _
from rest_framework import exceptions, pagination, throttling
from rest_framework.response import Response
from rest_framework.settings import api_settings

from deffinum.client import client_network

logger = logging.getLogger(__name__)

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


class ClientRateThrottle(throttling.AnonRateThrottle):
    """Per visitor (deffinum.client: an IPv6 one is its /64), counted in the limits' cache,
    which no stored page can evict; the rate read per request so that a settings change
    applies. With the cache unreachable it lets requests through: the API stays up without its
    limit rather than failing every request."""

    @property
    def cache(self):
        return caches[settings.LIMITS_CACHE]

    def get_rate(self):
        return api_settings.DEFAULT_THROTTLE_RATES[self.scope]

    def get_ident(self, request):
        return client_network(request)

    def allow_request(self, request, view):
        try:
            return super().allow_request(request, view)
        except Exception:
            logger.warning("Limite de l'API non appliquée : le cache ne répond pas.", exc_info=True)
            return True


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = "Numéro de page, à partir de 1."
    page_size_query_description = (
        f"Résultats par page ({PAGE_SIZE} par défaut, {MAX_PAGE_SIZE} au plus)."
    )

    def paginate_queryset(self, queryset, request, view=None):
        self.view = view
        self.notices = []
        raw = request.query_params.get(self.page_size_query_param, "").strip()
        if raw and not (raw.isascii() and raw.isdigit() and int(raw) > 0):
            # Ignored as a bad filter value is, and said the same way (`notices`).
            message = _(
                "« %(value)s » n'est pas un nombre de résultats par page (un entier de 1 à "
                "%(max)s) : il est ignoré, %(default)s par page."
            )
            self.notices.append(
                message % {"value": raw[:60], "max": self.max_page_size, "default": self.page_size}
            )
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raw = request.query_params.get(self.page_query_param, "")[:20]
            if not raw.isdigit() or int(raw) < 1:
                message = _("« %(page)s » n'est pas un numéro de page (un entier à partir de 1).")
                raise exceptions.NotFound(message % {"page": raw}) from None
            pages = self.django_paginator_class(queryset, self.get_page_size(request)).num_pages
            message = _(
                "La page %(page)s n'existe pas : ces résultats tiennent en %(pages)s page(s)."
            )
            raise exceptions.NotFound(message % {"page": raw, "pages": pages}) from None

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.paginator.count,
                "next": self.get_next_link(),
                "previous": self.get_previous_link(),
                "notices": [str(notice) for notice in self.notices],
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        response_schema = super().get_paginated_response_schema(schema)
        response_schema["properties"]["notices"] = {
            "type": "array",
            "items": {"type": "string"},
            "description": (
                "Les valeurs ignorées (un `page_size` qui n'est pas un nombre), et pourquoi. "
                "Vide quand tout a été compris ; une valeur de filtre inconnue n'est jamais "
                "ignorée, elle répond 400."
            ),
        }
        return response_schema


def exception_handler(exc, context):
    """DRF's handler, with a machine-readable `code` beside the French `detail`."""
    if isinstance(exc, exceptions.Throttled):
        exc = exceptions.Throttled(
            wait=exc.wait,
            detail=_(
                "Trop de requêtes depuis votre adresse : réessayez dans quelques secondes "
                "(voir l'en-tête Retry-After)."
            ),
        )
    from rest_framework.views import exception_handler as drf_exception_handler

    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(response.data, dict) and "detail" in response.data:
        detail = response.data["detail"]
        response.data = {"detail": str(detail), "code": getattr(detail, "code", "error")}
        # filter_values.InvalidFilter: each refused value and what is allowed instead.
        if parameters := getattr(exc, "parameters", None):
            response.data["parameters"] = parameters
    return response
