"""How many laureates the portal holds, out of how many the programme announced: the announced
number is the official figure an admin keeps, not a number written in the code."""

import re

import pytest
from django.urls import reverse

from laureats.models import Laureate, ProgrammeFigure

from .factories import make_laureate

PAGES = ["home", "laureate-list", "open-data", "contribute", "statistics"]


def page_text(client, name):
    html = client.get(reverse(f"laureats:{name}")).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def three_laureates(reference_data):
    for n in range(3):
        make_laureate(name=f"Projet compté {n}", slug=f"projet-compte-{n}")
    make_laureate(name="Projet caché", slug="projet-cache", is_published=False)


@pytest.mark.parametrize("name", PAGES)
def test_pages_count_against_the_official_figure(client, three_laureates, name):
    figure = ProgrammeFigure.objects.create(key="laureates", label="Lauréats", value=62)
    # "3 lauréats saisis sur les 62 annoncés", or the progress figure "3 / 62 lauréats saisis".
    coverage = r"3 (lauréats (référencés|saisis) sur (les )?{0} annoncés|/ {0} lauréats saisis)"
    assert re.search(coverage.format(62), page_text(client, name))

    # An admin corrects the official figure: every page follows.
    figure.value = 63
    figure.save()
    assert re.search(coverage.format(63), page_text(client, name))


@pytest.mark.parametrize("name", PAGES)
def test_without_the_official_figure_no_number_is_made_up(client, three_laureates, name):
    text = page_text(client, name)
    assert re.search(r"3 lauréats (référencés|saisis)", text)
    assert not re.search(r"sur (les )?\d+ annoncés", text)
    assert not re.search(r"3 / \d+", text)


def test_coverage_reads_both_numbers_in_one_query(three_laureates, django_assert_num_queries):
    ProgrammeFigure.objects.create(key="laureates", label="Lauréats", value=62)
    with django_assert_num_queries(1):
        coverage = Laureate.objects.coverage()
    assert coverage == {"entered_count": 3, "announced_laureates": 62}


def test_coverage_of_an_empty_portal_still_knows_the_figure(db):
    ProgrammeFigure.objects.create(key="laureates", label="Lauréats", value=62)
    assert Laureate.objects.coverage() == {"entered_count": 0, "announced_laureates": 62}


def test_the_coverage_sentence_has_no_space_before_its_full_stop(client, three_laureates):
    ProgrammeFigure.objects.create(key="laureates", label="Lauréats", value=62)
    assert "3 lauréats référencés sur 62 annoncés." in page_text(client, "open-data")
