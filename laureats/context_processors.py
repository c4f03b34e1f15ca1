from django.conf import settings


def portal(request):
    """Links every page shows: the official list that the portal's coverage is measured against."""
    return {
        "official_list_url": settings.DEFFINUM_OFFICIAL_LIST_URL,
        "announced_laureates": settings.DEFFINUM_ANNOUNCED_LAUREATES,
    }
