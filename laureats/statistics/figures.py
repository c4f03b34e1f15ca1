"""The figures computed from the laureates entered in the portal.

Everything here is an SQL aggregation over the laureates that `LaureateFilter` selects, so the
statistics accept the list's filters and cost the same few queries however many laureates there
are. The programme's official figures are not computed: they are `ProgrammeFigure` rows, read by
`official_figures()` and always shown apart from these.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from ..browse.facets import regions_with_involved_count
from ..browse.rules import has_member_kind
from ..models import Laureate, Membership, Organisation, ProgrammeFigure, Sector
from ..models.completeness import FACTS
from ..text.folding import normalize_text
from ..text.languages import in_page_language

FACTS_BY_KEY = {fact.key: fact for fact in FACTS}


@dataclass(frozen=True)
class Row:
    """One value of a breakdown: `value` is what the list's filter takes ("" when none can)."""

    value: str
    label: str
    count: int
    # For member kinds: how many laureates have at least one member of this kind.
    laureates: int | None = None


def count_text(count, unit):
    # French puts zero in the singular; "aucun" reads better than either.
    if not count:
        return _("aucune organisation") if unit == "organisations" else _("aucun lauréat")
    if unit == "organisations":
        return ngettext("%(count)s organisation", "%(count)s organisations", count) % {
            "count": count
        }
    return ngettext("%(count)s lauréat", "%(count)s lauréats", count) % {"count": count}


@dataclass
class Breakdown:
    """The numbers of one chart: its rows, what they count and the list filter they link to."""

    key: str  # its CSV's name in the URL
    param: str  # the list's filter parameter that selects one row's laureates
    title: str
    counted: str  # the header of the count column
    label_header: str
    description: str
    rows: list
    unit: str = "laureates"
    official: bool = False
    note: str = ""

    @property
    def csv_header(self):
        """Its CSV's columns (statistics_csv writes them; the data package describes them)."""
        counts = ["organisations", "laureats"] if self.unit == "organisations" else ["laureats"]
        return ["valeur", "libelle", *counts, "liste_des_laureats"]

    @property
    def total(self):
        return sum(row.count for row in self.rows)

    @property
    def max_count(self):
        return max((row.count for row in self.rows), default=0)


def by_count(rows):
    return sorted(rows, key=lambda row: (-row.count, normalize_text(row.label)))


