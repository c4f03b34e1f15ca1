"""Two to four laureates side by side (/comparer/?l=slug-a&l=slug-b): which ones, and what they
have in common. The page reads the same facts as the fiche (models/completeness.py)."""

import re
from collections import Counter

from django.utils.text import Truncator
from django.utils.translation import gettext as _

from ..models import Laureate
from ..text.ordering import sort_key
from .facts import completeness

MIN_COMPARED = 2
MAX_COMPARED = 4
# Slugs looked up, so that a known laureate after an unknown one still takes its place.
MAX_CANDIDATES = 20
SLUG = re.compile(r"^[-a-zA-Z0-9_]{1,120}$")


def shown(value):
    return value if len(value) <= 60 else value[:60] + "…"


def too_many():
    return _("On compare au plus %(max)s lauréats : seuls les %(max)s premiers sont affichés.") % {
        "max": MAX_COMPARED
    }


def requested_slugs(params):
    """The `l` values in the order given, without repeats or blanks, and notices for the
    values that cannot be slugs. At most MAX_CANDIDATES of each: a crafted address of a
    thousand values gets neither a thousand notices nor a thousand-value query."""
    notices, slugs = [], []
    for value in params.getlist("l"):
        value = value.strip()
        if not value or value in slugs:
            continue
        if not SLUG.match(value):
            if len(notices) < MAX_CANDIDATES:
                notices.append(
                    _("« %(value)s » n'est pas l'identifiant d'un lauréat : il est ignoré.")
                    % {"value": shown(value)}
                )
            continue
        if len(slugs) == MAX_CANDIDATES:
            notices.append(too_many())
            break
        slugs.append(value)
    return slugs, notices


class Comparison:
    """The published laureates among `slugs`, in that order, with what the page compares."""

    def __init__(self, slugs):
        found = {
            laureate.slug: laureate
            for laureate in Laureate.objects.for_detail().filter(slug__in=slugs)
        }
        laureates = [found[slug] for slug in slugs if slug in found]
        self.laureates = laureates[:MAX_COMPARED]
        self.cut = len(laureates) > MAX_COMPARED
        self.unknown = [slug for slug in slugs if slug not in found]
        for laureate in self.laureates:
            laureate.completeness = completeness(laureate)
            members = list(laureate.memberships.all())
            laureate.partner_memberships = [m for m in members if not m.is_lead]
            kinds = Counter(m.organisation.get_kind_display() for m in members)
            laureate.member_kinds = sorted(kinds.items(), key=lambda item: (-item[1], item[0]))

    @property
    def notices(self):
        notices = [
            _("Aucun lauréat publié n'a l'identifiant « %(slug)s » : il n'est pas comparé.")
            % {"slug": shown(slug)}
            for slug in self.unknown
        ]
        return [*notices, too_many()] if self.cut else notices

    @property
    def is_complete(self):
        return len(self.laureates) >= MIN_COMPARED

    @property
    def title(self):
        """The page's <title>: the laureates compared, by their acronym when they have one."""
        names = ", ".join(
            Truncator(laureate.acronym or laureate.name).chars(40) for laureate in self.laureates
        )
        return _("Comparer : %(names)s") % {"names": names}

    @property
    def slugs(self):
        return [laureate.slug for laureate in self.laureates]

    def shared_organisations(self):
        """Organisations in two or more of the compared consortia, each with its role in each."""
        roles = {}
        organisations = {}
        for laureate in self.laureates:
            for membership in laureate.memberships.all():
                organisation = membership.organisation
                organisations[organisation.pk] = organisation
                roles.setdefault(organisation.pk, []).append(
                    (laureate, membership.get_role_display())
                )
        shared = [
            {"organisation": organisations[pk], "roles": places}
            for pk, places in roles.items()
            if len(places) >= MIN_COMPARED
        ]
        return sorted(
            shared, key=lambda item: (-len(item["roles"]), sort_key(item["organisation"].name))
        )

    def choices(self):
        """The other published laureates, for the "add one" select: (slug, name)."""
        return list(
            Laureate.objects.published()
            .exclude(slug__in=self.slugs)
            .in_name_order()
            .values_list("slug", "name")
        )

    def can_add(self):
        return len(self.laureates) < MAX_COMPARED
