"""The map of members by commune in a real browser, on a laureate's page and on /organisations/:
axe-core finds nothing at phone and desktop widths, nothing is wider than the screen, and every
point is a link reached by the keyboard (issue 25)."""

from ..factories import OrganisationFactory, make_laureate
from .conftest import accessibility_problems, assert_readable_at_every_width

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def located_consortium():
    lyon = {"city": "Lyon", "commune_code": "69123", "latitude": 45.758, "longitude": 4.835}
    members = [
        OrganisationFactory(name="CFA fictif de Lyon", region_id="84", **lyon),
        OrganisationFactory(name="Laboratoire fictif de Lyon", region_id="84", **lyon),
        OrganisationFactory(
            name="CFA fictif de Rennes",
            region_id="53",
            city="Rennes",
            commune_code="35238",
            latitude=48.111,
            longitude=-1.68,
        ),
        OrganisationFactory(
            name="Lycée fictif de Saint-Denis",
            region_id="04",
            city="Saint-Denis",
            commune_code="97411",
            latitude=-20.882,
            longitude=55.45,
        ),
        OrganisationFactory(name="Association fictive non localisée", city="Dijon"),
    ]
    return make_laureate(name="Consortium fictif cartographié", members=members, is_published=True)


def assert_no_violation(page):
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        assert accessibility_problems(page, impacts=EVERY_IMPACT) == [], width


def test_a_laureates_member_map_is_accessible_at_every_width(page, portal_data):
    laureate = located_consortium()
    page.goto(laureate.get_absolute_url())

    assert page.get_by_role("heading", name="Où sont les membres").is_visible()
    assert page.get_by_role("link", name="Lyon : 2 organisations").count() == 1
    assert page.get_by_role("link", name="Saint-Denis : 1 organisation").count() == 1
    assert page.get_by_text("1 organisation sur 5 n'est pas encore localisée").is_visible()
    assert_readable_at_every_width(page, "laureat-carte-membres")
    assert_no_violation(page)


def test_the_organisations_map_is_accessible_and_says_what_is_not_located(page, portal_data):
    located_consortium()
    page.goto("/organisations/")

    assert page.get_by_role("link", name="Rennes : 1 organisation").count() == 1
    assert page.get_by_text("ne sont pas encore localisées").is_visible()
    assert_readable_at_every_width(page, "organisations-carte")
    assert_no_violation(page)
    page.goto("/organisations/?commune=non-renseignee")
    assert page.get_by_text("n'est encore localisée").first.is_visible()
    assert_no_violation(page)
