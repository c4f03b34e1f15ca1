"""Bad URL parameters never break a page: the value is ignored with a notice the visitor sees."""

from html import unescape
from urllib.parse import quote, quote_from_bytes

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.django_db

# The sample catalogue (tests/factories.py) lists 5 published laureates, one of them national
# and one in "Construction (BTP)".
PUBLISHED = 5
LIST_URL = reverse("laureats:laureate-list")


def get_text(client, query):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    return unescape(response.content.decode()), response


@pytest.mark.parametrize(
    ("query", "notice"),
    [
        ("secteur=inexistante", "« inexistante » n'est pas une valeur possible pour « Filière »"),
        ("region=99", "« 99 » n'est pas une valeur possible pour « Région »"),
        ("tri=DROP TABLE", "« DROP TABLE » n'est pas une valeur possible pour « Trier par »"),
        ("portee=galactique", "pour « Portée »"),
        ("page=abc", "« abc » n'est pas un numéro de page : page 1 affichée."),
        ("page=0", "« 0 » n'est pas un numéro de page"),
        ("page=999", "Il n'y a que 1 page(s) : dernière page affichée."),
    ],
)
def test_bad_value_is_ignored_with_a_notice(client, sample_catalogue, query, notice):
    text, response = get_text(client, query)
    assert notice in text
    assert response.context["page_obj"].paginator.count == PUBLISHED


def test_valid_values_are_kept_beside_a_bad_one(client, sample_catalogue):
    text, response = get_text(client, "secteur=inexistante&secteur=construction-btp")
    assert "« inexistante »" in text
    assert response.context["page_obj"].paginator.count == 1


def test_very_long_search_is_ignored_with_a_notice(client, sample_catalogue):
    text, response = get_text(client, "q=" + "a" * 5000)
    assert "n'est pas une valeur possible pour « Rechercher »" in text
    assert response.context["page_obj"].paginator.count == PUBLISHED
    # The ignored search is not put back into the search box.
    assert 'name="q" id="id_q" maxlength="200" value="" ' in text


def test_empty_and_repeated_parameters_are_harmless(client, sample_catalogue):
    _, response = get_text(client, "secteur=&region=&q=&tri=&portee=nationale&portee=nationale")
    assert response.context["page_obj"].paginator.count == 1
    assert not response.context["notices"]


def test_search_with_only_punctuation_lists_everything(client, sample_catalogue):
    _, response = get_text(client, "q=%27%22%3B--+%26%7C%21%3A*")
    assert response.context["page_obj"].paginator.count == PUBLISHED


def test_non_utf8_bytes_in_the_query_string(client, sample_catalogue):
    response = client.get(LIST_URL, QUERY_STRING="q=%E9t%E9&secteur=%FF%FE")
    assert response.status_code == 200


def test_bad_organisation_page_parameter(client, sample_catalogue):
    response = client.get(reverse("laureats:organisation-list") + "?page=-3&type=xyz")
    assert response.status_code == 200
    assert "n'est pas un numéro de page" in unescape(response.content.decode())


PUBLIC_URLS = [
    reverse("laureats:home"),
    LIST_URL,
    reverse("laureats:organisation-list"),
    reverse("laureats:laureate-detail", args=["soins-connectes-fictifs"]),
    reverse("laureats:organisation-detail", args=["cfa-fictif-deux-rives"]),
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_the_fuzzed_pages_exist(client, sample_catalogue, url):
    # Otherwise the test below would only ever fuzz a 404.
    assert client.get(url).status_code == 200


PARAMETER_NAMES = st.sampled_from(
    [
        "q",
        "secteur",
        "region",
        "portee",
        "statut",
        "type_membre",
        "organisation",
        "tri",
        "page",
        "type",
        "x",
        "",
    ]
)
# Values as bytes, so that invalid UTF-8 reaches the server too.
RAW_VALUES = st.one_of(
    st.text(max_size=300).map(str.encode),
    st.sampled_from([b"0", b"-1", b"9" * 30, b"DROP TABLE", b"%", b"\x00", b"a" * 5000]),
    st.binary(max_size=40),
)


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    url=st.sampled_from(PUBLIC_URLS),
    pairs=st.lists(st.tuples(PARAMETER_NAMES, RAW_VALUES), max_size=6),
)
def test_no_query_string_makes_a_public_page_fail(sample_catalogue, url, pairs):
    query = "&".join(f"{quote(name)}={quote_from_bytes(value, safe='')}" for name, value in pairs)
    response = Client(raise_request_exception=False).get(url, QUERY_STRING=query)
    assert response.status_code < 500, (url, query)


@pytest.mark.parametrize(
    ("path", "status"),
    # Pages that read their parameters refuse the request; the others ignore them.
    [("/comparer/", 400), ("/laureats/", 400), ("/a-completer/", 200), ("/", 200)],
)
def test_too_many_parameters_never_make_a_500(sample_catalogue, settings, path, status):
    # More `l=` values than DATA_UPLOAD_MAX_NUMBER_FIELDS: Django refuses to read the query
    # string, and the page's canonical URL (context processor) must not fail on it.
    query = "&".join(["l=chantier-numerique-fictif"] * (settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1))
    response = Client(raise_request_exception=False).get(path, QUERY_STRING=query)
    assert response.status_code == status
    if status == 400:
        assert "Demande incorrecte" in unescape(response.content.decode())
