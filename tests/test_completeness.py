"""Completeness is one definition (laureats/models/completeness.py): the fiche, the list, its sort
and filter, the home page, the statistics and /a-completer/ give the same figures."""

import json
import re
from datetime import date
from html import unescape

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from laureats.browse.facts import completeness, missing_facts
from laureats.models import Laureate, Proposal, Sector
from laureats.models.completeness import FACT_KEYS, FACTS, is_known

from .factories import OrganisationFactory, make_laureate
from .test_facet_columns import expected_known
from .test_queries import add_many_laureates

pytestmark = pytest.mark.django_db

FACTS_BY_KEY = {fact.key: fact for fact in FACTS}

LIST_URL = reverse("laureats:laureate-list")
TO_COMPLETE_URL = reverse("laureats:to-complete")


@pytest.fixture(autouse=True)
def _no_page_cache(settings):
    settings.PAGE_CACHE_ENABLED = False


def text(response):
    assert response.status_code == 200
    return unescape(response.content.decode())


def build(entry, number):
    """A laureate with exactly the facts `entry` says it has (see `entries()`)."""
    laureate = make_laureate(
        name=f"Projet {number}" if entry["name"] else "",
        slug=f"projet-{number}",
        scope=entry["scope"],
        sectors=list(Sector.objects.all()[:1]) if entry["sectors"] else [],
        regions=["53"] if entry["regions"] else [],
        lead=OrganisationFactory() if entry["lead"] else None,
        partners=1 if entry["partner"] else 0,
        sources=1 if entry["source"] else 0,
        total_cost=1000 if entry["cost"] else None,
        state_aid=700 if entry["aid"] else None,
        start_date=date(2024, 1, 1) if entry["start"] else None,
        end_date=date(2026, 1, 1) if entry["end"] else None,
        description="Ce que fait le projet." if entry["description"] else "",
    )
    if entry["requested"]:
        Laureate.objects.filter(pk=laureate.pk).update(state_aid_kind="demandee")
    return laureate


def entries():
    flags = ["name", "sectors", "regions", "lead", "partner", "source", "cost", "aid"]
    flags += ["start", "end", "description", "requested"]
    return st.fixed_dictionaries(
        {flag: st.booleans() for flag in flags}
        | {"scope": st.sampled_from(["", "nationale", "interregionale"])}
    )


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(laureate_entries=st.lists(entries(), min_size=1, max_size=6))
def test_every_page_reads_the_facts_by_their_rules(reference_data, laureate_entries):
    with transaction.atomic():
        for number, entry in enumerate(laureate_entries):
            build(entry, number)
        in_python = {laureate.slug: expected_known(laureate) for laureate in Laureate.objects.all()}
        stored = {
            laureate.slug: {fact.key: is_known(laureate, fact) for fact in FACTS}
            for laureate in Laureate.objects.published()
        }
        assert stored == in_python
        counted = {
            laureate.slug: completeness(laureate)["known"]
            for laureate in Laureate.objects.published()
        }
        assert counted == {slug: sum(known.values()) for slug, known in in_python.items()}
        totals = Laureate.objects.published().completeness_totals()
        assert totals["known"] == sum(counted.values())
        for key in FACT_KEYS:
            assert totals["missing"][key] == sum(not known[key] for known in in_python.values())
        # The sort puts the least complete first, whatever the names.
        ordered = list(Laureate.objects.published().in_completeness_order())
        assert [counted[laureate.slug] for laureate in ordered] == sorted(counted.values())
        for key in FACT_KEYS:
            missing = set(
                Laureate.objects.published().missing_any([key]).values_list("slug", flat=True)
            )
            assert missing == {slug for slug, known in in_python.items() if not known[key]}
        transaction.set_rollback(True)


def test_every_fact_links_to_a_field_of_the_contribution_form(reference_data):
    nothing = dict.fromkeys(["name", "sectors", "regions", "lead", "partner", "source"], False)
    nothing |= dict.fromkeys(["cost", "aid", "start", "end", "description", "requested"], False)
    laureate = build(nothing | {"scope": ""}, 1)
    fields = [fact["field"] for fact in missing_facts(laureate)]
    assert len(fields) == len(FACTS) == 10
    assert set(fields) <= set(Proposal.Field.values)


@pytest.mark.parametrize(
    ("scope", "regions", "missing"),
    [
        ("nationale", [], False),  # the whole country: nothing missing
        ("interregionale", [], True),
        ("interregionale", ["53"], False),
        ("", [], True),  # unknown scope: regions missing until some are entered
        ("", ["53"], False),
    ],
)
def test_regions_are_missing_only_when_they_could_be_known(reference_data, scope, regions, missing):
    laureate = make_laureate(scope=scope, regions=regions)
    assert ("regions" in [fact["key"] for fact in missing_facts(laureate)]) is missing
    stored = Laureate.objects.get(pk=laureate.pk)
    assert (not is_known(stored, FACTS_BY_KEY["regions"])) is missing


