"""The read-only API under /api/: same filters as the list, JSON errors, CORS, schema, limits."""

from urllib.parse import quote

import pytest
from django.core.management import call_command
from django.urls import reverse

from laureats.models import Laureate, Organisation, Sector

from .factories import OrganisationFactory, make_laureate
from .test_queries import LAUREATE, ORGANISATION, add_many_laureates

pytestmark = pytest.mark.django_db

LIST_URL = reverse("laureats:laureate-list")
API_LAUREATES = reverse("api:laureate-list")
QUERIES = [
    "",
    "secteur=sante-social",
    "secteur=sante-social&secteur=construction-btp&tri=-aide",
    "portee=nationale&tri=-maj",
    "region=27&region=84&statut=retenu",
    "type_membre=laboratoire",
    "q=soins",
    "organisation=cfa-api",
]


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    # The list's template context is read below; a page served from the cache has none.
    settings.PAGE_CACHE_ENABLED = False


@pytest.fixture
def api_laureates(reference_data):
    """24 published laureates and an unpublished one, with an organisation known only by it."""
    health = Sector.objects.get(slug="sante-social")
    building = Sector.objects.get(slug="construction-btp")
    cfa = OrganisationFactory(name="CFA API", slug="cfa-api", kind=Organisation.Kind.CFA)
    lab = OrganisationFactory(
        name="Laboratoire API", slug="labo-api", kind=Organisation.Kind.RESEARCH
    )
    for n in range(24):
        make_laureate(
            name=f"{'Soins' if n % 3 == 0 else 'Chantier'} connecté {n:02d}",
            slug=f"api-{n:02d}",
            sectors=[health] if n % 3 == 0 else [building],
            regions=["27"] if n % 2 else ["84"],
            scope=Laureate.Scope.NATIONAL if n % 4 else Laureate.Scope.INTERREGIONAL,
            status=Laureate.Status.RETAINED if n % 5 else Laureate.Status.REDIRECTED,
            lead=cfa if n % 2 else lab,
            partners=n % 3,
            state_aid=None if n % 7 == 0 else 500_000 + n,
        )
    hidden = OrganisationFactory(name="Organisation secrète", slug="organisation-secrete")
    make_laureate(
        name="Soins connecté secret",
        slug="secret",
        sectors=[health],
        regions=["27"],
        lead=hidden,
        members=[cfa],
        is_published=False,
    )


def html_slugs(client, query=""):
    slugs, page = [], 1
    while True:
        response = client.get(f"{LIST_URL}?{query}&page={page}")
        slugs += [laureate.slug for laureate in response.context["page_obj"]]
        if not response.context["page_obj"].has_next():
            return slugs
        page += 1


def api_slugs(client, query="", page_size=7):
    """Every page of the API list, following `next` as a client would."""
    slugs, url = [], f"{API_LAUREATES}?{query}&page_size={page_size}"
    while url:
        data = client.get(url).json()
        slugs += [laureate["slug"] for laureate in data["results"]]
        url = data["next"]
    return slugs


def test_api_filters_give_the_html_list_rows_in_its_order(client, api_laureates):
    for query in QUERIES:
        assert api_slugs(client, query) == html_slugs(client, query), query


# What the import accepts (laureats/csv_format/): identifiers or labels, any case and accents.
SAME_AS = [
    ("secteur=Santé et social", "secteur=sante-social"),
    (
        "secteur=SANTE-SOCIAL&secteur=construction btp",
        "secteur=sante-social&secteur=construction-btp",
    ),
    ("secteur=sante et social|Construction (BTP)", "secteur=sante-social&secteur=construction-btp"),
    ("region=bourgogne-franche-comte&region=Auvergne-Rhône-Alpes", "region=27&region=84"),
    ("portee=Nationale&statut=RETENU", "portee=nationale&statut=retenu"),
    ("type_membre=Laboratoire de recherche", "type_membre=laboratoire"),
    ("tri=-completude", "tri=-completude"),
]


@pytest.mark.parametrize(("query", "canonical"), SAME_AS)
def test_api_reads_filter_values_as_the_import_does(client, api_laureates, query, canonical):
    # Percent-encoded, as a client sends them.
    query = quote(query, safe="=&")
    response = client.get(f"{API_LAUREATES}?{query}&page_size=100")
    assert response.status_code == 200
    assert api_slugs(client, query) == html_slugs(client, canonical)
    assert response.json()["notices"] == []