def _median(histogram):
    """The median of values given as {value: how many times}, without expanding them."""
    total = sum(histogram.values())
    if not total:
        return None
    middle = [(total - 1) // 2, total // 2]
    found, seen = [], 0
    for value in sorted(histogram):
        seen += histogram[value]
        while len(found) < 2 and middle[len(found)] < seen:
            found.append(value)
    return (found[0] + found[1]) / 2


class LaureateStatistics:
    """The computed figures of a set of laureates; each is queried once, when first read."""

    def __init__(self, laureates, unfiltered=False):
        """`unfiltered`: `laureates` are all the published ones, whose members are then the
        organisations flagged `in_published_laureate` (see `of_published()`)."""
        # Ordering and search ranks mean nothing to a count: only the matching ids are kept.
        self.ids = laureates.order_by().values("pk")
        self.unfiltered = unfiltered

    @classmethod
    def of_published(cls):
        """The figures of every published laureate: the home page's, and the statistics'
        without a filter."""
        return cls(Laureate.objects.published(), unfiltered=True)

    def matching(self):
        # Published (as every caller's laureates are): the partial index then covers the scan.
        return Laureate.objects.published().filter(pk__in=self.ids)

    @cached_property
    def completeness(self):
        return self.matching().completeness_totals()

    @cached_property
    def totals(self):
        """One query: counts, filled-in fields, scopes, statuses and amounts."""
        granted = Q(state_aid_kind=Laureate.StateAidKind.GRANTED)
        aggregates = {
            "count": Count("pk"),
            "with_scope": Count("pk", filter=~Q(scope="")),
            # `region_codes` holds `filters.has_region`'s answer.
            "with_region": Count("pk", filter=~Q(region_codes="")),
            # Only granted aid adds up; a requested amount is counted and shown apart.
            "with_aid": Count("state_aid", filter=granted),
            "with_requested_aid": Count("state_aid", filter=~granted),
            "with_cost": Count("total_cost"),
            "total_aid": Sum("state_aid", filter=granted),
            "total_requested_aid": Sum("state_aid", filter=~granted),
            "total_cost": Sum("total_cost"),
        }
        for index, value in enumerate(Laureate.Scope.values):
            aggregates[f"scope_{index}"] = Count("pk", filter=Q(scope=value))
        for index, value in enumerate(Laureate.Status.values):
            aggregates[f"status_{index}"] = Count("pk", filter=Q(status=value))
        # The laureates with a member of each kind, for `member_kinds`, from their row.
        for index, value in enumerate(Organisation.Kind.values):
            aggregates[f"kind_{index}"] = Count("pk", filter=has_member_kind([value]))
        result = self.matching().aggregate(**aggregates)
        result["kinds"] = {
            value: result.pop(f"kind_{index}")
            for index, value in enumerate(Organisation.Kind.values)
        }
        result["scopes"] = {
            value: result.pop(f"scope_{index}") for index, value in enumerate(Laureate.Scope.values)
        }
        result["statuses"] = {
            value: result.pop(f"status_{index}")
            for index, value in enumerate(Laureate.Status.values)
        }
        # PostgreSQL sums bigints as numerics.
        for key in ("total_aid", "total_requested_aid", "total_cost"):
            result[key] = int(result[key]) if result[key] is not None else None
        result["without_region"] = result["count"] - result["with_region"]
        result["national"] = result["scopes"][Laureate.Scope.NATIONAL]
        return result

    @cached_property
    def sectors(self):
        rows = (
            Sector.objects.order_by()
            .annotate(n=Count("laureates", filter=Q(laureates__in=self.ids)))
            .values_list("slug", "name", "name_en", "n")
        )
        return Breakdown(
            key="filieres",
            param="secteur",
            title=_("Lauréats par filière"),
            counted=_("Lauréats"),
            label_header=_("Filière"),
            description=_(
                "Nombre de lauréats saisis dans chaque filière ; un lauréat multi-filière "
                "compte dans chacune."
            ),
            rows=by_count(Row(slug, in_page_language(name, en), n) for slug, name, en, n in rows),
        )

    @cached_property
    def scopes(self):
        counts = self.totals["scopes"]
        rows = [Row(value, label, counts[value]) for value, label in Laureate.Scope.choices]
        rows.append(Row("", _("non renseignée"), self.totals["count"] - self.totals["with_scope"]))
        return Breakdown(
            key="portees",
            param="portee",
            title=_("Lauréats par portée"),
            counted=_("Lauréats"),
            label_header=_("Portée"),
            description=_("Nombre de lauréats saisis de portée nationale ou interrégionale."),
            rows=rows,
        )

    @cached_property
    def statuses(self):
        counts = self.totals["statuses"]
        return Breakdown(
            key="statuts",
            param="statut",
            title=_("Lauréats par statut"),
            counted=_("Lauréats"),
            label_header=_("Statut"),
            description=_(
                "Nombre de lauréats saisis retenus dans Deffinum ou réorientés vers l'AMI "
                "« Compétences et métiers d'avenir »."
            ),
            rows=[Row(value, label, counts[value]) for value, label in Laureate.Status.choices],
        )

    @cached_property
    def regions(self):
        rows = regions_with_involved_count(self.ids)
        return Breakdown(
            key="regions",
            param="region",
            title=_("Lauréats par région"),
            counted=_("Lauréats"),
            label_header=_("Région"),
            description=_(
                "Un lauréat compte dans une région quand l'un de ses membres y est installé ou "
                "quand sa portée interrégionale la couvre ; présent dans plusieurs régions, il "
                "compte dans chacune."
            ),
            rows=sorted(
                (Row(code, name, n or 0) for code, name, n in rows),
                key=lambda row: normalize_text(row.label),
            ),
        )

    @cached_property
    def member_kinds(self):
        # Each member organisation once: of all published laureates, by the flag kept on the
        # organisation (one pass over 20,000 rows, ~6 ms at 10,000 laureates, where the
        # semi-join read 70,000 memberships in ~45 ms); of a selection, by that semi-join (no
        # COUNT(DISTINCT)). The laureates per kind come with `totals`.
        if self.unfiltered:
            organisations = Organisation.objects.with_published_memberships()
        else:
            members = Membership.objects.filter(laureate_id__in=self.ids).values("organisation_id")
            organisations = Organisation.objects.filter(pk__in=members)
        organisations = organisations.order_by().values_list("kind").annotate(n=Count("pk"))
        with_kind = self.totals["kinds"]
        counts = [(kind, n, with_kind.get(kind, 0)) for kind, n in organisations]
        labels = dict(Organisation.Kind.choices)
        return Breakdown(
            key="types-membres",
            param="type_membre",
            title=_("Membres par type"),
            counted=_("Organisations membres"),
            label_header=_("Type d'organisation"),
            description=_(
                "Nombre d'organisations membres saisies de chaque type (une organisation membre "
                "de plusieurs consortiums compte une fois), et nombre de lauréats qui en comptent "
                "au moins une."
            ),
            rows=by_count(
                Row(kind, labels.get(kind, kind), organisations, laureates)
                for kind, organisations, laureates in counts
            ),
            unit="organisations",
        )

    @cached_property
    def lead_kinds(self):
        # `lead_kind` holds the lead's kind on the laureate's row ("" without a lead).
        counts = (
            self.matching()
            .exclude(lead_kind="")
            .order_by()
            .values_list("lead_kind")
            .annotate(n=Count("pk"))
        )
        labels = dict(Organisation.Kind.choices)
        return Breakdown(
            key="types-porteurs",
            param="type_porteur",
            title=_("Porteurs par type"),
            counted=_("Lauréats"),
            label_header=_("Type du porteur"),
            description=_("Nombre de lauréats saisis dont le porteur est de chaque type."),
            rows=by_count(Row(kind, labels.get(kind, kind), n) for kind, n in counts),
        )

    @cached_property
    def consortium_sizes(self):
        """Members entered per laureate: average, median, from one grouped query."""
        # `consortium_size` holds each laureate's number of members: one GROUP BY on the
        # laureates' index, not on their 70,000 memberships.
        histogram = dict(
            self.matching()
            .filter(consortium_size__gt=0)
            .order_by()
            .values_list("consortium_size")
            .annotate(n=Count("pk"))
        )
        counted = sum(histogram.values())
        # A laureate without any member entered has an unknown size, not a size of zero.
        without = self.totals["count"] - counted
        members = sum(size * n for size, n in histogram.items())
        return {
            "counted": counted,
            "without_members": without,
            "average": members / counted if counted else None,
            "median": _median(histogram),
            "histogram": dict(sorted(histogram.items())),
        }

    BREAKDOWNS = {
        "filieres": "sectors",
        "portees": "scopes",
        "statuts": "statuses",
        "regions": "regions",
        "types-membres": "member_kinds",
        "types-porteurs": "lead_kinds",
    }

    def breakdown(self, key):
        return getattr(self, self.BREAKDOWNS[key])


def official_figures():
    """The programme's published figures (two queries): general ones, a per-sector chart, and
    `all` of them (with their sector and sources), for `announced.AnnouncedCounts`."""
    figures = list(ProgrammeFigure.objects.select_related("sector").prefetch_related("sources"))
    general = [figure for figure in figures if figure.sector_id is None]
    per_sector = [figure for figure in figures if figure.sector_id is not None]
    notes = list(dict.fromkeys(figure.note for figure in per_sector if figure.note))
    sources = list(
        {
            (source.title, source.url): source
            for figure in per_sector
            for source in figure.sources.all()
        }.values()
    )
    breakdown = Breakdown(
        key="filieres-officielles",
        param="secteur",
        title=_("Décomptes officiels par filière"),
        counted=_("Lauréats (chiffre officiel)"),
        label_header=_("Filière"),
        description=_(
            "Nombre de lauréats publié pour chaque filière par les sources officielles, sur "
            "l'ensemble des lauréats annoncés."
        ),
        rows=by_count(
            Row(figure.sector.slug, figure.sector.display_name, int(figure.value))
            for figure in per_sector
        ),
        official=True,
        note=" ".join(notes),
    )
    return {"figures": general, "sectors": breakdown, "sector_sources": sources, "all": figures}