def plain(body):
    """The page's text without tags, spaces collapsed."""
    return " ".join(re.sub(r"<[^>]+>", "", body).split())


def fiche_count(client, laureate):
    body = text(client.get(laureate.get_absolute_url()))
    known, total = re.search(r"Complétude : (\d+) informations sur (\d+)", body).groups()
    return int(known), int(total)


def card_counts(body):
    return {
        name: int(known)
        for name, known in re.findall(
            r'<article class="card">.*?">([^<]+)</a>.*?Complétude : (\d+) informations sur',
            body,
            re.S,
        )
    }


def test_figures_agree_between_fiche_list_home_statistics_and_to_complete(client, sample_catalogue):
    published = list(Laureate.objects.published())
    fiches = {laureate.name: fiche_count(client, laureate) for laureate in published}
    assert {total for _known, total in fiches.values()} == {10}
    cards = card_counts(text(client.get(LIST_URL)))
    assert cards == {name: known for name, (known, _total) in fiches.items()}

    known = sum(known for known, _total in fiches.values())
    possible = 10 * len(published)
    percent = 100 * known // possible
    line = f"{percent} % des informations connues ({known} sur {possible})"
    assert line in plain(text(client.get(reverse("laureats:home"))))
    assert line in plain(text(client.get(reverse("laureats:statistics"))))
    page = text(client.get(TO_COMPLETE_URL))
    assert (
        f"{percent} % des informations connues — {known} sur {possible}, "
        f"pour {len(published)} lauréats publiés"
    ) in plain(page)
    # Every missing fact of every fiche is listed once on /a-completer/, with its own link.
    links = set(re.findall(r'<a href="(/contribuer/\?laureat=[^"]+)">', page))
    expected = {
        fact["url"]
        for laureate in Laureate.objects.for_detail()
        for fact in missing_facts(laureate)
    }
    assert links == {unescape(url) for url in expected}
    assert len(expected) == possible - known


def test_to_complete_lists_the_most_important_fact_first(client, reference_data):
    make_laureate(name="Sans porteur ni date", scope="nationale", sources=1, partners=1)
    page = text(client.get(TO_COMPLETE_URL))
    headings = re.findall(r'<h3 id="fact-([a-z]+)">', page)
    assert headings == [key for key in FACT_KEYS if key in headings]
    assert headings[0] == "lead"
    assert "/contribuer/?laureat=projet-de-test" in page


def test_to_complete_names_a_few_per_fact_and_links_to_the_rest(client, reference_data):
    for number in range(35):
        make_laureate(name=f"Projet nu {number}")
    page = text(client.get(TO_COMPLETE_URL))
    assert "Voir les 35 lauréats dans la liste" in page
    assert "/laureats/?manque=porteur&amp;tri=completude" in response_html(client, TO_COMPLETE_URL)
    listed = client.get(LIST_URL, {"manque": "porteur", "tri": "completude"})
    assert listed.context["page_obj"].paginator.count == 35


def response_html(client, url):
    return client.get(url).content.decode()


def test_list_sorts_least_and_most_complete_first(client, sample_catalogue):
    least = card_counts(text(client.get(LIST_URL, {"tri": "completude"})))
    most = card_counts(text(client.get(LIST_URL, {"tri": "-completude"})))
    assert list(least.values()) == sorted(least.values())
    assert list(most.values()) == sorted(most.values(), reverse=True)
    assert set(least) == set(most) and len(least) == 5


def test_list_filters_laureates_missing_a_fact(client, sample_catalogue):
    response = client.get(LIST_URL, {"manque": "montants"})
    names = {laureate.name for laureate in response.context["page_obj"]}
    expected = {
        laureate.name
        for laureate in Laureate.objects.published()
        if laureate.total_cost is None or laureate.state_aid is None
    }
    assert names == expected and 0 < len(names) < 5
    # An unknown fact is ignored with a notice, as any other filter value.
    response = client.get(LIST_URL, {"manque": "couleur"})
    assert response.status_code == 200
    assert "« couleur » n'est pas une valeur possible" in text(response)


# 200 laureates of 7 members, or 2,000 of 2 (the scale).
GROWTH = [{"count": 200}, {"count": 2000, "members_each": 2}]


@pytest.mark.parametrize("growth", GROWTH)
def test_list_sorted_by_completeness_has_a_fixed_query_count(
    client, sample_catalogue, django_assert_num_queries, growth
):
    url = LIST_URL + "?tri=completude&manque=dates"
    with django_assert_num_queries(8):
        client.get(url)
    add_many_laureates(**growth)
    with django_assert_num_queries(8):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 20


