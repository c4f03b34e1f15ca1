"""The facet columns (`region_codes`, `member_kinds`) follow every write, and the list's facet
counts read from them always equal what ticking the option lists."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from laureats.filters import LaureateFilter, bind_filterset
from laureats.models import Laureate, Membership, Organisation, Region

from .factories import MembershipFactory, OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db

LIST_URL = reverse("laureats:laureate-list")


def expected_columns(laureate):
    """The columns as the rows say they should be, read the slow way."""
    regions = set(laureate.regions.values_list("code", flat=True))
    kinds = set()
    for membership in laureate.memberships.select_related("organisation"):
        kinds.add(membership.organisation.kind)
        if membership.organisation.region_id:
            regions.add(membership.organisation.region_id)

    def joined(values):
        return "|" + "|".join(sorted(values)) + "|" if values else ""

    return joined(regions), joined(kinds)


def assert_columns_follow_the_rows():
    for laureate in Laureate.objects.all():
        assert (laureate.region_codes, laureate.member_kinds) == expected_columns(laureate), (
            laureate.slug
        )


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

    # An organisation moved or reclassified moves its laureates' columns with it.
    organisation.region_id = "27"
    organisation.kind = Organisation.Kind.RESEARCH
    organisation.save()
    laureate.refresh_from_db()
    assert (laureate.region_codes, laureate.member_kinds) == ("|27|84|", "|laboratoire|")

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
    assert (laureate.region_codes, laureate.member_kinds) == ("", "")
    assert (other.region_codes, other.member_kinds) == ("|27|", "|laboratoire|")
    membership.delete()
    other.refresh_from_db()
    assert (other.region_codes, other.member_kinds) == ("", "")


def test_import_keeps_the_columns(reference_data, tmp_path):
    from .test_import import row, write

    path = write(tmp_path, row(), row(slug="autre", nom="Autre projet", membres="", regions=""))
    call_command("import_laureates", str(path), verbosity=0)
    laureate = Laureate.objects.get(slug="projet-sante")
    assert laureate.member_kinds == "|cfa|laboratoire|"
    assert laureate.region_codes == "|27|84|"
    assert_columns_follow_the_rows()


def test_generated_data_has_its_columns(db):
    call_command("generate_synthetic", "--laureates", "30", stdout=io.StringIO())
    assert Laureate.objects.exclude(member_kinds="").count() == 30
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
