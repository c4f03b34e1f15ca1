"""Laureates side by side (/comparer/) and "Citer cette fiche"."""

import json
import re
from html import unescape

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laureats.models import Laureate
from laureats.opendata.citation import BIBTEX_ESCAPES, Citation, bibtex_escape

from .factories import make_laureate
from .test_queries import add_many_laureates

pytestmark = pytest.mark.django_db

COMPARE_URL = reverse("laureats:compare")
BUILDING = "chantier-numerique-fictif"
HEALTH = "soins-connectes-fictifs"
FARM = "ferme-ecole-virtuelle-fictive"
UNPUBLISHED = "projet-fictif-non-publie"


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def page(client, *slugs, **params):
    response = client.get(COMPARE_URL, {"l": list(slugs), **params})
    assert response.status_code == 200
    return response, unescape(response.content.decode())


def column_heads(body):
    table = re.search(
        r'<table class="data-table compare-table[^"]*">.*?</thead>', body, re.S
    ).group(0)
    return re.findall(r'<th scope="col"><a href="[^"]+">([^<]+)</a>', table)


def test_two_laureates_side_by_side(client, sample_catalogue):
    _response, body = page(client, BUILDING, HEALTH)
    assert column_heads(body) == ["Chantier numérique fictif", "Soins connectés fictifs"]
    for row in ["Complétude", "Porteur", "Partenaires", "Membres par type", "Taux d'aide"]:
        assert f'<th scope="row">{row}</th>' in body
    # The CFA of the sample catalogue belongs to both consortia.
    shared = re.search(r'<ul class="shared-organisations">.*?</ul>', body, re.S).group(0)
    assert "CFA fictif des Deux Rives" in shared
    assert "<title>Comparer : " in body


def test_the_order_of_the_url_is_the_order_of_the_columns(client, sample_catalogue):
    _response, body = page(client, HEALTH, BUILDING)
    assert column_heads(body) == ["Soins connectés fictifs", "Chantier numérique fictif"]


def test_completeness_row_matches_each_fiche(client, sample_catalogue):
    _response, body = page(client, BUILDING, HEALTH, FARM)
    row = re.search(r'<th scope="row">Complétude</th>(.*?)</tr>', body, re.S).group(1)
    compared = re.findall(r"(\d+) informations sur 10", row)
    for slug, known in zip([BUILDING, HEALTH, FARM], compared, strict=True):
        fiche = unescape(
            client.get(reverse("laureats:laureate-detail", args=[slug])).content.decode()
        )
        assert f"Complétude : {known} informations sur 10" in fiche


@pytest.mark.parametrize("other", ["inconnu", UNPUBLISHED])
def test_unknown_or_unpublished_slug_gets_a_notice(client, sample_catalogue, other):
    _response, body = page(client, BUILDING, other, HEALTH)
    assert f"Aucun lauréat publié n'a l'identifiant « {other} »" in body
    assert column_heads(body) == ["Chantier numérique fictif", "Soins connectés fictifs"]
    assert "Projet fictif non publié" not in body


@pytest.mark.parametrize("garbage", ["<script>alert(1)</script>", "x" * 500, "a b", "é/../"])
def test_garbage_is_ignored_with_a_notice(client, sample_catalogue, garbage):
    response, body = page(client, BUILDING, garbage, HEALTH)
    assert "n'est pas l'identifiant d'un lauréat" in body
    assert "<script>alert" not in response.content.decode()
    assert len(column_heads(body)) == 2


def test_more_than_four_are_cut_to_the_first_four(client, sample_catalogue):
    slugs = list(Laureate.objects.published().order_by("slug").values_list("slug", flat=True))
    assert len(slugs) == 5
    _response, body = page(client, *slugs)
    assert "On compare au plus 4 lauréats" in body
    assert len(column_heads(body)) == 4
    # Four chosen: nothing more to add.
    assert 'id="compare-add"' not in body


