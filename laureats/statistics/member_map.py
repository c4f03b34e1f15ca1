"""Where the members are (issue 25): one point per commune on the region outlines of the region
map, placed by the organisations' latitude and longitude with the region map's own projection
(region_map.place). Drawn on the server as SVG, each point a link named with its commune and
count; the table beside it says the same in text, and the map says how many organisations are
not placed yet: their coordinates come from the public register, which an administrator fetches.

Made from organisations already read (a laureate's prefetched members) or from one query of
the few columns it needs (`Organisation.objects...for_map()`): never one query per point.
"""

import math
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..text.ordering import sort_key
from .region_map import load_region_map, place

# A commune's point grows with its organisations, by area (the square root of the count), up to
# a cap so that a city does not hide its neighbours. In viewBox units: the map is drawn about
# 700 units wide: a lone organisation's point is about 7 px across on a phone, 14 on a desktop;
# the table after the map is the way to reach them by touch.
POINT_RADIUS = 7
POINT_RADIUS_MAX = 16
# A commune's organisations named in its table row; beyond, a link to them all.
NAMES_PER_ROW = 5


@dataclass
class Commune:
    """The organisations of one commune: its INSEE code where known, else one point per place."""

    key: str
    name: str
    code: str
    organisations: list = field(default_factory=list)
    x: float = 0.0
    y: float = 0.0

    @property
    def count(self):
        return len(self.organisations)

    @property
    def radius(self):
        return round(min(POINT_RADIUS * math.sqrt(self.count), POINT_RADIUS_MAX), 1)

    @property
    def label(self):
        return ngettext(
            "%(commune)s : %(count)s organisation",
            "%(commune)s : %(count)s organisations",
            self.count,
        ) % {"commune": self.name, "count": self.count}

    @property
    def url(self):
        """One organisation's page, or the list of the commune's organisations."""
        if self.count == 1 or not self.code:
            return self.organisations[0].get_absolute_url()
        url = reverse("laureats:organisation-list")
        return f"{url}?{urlencode([('commune', self.code)])}"

    @property
    def shown(self):
        return self.organisations[:NAMES_PER_ROW]

    @property
    def more(self):
        return max(self.count - NAMES_PER_ROW, 0)


@dataclass
class MemberMap:
    view_box: str
    source: str
    outlines: list
    communes: list
    total: int
    # Without coordinates yet ("non localisées"), and with coordinates off the map (abroad).
    unlocated: int
    off_map: int

    @property
    def points(self):
        """Drawn largest first, so that a small commune's point stays over a large neighbour's."""
        return sorted(self.communes, key=lambda commune: -commune.count)

    @property
    def located(self):
        return self.total - self.unlocated - self.off_map

    @property
    def unlocated_text(self):
        if not self.unlocated:
            return ""
        if self.unlocated == self.total:
            return ngettext(
                "L'organisation n'est pas encore localisée : ses coordonnées viendront du "
                "registre des entreprises, qu'un administrateur consulte.",
                "Aucune des %(count)s organisations n'est encore localisée (%(count)s non "
                "localisées) : leurs coordonnées viendront du registre des entreprises, qu'un "
                "administrateur consulte.",
                self.total,
            ) % {"count": self.total}
        return ngettext(
            "%(count)s organisation sur %(total)s n'est pas encore localisée (non localisée) "
            "et n'apparaît pas sur la carte.",
            "%(count)s organisations sur %(total)s ne sont pas encore localisées (non "
            "localisées) et n'apparaissent pas sur la carte.",
            self.unlocated,
        ) % {"count": self.unlocated, "total": self.total}

    @property
    def off_map_text(self):
        if not self.off_map:
            return ""
        return ngettext(
            "%(count)s organisation est située hors de la carte (à l'étranger).",
            "%(count)s organisations sont situées hors de la carte (à l'étranger).",
            self.off_map,
        ) % {"count": self.off_map}


def member_map(organisations, total=None):
    """The map of `organisations` (Organisation rows, or rows with the columns of `for_map`),
    one point per commune, in French order of the communes' names. With `total`, how many
    organisations the map is of when `organisations` holds only the located ones (`for_map`):
    a list of thousands reads only those."""
    communes = {}
    seen = unlocated = off_map = 0
    for organisation in organisations:
        seen += 1
        if organisation.latitude is None or organisation.longitude is None:
            unlocated += 1
            continue
        point = place(organisation.longitude, organisation.latitude)
        if point is None:
            off_map += 1
            continue
        # Organisations of one commune share its point; without a code, each place is its own.
        key = organisation.commune_code or f"{organisation.latitude},{organisation.longitude}"
        commune = communes.get(key)
        if commune is None:
            name = organisation.city or _("commune non renseignée")
            commune = communes[key] = Commune(key, name, organisation.commune_code)
            commune.x, commune.y = (round(value, 1) for value in point)
        commune.organisations.append(organisation)
    for commune in communes.values():
        commune.organisations.sort(key=lambda row: sort_key(row.name))
    if total is None:
        total = seen
    else:
        unlocated += total - seen
    geometry = load_region_map()
    ordered = sorted(communes.values(), key=lambda commune: (sort_key(commune.name), commune.key))
    return MemberMap(
        view_box=geometry["viewBox"],
        source=geometry["source"],
        outlines=[region["path"] for region in geometry["regions"]],
        communes=ordered,
        total=total,
        unlocated=unlocated,
        off_map=off_map,
    )
