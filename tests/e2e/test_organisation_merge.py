"""An administrator finds a likely duplicate organisation and merges it, in a real browser at
desktop width: nothing is lost (issue 25)."""

from django.urls import reverse

from laureats.models import Membership, Organisation

from ..factories import LaureateFactory, MembershipFactory, OrganisationFactory
from .conftest import screenshot, session_cookie


def test_an_administrator_merges_a_duplicate_pair(page, live_server, staff_user):
    kept = OrganisationFactory(name="CFA du Bâtiment PACA", city="Marseille")
    twin = OrganisationFactory(name="CFA du batiment Paca", aliases="CFA BTP Paca")
    first, second = LaureateFactory(is_published=True), LaureateFactory(is_published=True)
    MembershipFactory(laureate=first, organisation=kept, role=Membership.Role.LEAD)
    MembershipFactory(laureate=second, organisation=twin, role=Membership.Role.LEAD)
    MembershipFactory(laureate=first, organisation=twin)
    page.context.add_cookies(session_cookie(live_server.url, staff_user))
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto(reverse("admin:laureats_organisation_changelist"))
    page.get_by_role("checkbox", name="CFA du Bâtiment PACA").check()
    page.locator("select[name=action]").select_option("find_duplicates")
    with page.expect_navigation():
        page.get_by_role("button", name="Envoyer", exact=True).click()
    screenshot(page, "admin-doublons")
    link = page.get_by_role("link", name="Fusionner CFA du batiment Paca")
    with page.expect_navigation():
        link.click()
    assert page.get_by_text("1 participation déplacée").is_visible()
    screenshot(page, "admin-fusion")
    page.get_by_role("button", name="Fusionner").click()
    page.wait_for_url(f"**{reverse('admin:laureats_organisation_change', args=[kept.pk])}")
    assert page.get_by_text("n'en font plus qu'une").is_visible()

    assert not Organisation.objects.filter(pk=twin.pk).exists()
    kept.refresh_from_db()
    assert sorted(m.laureate_id for m in kept.memberships.all()) == sorted([first.pk, second.pk])
    assert kept.alias_list() == ["CFA du batiment Paca", "CFA BTP Paca"]
    assert kept.history.latest().history_user == staff_user
