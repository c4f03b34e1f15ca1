"""/donnees/datapackage.json: the published CSVs described for programs, and checked with the
`frictionless` library against the live files, as a reuser's `frictionless validate` would."""

import datetime
import json

import frictionless
import pytest
from django.urls import reverse

from laureats.csv_format import COLUMN_NAMES
from laureats.models import Laureate, Organisation, Resource, Sector
from laureats.opendata import datapackage
from laureats.opendata.dictionary import (
    MEMBER_COLUMN_NAMES,
    RESOURCE_COLUMN_NAMES,
    laureate_fields,
    member_fields,
    resource_fields,
)

from .factories import (
    OrganisationFactory,
    ResourceFactory,
    ResourceSourceFactory,
    SourceFactory,
    make_laureate,
)

pytestmark = pytest.mark.django_db

PACKAGE_URL = reverse("laureats:datapackage")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def content(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def validate_live(client, directory):
    """The live package, its CSVs fetched through the portal and validated against it."""
    descriptor = client.get(PACKAGE_URL).json()
    for resource in descriptor["resources"]:
        response = client.get(resource["path"])
        assert response.status_code == 200
        (directory / f"{resource['name']}.csv").write_bytes(content(response))
        resource["path"] = f"{resource['name']}.csv"
    package = frictionless.Package(descriptor, basepath=str(directory))
    return package.validate()


def errors(report):
    return report.flatten(["rowNumber", "fieldName", "type", "note"])


@pytest.fixture
def every_field(reference_data):
    """Laureates that fill every column in every way: empty, lists, accents, formulas, escapes."""
    sectors = list(Sector.objects.order_by("slug")[:2])
    lead = OrganisationFactory(
        name="Société coopérative d'Île-de-France | « pôle » : numérique",
        slug="societe-cooperative-idf",
        kind=Organisation.Kind.COMPANY,
        siren="732829320",
        city="Saint-Étienne",
        region_id="84",
    )
    elsewhere = OrganisationFactory(city="", region=None, kind=Organisation.Kind.OTHER)
    full = make_laureate(
        name="=Ça commence par un signe égal",
        slug="projet-complet",
        acronym="PRÉCIS",
        scope=Laureate.Scope.INTERREGIONAL,
        sectors=sectors,
        regions=["27", "84", "11"],
        total_cost=1_250_000,
        state_aid=800_000,
        state_aid_kind=Laureate.StateAidKind.REQUESTED,
        start_date=datetime.date(2024, 1, 15),
        end_date=datetime.date(2027, 12, 31),
        website="https://projet.example.org/chemin?a=1&b=é",
        summary="Résumé accentué, avec « guillemets », virgules, et\nun retour à la ligne.",
        description="- une liste\r\n- qui commence par un tiret\\",
        data_note="Montant demandé, pas encore accordé.",
        lead=lead,
        members=[elsewhere],
    )
    SourceFactory(laureate=full, title="Titre avec | une barre", url="https://presse.example.org/a")
    SourceFactory(laureate=full, title="", url="https://presse.example.org/sans-titre")
    empty = make_laureate(name="Projet sans rien", slug="projet-vide", scope="")
    make_laureate(
        name="Projet accordé",
        slug="projet-accorde",
        status=Laureate.Status.REDIRECTED,
        state_aid=0,
        members=[elsewhere],
    )
    make_laureate(name="Projet caché", slug="projet-cache", is_published=False, partners=1)
    # Shared productions: one with every field, one with its title alone, one unpublished.
    complete = ResourceFactory(
        title="=Module | « sécurité »",
        slug="module-complet",
        kind=Resource.Kind.IMMERSIVE,
        description="Sur deux lignes,\navec une virgule.",
        laureates=[full, empty],
        sectors=sectors,
        audience=["apprentis", "formateurs"],
        certifications="RNCP34567 RS5678",
        licence=Resource.Licence.CC_BY_SA,
        access=Resource.Access.PUBLIC,
        url="https://ressource.example.org/module?x=1",
        language=Resource.Language.FRENCH,
        status=Resource.Status.AVAILABLE,
        available_on=datetime.date(2025, 3, 1),
    )
    ResourceSourceFactory(resource=complete, url="https://presse.example.org/r1")
    ResourceSourceFactory(resource=complete, url="https://presse.example.org/r2")
    ResourceFactory(title="Guide", slug="guide-vide", kind="", laureates=[empty])
    ResourceFactory(title="Caché", slug="ressource-cachee", is_published=False, laureates=[full])
    return full, empty


def test_live_csvs_validate_against_the_live_package(client, every_field, tmp_path):
    report = validate_live(client, tmp_path)

    assert report.valid, errors(report)
    rows = {task.name: task.stats.get("rows") for task in report.tasks}
    assert rows.pop("laureats") == rows.pop("membres") == 3
    assert rows.pop("productions-partagees") == 2
    assert rows == {
        "statistiques-filieres": len(Sector.objects.all()),
        "statistiques-portees": 3,
        "statistiques-statuts": 2,
        "statistiques-regions": 18,
        "statistiques-types-membres": 2,
        "statistiques-types-porteurs": 1,
        # No official figure in these tests: the header alone, still valid.
        "statistiques-filieres-officielles": None,
    }


def test_a_file_that_breaks_the_schema_is_caught(client, every_field, tmp_path):
    # The validation has teeth: a member of an unknown laureate, an unknown role, a bad date.
    validate_live(client, tmp_path)
    with (tmp_path / "membres.csv").open("a", newline="") as members:
        members.write("inconnu,Inconnu,societe-cooperative-idf,Société,porteur" + "," * 14 + "\r\n")
        members.write("projet-vide,Projet sans rien,autre,Autre,chef" + "," * 14 + "\r\n")
    laureates = (tmp_path / "laureats.csv").read_bytes()
    (tmp_path / "laureats.csv").write_bytes(laureates.replace(b"2024-01-15", b"15/01/2024"))
    descriptor = client.get(PACKAGE_URL).json()
    for resource in descriptor["resources"]:
        resource["path"] = f"{resource['name']}.csv"

    report = frictionless.Package(descriptor, basepath=str(tmp_path)).validate()

    assert sorted(f"{error[1]} {error[2]}" for error in errors(report)) == [
        "None foreign-key",
        "date_debut type-error",
        "role constraint-error",
    ]


def test_empty_portal_validates(client, reference_data, tmp_path):
    report = validate_live(client, tmp_path)

    assert report.valid, errors(report)


def test_package_is_the_data_dictionary(client, every_field):
    package = client.get(PACKAGE_URL).json()
    laureates, members = package["resources"][:2]

    assert [field["name"] for field in laureates["schema"]["fields"]] == COLUMN_NAMES
    assert [field["name"] for field in members["schema"]["fields"]] == MEMBER_COLUMN_NAMES
    [resources] = [r for r in package["resources"] if r["name"] == "productions-partagees"]
    assert [field["name"] for field in resources["schema"]["fields"]] == RESOURCE_COLUMN_NAMES
    for fields, docs in [
        (laureates, laureate_fields()),
        (members, member_fields()),
        (resources, resource_fields()),
    ]:
        for field, doc in zip(fields["schema"]["fields"], docs, strict=True):
            assert (field["title"], field["description"]) == (doc.label, doc.description)


def test_package_states_types_keys_and_allowed_values(client, every_field):
    package = client.get(PACKAGE_URL).json()
    laureates, members = (
        {field["name"]: field for field in resource["schema"]["fields"]}
        for resource in package["resources"][:2]
    )

    assert laureates["slug"]["constraints"] == {
        "required": True,
        "pattern": "[-a-zA-Z0-9_]+",
        "unique": True,
    }
    assert laureates["statut"]["constraints"] == {
        "required": True,
        "enum": ["retenu", "reoriente-cma"],
    }
    assert laureates["nature_aide"]["constraints"] == {"enum": ["accordee", "demandee"]}
    assert laureates["cout_total_eur"]["type"] == "integer"
    assert laureates["date_debut"] == {**laureates["date_debut"], "type": "date"}
    assert laureates["publie"]["trueValues"] == ["oui"]
    assert "sante-social" in laureates["secteurs"]["constraints"]["pattern"]
    assert members["role"]["constraints"]["enum"] == ["porteur", "partenaire"]
    assert "84" in members["region_code"]["constraints"]["enum"]
    assert package["resources"][1]["schema"]["foreignKeys"] == [
        {"fields": ["laureat_slug"], "reference": {"resource": "laureats", "fields": ["slug"]}}
    ]
    assert all(r["schema"]["missingValues"] == [""] for r in package["resources"])


def test_package_names_licence_sources_date_and_portal(client, every_field, settings):
    settings.PUBLISHER_NAME = "Association fictive"
    response = client.get(PACKAGE_URL)
    package = response.json()

    assert response["Content-Type"] == "application/json"
    assert package["licenses"] == [
        {
            "name": "etalab-2.0",
            "path": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
            "title": "Licence Ouverte / Etalab 2.0",
        }
    ]
    assert package["homepage"] == "http://testserver/donnees/"
    assert package["resources"][0]["path"] == "http://testserver/laureats/export.csv"
    assert package["sources"][0]["path"] == settings.DEFFINUM_OFFICIAL_LIST_URL
    latest = Laureate.objects.published().latest("updated_at").updated_at
    assert datetime.datetime.fromisoformat(package["lastModified"]) == latest.replace(microsecond=0)
    assert package["version"] == datapackage.FORMAT_VERSION
    assert package["contributors"] == [{"title": "Association fictive", "role": "publisher"}]


def test_package_is_french_and_omits_an_unset_publisher(client, every_field, settings):
    settings.PUBLISHER_NAME = ""
    french = client.get(PACKAGE_URL).json()
    english = client.get("/en" + PACKAGE_URL).json()

    assert english == french
    assert "contributors" not in french
    assert french["resources"][0]["schema"]["fields"][1]["title"] == "Nom du projet"


def test_every_export_links_to_the_package(client, every_field):
    for table in ["laureate", "member"]:
        for extension in ["csv", "json", "xlsx"]:
            response = client.get(reverse(f"laureats:{table}-export", args=[extension]))
            assert (
                '<http://testserver/donnees/datapackage.json>; rel="describedby"'
                in response["Link"]
            )
            assert 'rel="license"' in response["Link"]
            if extension == "json":
                metadata = json.loads(content(response))["metadata"]
                assert metadata["datapackage_url"] == "http://testserver/donnees/datapackage.json"


def test_open_data_page_links_to_the_package_and_says_the_version(client, every_field):
    html = client.get(reverse("laureats:open-data")).content.decode()

    assert 'href="/donnees/datapackage.json"' in html
    assert datapackage.FORMAT_VERSION in html


# The format as of FORMAT_VERSION. Changing a column's name, order or type fails this test: bump
# FORMAT_VERSION, note the change in CHANGELOG (printed on /donnees/), then update this.
FORMAT_1_1_0 = {
    "laureats": "slug:string nom:string acronyme:string statut:string portee:string "
    "secteurs:string regions:string cout_total_eur:integer aide_etat_eur:integer "
    "nature_aide:string date_debut:date date_fin:date site_web:string resume:string "
    "description:string remarques:string publie:boolean membres:string sources:string",
    "membres": "laureat_slug:string laureat_nom:string organisation_slug:string "
    "organisation_nom:string role:string type:string siren:string siret:string ville:string "
    "region_code:string region:string code_commune:string latitude:number longitude:number "
    "categorie_juridique:string numero_declaration_activite:string qualiopi:boolean uai:string "
    "registre_consulte_le:datetime",
    **{
        f"statistiques-{key}": "valeur:string libelle:string laureats:integer "
        "liste_des_laureats:string"
        for key in [
            "filieres",
            "portees",
            "statuts",
            "regions",
            "types-porteurs",
            "filieres-officielles",
        ]
    },
    "statistiques-types-membres": "valeur:string libelle:string organisations:integer "
    "laureats:integer liste_des_laureats:string",
    "productions-partagees": "slug:string titre:string type:string description:string "
    "laureats:string filieres:string filieres_des_laureats:boolean publics:string "
    "certifications:string licence:string acces:string etat:string langue:string "
    "adresse:string date_mise_a_disposition:date sources:string mis_a_jour:datetime url:string",
}


def test_a_column_change_needs_a_new_format_version(client, reference_data):
    package = client.get(PACKAGE_URL).json()
    described = {
        resource["name"]: " ".join(f"{f['name']}:{f['type']}" for f in resource["schema"]["fields"])
        for resource in package["resources"]
    }

    assert (datapackage.FORMAT_VERSION, described) == ("1.1.0", FORMAT_1_1_0)
    assert datapackage.CHANGELOG[0][0] == datapackage.FORMAT_VERSION
