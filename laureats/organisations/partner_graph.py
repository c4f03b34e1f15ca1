"""The co-membership graph of an organisation's page (issue 25): the organisation in the centre,
its partners on a circle around it, a line to each and one between two partners of a same
consortium. Drawn on the server as SVG, each partner a link; the partners table of the page is
its text alternative, and it needs no JavaScript. Made from `partners.partners()`: no query."""

import math
from dataclasses import dataclass

from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from ..text.ordering import sort_key

# Beyond this many partners a circle of names is no longer readable: the most connected are
# drawn, and the table lists them all.
MAX_NODES = 16
WIDTH, HEIGHT = 760, 440
CENTRE_X, CENTRE_Y = WIDTH / 2, HEIGHT / 2
RADIUS = 160
LABEL_GAP = 14
LABEL_CHARACTERS = 30


@dataclass
class Node:
    name: str
    label: str
    url: str
    x: float
    y: float
    label_x: float
    label_y: float
    anchor: str
    aria_label: str


def position(index, count):
    # From the top, clockwise.
    angle = -math.pi / 2 + 2 * math.pi * index / count
    return math.cos(angle), math.sin(angle)


def partner_graph(organisation, partners):
    """The drawing's nodes and lines, or None when the organisation has no partner."""
    if not partners:
        return None
    shown = sorted(partners, key=lambda p: (-len(p.consortia), sort_key(p.organisation.name)))[
        :MAX_NODES
    ]
    nodes, laureates_of = [], []
    for index, partner in enumerate(shown):
        dx, dy = position(index, len(shown))
        count = len(partner.consortia)
        name = partner.organisation.name
        nodes.append(
            Node(
                name=name,
                label=Truncator(name).chars(LABEL_CHARACTERS),
                url=partner.organisation.get_absolute_url(),
                x=round(CENTRE_X + RADIUS * dx, 1),
                y=round(CENTRE_Y + RADIUS * dy, 1),
                label_x=round(CENTRE_X + (RADIUS + LABEL_GAP) * dx, 1),
                label_y=round(CENTRE_Y + (RADIUS + LABEL_GAP) * dy + 4, 1),
                anchor="middle" if abs(dx) < 0.2 else ("start" if dx > 0 else "end"),
                aria_label=ngettext(
                    "%(name)s : %(count)s consortium en commun",
                    "%(name)s : %(count)s consortiums en commun",
                    count,
                )
                % {"name": name, "count": count},
            )
        )
        laureates_of.append({laureate.pk for laureate, _mine, _theirs in partner.consortia})
    between = [
        (nodes[i], nodes[j])
        for i in range(len(nodes))
        for j in range(i + 1, len(nodes))
        if laureates_of[i] & laureates_of[j]
    ]
    return {
        "width": WIDTH,
        "height": HEIGHT,
        "centre_x": CENTRE_X,
        "centre_y": CENTRE_Y,
        "centre_label_y": CENTRE_Y + 32,
        "centre_label": Truncator(organisation.name).chars(LABEL_CHARACTERS),
        "nodes": nodes,
        "between": between,
        "hidden": len(partners) - len(shown),
        "description": _(
            "L'organisation au centre, ses partenaires autour ; un trait relie deux "
            "organisations membres d'un même consortium. Chaque partenaire mène à sa page ; le "
            "tableau des partenaires donne les mêmes liens avec les consortiums et les rôles."
        ),
    }
