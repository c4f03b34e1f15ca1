"""Feed autodiscovery: the <link rel="alternate"> of the feeds that belong to the current page."""

from django import template
from django.core.exceptions import SuspiciousOperation
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _

from ..journal.feeds import NOT_FILTERS

register = template.Library()


def search_feed_url(request):
    """The feed of the list's current search, or None on the 400 page of a query string
    Django refuses to read (more parameters than it accepts)."""
    try:
        params = request.GET.copy()
    except SuspiciousOperation:
        return None
    for parameter in NOT_FILTERS:
        params.pop(parameter, None)
    query = params.urlencode()
    return reverse("laureats:laureate-feed") + (f"?{query}" if query else "")


def page_feeds(request):
    """(title, URL) of the feeds of the page `request` asked for."""
    match = getattr(request, "resolver_match", None)
    name = match.view_name if match else ""
    feeds = []
    if name == "laureats:laureate-list" and (url := search_feed_url(request)):
        feeds.append((_("Les lauréats de cette recherche"), url))
    elif name in {"laureats:laureate-detail", "laureats:laureate-history"}:
        url = reverse("laureats:laureate-history-feed", args=[match.kwargs["slug"]])
        feeds.append((_("Les modifications de cette fiche"), url))
    elif name in {"laureats:resource-list", "laureats:resource-detail"}:
        url = reverse("laureats:resource-feed")
        feeds.append((_("Ajouts et modifications des productions partagées"), url))
    # Every page offers the site's feed of new and changed laureates.
    feeds.append((_("Nouveautés et modifications des lauréats"), reverse("laureats:journal-feed")))
    return feeds


@register.simple_tag(takes_context=True)
def feed_links(context):
    request = context.get("request")
    if request is None:
        return ""
    return format_html_join(
        "\n  ",
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        page_feeds(request),
    )
