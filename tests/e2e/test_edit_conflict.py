"""Two administrators edit the same laureate in two browsers: the second to save sees what the
first changed, and chooses (issue 21). Screenshots of the conflict page at phone and desktop
widths, and axe-core on it."""

from django.urls import reverse

from laureats.models import Laureate

from .conftest import assert_readable_at_every_width, session_cookie


def open_change_form(browser, live_server, cookies, laureate):
    context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1280, "height": 800}, locale="fr-FR"
    )
    context.add_cookies(cookies)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.goto(reverse("admin:laureats_laureate_change", args=[laureate.pk]))
    return page


def sessions_before_any_page(live_server, page, first, second):
    """A's session on `page`, and B's cookies: both written before any page is open, so that no
    write of the test meets a page being served. (When the SQLite test database was in memory,
    whose table locks fail at once rather than wait, B's session written while the server read
    A's failed CI once; it is now a file, tests/conftest.py.)"""
    page.context.add_cookies(session_cookie(live_server.url, first))
    return session_cookie(live_server.url, second)


def test_two_administrators_edit_the_same_laureate(
    page, browser, live_server, portal_data, staff_user, django_user_model
):
    laureate = Laureate.objects.get(slug="soins-connectes-fictifs")
    laureate.summary = "Résumé lu par les deux administrateurs."
    laureate.save()
    other = django_user_model.objects.create_superuser("b", "b@example.org", "x")
    b_cookies = sessions_before_any_page(live_server, page, staff_user, other)
    # A (the `page` fixture's tab, which fails on any CSP or script error) and B open the form.
    page.goto(reverse("admin:laureats_laureate_change", args=[laureate.pk]))
    second = open_change_form(browser, live_server, b_cookies, laureate)

    # B corrects the summary and saves first.
    second.locator("#id_summary").fill("Résumé corrigé par B.\nSur deux lignes.")
    second.get_by_role("button", name="Enregistrer", exact=True).click()
    second.wait_for_url(f"**{reverse('admin:laureats_laureate_changelist')}")
    second.context.close()

    # A, with the form read before, renames the laureate: nothing is written.
    page.locator("#id_name").fill("Soins connectés fictifs, renommé par A")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.wait_for_selector(".edit-conflict")
    assert page.locator("h1").inner_text().startswith("Modifié pendant votre saisie")
    table = page.get_by_role("table", name="Champs modifiés entre-temps")
    summary_row = table.get_by_role("row", name="Résumé")
    assert "Résumé corrigé par B." in summary_row.inner_text()
    assert "Soins connectés fictifs, renommé par A" in page.locator(".conflict-own").inner_text()
    laureate.refresh_from_db()
    assert laureate.summary.startswith("Résumé corrigé par B.")
    assert laureate.name != "Soins connectés fictifs, renommé par A"
    assert_readable_at_every_width(page, "admin-conflit")

    # A saves their values knowingly: their name, and the summary they had.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert "Résumé lu par les deux administrateurs." in summary_row.inner_text()
    page.get_by_role("button", name="Enregistrer mes valeurs").click()
    page.wait_for_url(f"**{reverse('admin:laureats_laureate_changelist')}")
    laureate.refresh_from_db()
    assert laureate.name == "Soins connectés fictifs, renommé par A"
    assert laureate.summary == "Résumé lu par les deux administrateurs."


def test_starting_again_from_the_current_fiche(
    page, browser, live_server, portal_data, staff_user, django_user_model
):
    laureate = Laureate.objects.get(slug="soins-connectes-fictifs")
    other = django_user_model.objects.create_superuser("b", "b@example.org", "x")
    b_cookies = sessions_before_any_page(live_server, page, staff_user, other)
    page.goto(reverse("admin:laureats_laureate_change", args=[laureate.pk]))
    second = open_change_form(browser, live_server, b_cookies, laureate)
    second.locator("#id_acronym").fill("SCF")
    second.get_by_role("button", name="Enregistrer", exact=True).click()
    second.wait_for_url(f"**{reverse('admin:laureats_laureate_changelist')}")
    second.context.close()

    page.locator("#id_acronym").fill("SOINS")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    page.get_by_role("link", name="Repartir de la fiche actuelle").click()
    page.wait_for_url(f"**{reverse('admin:laureats_laureate_change', args=[laureate.pk])}")
    assert page.locator("#id_acronym").input_value() == "SCF"