def test_fewer_than_two_explains_how_to_choose(client, sample_catalogue):
    _response, body = page(client)
    assert "Choisissez de 2 à 4 lauréats" in body
    assert "<table" not in body
    _response, body = page(client, BUILDING)
    assert "Déjà choisi" in body and "Chantier numérique fictif" in body
    # The select adds a second one and keeps the first.
    form = re.search(r'<form class="compare-add".*?</form>', body, re.S).group(0)
    assert f'<input type="hidden" name="l" value="{BUILDING}">' in form
    assert f'<option value="{BUILDING}"' not in form
    assert f'<option value="{HEALTH}">' in form
    assert UNPUBLISHED not in form


def test_repeated_slug_counts_once(client, sample_catalogue):
    _response, body = page(client, BUILDING, BUILDING)
    assert "<table" not in body and "Déjà choisi" in body


def test_list_checkboxes_submit_to_the_comparison(client, sample_catalogue):
    body = client.get(reverse("laureats:laureate-list")).content.decode()
    assert (
        f'<form class="compare-form" id="compare-form" method="get" action="{COMPARE_URL}">' in body
    )
    boxes = re.findall(
        r'<input type="checkbox" name="l" value="([^"]+)"[^>]*form="compare-form"', body
    )
    assert len(boxes) == 5 and BUILDING in boxes


def test_fiche_links_to_a_comparison_starting_with_it(client, sample_catalogue):
    body = client.get(reverse("laureats:laureate-detail", args=[BUILDING])).content.decode()
    assert f'href="{COMPARE_URL}?l={BUILDING}"' in body


def test_comparison_in_english(client, sample_catalogue):
    response = client.get("/en/comparer/", {"l": [BUILDING, HEALTH]})
    body = unescape(response.content.decode())
    assert '<html lang="en">' in body
    assert "Compare laureates" in body and "Organisations in common" in body


@pytest.mark.parametrize("growth", [{"count": 200}, {"count": 2000, "members_each": 2}])
@pytest.mark.parametrize("slugs", [[], [BUILDING, HEALTH], [BUILDING, HEALTH, FARM, "inconnu"]])
def test_comparison_has_a_fixed_query_count(
    client, sample_catalogue, django_assert_num_queries, slugs, growth
):
    # The laureates and their 4 prefetches (or none if no slug is known), the select's options.
    expected = 6 if slugs else 1
    with django_assert_num_queries(expected):
        client.get(COMPARE_URL, {"l": slugs})
    add_many_laureates(**growth)
    with django_assert_num_queries(expected):
        response = client.get(COMPARE_URL, {"l": slugs})
    assert response.status_code == 200


# Citation ------------------------------------------------------------------------------------


def test_fiche_gives_a_citation_line_bibtex_and_csl_json(client, sample_catalogue):
    laureate = Laureate.objects.get(slug=BUILDING)
    body = unescape(client.get(laureate.get_absolute_url()).content.decode())
    assert "Citer cette fiche" in body
    day = laureate.updated_at.astimezone().day
    line = re.search(r'<p class="citation">(.*?)</p>', body).group(1)
    assert line.startswith("« Chantier numérique fictif », Portail Deffinum, version du ")
    assert f"du {day} " in line
    assert line.endswith(f"http://testserver/laureats/{BUILDING}/")
    csl = re.findall(r'<pre class="citation-code">(.*?)</pre>', body, re.S)
    bibtex, csl_json = csl
    assert bibtex.startswith(f"@misc{{deffinum-{BUILDING},")
    (item,) = json.loads(csl_json)
    assert item["title"] == "Chantier numérique fictif"
    assert item["URL"] == f"http://testserver/laureats/{BUILDING}/"
    assert item["type"] == "webpage" and item["container-title"] == "Portail Deffinum"
    updated = laureate.updated_at.astimezone()
    assert item["issued"] == {"date-parts": [[updated.year, updated.month, updated.day]]}


