"""The rows of every laureate CSV and XLSX export (laureats/opendata/rows.py), public and admin:
a fixed file, so that a change of format is seen.

The laureates cover every kind of column: text with quotes, commas, line breaks, accents, "|"
and a leading "=", choices, several sectors, regions, members and sources, amounts (zero
included), dates, and every value left unknown.
"""

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse

from laureats.csv_format import COLUMN_NAMES
from laureats.csv_format.values import join_values, split_values
from laureats.models import Laureate, Membership, Organisation, Sector

from .factories import MembershipFactory, OrganisationFactory, SourceFactory, make_laureate

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


CSV_URL = reverse("laureats:laureate-export", args=["csv"])
XLSX_URL = reverse("laureats:laureate-export", args=["xlsx"])


@pytest.fixture
def varied(reference_data):
    sector = {sector.slug: sector for sector in Sector.objects.all()}
    kind = Organisation.Kind
    lycee = OrganisationFactory(
        name='Lycée Élise | « Dupont », "annexe"', kind=kind.PUBLIC_TRAINING, siren="123456789"
    )
    labo = OrganisationFactory(name="Laboratoire: Réalité, virtuelle", kind=kind.RESEARCH)
    branche = OrganisationFactory(name="-Branche des métiers", kind=kind.BRANCH)
    # The same name: ordered by SIREN, the one without first.
    other_labo = OrganisationFactory(
        name="Laboratoire: Réalité, virtuelle", kind=kind.COMPANY, siren="987654321"
    )
    full = make_laureate(
        slug="atelier-vr",
        name='Atelier "VR", virgule & accents : Énergie à l\'œuvre',
        acronym="AVR,1",
        status=Laureate.Status.RETAINED,
        scope=Laureate.Scope.INTERREGIONAL,
        sectors=[sector["sante-social"], sector["construction-btp"]],
        regions=["84", "27", "11"],
        total_cost=1_250_000,
        state_aid=500_000,
        start_date=datetime.date(2024, 1, 15),
        end_date=datetime.date(2026, 12, 31),
        website="https://atelier.example.org/vr?x=1,2",
        summary="Ligne 1\nLigne 2\r\nfin ; « guillemets »",
        description='Une description avec "guillemets", des | barres et un \\ oblique.',
        data_note="=SOMME(A1:A2) vient d'une source",
        lead=lycee,
        members=[labo, other_labo, branche],
    )
    SourceFactory(laureate=full, url="https://presse.example.org/b", title="Titre | avec barre")
    SourceFactory(laureate=full, url="https://presse.example.org/a", title="")
    make_laureate(
        slug="inconnu",
        name="Bâtiment sans données",
        scope="",
        status=Laureate.Status.REDIRECTED,
        state_aid_kind=Laureate.StateAidKind.REQUESTED,
    )
    requested = make_laureate(
        slug="demande-zero",
        name="Chantier-école, zéro euro",
        sectors=[sector["construction-btp"]],
        regions=["11"],
        total_cost=0,
        state_aid=0,
        state_aid_kind=Laureate.StateAidKind.REQUESTED,
        end_date=datetime.date(2025, 6, 1),
    )
    MembershipFactory(laureate=requested, organisation=branche, role=Membership.Role.LEAD)
    SourceFactory(laureate=requested, url="https://presse.example.org/c", title="+ Titre, virgule")
    make_laureate(slug="cache", name="Caché", is_published=False, lead=lycee)


