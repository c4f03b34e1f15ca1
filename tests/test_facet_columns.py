"""The derived columns (`region_codes`, `member_kinds`, their bits, `sector_bits`, `known_mask`)
follow every write, and
the list's facet counts read from them always equal what ticking the option lists."""

import io

import pytest
from concurrency.exceptions import RecordModifiedError
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse

from laureats.browse.filters import LaureateFilter, bind_filterset
from laureats.contributions import moderation
from laureats.models import Laureate, Membership, Organisation, Proposal, Region, Sector, Source
from laureats.models.completeness import FACTS
from laureats.models.facet_bits import MEMBER_KIND_BITS, REGION_BITS, sector_bit

from .factories import MembershipFactory, OrganisationFactory, SourceFactory, make_laureate
from .import_rows import csv_line, write

pytestmark = pytest.mark.django_db

LIST_URL = reverse("laureats:laureate-list")


def expected_columns(laureate):
    """The columns as the rows say they should be, read the slow way."""
    regions = set(laureate.regions.values_list("code", flat=True))
    kinds = set()
    lead_kind = ""
    memberships = list(laureate.memberships.select_related("organisation"))
    for membership in memberships:
        kinds.add(membership.organisation.kind)
        if membership.organisation.region_id:
            regions.add(membership.organisation.region_id)
        if membership.is_lead:
            lead_kind = membership.organisation.kind

    def joined(values):
        return "|" + "|".join(sorted(values)) + "|" if values else ""

    sectors = set(laureate.sectors.values_list("pk", flat=True))
    return (
        joined(regions),
        joined(kinds),
        lead_kind,
        len(memberships),
        {code for code in regions if code in REGION_BITS},
        {kind for kind in kinds if kind in MEMBER_KIND_BITS},
        {pk for pk in sectors if sector_bit(pk) is not None},
    )


def bits_of(mask, positions):
    """The values whose bit `mask` has, for `positions` ({value: bit})."""
    return {value for value, bit in positions.items() if mask & (1 << bit)}


def stored_columns(laureate):
    sector_bits = {pk: pk for pk in range(1, 63)}
    return (
        laureate.region_codes,
        laureate.member_kinds,
        laureate.lead_kind,
        laureate.consortium_size,
        bits_of(laureate.region_bits, REGION_BITS),
        bits_of(laureate.member_kind_bits, MEMBER_KIND_BITS),
        bits_of(laureate.sector_bits, sector_bits),
    )


def expected_known(laureate):
    """{fact: known} as the rules /donnees/ states in words say, read the slow way."""
    memberships = list(laureate.memberships.all())
    return {
        "name": bool(laureate.name),
        "lead": any(membership.is_lead for membership in memberships),
        "partner": any(not membership.is_lead for membership in memberships),
        "sectors": laureate.sectors.exists(),
        "scope": bool(laureate.scope),
        "regions": laureate.scope == Laureate.Scope.NATIONAL or laureate.regions.exists(),
        "amounts": laureate.total_cost is not None and laureate.state_aid is not None,
        "dates": laureate.start_date is not None and laureate.end_date is not None,
        "description": bool(laureate.description),
        "source": laureate.sources.exists(),
    }


def expected_mask(laureate):
    """`known_mask` as `expected_known` says it should be."""
    known = expected_known(laureate)
    return sum(1 << index for index, fact in enumerate(FACTS) if known[fact.key])


def known(laureate):
    """The facts the stored mask says the laureate has, by key."""
    laureate.refresh_from_db()
    return {fact.key for index, fact in enumerate(FACTS) if laureate.known_mask & (1 << index)}


def assert_columns_follow_the_rows():
    laureates = Laureate.objects.prefetch_related("sectors", "regions", "sources", "memberships")
    for laureate in laureates:
        assert stored_columns(laureate) == expected_columns(laureate), laureate.slug
        assert laureate.known_mask == expected_mask(laureate), laureate.slug


def assert_facets_match_the_filter(client, query=""):
    """Every option's count on the list is the number of results ticking it would give."""
    response = client.get(LIST_URL + query)
    base = dict(pair.split("=") for pair in query.lstrip("?").split("&") if pair)
    for facet in response.context["facets"]:
        for option in facet["options"]:
            params = {**base}
            params.pop(facet["name"], None)
            data = {**params, facet["name"]: option["value"]}
            filterset, _notices = bind_filterset(
                LaureateFilter, QueryDictLike(data), Laureate.objects.for_list()
            )
            assert option["count"] == filterset.qs.count(), (facet["name"], option["value"])


class QueryDictLike(dict):
    def getlist(self, name):
        return [self[name]] if name in self else []


