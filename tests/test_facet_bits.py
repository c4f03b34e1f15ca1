"""The bits the facets, the map and the statistics count (laureats/models/facet_bits.py) keep
their meaning, and a value without a bit is still counted right."""

import importlib

import pytest
from django.http import QueryDict
from django.urls import reverse

from laureats.browse.facets import facet_counts, regions_with_involved_count
from laureats.browse.filters import LaureateFilter, bind_filterset
from laureats.models import Laureate, Organisation, Region, Sector
from laureats.models.facet_bits import MEMBER_KIND_BITS, REGION_BITS, SECTOR_BITS
from laureats.statistics.figures import LaureateStatistics
from laureats.statistics.region_map import load_region_map

from .factories import MembershipFactory, OrganisationFactory, make_laureate
from .test_facet_columns import assert_columns_follow_the_rows, assert_facets_match_the_filter

pytestmark = pytest.mark.django_db

LIST_URL = reverse("laureats:laureate-list")
frozen = importlib.import_module("laureats.migrations.0013_laureate_facet_bits")


def test_stored_bits_keep_their_meaning():
    # A bit already stored in the database must never change value: positions are only ever
    # appended to what migration 0013 wrote.
    assert list(REGION_BITS)[: len(frozen.REGION_BITS)] == frozen.REGION_BITS
    assert list(MEMBER_KIND_BITS)[: len(frozen.MEMBER_KIND_BITS)] == frozen.MEMBER_KIND_BITS
    assert list(REGION_BITS.values()) == list(range(len(REGION_BITS)))
    assert list(MEMBER_KIND_BITS.values()) == list(range(len(MEMBER_KIND_BITS)))
    assert SECTOR_BITS == frozen.SECTOR_BITS <= 63


def test_every_kind_and_region_of_the_map_has_a_bit():
    assert set(Organisation.Kind.values) == set(MEMBER_KIND_BITS)
    assert {region["code"] for region in load_region_map()["regions"]} == set(REGION_BITS)


def test_a_region_and_a_sector_without_a_bit_are_counted_all_the_same(client, reference_data):
    # A region added in the admin, and a sector whose id is past the 62 that have a bit.
    region = Region.objects.create(code="99", name="Région ajoutée")
    sector = Sector.objects.create(pk=SECTOR_BITS + 7, slug="ajoutee", name="Filière ajoutée")
    covered = make_laureate(slug="couvre", regions=["99", "84"])
    covered.sectors.add(sector)
    located = make_laureate(slug="membre")
    MembershipFactory(laureate=located, organisation=OrganisationFactory(region=region))
    make_laureate(slug="ailleurs", regions=["11"])
    assert_columns_follow_the_rows()
    assert_facets_match_the_filter(client)
    filterset, _notices = bind_filterset(LaureateFilter, QueryDict(), Laureate.objects.for_list())
    counts = facet_counts(filterset)
    assert (counts["region"]["99"], counts["region"]["84"], counts["region"]["11"]) == (2, 1, 1)
    assert counts["secteur"]["ajoutee"] == 1
    for params, slugs in [
        ("region=99", {"couvre", "membre"}),
        ("region=99&region=11", {"couvre", "membre", "ailleurs"}),
        ("secteur=ajoutee", {"couvre"}),
    ]:
        ticked, _notices = bind_filterset(
            LaureateFilter, QueryDict(params), Laureate.objects.for_list()
        )
        assert {laureate.slug for laureate in ticked.qs} == slugs, params
    on_map = {
        code: n
        for code, _name, n in regions_with_involved_count(Laureate.objects.published().values("pk"))
    }
    assert (on_map["99"], on_map["84"], on_map["11"], on_map["93"]) == (2, 1, 1, 0)


def test_statistics_count_each_member_kind_from_the_bits(reference_data):
    laureate = make_laureate(slug="mixte")
    for kind in (Organisation.Kind.CFA, Organisation.Kind.OTHER, Organisation.Kind.OTHER):
        MembershipFactory(laureate=laureate, organisation=OrganisationFactory(kind=kind))
    make_laureate(slug="seul").memberships.create(
        organisation=OrganisationFactory(kind=Organisation.Kind.OTHER)
    )
    kinds = LaureateStatistics(Laureate.objects.published()).totals["kinds"]
    assert (kinds["cfa"], kinds["autre"], kinds["entreprise"]) == (1, 2, 0)


def test_the_counted_columns_are_all_in_the_counts_index():
    # Otherwise each count reads the wide table instead of the index alone.
    from laureats.browse.counting import COUNTED_COLUMNS

    index = next(
        index for index in Laureate._meta.indexes if index.name == "laureate_published_counts_idx"
    )
    assert set(COUNTED_COLUMNS) <= set(index.fields)