@pytest.mark.parametrize(
    ("query", "parameter", "value", "allowed"),
    [
        ("secteur=sante", "secteur", "sante", "sante-social"),
        ("secteur=sante-social&secteur=inconnu", "secteur", "inconnu", "construction-btp"),
        ("region=99", "region", "99", "27"),
        ("portee=mondiale", "portee", "mondiale", "nationale"),
        ("statut=zzz", "statut", "zzz", "retenu"),
        ("type_membre=x", "type_membre", "x", "laboratoire"),
        ("manque=tout", "manque", "tout", "montants"),
        ("tri=n-importe", "tri", "n-importe", "-aide"),
    ],
)
def test_unknown_filter_value_is_a_400_listing_the_allowed_values(
    client, api_laureates, query, parameter, value, allowed
):
    response = client.get(f"{API_LAUREATES}?{query}")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["code"] == "invalid_filter"
    assert data["parameters"][parameter]["invalid"] == [value]
    assert allowed in data["parameters"][parameter]["allowed"]
    assert f"« {value} »" in data["detail"]
    assert allowed in data["detail"]


def test_every_unknown_value_is_named_at_once(client, api_laureates):
    data = client.get(f"{API_LAUREATES}?secteur=sante&region=99&region=27&tri=x").json()
    assert {name: p["invalid"] for name, p in data["parameters"].items()} == {
        "secteur": ["sante"],
        "region": ["99"],
        "tri": ["x"],
    }


def test_too_long_a_search_is_a_400_not_a_wider_one(client, api_laureates):
    response = client.get(f"{API_LAUREATES}?q={'soins' * 41}")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter"
    assert "200" in response.json()["detail"]


def test_unknown_organisation_kind_is_a_400(client, api_laureates):
    response = client.get(f"{reverse('api:organisation-list')}?type=pas-un-type")
    assert response.status_code == 400
    assert "laboratoire" in response.json()["parameters"]["type"]["allowed"]
    labelled = client.get(reverse("api:organisation-list"), {"type": "Laboratoire de recherche"})
    assert [item["slug"] for item in labelled.json()["results"]] == ["labo-api"]


def test_the_html_list_still_ignores_an_unknown_value_and_says_so(client, api_laureates):
    response = client.get(f"{LIST_URL}?secteur=inconnu&portee=nationale")
    assert response.status_code == 200
    assert response.context["notices"] == [
        "« inconnu » n'est pas une valeur possible pour « Filière » : elle est ignorée."
    ]


