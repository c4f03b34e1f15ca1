import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from laureats.models import Laureate, Membership, Organisation
from laureats.models.validators import luhn_is_valid

from .factories import LaureateFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

VALID_SIREN = "732829320"  # passes the Luhn check
BAD_KEY_SIREN = "732829321"


def test_second_lead_is_refused_by_the_database():
    laureate = LaureateFactory()
    MembershipFactory(laureate=laureate, role=Membership.Role.LEAD)
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(laureate=laureate, role=Membership.Role.LEAD)


def test_many_partners_and_one_lead_are_allowed():
    laureate = LaureateFactory()
    MembershipFactory(laureate=laureate, role=Membership.Role.LEAD)
    MembershipFactory.create_batch(3, laureate=laureate)
    assert laureate.memberships.count() == 4
    assert laureate.lead is not None


def test_aid_above_70_percent_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        LaureateFactory(total_cost=1_000_000, state_aid=700_001)


def test_aid_at_70_percent_rounded_to_the_euro_is_accepted():
    # The real e-deffinum amounts: 5 398 685 € of 7 712 407 € is 70 % rounded to the euro.
    laureate = LaureateFactory(total_cost=7_712_407, state_aid=5_398_685)
    assert laureate.aid_rate == 70.0


def test_aid_rule_gives_a_french_message_on_validation():
    laureate = Laureate(name="X", slug="x", status="retenu", total_cost=100, state_aid=90)
    with pytest.raises(ValidationError) as error:
        laureate.full_clean()
    assert "70 %" in str(error.value)


def test_unknown_amounts_pass_the_aid_rule():
    assert LaureateFactory(total_cost=None, state_aid=123).pk


def test_bad_siren_key_is_refused_on_validation():
    organisation = OrganisationFactory.build(siren=BAD_KEY_SIREN)
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "siren" in error.value.message_dict


@pytest.mark.parametrize("siren", ["12345678", "1234567890", "ABCDEFGHI"])
def test_siren_that_is_not_nine_digits_is_refused(siren):
    organisation = OrganisationFactory.build(siren=siren)
    with pytest.raises(ValidationError):
        organisation.full_clean()


def test_siren_of_wrong_length_is_refused_by_the_database():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(siren="12345")


def test_siren_is_unique_when_set_and_may_be_empty_many_times():
    OrganisationFactory(siren=VALID_SIREN)
    OrganisationFactory(siren="")
    OrganisationFactory(siren="")
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(siren=VALID_SIREN)


def test_luhn():
    assert luhn_is_valid(VALID_SIREN)
    assert not luhn_is_valid(BAD_KEY_SIREN)


def test_same_organisation_cannot_join_a_consortium_twice():
    membership = MembershipFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        MembershipFactory(laureate=membership.laureate, organisation=membership.organisation)


def test_aid_rate_is_unknown_without_both_amounts():
    assert LaureateFactory(total_cost=None, state_aid=None).aid_rate is None
    assert LaureateFactory(total_cost=1000, state_aid=500).aid_rate == 50.0


def test_search_document_holds_member_names_without_accents():
    laureate = LaureateFactory(name="Santé numérique")
    MembershipFactory(laureate=laureate, organisation=OrganisationFactory(name="École Électrique"))
    laureate.refresh_from_db()
    assert "sante numerique" in laureate.search_document
    assert "ecole electrique" in laureate.search_document


def test_organisation_links_to_its_public_record():
    organisation = Organisation(siren=VALID_SIREN)
    assert organisation.siren_record_url.endswith(f"/entreprise/{VALID_SIREN}")


def test_a_page_address_follows_its_slug_and_the_language():
    # Reversed once per instance (models/page_urls.py): a renamed slug or another language must
    # not keep the old address.
    from django.utils import translation

    organisation = OrganisationFactory(slug="cfa-avant")
    assert organisation.get_absolute_url() == "/organisations/cfa-avant/"
    organisation.slug = "cfa-apres"
    assert organisation.get_absolute_url() == "/organisations/cfa-apres/"
    with translation.override("en"):
        assert organisation.get_absolute_url() == "/en/organisations/cfa-apres/"
    assert organisation.get_absolute_url() == "/organisations/cfa-apres/"
