"""The organisation's public page: what the register gave (address, commune, legal category,
declaration number, Qualiopi, UAI) when known, and, once fetched, its source, licence and date.
The page never asks the register: it reads the record, with no more queries."""

import datetime
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from .factories import LaureateFactory, MembershipFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def public_organisation(**fields):
    organisation = OrganisationFactory(**fields)
    MembershipFactory(laureate=LaureateFactory(is_published=True), organisation=organisation)
    return organisation


def page(client, organisation):
    response = client.get(organisation.get_absolute_url())
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_the_registers_fields_their_licence_and_date_are_shown(client):
    organisation = public_organisation(
        address="9 RUE DU COLONEL PIERRE AVIA",
        postal_code="75015",
        city="PARIS 15",
        commune_code="75115",
        legal_category="5510",
        activity_declaration_number="11755555575",
        is_qualiopi=True,
        uai="0170100S",
        register_fetched_at=timezone.make_aware(datetime.datetime(2026, 12, 7, 8, 30)),
    )
    shown = page(client, organisation)
    assert "9 RUE DU COLONEL PIERRE AVIA, 75015 PARIS 15" in shown
    for value in ["75115", "5510", "11755555575", "0170100S"]:
        assert value in shown
    assert "Certifié Qualiopi" in shown
    assert "Licence Ouverte (Etalab 2.0)" in shown
    assert "Données du registre récupérées le 7 décembre 2026" in shown


def test_fields_typed_by_hand_are_shown_without_claiming_the_register(client):
    organisation = public_organisation(commune_code="13055", is_qualiopi=False)
    shown = page(client, organisation)
    assert "Code commune INSEE" in shown and "13055" in shown
    assert "Certifié Qualiopi" in shown
    assert "Licence Ouverte (Etalab 2.0)" not in shown and "récupérées le" not in shown


def test_an_organisation_the_register_says_nothing_of_has_no_such_section(client):
    shown = page(client, public_organisation())
    assert "Identité administrative" not in shown
    assert "Certifié Qualiopi" not in shown and "Licence Ouverte (Etalab 2.0)" not in shown


def test_the_registers_fields_cost_no_query(client):
    plain = public_organisation()
    enriched = public_organisation(
        address="1 RUE", commune_code="75115", uai="0170100S", register_fetched_at=timezone.now()
    )
    counts = []
    for organisation in [plain, enriched]:
        with CaptureQueriesContext(connection) as queries:
            page(client, organisation)
        counts.append(len(queries))
    assert counts[0] == counts[1]
