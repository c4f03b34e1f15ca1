"""Which bit of a laureate's `region_bits`, `member_kind_bits` and `sector_bits` stands for
which region, member kind and sector.

The list's facets, the map and the statistics count how many laureates have each option. As
text ("|11|84|", found by STRPOS), forty such counts over 10,000 laureates took ~40 ms in
PostgreSQL; as a bit test on an integer, ~8 ms. A bit's meaning never changes once stored: the
positions below are only ever appended to (tests/test_facet_bits.py checks them against the
copy frozen in migration 0013), and a sector's bit is its primary key, which is never reused.

A value without a bit (a region or a kind added later, a sector past `SECTOR_BITS`) is still
counted, from `region_codes`, `member_kinds` or the sectors table: slower, never wrong.
"""

# INSEE codes of the 18 regions, bit 0 first.
REGION_BITS = {
    code: bit
    for bit, code in enumerate(
        [
            "01",
            "02",
            "03",
            "04",
            "06",
            "11",
            "24",
            "27",
            "28",
            "32",
            "44",
            "52",
            "53",
            "75",
            "76",
            "84",
            "93",
            "94",
        ]
    )
}
# Organisation.Kind values, bit 0 first.
MEMBER_KIND_BITS = {
    kind: bit
    for bit, kind in enumerate(
        [
            "cfa",
            "organisme-public",
            "organisme-prive",
            "organisme-consulaire",
            "universite-ecole",
            "entreprise",
            "branche-opco",
            "emploi-insertion",
            "laboratoire",
            "acteur-public",
            "association",
            "autre",
        ]
    )
}
# Sector primary keys 1 to 62 have the bit of their number: a signed 64-bit integer holds 63.
SECTOR_BITS = 63


def sector_bit(pk):
    return pk if 0 < pk < SECTOR_BITS else None


def mask(values, bit_of):
    """The integer with the bit of each of `values` that has one."""
    result = 0
    for value in values:
        bit = bit_of(value)
        if bit is not None:
            result |= 1 << bit
    return result


def region_mask(codes):
    return mask(codes, REGION_BITS.get)


def member_kind_mask(kinds):
    return mask(kinds, MEMBER_KIND_BITS.get)


def sector_mask(pks):
    return mask(pks, sector_bit)
