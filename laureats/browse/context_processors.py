from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import SuspiciousOperation
from django.urls import translate_url
from django.utils import translation

from .filters import LaureateFilter
from .organisation_filter import OrganisationFilter


def portal(request):
    """Links every page shows: the official list that the portal's coverage is measured against.
    How many laureates it announced is an official figure (`Laureate.objects.coverage()`), read
    by the pages that show it."""
    return {
        "official_list_url": settings.DEFFINUM_OFFICIAL_LIST_URL,
        "licence_name": settings.DEFFINUM_DATA_LICENCE_NAME,
        "licence_url": settings.DEFFINUM_DATA_LICENCE_URL,
    }


# Parameters that change which records a page shows. The sort order, tracking tags, empty
# values and page=1 do not: a canonical URL without them names the same content once.
CANONICAL_PARAMS = (set(LaureateFilter.base_filters) | set(OrganisationFilter.base_filters)) - {
    "tri"
}
# The laureates of /comparer/: a shared comparison must not point to the empty picker.
CANONICAL_PARAMS |= {"l"}
OPEN_GRAPH_LOCALES = {"fr": "fr_FR", "en": "en_GB"}


def canonical_url(request):
    kept = []
    for key in sorted(request.GET):
        values = sorted({value for value in request.GET.getlist(key) if value.strip()})
        if key == "page":
            values = [value for value in values if value != "1"]
        elif key not in CANONICAL_PARAMS:
            continue
        kept += [(key, value) for value in values]
    query = urlencode(kept)
    return request.build_absolute_uri(request.path + (f"?{query}" if query else ""))


def page_urls(request):
    """This page's canonical address, its address in each language, and the language links."""
    current = translation.get_language()
    try:
        canonical = canonical_url(request)
    except SuspiciousOperation:
        # The 400 page for a forged Host header or a query string Django refuses to read
        # (more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS): no address to give.
        return {}
    full_path = request.get_full_path()
    return {
        "canonical_url": canonical,
        "x_default_url": translate_url(canonical, settings.LANGUAGE_CODE),
        "og_locale": OPEN_GRAPH_LOCALES.get(current, current),
        "languages": [
            {
                "code": code,
                "name": name,
                "og_locale": OPEN_GRAPH_LOCALES.get(code, code),
                "canonical_url": translate_url(canonical, code),
                # The switcher keeps the filters and the page the visitor is on.
                "switch_url": translate_url(full_path, code),
                "is_current": code == current,
            }
            for code, name in settings.LANGUAGES
        ],
    }