@pytest.mark.parametrize(
    ("raw", "escaped"),
    [
        ("R&D 100 % {numérique}", r"R\&D 100 \% \textbraceleft{}numérique\textbraceright{}"),
        ("C:\\chemin_#1 $5 ^ ~", r"C:\textbackslash{}chemin\_\#1 \$5 \^{} \~{}"),
        ("deux\nlignes", "deux lignes"),
    ],
)
def test_bibtex_escapes_special_characters(raw, escaped):
    assert bibtex_escape(raw) == escaped


def test_bibtex_entry_of_a_title_with_special_characters(reference_data):
    laureate = make_laureate(name="Santé & numérique : 100 % {test}", acronym="S_N")
    entry = Citation(laureate, "https://example.org/laureats/x/").bibtex
    assert (
        r"title = {{Santé \& numérique : 100 \% \textbraceleft{}test\textbraceright{} (S\_N)}},"
        in entry
    )
    assert "url = {https://example.org/laureats/x/}" in entry
    # Balanced braces, every one counted as BibTeX counts them (a backslash escapes none): a
    # reference manager reads the entry to its end.
    depth = 0
    for char in entry:
        if char in "{}":
            depth += 1 if char == "{" else -1
            assert depth >= 0
    assert depth == 0


# What a laureate's name can be (an accepted proposal writes one): any text, with every
# character BibTeX and LaTeX treat apart, and line breaks.
NAMES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"])
    | st.sampled_from('{}\\"@,=%#&$_^~\n'),
    min_size=1,
    max_size=120,
).filter(str.strip)
INJECTION = 'X}}, author = "Evil", year = 1999'
# The fields of the entry, as pybtex reads them (the author goes among its persons).
BIBTEX_FIELDS = {"title", "howpublished", "year", "month", "url", "note"}
UNESCAPE = re.compile("|".join(re.escape(escaped) for escaped in BIBTEX_ESCAPES.values()))


def parsed_citation(client, laureate):
    """The one entry of the fiche's citer.bib as pybtex, a BibTeX-compatible parser, reads it."""
    from pybtex.database import parse_string

    response = client.get(reverse("laureats:laureate-citation", args=[laureate.slug, "bib"]))
    assert response.status_code == 200
    entries = parse_string(response.content.decode(), "bibtex").entries
    assert list(entries) == [f"deffinum-{laureate.slug}"]
    return entries[f"deffinum-{laureate.slug}"]


def assert_cites_only(entry, laureate):
    assert set(entry.fields) == BIBTEX_FIELDS
    assert [str(person) for person in entry.persons["author"]] == ["{Portail Deffinum}"]
    assert entry.fields["year"] == str(laureate.updated_at.astimezone().year)
    assert entry.fields["url"] == f"http://testserver/laureats/{laureate.slug}/"
    # The whole name is the title: nothing of it was read as anything else.
    originals = {escaped: raw for raw, escaped in BIBTEX_ESCAPES.items()}
    title = UNESCAPE.sub(lambda match: originals[match.group()], entry.fields["title"])
    assert title == "{" + " ".join(str(laureate).split()) + "}"


def test_a_name_cannot_add_fields_to_the_bibtex_entry(client, reference_data):
    laureate = make_laureate(name=INJECTION, slug="nom-piege-fictif")
    laureate.full_clean()  # a name the admin, an import or a proposal would accept
    assert_cites_only(parsed_citation(client, laureate), laureate)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(name=NAMES, acronym=st.one_of(st.just(""), NAMES.map(lambda text: text[:60])))
def test_any_name_stays_inside_its_bibtex_title(client, reference_data, name, acronym):
    laureate, _created = Laureate.objects.update_or_create(
        slug="nom-genere-fictif",
        defaults={"name": name, "acronym": acronym, "status": Laureate.Status.RETAINED},
    )
    assert_cites_only(parsed_citation(client, laureate), laureate)