def test_memberships_organisations_and_regions_keep_the_columns(reference_data):
    laureate = make_laureate(slug="suivi", regions=["84"])
    assert laureate.region_codes == "|84|" and laureate.member_kinds == ""
    organisation = OrganisationFactory(kind=Organisation.Kind.COMPANY, region_id="11")
    membership = MembershipFactory(laureate=laureate, organisation=organisation)
    laureate.refresh_from_db()
    assert (laureate.region_codes, laureate.member_kinds) == ("|11|84|", "|entreprise|")

    assert (laureate.lead_kind, laureate.consortium_size) == ("", 1)
    membership.role = Membership.Role.LEAD
    membership.save()
    laureate.refresh_from_db()
    assert (laureate.lead_kind, laureate.consortium_size) == ("entreprise", 1)

    # An organisation moved or reclassified moves its laureates' columns with it.
    organisation.region_id = "27"
    organisation.kind = Organisation.Kind.RESEARCH
    organisation.save()
    laureate.refresh_from_db()
    assert (laureate.region_codes, laureate.member_kinds) == ("|27|84|", "|laboratoire|")
    assert laureate.lead_kind == "laboratoire"

    # Regions covered, from either side of the relation.
    laureate.regions.add(Region.objects.get(pk="93"))
    Region.objects.get(pk="11").laureates.add(laureate)
    laureate.refresh_from_db()
    assert laureate.region_codes == "|11|27|84|93|"
    Region.objects.get(pk="93").laureates.clear()
    laureate.refresh_from_db()
    assert laureate.region_codes == "|11|27|84|"
    laureate.regions.clear()
    laureate.refresh_from_db()
    assert laureate.region_codes == "|27|"

    # A membership moved to another laureate leaves the first one's columns too.
    other = make_laureate(slug="autre")
    membership.laureate = other
    membership.save()
    laureate.refresh_from_db()
    other.refresh_from_db()
    nothing = ("", "", "", 0, set(), set(), set())
    assert stored_columns(laureate) == nothing
    assert stored_columns(other) == (
        "|27|",
        "|laboratoire|",
        "laboratoire",
        1,
        {"27"},
        {"laboratoire"},
        set(),
    )
    membership.delete()
    other.refresh_from_db()
    assert stored_columns(other) == nothing


def test_completeness_follows_every_relation_from_either_side(reference_data):
    laureate = make_laureate(slug="suivi", name="Suivi", scope="interregionale")
    assert known(laureate) == {"name", "scope"}
    # Sectors and regions, from either side of the relation.
    sector = Sector.objects.first()
    sector.laureates.add(laureate)
    Region.objects.get(pk="84").laureates.add(laureate)
    assert known(laureate) == {"name", "scope", "sectors", "regions"}
    assert_columns_follow_the_rows()
    sector.laureates.clear()
    laureate.regions.clear()
    assert known(laureate) == {"name", "scope"}
    assert_columns_follow_the_rows()
    laureate.sectors.set([sector])
    assert "sectors" in known(laureate)
    assert_columns_follow_the_rows()
    # A lead, then a partner; the lead made a partner; the partner deleted.
    lead = MembershipFactory(laureate=laureate, role=Membership.Role.LEAD)
    assert "lead" in known(laureate) and "partner" not in known(laureate)
    lead.role = Membership.Role.PARTNER
    lead.save()
    assert "lead" not in known(laureate) and "partner" in known(laureate)
    lead.delete()
    assert not {"lead", "partner"} & known(laureate)
    # A source added, moved to another laureate, deleted.
    source = SourceFactory(laureate=laureate)
    assert "source" in known(laureate)
    other = make_laureate(slug="autre")
    source.laureate = other
    source.save()
    assert "source" not in known(laureate) and "source" in known(other)
    Source.objects.get(pk=source.pk).delete()
    assert "source" not in known(other)
    # The laureate's own fields, saved whole or by update_fields.
    laureate.scope = "nationale"
    laureate.description = "Ce que fait le projet."
    laureate.save()
    assert {"regions", "description"} <= known(laureate)
    laureate.total_cost, laureate.state_aid = 1000, 700
    laureate.save(update_fields=["total_cost", "state_aid"])
    assert "amounts" in known(laureate)
    assert_columns_follow_the_rows()


def test_deleting_a_region_or_a_sector_keeps_the_columns(reference_data):
    # Their rows of the relation go without any m2m_changed signal.
    sector = Sector.objects.first()
    laureate = make_laureate(slug="suivi", scope="interregionale", regions=["84", "27"])
    laureate.sectors.set([sector])
    assert laureate.region_codes == "|27|84|" and {"regions", "sectors"} <= known(laureate)
    Region.objects.get(pk="84").delete()
    laureate.refresh_from_db()
    assert laureate.region_codes == "|27|" and "regions" in known(laureate)
    Region.objects.filter(pk="27").delete()
    laureate.refresh_from_db()
    assert laureate.region_codes == "" and "regions" not in known(laureate)
    sector.delete()
    assert "sectors" not in known(laureate)
    assert_columns_follow_the_rows()


