"""The SIRET where the SIREN goes: the import's member format, an organisation's proposal, the
change log, and the members export."""

import csv
import io
from html import unescape

import pytest
from django.core.management import CommandError
from django.test import Client
from django.urls import reverse

from laureats.contributions.moderation import plan_organisation
from laureats.models import Organisation, Proposal

from .factories import LaureateFactory, MembershipFactory, OrganisationFactory
from .import_rows import csv_line, run_import, write
from .test_journal import JOURNAL, age_history, entries

pytestmark = pytest.mark.django_db

# A real SIRET's format and check digit (Google France's establishment), on a made-up name.
SIREN, SIRET = "443061841", "44306184100047"


def test_import_reads_a_siret_in_place_of_the_siren(reference_data, tmp_path):
    members = f"porteur:cfa::CFA de test | partenaire:entreprise:{SIRET[:9]} {SIRET[9:]}:Entreprise"
    run_import(write(tmp_path, csv_line(membres=members)))

    organisation = Organisation.objects.get(name="Entreprise")
    assert (organisation.siren, organisation.siret) == (SIREN, SIRET)


def test_import_completes_an_organisation_known_by_its_siren(reference_data, tmp_path):
    run_import(write(tmp_path, csv_line(membres=f"porteur:entreprise:{SIREN}:Entreprise")))
    run_import(write(tmp_path, csv_line(membres=f"porteur:entreprise:{SIRET}:Autre nom")))

    assert Organisation.objects.filter(siren=SIREN).count() == 1
    assert Organisation.objects.get(siren=SIREN).siret == SIRET


def test_import_refuses_a_siret_with_a_wrong_check_digit(reference_data, tmp_path, capsys):
    wrong = SIRET[:-1] + "8"
    with pytest.raises(CommandError):
        run_import(write(tmp_path, csv_line(membres=f"porteur:entreprise:{wrong}:Entreprise")))

    assert "SIRET" in capsys.readouterr().err
    assert not Organisation.objects.filter(name="Entreprise").exists()


def test_the_member_cell_writes_the_siret_back(reference_data):
    from laureats.csv_format import BY_NAME

    column = BY_NAME["membres"]
    members = column.read(f"porteur:entreprise:{SIRET}:Entreprise", {})

    assert column.codec.format(members) == f"porteur:entreprise:{SIRET}:Entreprise"


def test_a_proposal_may_correct_the_siret(reference_data):
    organisation = OrganisationFactory(siren=SIREN)
    proposal = Proposal.objects.create(
        kind=Proposal.Kind.ORGANISATION,
        organisation=organisation,
        organisation_field=Proposal.OrganisationField.SIRET,
        value="443 061 841 00047",
    )

    assert plan_organisation(proposal).value == SIRET


def test_a_proposal_of_another_companys_siret_is_refused(reference_data):
    organisation = OrganisationFactory(siren="732829320")
    proposal = Proposal.objects.create(
        kind=Proposal.Kind.ORGANISATION,
        organisation=organisation,
        organisation_field=Proposal.OrganisationField.SIRET,
        value=SIRET,
    )

    plan = plan_organisation(proposal)
    assert plan.value is None
    assert "9 premiers chiffres" in plan.reason


def test_a_siret_change_shows_in_the_journal_with_before_and_after(reference_data):
    organisation = OrganisationFactory(name="Organisation fictive", siren=SIREN)
    MembershipFactory(laureate=LaureateFactory(is_published=True), organisation=organisation)
    age_history()
    organisation.siret = SIRET
    organisation.save()

    page = entries(Client().get(JOURNAL + "?type=organisations"))
    assert f"SIRET : non renseigné → {SIRET}" in page


def test_the_members_export_carries_the_register_fields(client, reference_data):
    organisation = OrganisationFactory(
        siren=SIREN,
        siret=SIRET,
        commune_code="75056",
        latitude=48.8566,
        longitude=2.3522,
        legal_category="5710",
        activity_declaration_number="11755555575",
        is_qualiopi=True,
        uai="0751234A",
    )
    MembershipFactory(laureate=LaureateFactory(is_published=True), organisation=organisation)

    response = client.get(reverse("laureats:member-export", args=["csv"]))
    body = b"".join(response).decode("utf-8-sig")
    row = next(csv.DictReader(io.StringIO(body)))

    assert row["siret"] == SIRET
    assert row["code_commune"] == "75056"
    assert (row["latitude"], row["longitude"]) == ("48.8566", "2.3522")
    assert row["categorie_juridique"] == "5710"
    assert row["numero_declaration_activite"] == "11755555575"
    assert (row["qualiopi"], row["uai"], row["registre_consulte_le"]) == ("oui", "0751234A", "")


def test_the_data_package_documents_each_register_column(client, reference_data):
    package = client.get(reverse("laureats:datapackage")).json()
    members = next(r for r in package["resources"] if r["name"] == "membres")
    fields = {field["name"]: field for field in members["schema"]["fields"]}

    assert fields["latitude"]["type"] == "number"
    assert "WGS 84" in fields["latitude"]["description"]
    assert fields["code_commune"]["constraints"]["pattern"] == "(?:[0-9]{5}|2[AB][0-9]{3})"
    assert fields["qualiopi"]["type"] == "boolean"
    assert "Licence Ouverte" in unescape(fields["registre_consulte_le"]["description"])


def test_the_organisation_json_ld_carries_identifiers_and_coordinates(client, reference_data):
    from .test_seo import json_ld

    organisation = OrganisationFactory(
        siren=SIREN, siret=SIRET, uai="0751234A", latitude=48.8566, longitude=2.3522
    )
    MembershipFactory(laureate=LaureateFactory(is_published=True), organisation=organisation)

    body = client.get(organisation.get_absolute_url()).content.decode()
    data = json_ld(body)
    assert data["@type"] == "Organization"

    assert [(i["propertyID"], i["value"]) for i in data["identifier"]] == [
        ("SIREN", SIREN),
        ("SIRET", SIRET),
        ("UAI", "0751234A"),
    ]
    assert data["geo"] == {"@type": "GeoCoordinates", "latitude": 48.8566, "longitude": 2.3522}
