"""Atom feeds: the change log (every laureate's, or one's), the shared productions' changes, and
any search of /laureats/.

A search feed binds the list's own FilterSet to the same query string (bind_filterset): it holds
the FEED_ENTRIES most recently changed laureates of the search, in the list's order; for a search
of at most FEED_ENTRIES laureates, exactly the laureates the list shows for it, every page.

The page cache stores feeds like pages (PAGE_CACHE_PARAMETERS names their parameters) and any
data write invalidates them. Their Last-Modified is the data version's, as for pages, rather
than the newest entry's: a laureate leaving a search changes the feed but adds no newer entry.
"""

import re

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from ..browse.facets import active_chips
from ..browse.filters import LaureateFilter, bind_filterset
from ..models import Laureate
from .log import FEED_LIMIT, Journal
from .resources import KIND as RESOURCE_KIND

FEED_ENTRIES = FEED_LIMIT
# The parameters of a list URL that do not change which laureates it shows.
NOT_FILTERS = {"page"}


# XML 1.0 has no place for these: Django refuses to write them, which would make a search for
# "\x01", or a name pasted with a stray control character, a server error for the whole feed.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value):
    return NOT_XML.sub("", value) if isinstance(value, str) else value


class XmlSafeAtom1Feed(Atom1Feed):
    def __init__(self, *args, **kwargs):
        super().__init__(*map(xml_text, args), **{k: xml_text(v) for k, v in kwargs.items()})

    def add_item(self, *args, **kwargs):
        super().add_item(*map(xml_text, args), **{k: xml_text(v) for k, v in kwargs.items()})


class AtomFeed(Feed):
    feed_type = XmlSafeAtom1Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        del response["Last-Modified"]
        return response


def with_guid_base(journal, request):
    """An Atom id is an absolute IRI, the same in every language and every feed that holds
    the entry: the address of the entry in the French /journal/."""
    with translation.override(settings.LANGUAGE_CODE):
        journal.guid_base = request.build_absolute_uri(reverse("laureats:journal"))
    return journal


def with_guids(journal, entries):
    for entry in entries:
        entry.guid = f"{journal.guid_base}#{entry.anchor}"
    return entries


class JournalFeed(AtomFeed):
    """The newest changes of every published laureate (publications included)."""

    def get_object(self, request):
        return with_guid_base(Journal(), request)

    def title(self, journal):
        return _("Lauréats Deffinum : nouveautés et modifications")

    def subtitle(self, journal):
        return _("Les lauréats publiés et les changements de leurs fiches, au fil de l'eau.")

    def link(self, journal):
        return reverse("laureats:journal")

    def feed_url(self, journal):
        return reverse("laureats:journal-feed")

    def items(self, journal):
        return with_guids(journal, journal.page(limit=FEED_ENTRIES, laureates_only=True))

    def item_title(self, entry):
        return entry.summary()

    def item_description(self, entry):
        return render_to_string("laureats/_journal_changes.html", {"entry": entry})

    def item_link(self, entry):
        return entry.url

    def item_guid(self, entry):
        return entry.guid

    def item_guid_is_permalink(self, entry):
        return False

    def item_pubdate(self, entry):
        return entry.date

    def item_updateddate(self, entry):
        return entry.date


class LaureateHistoryFeed(JournalFeed):
    """The changes of one published laureate."""

    def get_object(self, request, slug):
        journal = Journal(slug=slug)
        if journal.laureate is None:
            raise Http404
        return with_guid_base(journal, request)

    def title(self, journal):
        return _("%(name)s : modifications de la fiche") % {"name": journal.laureate["name"]}

    def subtitle(self, journal):
        return _("Les changements de cette fiche du portail Deffinum.")

    def link(self, journal):
        return reverse("laureats:laureate-history", args=[journal.laureate["slug"]])

    def feed_url(self, journal):
        return reverse("laureats:laureate-history-feed", args=[journal.laureate["slug"]])

    def items(self, journal):
        return with_guids(journal, journal.page(limit=FEED_ENTRIES))


class ResourceFeed(JournalFeed):
    """The shared productions added to the catalogue, changed and removed (journal/resources.py)."""

    def title(self, journal):
        return _("Productions partagées Deffinum : ajouts et modifications")

    def subtitle(self, journal):
        return _(
            "Les productions partagées ajoutées au catalogue, modifiées ou retirées, au fil de "
            "l'eau."
        )

    def link(self, journal):
        return reverse("laureats:resource-list")

    def feed_url(self, journal):
        return reverse("laureats:resource-feed")

    def items(self, journal):
        return with_guids(journal, journal.page(kind=RESOURCE_KIND, limit=FEED_ENTRIES))


class Search:
    def __init__(self, request):
        params = request.GET.copy()
        for name in NOT_FILTERS:
            params.pop(name, None)
        self.query = params.urlencode()
        self.filterset, self.notices = bind_filterset(
            LaureateFilter, params, Laureate.objects.for_list()
        )

    def url(self, name):
        return reverse(name) + (f"?{self.query}" if self.query else "")


class SearchFeed(AtomFeed):
    """The laureates of a search of /laureats/, with the same query string."""

    def get_object(self, request):
        return Search(request)

    def title(self, search):
        # What a reader's list of feeds shows: the search's filters, as the list's chips say.
        values = [str(chip["value"]) for chip in active_chips(search.filterset)]
        if not values:
            return _("Lauréats Deffinum : tous les lauréats")
        return _("Lauréats Deffinum : %(filters)s") % {"filters": ", ".join(values)}

    def subtitle(self, search):
        return _(
            "Les lauréats de cette recherche sur le portail Deffinum, les %(count)s modifiés le "
            "plus récemment au plus."
        ) % {"count": FEED_ENTRIES}

    def link(self, search):
        return search.url("laureats:laureate-list")

    def feed_url(self, search):
        return search.url("laureats:laureate-feed")

    def items(self, search):
        # As feeds do, the newest only: a search of all 10,000 laureates is not one feed.
        results = search.filterset.qs
        newest = results.order_by("-updated_at", "-pk").values("pk")[:FEED_ENTRIES]
        return results.filter(pk__in=newest)

    def item_title(self, laureate):
        return str(laureate)

    def item_description(self, laureate):
        return render_to_string("laureats/_feed_laureate.html", {"laureate": laureate})

    def item_pubdate(self, laureate):
        return laureate.created_at

    def item_updateddate(self, laureate):
        return laureate.updated_at