def test_admin_edit_with_its_inlines_keeps_completeness(staff_client, reference_data):
    from .test_admin import laureate_form_data

    laureate = make_laureate(slug="edite", name="Édité", scope="nationale")
    organisation = OrganisationFactory()
    data = laureate_form_data(
        laureate, [(organisation, Membership.Role.LEAD), (OrganisationFactory(), "partenaire")]
    )
    data.update(
        {
            "description": "Décrit dans l'admin.",
            "sectors": [Sector.objects.first().pk],
            "sources-TOTAL_FORMS": "1",
            "sources-0-url": "https://www.example.org/annonce",
            "sources-0-title": "Annonce",
        }
    )
    response = staff_client.post(
        reverse("admin:laureats_laureate_change", args=[laureate.pk]), data
    )
    assert response.status_code == 302
    assert {"lead", "partner", "sectors", "description", "source"} <= known(laureate)
    assert_columns_follow_the_rows()


def test_accepting_a_proposal_keeps_completeness(admin_user, reference_data):
    laureate = make_laureate(slug="corrige", name="Corrigé")
    assert "amounts" not in known(laureate) and "source" not in known(laureate)
    for field, value in [("total_cost", "1 000 000 €"), ("state_aid", "500 000 €")]:
        proposal = Proposal.objects.create(
            kind=Proposal.Kind.CORRECTION,
            laureate=laureate,
            field=field,
            value=value,
            source_url="https://www.example.org/communique",
            email="contact@example.org",
        )
        moderation.accept(proposal, admin_user)
    # The proposal's source is added to the fiche: that fact is known too.
    assert {"amounts", "source"} <= known(laureate)
    assert_columns_follow_the_rows()


def test_import_keeps_the_columns(reference_data, tmp_path):
    path = write(
        tmp_path, csv_line(), csv_line(slug="autre", nom="Autre projet", membres="", regions="")
    )
    call_command("import_laureates", str(path), verbosity=0)
    laureate = Laureate.objects.get(slug="projet-sante")
    assert laureate.member_kinds == "|cfa|laboratoire|"
    assert laureate.region_codes == "|27|84|"
    assert_columns_follow_the_rows()


def test_generated_data_has_its_columns(db):
    call_command("generate_synthetic", "--laureates", "30", stdout=io.StringIO())
    assert Laureate.objects.exclude(member_kinds="").count() == 30
    assert Laureate.objects.exclude(known_mask=0).count() == 30
    assert_columns_follow_the_rows()


def test_facet_counts_equal_the_filter_results(client, sample_catalogue):
    assert_columns_follow_the_rows()
    for query in [
        "",
        "?portee=nationale",
        "?secteur=construction-btp&type_membre=cfa",
        "?q=numerique",
    ]:
        assert_facets_match_the_filter(client, query)


def test_facet_counts_follow_a_new_member_at_once(client, sample_catalogue):
    laureate = Laureate.objects.published().exclude(member_kinds__contains="|association|")[0]
    before = client.get(LIST_URL).context["facets"]
    kinds = {f["name"]: f for f in before}["type_membre"]
    count = {o["value"]: o["count"] for o in kinds["options"]}["association"]
    Membership.objects.create(
        laureate=laureate, organisation=OrganisationFactory(kind=Organisation.Kind.ASSOCIATION)
    )
    after = {f["name"]: f for f in client.get(LIST_URL).context["facets"]}["type_membre"]
    assert {o["value"]: o["count"] for o in after["options"]}["association"] == count + 1


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?portee=nationale",
        # Every facet ticked: no query counts the results along with the facets.
        "?secteur=construction-btp&portee=nationale&region=11&statut=retenu&type_membre=cfa",
    ],
)
def test_result_count_is_the_number_of_matches(client, sample_catalogue, query):
    response = client.get(LIST_URL + query)
    base = dict(pair.split("=") for pair in query.lstrip("?").split("&") if pair)
    filterset, _notices = bind_filterset(
        LaureateFilter, QueryDictLike(base), Laureate.objects.for_list()
    )
    assert response.context["page_obj"].paginator.count == filterset.qs.count()


def test_saving_a_stale_laureate_keeps_the_columns_of_its_rows(reference_data):
    laureate = make_laureate(slug="perime", regions=["84"])
    stale = Laureate.objects.get(pk=laureate.pk)
    MembershipFactory(
        laureate=laureate,
        organisation=OrganisationFactory(kind=Organisation.Kind.CFA, region_id="11"),
        role=Membership.Role.LEAD,
    )
    laureate.sectors.add(Sector.objects.first())
    # An admin form or a script read it before the changes, then saves it whole: refused, its
    # version is older than the row's (laureats/models/versions.py), and nothing is written.
    stale.summary = "Résumé corrigé."
    with pytest.raises(RecordModifiedError), transaction.atomic():
        stale.save()
    assert_columns_follow_the_rows()
    # Read again, it saves whole, and the rows still decide the columns.
    stale.refresh_from_db()
    stale.summary = "Résumé corrigé."
    stale.save()
    assert_columns_follow_the_rows()
    laureate.refresh_from_db()
    assert (laureate.member_kinds, laureate.lead_kind, laureate.consortium_size) == (
        "|cfa|",
        "cfa",
        1,
    )
