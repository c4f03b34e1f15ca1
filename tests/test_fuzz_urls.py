"""Every URL pattern of the site and the API, fuzzed: whatever the path, query string, cookies
or form body (NUL bytes, invalid UTF-8, huge and repeated parameters), never a 5xx.

The patterns come from the resolver (tests/url_patterns.py), so a new page is covered without
being listed here. CI runs this on SQLite and on PostgreSQL, which refuses NUL bytes that
SQLite stores: most of what it catches only fails there.
"""

from urllib.parse import quote, quote_from_bytes

import pytest
from django.core.management import call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laureats.models import ProgrammeFigure, Region, Sector

from .factories import OrganisationFactory, make_laureate
from .url_patterns import all_routes

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

ROUTES = all_routes()
PUBLIC_ROUTES = [route for route in ROUTES if not route.is_admin]
ADMIN_ROUTES = [route for route in ROUTES if route.is_admin]
# Bounded so that the whole fuzz takes well under a minute; each run draws new examples.
PUBLIC_EXAMPLES = 25
ADMIN_EXAMPLES = 4

JUNK = [
    b"\x00",
    b"a\x00b",
    b"\x00" * 40,
    b"\xff\xfe",
    b"\xc3\x28",
    b"%",
    b"%00",
    b"'\"; DROP TABLE laureats_laureate; --",
    b"..",
    b" ",
    b"-1",
    b"9" * 40,
    b"a" * 5000,
]
RAW_VALUES = st.one_of(
    st.sampled_from(JUNK),
    st.binary(max_size=30),
    st.text(max_size=60).map(lambda text: text.encode("utf-8", "surrogatepass")),
)
PARAMETER_NAMES = st.sampled_from(
    [
        "q",
        "secteur",
        "region",
        "portee",
        "statut",
        "type_membre",
        "type_porteur",
        "organisation",
        "tri",
        "manque",
        "l",
        "page",
        "page_size",
        "type",
        "laureat",
        "format",
        "next",
        "o",
        "p",
        "e",
        "_changelist_filters",
        "",
        "\x00",
    ]
)
QUERY = st.one_of(
    st.lists(st.tuples(PARAMETER_NAMES, RAW_VALUES), max_size=6),
    # One parameter repeated many times.
    st.tuples(PARAMETER_NAMES, RAW_VALUES).map(lambda pair: [pair] * 200),
)
COOKIE_NAMES = st.sampled_from(["sessionid", "csrftoken", "django_language", "messages"])
COOKIES = st.lists(st.tuples(COOKIE_NAMES, RAW_VALUES), max_size=3)
METHODS = st.sampled_from(["GET", "GET", "HEAD", "POST"])


def encode_pairs(pairs):
    return "&".join(
        f"{quote_from_bytes(name.encode(), safe='')}={quote_from_bytes(value, safe='')}"
        for name, value in pairs
    )


def cookie_header(cookies):
    # Raw, as a client may send it: the test client's own cookie jar would quote the values.
    return "; ".join(f"{name}={value.decode('latin-1')}" for name, value in cookies)


@st.composite
def paths(draw, route, identifiers):
    """A path the route's pattern matches, each captured value a real identifier, text the
    pattern allows, or junk bytes (which the pattern may refuse: then any 4xx is right)."""
    text = draw(
        st.from_regex(
            route.compiled,
            fullmatch=True,
            alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]),
        )
    )
    match = route.compiled.fullmatch(text)
    parts, position = [], 0
    for group in range(1, (match.re.groups if match else 0) + 1):
        start, end = match.span(group)
        if start < position or start < 0:
            continue
        parts.append(quote(text[position:start], safe="/"))
        choice = draw(
            st.one_of(
                st.just(text[start:end].encode()),
                st.sampled_from(identifiers),
                st.sampled_from(JUNK),
            )
        )
        parts.append(quote_from_bytes(choice, safe=""))
        position = end
    parts.append(quote(text[position:], safe="/"))
    prefix = draw(st.sampled_from(["/", "/en/"])) if route.translated else "/"
    return prefix + "".join(parts)


@pytest.fixture
def identifiers(db):
    """Rows for the detail pages, so that real identifiers (and their pages) are fuzzed too."""
    call_command("loaddata", "regions", "sectors", verbosity=0)
    lead = OrganisationFactory(slug="organisation-fuzz")
    laureate = make_laureate(
        slug="projet-fuzz", sectors=Sector.objects.all()[:2], regions=["84"], lead=lead
    )
    figure = ProgrammeFigure.objects.create(key="laureats", label="Lauréats", value=62)
    return [
        value.encode()
        for value in [
            laureate.slug,
            lead.slug,
            Sector.objects.first().slug,
            Region.objects.first().code,
            figure.key,
            str(laureate.pk),
            "sectors",
            "csv",
        ]
    ]


def fuzz_request(client, route, path, method, query, cookies, body):
    extra = {"QUERY_STRING": encode_pairs(query)}
    if cookies:
        extra["HTTP_COOKIE"] = cookie_header(cookies)
    return client.generic(
        method,
        path,
        data=encode_pairs(body) if method == "POST" else "",
        content_type="application/x-www-form-urlencoded",
        **extra,
    )


@pytest.mark.parametrize("route", PUBLIC_ROUTES, ids=str)
def test_no_input_makes_a_public_url_fail(route, identifiers):
    client = Client(raise_request_exception=False)

    @settings(
        max_examples=PUBLIC_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=False,
    )
    @given(
        path=paths(route, identifiers),
        method=METHODS,
        query=QUERY,
        cookies=COOKIES,
        body=st.lists(st.tuples(PARAMETER_NAMES, RAW_VALUES), max_size=6),
    )
    def check(path, method, query, cookies, body):
        response = fuzz_request(client, route, path, method, query, cookies, body)
        assert response.status_code < 500, (method, path, query[:3], cookies, body)

    check()


@pytest.mark.parametrize("route", ADMIN_ROUTES, ids=str)
def test_no_input_makes_an_admin_url_fail(route, identifiers, admin_user):
    """As a logged-in administrator, so that the pages behind the login are reached."""
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    session = client.cookies["sessionid"].value

    @settings(
        max_examples=ADMIN_EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(
        path=paths(route, identifiers),
        method=st.sampled_from(["GET", "GET", "HEAD"]),
        query=QUERY,
    )
    def check(path, method, query):
        response = fuzz_request(
            client, route, path, method, query, [("sessionid", session.encode())], []
        )
        assert response.status_code < 500, (method, path, query[:3])

    check()


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    cookies=st.lists(st.tuples(COOKIE_NAMES, RAW_VALUES), min_size=1, max_size=4),
    body=st.lists(
        st.tuples(
            st.sampled_from(["username", "password", "next", "csrfmiddlewaretoken"]), RAW_VALUES
        ),
        max_size=4,
    ),
    method=st.sampled_from(["GET", "POST"]),
)
def test_junk_cookies_on_the_admin_login_are_refused_cleanly(db, cookies, body, method):
    client = Client(raise_request_exception=False)
    response = client.generic(
        method,
        "/admin/login/",
        data=encode_pairs(body) if method == "POST" else "",
        content_type="application/x-www-form-urlencoded",
        HTTP_COOKIE=cookie_header(cookies),
    )
    assert response.status_code < 500, (method, cookies, body)
