"""What a register answer proposes for an organisation: the fields, read as the OpenAPI
description gives them, each checked by the model's own rules; the region from the commune's
department; the member kind the legal category suggests."""

import json

import pytest
from django.conf import settings

from laureats.models import Organisation
from laureats.register.departments import DEPARTMENT_REGION, REGION_DEPARTMENTS, region_code_of
from laureats.register.mapping import propose, suggested_kind

from .register_replay import answer

Kind = Organisation.Kind


def first(name):
    return answer(name)["results"][0]


def test_a_legal_unit_proposes_its_head_office():
    proposal = propose(first("by_siren.json"))
    assert proposal.values == {
        "name": "LA POSTE",
        "siren": "356000000",
        "legal_category": "5510",
        "address": "9 RUE DU COLONEL PIERRE AVIA",
        "postal_code": "75015",
        "city": "PARIS 15",
        "commune_code": "75115",
        "region": "11",
        "latitude": 48.83002,
        "longitude": 2.275688,
        "uai": "0170100S",
        "is_qualiopi": False,
    }
    # The schema's example of a declaration number is not in its published 11-digit format:
    # left out, and said.
    assert any("7423P001123" in note for note in proposal.notes)
    assert proposal.kind == Kind.COMPANY


def test_the_establishment_of_the_siret_gives_the_place():
    result = first("by_siret.json")
    proposal = propose(result, siret="90000000100009")
    values = proposal.values
    assert (values["commune_code"], values["region"], values["city"]) == ("2B096", "94", "CORTE")
    assert values["address"] == "BATIMENT B 2 AVENUE FACTICE"
    assert values["activity_declaration_number"] == "94202345620"
    assert (values["uai"], values["is_qualiopi"]) == ("9999999Z", True)
    assert proposal.kind == Kind.ASSOCIATION
    head_office = propose(result).values
    assert (head_office["commune_code"], head_office["region"]) == ("13055", "93")
    assert head_office["activity_declaration_number"] == "93131234513"
    assert "uai" not in head_office


def test_several_declaration_numbers_without_an_establishment_propose_none():
    result = first("by_siret.json")
    result["siege"]["liste_id_organisme_formation"] = []
    proposal = propose(result)
    assert "activity_declaration_number" not in proposal.values
    assert any("plusieurs" in note for note in proposal.notes)


def test_missing_or_odd_values_are_left_out():
    result = {"siren": "356000000", "siege": {"latitude": "nord", "longitude": None}}
    assert propose(result).values == {"siren": "356000000"}


def test_a_ceased_legal_unit_is_said():
    ceased = answer("candidates.json")["results"][2]
    assert any("cessé" in note for note in propose(ceased).notes)


@pytest.mark.parametrize(
    ("category", "kind"),
    [
        ("7331", Kind.PUBLIC_TRAINING),
        ("7381", Kind.CONSULAR_TRAINING),
        ("7383", Kind.HIGHER_EDUCATION),
        ("7210", Kind.PUBLIC_BODY),
        ("4110", Kind.PUBLIC_BODY),
        ("8420", Kind.BRANCH),
        ("9220", Kind.ASSOCIATION),
        ("5710", Kind.COMPANY),
        ("1000", Kind.COMPANY),
        ("6540", ""),
        ("9300", ""),
        ("", ""),
    ],
)
def test_the_legal_category_suggests_a_kind(category, kind):
    assert suggested_kind(category)[0] == kind


def test_every_department_belongs_to_one_of_the_portals_regions():
    shipped = json.loads((settings.BASE_DIR / "fixtures" / "regions.json").read_text())
    codes = {row["pk"] for row in shipped}
    assert set(REGION_DEPARTMENTS) == codes
    # 96 in metropolitan France, 5 overseas: each in exactly one region.
    assert len(DEPARTMENT_REGION) == sum(len(d) for d in REGION_DEPARTMENTS.values()) == 101


@pytest.mark.parametrize(
    ("commune", "region"),
    [
        ("75056", "11"),
        ("13055", "93"),
        ("2A004", "94"),
        ("97105", "01"),
        ("97611", "06"),
        ("97502", ""),  # Saint-Pierre-et-Miquelon: no region
        ("", ""),
    ],
)
def test_the_region_follows_from_the_communes_department(commune, region):
    assert region_code_of(commune) == region
