"""An organisation's identity: SIREN and SIRET checked by python-stdnum, wherever they enter."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from laureats.models import Organisation
from laureats.models.validators import validate_siren, validate_siret

from .factories import MembershipFactory, OrganisationFactory
from .html_forms import as_post, form_fields

pytestmark = pytest.mark.django_db

SIREN = "732829320"
SIRET = "73282932000074"  # an establishment of SIREN, with a valid key
BAD_KEY_SIRET = "73282932000075"
OTHER_SIRET = "55208131766522"  # a valid SIRET of another company (SIREN 552081317)
LA_POSTE_SIRET = "35600000000048"  # La Poste's establishments: a key that is not Luhn's


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("732829321", "clé de contrôle"),
        ("12345678", "exactement 9 chiffres"),
        ("7328 2932", "exactement 9 chiffres"),
        ("７３２８２９３２０", "exactement 9 chiffres"),  # full-width digits are not ASCII
    ],
)
def test_a_wrong_siren_is_refused_in_french(value, message):
    with pytest.raises(ValidationError) as error:
        validate_siren(value)
    assert message in error.value.messages[0]


def test_valid_identifiers_pass():
    validate_siren(SIREN)
    validate_siret(SIRET)
    validate_siret(LA_POSTE_SIRET)
    validate_siren("")
    validate_siret("")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (BAD_KEY_SIRET, "Ce SIRET n'est pas valide (sa clé de contrôle est fausse)."),
        ("7328293200007", "Le SIRET compte exactement 14 chiffres."),
        ("732829320 00074", "Le SIRET compte exactement 14 chiffres."),
    ],
)
def test_a_wrong_siret_is_refused_in_french(value, message):
    with pytest.raises(ValidationError) as error:
        validate_siret(value)
    assert error.value.messages == [message]


def test_a_siret_must_belong_to_the_siren():
    organisation = OrganisationFactory.build(siren=SIREN, siret=OTHER_SIRET)
    with pytest.raises(ValidationError) as error:
        organisation.full_clean()
    assert "9 premiers chiffres doivent être le SIREN" in error.value.message_dict["siret"][0]
    OrganisationFactory.build(siren=SIREN, siret=SIRET).full_clean()
    OrganisationFactory.build(siren="", siret=SIRET).full_clean()


def test_the_database_refuses_a_malformed_or_repeated_siret():
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(siret="123")
    OrganisationFactory(siret=SIRET)
    with pytest.raises(IntegrityError), transaction.atomic():
        OrganisationFactory(siret=SIRET)
    OrganisationFactory(siret="")
    OrganisationFactory(siret="")


def change_form(staff_client, organisation):
    url = reverse("admin:laureats_organisation_change", args=[organisation.pk])
    return url, form_fields(staff_client.get(url).content.decode(), form_id="organisation_form")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"siren": "732829321"}, "Ce SIREN n'est pas valide (sa clé de contrôle est fausse)."),
        ({"siren": "12345"}, "Le SIREN compte exactement 9 chiffres."),
        ({"siret": BAD_KEY_SIRET}, "Ce SIRET n'est pas valide (sa clé de contrôle est fausse)."),
        ({"siren": SIREN, "siret": OTHER_SIRET}, "9 premiers chiffres doivent être le SIREN"),
    ],
)
def test_the_admin_refuses_a_wrong_identifier_with_its_message(staff_client, changes, message):
    organisation = OrganisationFactory(name="CFA du Bâtiment")
    url, fields = change_form(staff_client, organisation)
    response = staff_client.post(url, as_post(fields, **changes))
    assert response.status_code == 200
    assert message in unescape(response.content.decode())
    organisation.refresh_from_db()
    assert (organisation.siren, organisation.siret) == ("", "")


def test_the_admin_saves_a_siret_of_the_siren(staff_client):
    organisation = OrganisationFactory(name="CFA du Bâtiment")
    url, fields = change_form(staff_client, organisation)
    response = staff_client.post(url, as_post(fields, siren=SIREN, siret=SIRET))
    assert response.status_code == 302
    organisation.refresh_from_db()
    assert (organisation.siren, organisation.siret) == (SIREN, SIRET)
    assert organisation.history.latest().siret == SIRET


def test_the_siret_is_in_the_member_export_and_the_api(client):
    organisation = OrganisationFactory(siren=SIREN, siret=SIRET)
    membership = MembershipFactory(organisation=organisation, laureate__is_published=True)
    membership.laureate.refresh_from_db()
    csv = client.get(
        reverse("laureats:member-export", kwargs={"extension": "csv"})
    ).content.decode()
    header, row = csv.splitlines()[:2]
    assert "siren,siret" in header.replace(";", ",")
    assert SIRET in row
    api = client.get(f"/api/organisations/{organisation.slug}/").json()
    assert api["siret"] == SIRET


def test_the_organisation_page_shows_its_siret(client):
    organisation = OrganisationFactory(siren=SIREN, siret=SIRET)
    MembershipFactory(organisation=organisation, laureate__is_published=True)
    page = unescape(client.get(organisation.get_absolute_url()).content.decode())
    assert SIRET in page
    assert Organisation.objects.get(pk=organisation.pk).siret == SIRET
