"""How many laureates the programme announced for a filter value, and how many are entered.

An empty list or a short bar reads as a fact ("no health laureate in Occitanie") when the portal
holds 4 of the 62 laureates. Wherever a page counts the laureates of a sector, a scope or a
status, it compares that count with the official figure for it, when one was published, and
says what is not entered yet. `figure_filter` is the one place that says which filter value an
official figure (`ProgrammeFigure`) counts: a value without such a figure has no announced
count, and nothing is said or estimated about it.
"""

from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from deffinum.pagecache.local import local

from ..browse.counting import EVERY_LAUREATE, count_published
from ..models import Laureate, ProgrammeFigure
from ..text.languages import in_page_language

# The whole programme, without a filter: its figure is the 62 laureates announced.
NO_FILTER = ("", "")
# The figures, by key, that count the laureates of one filter value; besides these, each
# per-sector figure counts its sector's (`ProgrammeFigure.sector`).
FILTER_FIGURES = {
    ProgrammeFigure.ANNOUNCED_LAUREATES: NO_FILTER,
    "national_scope": ("portee", Laureate.Scope.NATIONAL),
    "interregional_scope": ("portee", Laureate.Scope.INTERREGIONAL),
    "redirected_to_ami_cma": ("statut", Laureate.Status.REDIRECTED),
}
# The list's filters an announced count can exist for, in the order pages state them.
FILTERS = ("secteur", "portee", "statut")


def figure_filter(key, sector_slug):
    """The (filter, value) whose laureates the figure `key` counts, or None."""
    if sector_slug:
        return ("secteur", sector_slug)
    return FILTER_FIGURES.get(key)


def figures_of_filters():
    """A condition on `ProgrammeFigure` selecting the figures `figure_filter` knows."""
    return Q(sector__isnull=False) | Q(key__in=list(FILTER_FIGURES))


@dataclass(frozen=True)
class Announced:
    """The official figure of one filter value: how many laureates, and where it was published."""

    param: str
    value: str
    count: int
    # The sector's names in French and English, for the sentence ("8 lauréats Santé et social
    # annoncés"): kept per data version, for pages in either language.
    names: tuple
    sector_pk: int | None
    sources: tuple  # (title, url), those with an address
    note: str = ""

    @property
    def name(self):
        return in_page_language(*self.names)

    @property
    def text(self):
        count = self.count
        if self.param == "secteur":
            template = ngettext(
                "%(count)s lauréat %(name)s annoncé", "%(count)s lauréats %(name)s annoncés", count
            )
        elif (self.param, self.value) == ("portee", Laureate.Scope.NATIONAL):
            template = ngettext(
                "%(count)s lauréat de portée nationale annoncé",
                "%(count)s lauréats de portée nationale annoncés",
                count,
            )
        elif (self.param, self.value) == ("portee", Laureate.Scope.INTERREGIONAL):
            template = ngettext(
                "%(count)s lauréat de portée interrégionale annoncé",
                "%(count)s lauréats de portée interrégionale annoncés",
                count,
            )
        elif (self.param, self.value) == ("statut", Laureate.Status.REDIRECTED):
            template = ngettext(
                "%(count)s lauréat réorienté vers l'AMI « Compétences et métiers d'avenir » "
                "annoncé",
                "%(count)s lauréats réorientés vers l'AMI « Compétences et métiers d'avenir » "
                "annoncés",
                count,
            )
        else:
            template = ngettext("%(count)s lauréat annoncé", "%(count)s lauréats annoncés", count)
        return template % {"count": count, "name": self.name}

    def condition(self):
        """The laureates this value selects, by the list's own rule (browse/counting.py)."""
        return (self.param, self.sector_pk if self.param == "secteur" else self.value)


@dataclass(frozen=True)
class Shortfall:
    """An announced count with fewer laureates entered: what a page says beside its count."""

    announced: Announced
    entered: int

    @property
    def missing(self):
        return max(self.announced.count - self.entered, 0)

    @property
    def text(self):
        entered = ngettext(
            "%(count)s saisi sur ce portail", "%(count)s saisis sur ce portail", self.entered
        ) % {"count": self.entered}
        return _("%(announced)s, %(entered)s") % {
            "announced": self.announced.text,
            "entered": entered,
        }

    @property
    def sources(self):
        return self.announced.sources

    @property
    def list_url(self):
        """The entered laureates of this value."""
        url = reverse("laureats:laureate-list")
        param, value = self.announced.param, self.announced.value
        return f"{url}?{param}={value}" if param else url


