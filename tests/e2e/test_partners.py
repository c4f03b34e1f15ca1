"""The partner-finder of an organisation's page in a real browser: axe-core finds nothing at
phone and desktop widths, and nothing is wider than the screen (issue 25)."""

from laureats.models import Organisation

from ..factories import OrganisationFactory, make_laureate
from .conftest import accessibility_problems, assert_readable_at_every_width

EVERY_IMPACT = ("minor", "moderate", "serious", "critical")


def test_the_partner_finder_is_accessible_at_every_width(page, portal_data):
    # The sample catalogue's CFA: partners in three consortia, and a region.
    organisation = Organisation.objects.get(slug="cfa-fictif-deux-rives")
    neighbour = OrganisationFactory(name="CFA voisin", kind="cfa", city="Lyon", region_id="84")
    make_laureate(name="Projet voisin", lead=neighbour, is_published=True)
    page.goto(organisation.get_absolute_url())
    assert page.get_by_role("heading", name="Partenaires", exact=True).is_visible()
    assert page.get_by_role("table").count() == 1
    assert page.get_by_role("heading", name="Partenaires possibles").is_visible()
    assert page.get_by_role("link", name="CFA voisin").is_visible()
    assert_readable_at_every_width(page, "organisation-partenaires")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        # Not only the serious ones: no violation at all.
        assert accessibility_problems(page, impacts=EVERY_IMPACT) == [], width