def test_list_is_paginated_twenty_by_default_hundred_at_most(client, api_laureates):
    data = client.get(API_LAUREATES).json()
    assert data["count"] == 24
    assert len(data["results"]) == 20
    assert data["next"].endswith("?page=2")
    assert data["previous"] is None
    assert len(client.get(f"{API_LAUREATES}?page_size=1000").json()["results"]) == 24
    second = client.get(f"{API_LAUREATES}?page=2").json()
    assert [item["slug"] for item in second["results"]] == html_slugs(client)[20:]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=3", "La page 3 n'existe pas : ces résultats tiennent en 2 page(s)."),
        ("page=0", "« 0 » n'est pas un numéro de page (un entier à partir de 1)."),
        ("page=abc", "« abc » n'est pas un numéro de page (un entier à partir de 1)."),
    ],
)
def test_a_page_that_does_not_exist_is_a_json_404(client, api_laureates, query, message):
    response = client.get(f"{API_LAUREATES}?{query}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"detail": message, "code": "not_found"}


def test_detail_has_members_lead_first_and_sources(client, api_laureates):
    laureate = Laureate.objects.get(slug="api-08")
    laureate.sources.create(url="https://example.org/article", title="Un article")
    data = client.get(reverse("api:laureate-detail", args=["api-08"])).json()
    assert data["nom"] == laureate.name
    assert data["secteurs"] == ["construction-btp"]
    assert data["regions"] == ["84"]
    assert data["aide_etat_eur"] == 500_008
    assert data["portee"] == "interregionale"
    assert [member["role"] for member in data["membres"]] == ["porteur", "partenaire", "partenaire"]
    assert data["membres"][0]["slug"] == "labo-api"
    assert data["porteur"] == {"slug": "labo-api", "nom": "Laboratoire API"}
    assert data["nombre_membres"] == 3
    assert data["sources"] == [{"url": "https://example.org/article", "titre": "Un article"}]
    assert data["url"] == "http://testserver/laureats/api-08/"


def test_unknown_or_unpublished_laureate_is_a_json_404(client, api_laureates):
    for slug in ["n-existe-pas", "secret"]:
        response = client.get(reverse("api:laureate-detail", args=[slug]))
        assert response.status_code == 404
        assert response.json() == {
            "detail": f"Aucun lauréat publié ne porte l'identifiant « {slug} ».",
            "code": "not_found",
        }


def test_unpublished_data_never_leaks(client, api_laureates):
    laureates = api_slugs(client, "q=secret", page_size=100) + api_slugs(client, page_size=100)
    assert "secret" not in laureates

    organisations = client.get(f"{reverse('api:organisation-list')}?page_size=100").json()
    slugs = [organisation["slug"] for organisation in organisations["results"]]
    assert "organisation-secrete" not in slugs
    assert (
        client.get(reverse("api:organisation-detail", args=["organisation-secrete"])).status_code
        == 404
    )
    cfa = client.get(reverse("api:organisation-detail", args=["cfa-api"])).json()
    assert cfa["nombre_laureats"] == 12
    assert "secret" not in [laureate["slug"] for laureate in cfa["laureats"]]

    sectors = {s["slug"]: s["nombre_laureats"] for s in client.get("/api/filieres/").json()}
    assert sectors["sante-social"] == 8
    regions = {r["code"]: r["nombre_laureats"] for r in client.get("/api/regions/").json()}
    assert regions["27"] == 12


def test_organisations_filters_and_detail(client, api_laureates):
    data = client.get(f"{reverse('api:organisation-list')}?type=laboratoire").json()
    assert [organisation["slug"] for organisation in data["results"]] == ["labo-api"]
    detail = client.get(reverse("api:organisation-detail", args=["labo-api"])).json()
    assert {laureate["role"] for laureate in detail["laureats"]} == {"porteur"}
    assert len(detail["laureats"]) == 12


def test_figures_sectors_and_regions(client, sample_catalogue):
    figures = {figure["cle"]: figure for figure in client.get("/api/chiffres/").json()}
    assert figures["laureates"]["valeur"] == 62
    assert figures["laureates"]["sources"]
    assert client.get("/api/chiffres/laureates/").json()["valeur"] == 62
    assert client.get("/api/regions/27/").json()["nom"] == "Bourgogne-Franche-Comté"
    assert client.get("/api/filieres/inconnue/").status_code == 404


def test_api_is_read_only(client, api_laureates):
    response = client.post(API_LAUREATES, {"nom": "x"})
    assert response.status_code == 405
    assert response.json()["code"] == "method_not_allowed"
    assert client.delete(reverse("api:laureate-detail", args=["api-01"])).status_code == 405


def test_unknown_api_address_is_a_json_404(client, db):
    response = client.get("/api/nulle-part/")
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    assert "/api/docs/" in response.json()["detail"]


def test_root_lists_resources_documentation_and_schema(client, db):
    data = client.get("/api/").json()
    for key in ["laureats", "organisations", "filieres", "regions", "chiffres"]:
        assert data[key].startswith("http://testserver/api/")
    assert data["documentation"] == "http://testserver/api/docs/"
    assert data["schema"] == "http://testserver/api/schema/"


# CORS ---------------------------------------------------------------------------------------


def test_cors_is_open_for_reading_the_api_and_the_exports(client, api_laureates):
    origin = {"HTTP_ORIGIN": "https://reutilisateur.example"}
    for url in [API_LAUREATES, "/api/laureats/api-01/", "/laureats/export.csv"]:
        response = client.get(url, **origin)
        assert response["Access-Control-Allow-Origin"] == "*", url

    preflight = client.options(API_LAUREATES, HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET", **origin)
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert set(preflight["Access-Control-Allow-Methods"].split(", ")) == {"GET", "HEAD", "OPTIONS"}
    # The site's pages are not open to other origins.
    assert "Access-Control-Allow-Origin" not in client.get(LIST_URL, **origin)


# Schema and documentation -------------------------------------------------------------------


def test_openapi_schema_is_valid(client, reference_data, tmp_path):
    # --fail-on-warn: any field or parameter whose type could not be worked out fails here.
    call_command(
        "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml")
    )
    schema = client.get("/api/schema/?format=json").json()
    parameters = {
        parameter["name"] for parameter in schema["paths"]["/api/laureats/"]["get"]["parameters"]
    }
    assert parameters >= {
        "q",
        "secteur",
        "portee",
        "region",
        "statut",
        "type_membre",
        "organisation",
        "tri",
        "page",
        "page_size",
    }
    for path in schema["paths"].values():
        assert set(path) <= {"get", "parameters"}


def test_documentation_page_needs_no_external_asset(client, db):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "swagger-ui-bundle.js" in html
    assert "http://" not in html and "https://" not in html
    assert "<script>" not in html and "<style>" not in html
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200
    assert "/api/schema/" in script.content.decode()


# Throttling -----------------------------------------------------------------------------------


def test_clients_are_throttled_with_a_json_429(client, api_laureates, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    for size in range(1, 4):
        assert client.get(f"{API_LAUREATES}?page_size={size}").status_code == 200
    response = client.get(f"{API_LAUREATES}?page_size=4")
    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert "Trop de requêtes" in response.json()["detail"]
    assert int(response["Retry-After"]) > 0
    # Another client is not affected.
    assert client.get(API_LAUREATES, REMOTE_ADDR="192.0.2.7").status_code == 200


def test_a_forged_forwarded_for_does_not_escape_the_limit(client, api_laureates, settings):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "2/minute"},
    }
    statuses = [
        client.get(
            f"{API_LAUREATES}?page_size={n}", HTTP_X_FORWARDED_FOR=f"198.51.100.{n}"
        ).status_code
        for n in range(1, 4)
    ]
    assert statuses == [200, 200, 429]