class AnnouncedCounts:
    """The announced count of every filter value that has one, by (filter, value)."""

    def __init__(self, announced):
        self.by_filter = {(item.param, item.value): item for item in announced}

    @classmethod
    def load(cls):
        """One query: the few figures of filter values, with their sources' addresses."""
        rows = (
            ProgrammeFigure.objects.filter(figures_of_filters())
            .order_by("position", "key", "sources__id")
            .values_list(
                "key",
                "value",
                "note",
                "sector_id",
                "sector__slug",
                "sector__name",
                "sector__name_en",
                "sources__title",
                "sources__url",
            )
        )
        figures, sources = {}, {}
        for key, value, note, sector_pk, slug, name, name_en, title, url in rows:
            figures.setdefault(key, (value, note, sector_pk, slug, (name or "", name_en or "")))
            if url:
                sources.setdefault(key, []).append((title or url, url))
        return cls(
            announced(key, value, note, sector_pk, slug, names, sources.get(key, ()))
            for key, (value, note, sector_pk, slug, names) in figures.items()
        )

    @classmethod
    def from_figures(cls, figures):
        """From `ProgrammeFigure` rows a page already read, with their `sector` and `sources`:
        the home page and the statistics show the figures anyway."""
        result = []
        for figure in figures:
            sector = figure.sector if figure.sector_id else None
            sources = [(source.title or source.url, source.url) for source in figure.sources.all()]
            result.append(
                announced(
                    figure.key,
                    figure.value,
                    figure.note,
                    figure.sector_id,
                    sector.slug if sector else "",
                    (sector.name, sector.name_en) if sector else ("", ""),
                    [source for source in sources if source[1]],
                )
            )
        return cls(item for item in result if item is not None)

    def get(self, pair):
        return self.by_filter.get(tuple(pair))

    def of(self, params):
        """The announced counts of the given filter values that have one, in their order."""
        found = (self.get(pair) for pair in dict.fromkeys(tuple(pair) for pair in params))
        return [item for item in found if item is not None]

    def of_filter(self, param):
        """Every announced count of one filter, the largest first (as the charts sort)."""
        items = [item for item in self.by_filter.values() if item.param == param]
        return sorted(items, key=lambda item: (-item.count, item.name, item.value))

    def shortfalls(self, announced, entered):
        """Those of `announced` with fewer laureates `entered` ({(filter, value): count})."""
        result = []
        for item in announced:
            count = entered.get((item.param, item.value))
            if count is not None and count < item.count:
                result.append(Shortfall(item, count))
        return result


def announced(key, value, note, sector_pk, slug, names, sources):
    pair = figure_filter(key, slug)
    if pair is None:
        return None
    # Each address once, in order: two titles may name one page.
    unique = {}
    for title, url in sources:
        unique.setdefault(url, (title, url))
    return Announced(
        pair[0], pair[1], int(value), names, sector_pk, tuple(unique.values()), note or ""
    )


def entered_counts(announced, total=False):
    """How many published laureates each of `announced` selects on the whole portal, by the
    list's own rule, and with `total` how many there are ({NO_FILTER: n}): one query."""
    to_count = [item for item in announced if (item.param, item.value) != NO_FILTER]
    conditions = [item.condition() for item in to_count]
    if total:
        conditions.append(EVERY_LAUREATE)
    if not conditions:
        return {}
    counted = count_published(Laureate.objects.all(), conditions)
    result = {(item.param, item.value): n for item, n in zip(to_count, counted, strict=False)}
    if total:
        result[NO_FILTER] = counted[-1]
    return result


def announced_and_entered():
    """Every announced count, and the laureates entered for each and in all, read once per data
    version in each process (deffinum/pagecache/): two queries after a write to the data, none
    until the next one. Counting every published laureate costs ~10 ms at 10,000 of them, which
    a filtered list must not pay on every request."""
    return local.per_version("announced and entered", read_announced_and_entered)


def read_announced_and_entered():
    official = AnnouncedCounts.load()
    return official, entered_counts(official.by_filter.values(), total=True)


def entered_from_statistics(totals, sector_counts):
    """The entered counts of every filter value, from what the home page and the unfiltered
    statistics have already counted: `LaureateStatistics.totals` of every published laureate,
    and {sector slug: its published laureates}."""
    entered = {NO_FILTER: totals["count"]}
    entered.update((("secteur", slug), count) for slug, count in sector_counts.items())
    entered.update((("portee", value), count) for value, count in totals["scopes"].items())
    entered.update((("statut", value), count) for value, count in totals["statuses"].items())
    return entered
