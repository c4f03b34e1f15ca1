"""The shared productions in figures (issue 26): their counts on /statistiques/ and the home
page, with « non saisi » where nothing is entered; what each misses, on /a-completer/; all at a
fixed number of queries, computed once per data version."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deffinum.pagecache.local import local
from laureats.models import Resource
from laureats.resources.figures import RESOURCE_FACTS

from .factories import ResourceFactory, ResourceSourceFactory
from .test_resource_queries import add_many_resources

pytestmark = pytest.mark.django_db

STATISTICS, HOME, TO_COMPLETE = (
    reverse(f"laureats:{name}") for name in ["statistics", "home", "to-complete"]
)


@pytest.fixture
def resources(reference_data):
    """One complete resource, one with nothing entered but its title, one unpublished."""
    complete = ResourceFactory(
        title="Guide complet",
        slug="complet",
        kind=Resource.Kind.GUIDE,
        description="Tout y est.",
        licence=Resource.Licence.ETALAB,
        access=Resource.Access.PUBLIC,
        url="https://ressource.example.org/guide",
        status=Resource.Status.AVAILABLE,
    )
    ResourceSourceFactory(resource=complete)
    empty = ResourceFactory(title="Module à compléter", slug="a-completer", kind="")
    ResourceFactory(title="Caché", slug="cache", kind="", is_published=False)
    return complete, empty


def table(html, param):
    """{label: (count, link)} of the resources' table `param` of a page."""
    found = re.search(rf'data-resources="{param}">(.*?)</table>', html, re.S)
    assert found, param
    rows = {}
    for row in re.findall(r"<tr data-count=\"(\d+)\">(.*?)</tr>", found.group(1), re.S):
        count, cells = row
        label = re.sub(r"<[^>]+>", "", cells.split("</th>")[0]).strip()
        link = re.search(r'href="([^"]+)"', cells)
        rows[label] = (int(count), link.group(1).replace("&amp;", "&") if link else None)
    return rows


def test_statistics_count_resources_with_not_entered(client, resources):
    html = client.get(STATISTICS).text
    kinds = table(html, "type")
    assert kinds["Guide ou référentiel"] == (1, "/ressources/?type=guide")
    # The unpublished one is not counted; nothing entered is « non saisi », not linked.
    assert kinds["Non saisi"] == (1, None)
    assert kinds["Jeu sérieux"] == (0, None)
    assert table(html, "licence")["Non saisi"] == (1, None)
    assert table(html, "etat")["Disponible"] == (1, "/ressources/?etat=disponible")
    assert "2 productions partagées saisies" in html


def test_each_figure_counts_what_its_link_lists(client, resources):
    """A figure is counted by the condition its list filters by: following its link shows as
    many productions as it says."""
    ResourceFactory(title="Deux licences ?", slug="deux", licence=Resource.Licence.CC_BY)
    html = client.get(STATISTICS).text
    followed = 0
    for param in ["type", "licence", "acces", "etat"]:
        for count, link in table(html, param).values():
            if link:
                found = f"{count} productions trouvées" if count > 1 else "1 production trouvée"
                assert found in client.get(link).text, link
                followed += 1
    assert followed >= 5


def test_home_shows_the_resources_by_type(client, resources):
    kinds = table(client.get(HOME).text, "type")
    assert kinds["Non saisi"] == (1, None)
    assert sum(count for count, _link in kinds.values()) == 2


def test_an_empty_catalogue_says_not_entered(client, reference_data):
    assert "Productions partagées : non saisi" in client.get(STATISTICS).text
    assert 'data-resources="type"' not in client.get(HOME).text


def test_to_complete_lists_the_resources_that_miss_a_fact(client, resources):
    response = client.get(TO_COMPLETE)
    listed = response.context["resources_to_complete"]
    assert [item["resource"].slug for item in listed] == ["a-completer"]
    # Every fact of a resource, and nothing else, is missing from the empty one.
    assert listed[0]["missing"] == RESOURCE_FACTS
    html = response.text
    assert 'href="/ressources/a-completer/"' in html
    assert "Licence non saisi : 1 production" in html


def test_figures_follow_a_write(client, resources):
    assert table(client.get(STATISTICS).text, "type")["Non saisi"][0] == 1
    Resource.objects.filter(slug="a-completer").update(kind=Resource.Kind.MOOC)
    kinds = table(client.get(STATISTICS).text, "type")
    assert kinds["Non saisi"] == (0, None)
    assert kinds["MOOC"][0] == 1


# The resources' figures are one aggregate query (once per data version: on the home page with
# its other figures), and /a-completer/ lists the resources to complete in one more.
@pytest.mark.parametrize("url", [HOME, STATISTICS, TO_COMPLETE])
def test_resource_figures_cost_the_same_queries_at_two_sizes(client, resources, settings, url):
    settings.PAGE_CACHE_ENABLED = False
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    add_many_resources(150)
    local.clear()
    with CaptureQueriesContext(connection) as large:
        assert client.get(url).status_code == 200
    assert len(large.captured_queries) == len(small.captured_queries)
    # Computed once per data version: the next request reads none of it again.
    with CaptureQueriesContext(connection) as again:
        client.get(url)
    resource_queries = [q for q in again.captured_queries if '"laureats_resource"' in q["sql"]]
    # Only /a-completer/'s list, which names the first resources, is read on every request.
    assert len(resource_queries) == (1 if url == TO_COMPLETE else 0)