@pytest.mark.parametrize(
    ("extension", "content_type"),
    [("bib", "application/x-bibtex"), ("json", "application/vnd.citationstyles.csl+json")],
)
def test_citation_downloads_as_a_file(
    client, sample_catalogue, django_assert_num_queries, extension, content_type
):
    url = reverse("laureats:laureate-citation", args=[BUILDING, extension])
    fiche = client.get(reverse("laureats:laureate-detail", args=[BUILDING])).content.decode()
    assert f'href="{url}"' in fiche
    with django_assert_num_queries(1):
        response = client.get(url)
    assert response["Content-Type"].startswith(content_type)
    assert f'filename="deffinum-{BUILDING}.{extension}"' in response["Content-Disposition"]
    body = response.content.decode()
    # The same text as the fiche shows.
    assert unescape(body.strip()) in unescape(fiche)


def test_citation_of_an_unpublished_laureate_is_404(client, sample_catalogue):
    url = reverse("laureats:laureate-citation", args=[UNPUBLISHED, "bib"])
    assert client.get(url).status_code == 404


def test_a_shared_comparison_keeps_its_laureates_in_its_canonical_address(client, sample_catalogue):
    _response, body = page(client, HEALTH, BUILDING, utm_source="x")
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', body).group(1)
    assert canonical == f"http://testserver/comparer/?l={BUILDING}&l={HEALTH}"


def test_the_title_of_a_comparison_follows_each_languages_typography(client, sample_catalogue):
    french = unescape(client.get(COMPARE_URL, {"l": [BUILDING, HEALTH]}).content.decode())
    assert "<title>Comparer : Chantier numérique fictif, Soins connectés fictifs — " in french
    english = unescape(client.get("/en/comparer/", {"l": [BUILDING, HEALTH]}).content.decode())
    assert "<title>Compare: Chantier numérique fictif, Soins connectés fictifs — " in english


def test_two_fiches_never_share_a_citation_key(client, reference_data):
    underscored = make_laureate(name="Projet A fictif", slug="projet_a")
    plain_slug = make_laureate(name="Projet A bis fictif", slug="projeta")
    keys = set()
    for laureate in [underscored, plain_slug]:
        response = client.get(reverse("laureats:laureate-citation", args=[laureate.slug, "json"]))
        (item,) = json.loads(response.content)
        assert f'filename="{item["id"]}.json"' in response["Content-Disposition"]
        keys.add(item["id"])
    assert keys == {"deffinum-projet_a", "deffinum-projeta"}


def test_an_unknown_slug_does_not_push_out_a_known_one(client, sample_catalogue):
    slugs = list(Laureate.objects.published().order_by("slug").values_list("slug", flat=True))
    _response, body = page(client, "inconnu", *slugs[:4])
    assert len(column_heads(body)) == 4
    assert "Aucun lauréat publié n'a l'identifiant « inconnu »" in body
    assert "On compare au plus 4" not in body
    _response, body = page(client, "inconnu", *slugs)
    assert len(column_heads(body)) == 4
    assert body.count("On compare au plus 4 lauréats") == 1


def test_a_thousand_bad_values_get_a_bounded_page(client, sample_catalogue, settings):
    values = [f"x y{number}" for number in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS - 2)]
    _response, body = page(client, BUILDING, HEALTH, *values)
    assert len(column_heads(body)) == 2
    assert body.count("n'est pas l'identifiant d'un lauréat") <= 20


def test_an_import_changing_only_the_sources_dates_the_cited_version(client, reference_data):
    from datetime import timedelta

    from laureats.importer import apply_plan, plan_file

    laureate = make_laureate(name="Projet importé fictif", slug="projet-importe-fictif")
    long_ago = laureate.updated_at - timedelta(days=400)
    Laureate.objects.filter(pk=laureate.pk).update(updated_at=long_ago)
    text = "slug,sources\nprojet-importe-fictif,https://presse.example.org/nouvel-article Article\n"
    apply_plan(plan_file("laureats.csv", text.encode()))
    laureate.refresh_from_db()
    assert laureate.sources.count() == 1
    assert laureate.updated_at > long_ago
    url = reverse("laureats:laureate-citation", args=[laureate.slug, "json"])
    (item,) = json.loads(client.get(url).content)
    today = laureate.updated_at.astimezone()
    assert item["issued"] == {"date-parts": [[today.year, today.month, today.day]]}