# Query counts ---------------------------------------------------------------------------------

# The filter form's option lists (2), count, page, sectors, regions, lead memberships.
API_QUERIES = {
    "laureate-list": 7,
    # The laureate, sectors, regions, sources, members with organisations and their region.
    "laureate-detail": 5,
    # The regions' and communes' options (the filters' values), count and page (organisations
    # with their number of published laureates).
    "organisation-list": 4,
    # The organisation, its published memberships, their laureates' members.
    "organisation-detail": 3,
    "sector-list": 1,
    "region-list": 2,
    "figure-list": 2,
}
API_URLS = {
    "laureate-list": lambda: f"{API_LAUREATES}?type_membre=cfa&tri=-aide&page_size=100",
    "laureate-detail": lambda: reverse("api:laureate-detail", args=[LAUREATE]),
    "organisation-list": lambda: reverse("api:organisation-list") + "?page_size=100",
    "organisation-detail": lambda: reverse("api:organisation-detail", args=[ORGANISATION]),
    "sector-list": lambda: reverse("api:sector-list"),
    "region-list": lambda: reverse("api:region-list"),
    "figure-list": lambda: reverse("api:figure-list"),
}


@pytest.mark.parametrize("name", API_URLS)
def test_api_query_count_is_fixed(client, sample_catalogue, django_assert_num_queries, name):
    with django_assert_num_queries(API_QUERIES[name]):
        response = client.get(API_URLS[name]())
    assert response.status_code == 200


@pytest.mark.parametrize("name", API_URLS)
def test_api_query_count_does_not_grow_with_data(
    client, sample_catalogue, django_assert_num_queries, name
):
    add_many_laureates()
    with django_assert_num_queries(API_QUERIES[name]):
        response = client.get(API_URLS[name]())
    assert response.status_code == 200
    if name == "laureate-list":
        assert len(response.json()["results"]) == 100
    if name == "organisation-detail":
        assert len(response.json()["laureats"]) > 100


def test_region_counts_are_what_the_region_filter_lists(client, reference_data):
    located = OrganisationFactory(region_id="84")
    make_laureate(name="Couvre 84", regions=["84"])
    make_laureate(name="Membre en 84", members=[located])
    make_laureate(name="Caché", members=[located], is_published=False)
    regions = {r["code"]: r["nombre_laureats"] for r in client.get("/api/regions/").json()}
    listed = client.get(reverse("laureats:laureate-list") + "?region=84")
    assert regions["84"] == listed.context["page_obj"].paginator.count == 2
    assert client.get("/api/regions/84/").json()["nombre_laureats"] == 2