# As the codecs wrote it before the rows were read as tuples, on SQLite and PostgreSQL alike.
EXPECTED_CSV = (
    "slug,nom,acronyme,statut,portee,secteurs,regions,cout_total_eur,aide_etat_eur,nature_aide,date_debut,date_fin,site_web,resume,description,remarques,publie,membres,sources\r\n"
    'atelier-vr,"Atelier ""VR"", virgule & accents : Énergie à l\'œuvre","AVR,1",retenu,interregionale,construction-btp | sante-social,11 | 27 | 84,1250000,500000,accordee,2024-01-15,2026-12-31,"https://atelier.example.org/vr?x=1,2","Ligne 1\nLigne 2\r\n'
    'fin ; « guillemets »","Une description avec ""guillemets"", des | barres et un \\ oblique.",\'=SOMME(A1:A2) vient d\'une source,oui,"porteur:organisme-public:123456789:Lycée Élise \\| « Dupont », ""annexe"" | partenaire:branche-opco::-Branche des métiers | partenaire:laboratoire::Laboratoire: Réalité, virtuelle | partenaire:entreprise:987654321:Laboratoire: Réalité, virtuelle",https://presse.example.org/b Titre \\| avec barre | https://presse.example.org/a\r\n'
    "inconnu,Bâtiment sans données,,reoriente-cma,,,,,,,,,,,,,oui,,\r\n"
    'demande-zero,"Chantier-école, zéro euro",,retenu,nationale,construction-btp,11,0,0,demandee,,2025-06-01,,,,,oui,porteur:branche-opco::-Branche des métiers,"https://presse.example.org/c + Titre, virgule"\r\n'
)
EXPECTED_XLSX = [
    tuple(COLUMN_NAMES),
    (
        "atelier-vr",
        'Atelier "VR", virgule & accents : Énergie à l\'œuvre',
        "AVR,1",
        "retenu",
        "interregionale",
        "construction-btp | sante-social",
        "11 | 27 | 84",
        1250000,
        500000,
        "accordee",
        datetime.datetime(2024, 1, 15, 0, 0),
        datetime.datetime(2026, 12, 31, 0, 0),
        "https://atelier.example.org/vr?x=1,2",
        "Ligne 1\nLigne 2\nfin ; « guillemets »",
        'Une description avec "guillemets", des | barres et un \\ oblique.',
        "=SOMME(A1:A2) vient d'une source",
        "oui",
        'porteur:organisme-public:123456789:Lycée Élise \\| « Dupont », "annexe" | partenaire:branche-opco::-Branche des métiers | partenaire:laboratoire::Laboratoire: Réalité, virtuelle | partenaire:entreprise:987654321:Laboratoire: Réalité, virtuelle',
        "https://presse.example.org/b Titre \\| avec barre | https://presse.example.org/a",
    ),
    (
        "inconnu",
        "Bâtiment sans données",
        None,
        "reoriente-cma",
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        "oui",
        None,
        None,
    ),
    (
        "demande-zero",
        "Chantier-école, zéro euro",
        None,
        "retenu",
        "nationale",
        "construction-btp",
        "11",
        0,
        0,
        "demandee",
        None,
        datetime.datetime(2025, 6, 1, 0, 0),
        None,
        None,
        None,
        None,
        "oui",
        "porteur:branche-opco::-Branche des métiers",
        "https://presse.example.org/c + Titre, virgule",
    ),
]


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def test_laureate_csv_is_the_fixed_file(client, varied):
    assert content(client.get(CSV_URL)).decode() == EXPECTED_CSV


def test_laureate_xlsx_cells_are_the_fixed_cells(client, varied):
    workbook = openpyxl.load_workbook(io.BytesIO(content(client.get(XLSX_URL))))
    assert list(workbook["Lauréats"].iter_rows(values_only=True)) == EXPECTED_XLSX


def test_the_admin_exports_the_selection_as_the_same_file(admin_client, varied):
    # One path for export rows: the admin's action writes the open data file's cells.
    url = reverse("admin:laureats_laureate_changelist")
    selected = Laureate.objects.exclude(slug="cache").values_list("pk", flat=True)
    response = admin_client.post(
        url, {"action": "export_csv", "_selected_action": [str(pk) for pk in selected]}
    )
    # In the list's name order, as the open data file.
    assert content(response).decode() == EXPECTED_CSV
    response = admin_client.post(
        url, {"action": "export_xlsx", "_selected_action": [str(pk) for pk in selected]}
    )
    workbook = openpyxl.load_workbook(io.BytesIO(content(response)))
    assert list(workbook["Lauréats"].iter_rows(values_only=True)) == EXPECTED_XLSX


@pytest.mark.parametrize(
    "values",
    [["a"], ["a", "b", "c"], ["a|b"], ["a", "b\\"], ["\\|", ""], ["", ""], ["x | y", "z"]],
)
def test_joined_values_read_back_as_they_were(values):
    assert split_values(join_values(values)) == [value for value in values if value]
