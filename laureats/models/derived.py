"""What is kept on each laureate row but derived from its relations (the regions it is
involved in, its members' kinds, its lead's kind, its size, its search text), rebuilt in bulk
for writers that send no per-row signal: fixtures loaded raw, generate_synthetic, the import.
Single saves keep them current through laureats/search_sync.py."""

from django.db import connection
from django.db.models import Prefetch

from ..search import weighted_vector
from .facet_bits import member_kind_mask, region_mask, sector_mask
from .organisations import Membership

# Within SQLite's 999 parameters a statement.
BATCH = 500
INVOLVEMENT_FIELDS = [
    "region_codes",
    "member_kinds",
    "region_bits",
    "member_kind_bits",
    "sector_bits",
    "lead_kind",
    "consortium_size",
]


def joined(values):
    """Values as `Laureate.region_codes` stores them: "|11|84|", so that "|11|" finds one."""
    return f"|{'|'.join(sorted(values))}|" if values else ""


def refresh_involvement(laureates):
    """Rebuild `region_codes`, `member_kinds`, their bits, `sector_bits`, `lead_kind` and
    `consortium_size` of the `laureates` queryset: three queries and one update per 500
    laureates."""
    Laureate = laureates.model
    ids = list(laureates.values_list("pk", flat=True))
    covered = Laureate.regions.through.objects
    filed = Laureate.sectors.through.objects
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        rows = {pk: Laureate(pk=pk, lead_kind="", consortium_size=0) for pk in batch}
        regions = {pk: set() for pk in batch}
        kinds = {pk: set() for pk in batch}
        sectors = {pk: set() for pk in batch}
        for pk, code in covered.filter(laureate_id__in=batch).values_list(
            "laureate_id", "region_id"
        ):
            regions[pk].add(code)
        for pk, sector in filed.filter(laureate_id__in=batch).values_list(
            "laureate_id", "sector_id"
        ):
            sectors[pk].add(sector)
        members = Membership.objects.filter(laureate_id__in=batch).values_list(
            "laureate_id", "organisation__region_id", "organisation__kind", "role"
        )
        for pk, code, kind, role in members:
            if code:
                regions[pk].add(code)
            kinds[pk].add(kind)
            rows[pk].consortium_size += 1
            if role == Membership.Role.LEAD:
                rows[pk].lead_kind = kind
        for pk, row in rows.items():
            row.region_codes, row.member_kinds = joined(regions[pk]), joined(kinds[pk])
            row.region_bits = region_mask(regions[pk])
            row.member_kind_bits = member_kind_mask(kinds[pk])
            row.sector_bits = sector_mask(sectors[pk])
        Laureate.objects.bulk_update(rows.values(), INVOLVEMENT_FIELDS, batch_size=BATCH)


def refresh_search_documents(laureates):
    """Rebuild the search text of the `laureates` queryset; returns how many."""
    Laureate = laureates.model
    # One join, not a second prefetch: its "IN" of every member organisation is too deep an
    # expression for SQLite past about a thousand organisations.
    # Only the columns the text is built from: a few thousand laureates' descriptions and
    # tens of thousands of members are otherwise loaded in full.
    memberships = Prefetch(
        "memberships",
        Membership.objects.select_related("organisation").only("laureate_id", "organisation__name"),
    )
    rows = list(
        laureates.only("name", "acronym", "summary", "description").prefetch_related(memberships)
    )
    for laureate in rows:
        laureate.search_document = laureate.build_search_document()
    Laureate.objects.bulk_update(rows, ["search_document"], batch_size=BATCH)
    if connection.vendor == "postgresql":
        # Stored rather than computed per query: ranking thousands of matches stays cheap.
        Laureate.objects.filter(pk__in=[laureate.pk for laureate in rows]).update(
            search_vector=weighted_vector()
        )
    return len(rows)