@pytest.mark.parametrize("growth", GROWTH)
def test_to_complete_has_a_fixed_query_count(
    client, sample_catalogue, django_assert_num_queries, growth
):
    # The completeness totals, the laureates; after each change of the data, the official
    # figures of filter values and the laureates entered for each (announced.py), and the
    # shared productions' figures (once per data version); the resources to complete.
    with django_assert_num_queries(6):
        client.get(TO_COMPLETE_URL)
    add_many_laureates(**growth)
    with django_assert_num_queries(6):
        response = client.get(TO_COMPLETE_URL)
    assert f"{growth['count'] + 5} lauréats publiés" in plain(text(response))


def test_open_data_page_describes_every_fact(client, reference_data):
    page = text(client.get(reverse("laureats:open-data")))
    section = re.search(r'<section id="completude".*?</section>', page, re.S).group(0)
    assert re.findall(r"<li><strong>([^<]+)</strong>", section) == [
        str(fact.label).capitalize() for fact in FACTS
    ]
    assert "un projet national couvre toute la France" in section


def test_to_complete_is_in_the_sitemap_in_both_languages(client, reference_data):
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/a-completer/</loc>" in sitemap and "/en/a-completer/" in sitemap


def test_completeness_of_a_complete_fiche(reference_data):
    laureate = make_laureate(
        scope="nationale",
        sectors=list(Sector.objects.all()[:1]),
        lead=OrganisationFactory(),
        partners=1,
        sources=1,
        total_cost=10,
        state_aid=7,
        start_date=date(2024, 1, 1),
        end_date=date(2024, 2, 1),
        description="Oui.",
    )
    assert completeness(Laureate.objects.for_detail().get(pk=laureate.pk)) == {
        "known": 10,
        "total": 10,
    }


def test_a_search_sorts_by_completeness_too(client, sample_catalogue):
    response = client.get(LIST_URL, {"q": "fictif", "tri": "-completude", "manque": "dates"})
    counts = card_counts(text(response))
    assert len(counts) >= 2
    assert list(counts.values()) == sorted(counts.values(), reverse=True)


def test_exports_follow_the_completeness_sort_and_filter(client, sample_catalogue):
    url = reverse("laureats:laureate-export", args=["json"])
    response = client.get(url, {"tri": "completude", "manque": "dates"})
    exported = json.loads(b"".join(response.streaming_content))
    slugs = [laureate["slug"] for laureate in exported["laureates"]]
    listed = client.get(LIST_URL, {"tri": "completude", "manque": "dates"})
    assert slugs == [laureate.slug for laureate in listed.context["page_obj"]]
    assert len(slugs) >= 2


def test_a_fiche_that_states_one_fact_says_it_in_the_singular(client, reference_data):
    # Only its name: the fewest facts a laureate can have (a name is required).
    alone = make_laureate(name="Projet seul fictif", scope="")
    make_laureate(name="Projet voisin fictif", scope="")
    assert completeness(Laureate.objects.for_detail().get(pk=alone.pk))["known"] == 1
    french = [
        plain(text(client.get(alone.get_absolute_url()))),
        plain(text(client.get(LIST_URL))),
    ]
    for page in french:
        assert "Complétude : 1 information sur 10" in page
        assert "1 informations" not in page
    english = [
        plain(text(client.get("/en" + alone.get_absolute_url()))),
        plain(text(client.get("/en" + LIST_URL))),
    ]
    for page in english:
        assert "Completeness: 1 piece of information out of 10" in page
    compared = {"l": list(Laureate.objects.values_list("slug", flat=True))}
    table = plain(text(client.get("/comparer/", compared)))
    assert table.count("1 information sur 10") == 2 and "1 informations" not in table


def test_percentages_follow_english_typography(client, sample_catalogue):
    for url in ["/en/", "/en/a-completer/", "/en/statistiques/"]:
        page = plain(text(client.get(url)))
        assert re.search(r"\d+% of the information known", page), url
        assert not re.search(r"\d+ % of the information", page), url


def test_statistics_count_each_fact_as_to_complete_does(client, sample_catalogue):
    statistics = plain(text(client.get(reverse("laureats:statistics"))))
    to_complete = plain(text(client.get(TO_COMPLETE_URL)))
    published = Laureate.objects.published().count()
    for fact in FACTS:
        known = int(re.search(rf"{fact.label} : (\d+) sur {published}", statistics).group(1))
        missing = re.search(rf"{str(fact.label).capitalize()} \((\d+) lauréats?\)", to_complete)
        assert published - known == (int(missing.group(1)) if missing else 0), fact.key
