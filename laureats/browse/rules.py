"""Which laureates each value of a facet selects: one rule per facet (FACET_RULES), a Q, which
the list's filters apply (filters.py) and the facets, the map, the statistics and the announced
counts count (counting.py). Several values of one facet combine with OR."""

from django.db.models import F, Q
from django.db.models.lookups import GreaterThan

from ..models import Laureate
from ..models.facet_bits import (
    MEMBER_KIND_BITS,
    REGION_BITS,
    member_kind_mask,
    region_mask,
    sector_bit,
    sector_mask,
)


def has_any_bit(column, mask):
    return Q(GreaterThan(F(column).bitand(mask), 0))


def has_sector(sector_ids):
    """Filed under any of these sectors (ids), read from the row's `sector_bits`: one bit test
    instead of a subquery on the sectors table, which a sector without a bit still takes."""
    with_bits = [pk for pk in sector_ids if sector_bit(pk) is not None]
    condition = has_any_bit("sector_bits", sector_mask(with_bits)) if with_bits else Q()
    others = [pk for pk in sector_ids if sector_bit(pk) is None]
    if others:
        through = Laureate.sectors.through.objects.filter(sector_id__in=others)
        condition |= Q(pk__in=through.values("laureate_id"))
    return condition


def has_any_value(values, bits, mask, bits_column, text_column):
    """Any of `values`, read from the row's derived columns: by one bit test for those with a
    bit (`bits`), in its "|a|b|" text for a value added since."""
    with_bits = [value for value in values if value in bits]
    condition = has_any_bit(bits_column, mask(with_bits)) if with_bits else Q()
    for value in values:
        if value not in bits:
            condition |= Q(**{f"{text_column}__contains": f"|{value}|"})
    return condition


def has_region(codes):
    """Involved in any of these regions: its scope covers it (its `regions`) or one of its
    members is located there. That rule is computed on write into `region_codes` and
    `region_bits` (laureats/derived/), which the filter, the facets and the map read, so that a
    region's count is what its link lists."""
    return has_any_value(codes, REGION_BITS, region_mask, "region_bits", "region_codes")


def has_member_kind(kinds):
    """With a member of any of these kinds, from `member_kind_bits` and `member_kinds`."""
    return has_any_value(
        kinds, MEMBER_KIND_BITS, member_kind_mask, "member_kind_bits", "member_kinds"
    )


def has_scope(scopes):
    return Q(scope__in=scopes)


def has_status(statuses):
    return Q(status__in=statuses)


# The rule of each facet: the laureates that any of its values select, sectors given by their
# ids. The filters apply it, the facets, the map and the announced counts count with it.
FACET_RULES = {
    "secteur": has_sector,
    "portee": has_scope,
    "region": has_region,
    "statut": has_status,
    "type_membre": has_member_kind,
}


# The organisations' facets (/organisations/ and its API): a Q against the organisations' table
# for any of a facet's values, which the filter applies and its counts count.

# The commune option of the organisations whose commune is not known yet: no INSEE code.
UNKNOWN_COMMUNE = "non-renseignee"


def organisation_of_kinds(kinds):
    return Q(kind__in=kinds)


def organisation_in_regions(codes):
    return Q(region_id__in=codes)


def organisation_in_communes(codes):
    """In any of these communes (INSEE codes); UNKNOWN_COMMUNE selects those without one."""
    condition = Q(commune_code__in=[code for code in codes if code != UNKNOWN_COMMUNE])
    if UNKNOWN_COMMUNE in codes:
        condition |= Q(commune_code="")
    return condition


ORGANISATION_FACET_RULES = {
    "type": organisation_of_kinds,
    "region": organisation_in_regions,
    "commune": organisation_in_communes,
}
