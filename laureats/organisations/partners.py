"""Who works with whom: an organisation's partners in published consortia, and the
organisations near it that could become partners (the partner-finder of its page, issue 25)."""

from dataclasses import dataclass, field

from django.db.models import Q

from ..models import Laureate, Membership, Organisation, lead_first
from ..models.publication import of_published_laureates
from ..text.ordering import sort_key

# How many possible partners the page suggests: a short list to read, not a directory.
POSSIBLE_PARTNERS = 12


@dataclass
class Partner:
    organisation: Organisation
    # (laureate, this organisation's role there, the partner's role there), by consortium name.
    consortia: list = field(default_factory=list)


def partners(organisation):
    """The organisations `organisation` shares a published consortium with, in name order,
    read from what `OrganisationQuerySet.for_detail()` prefetched: no query."""
    found = {}
    for membership in organisation.published_memberships:
        laureate = membership.laureate
        for other in lead_first(laureate.memberships.all()):
            if other.organisation_id == organisation.pk:
                continue
            partner = found.setdefault(other.organisation_id, Partner(other.organisation))
            partner.consortia.append((laureate, membership, other))
    return sorted(found.values(), key=lambda p: (sort_key(p.organisation.name), p.organisation.pk))


def possible_partners(organisation, partner_pks, limit=POSSIBLE_PARTNERS):
    """Public organisations of the same region, of the same kind or in a published consortium
    of one of its sectors, that are not yet its partners: one query. None when its region is not
    known, since "near it" cannot be said."""
    if organisation.region_id is None:
        return None
    my_sectors = of_published_laureates(
        Laureate.sectors.through.objects.filter(laureate__memberships__organisation=organisation)
    ).values("sector_id")
    # Read among the region's memberships only: correlated per organisation, PostgreSQL hashed
    # every membership of every sector of the country (36 ms at 10,000 laureates, 2 here).
    same_sector = of_published_laureates(
        Membership.objects.filter(
            organisation__region_id=organisation.region_id, laureate__sectors__in=my_sectors
        )
    ).values("organisation_id")
    return list(
        Organisation.objects.with_published_memberships()
        .filter(region_id=organisation.region_id)
        .filter(Q(kind=organisation.kind) | Q(pk__in=same_sector))
        .exclude(pk__in=[organisation.pk, *partner_pks])
        .in_name_order()[:limit]
    )
