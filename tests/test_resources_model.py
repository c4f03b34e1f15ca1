"""The shared productions' model and admin (issue 26)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from laureats.admin.conflicts import signed_version
from laureats.models import Resource

from .factories import LaureateFactory, ResourceFactory, ResourceSourceFactory, SectorFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("codes", ["RNCP34567", "RS5678", "RNCP1 RS2", "RNCP34567, RS5678", ""])
def test_certification_codes_of_both_registers_are_accepted(codes):
    resource = ResourceFactory(certifications=codes)
    resource.full_clean()


@pytest.mark.parametrize("codes", ["34567", "rncp34567", "RNCP", "RS-5678", "RNCP12 ABC3"])
def test_a_certification_code_not_in_rncp_or_rs_form_is_refused(codes):
    resource = ResourceFactory(certifications=codes)
    with pytest.raises(ValidationError) as error:
        resource.full_clean()
    assert "RNCP suivi de chiffres" in str(error.value)


def test_audience_is_stored_as_a_list_and_read_back_in_its_order():
    resource = ResourceFactory(audience=["formateurs", "apprentis"])
    resource.refresh_from_db()
    assert resource.audience == ["apprentis", "formateurs"]
    assert resource.audience_labels == ["apprentis", "formateurs"]
    assert Resource.objects.filter(audience__contains="|formateurs|").get() == resource
    assert not Resource.objects.filter(audience__contains="|salaries|").exists()


def test_an_unknown_audience_is_refused_by_validation():
    resource = ResourceFactory(audience=["martiens"])
    with pytest.raises(ValidationError, match="martiens"):
        resource.full_clean()


def test_an_empty_audience_is_unknown_not_an_error():
    resource = ResourceFactory()
    resource.full_clean()
    resource.refresh_from_db()
    assert resource.audience == []


def test_sectors_left_empty_are_the_laureates_sectors():
    health, building = SectorFactory(name="Santé"), SectorFactory(name="Bâtiment")
    laureate = LaureateFactory()
    laureate.sectors.set([health])
    inherited = ResourceFactory(laureates=[laureate])
    own = ResourceFactory(laureates=[laureate], sectors=[building])
    assert set(Resource.objects.in_sectors([health.slug])) == {inherited}
    assert set(Resource.objects.in_sectors([building.slug])) == {own}
    shown = Resource.objects.for_list().get(pk=inherited.pk)
    assert shown.shown_sectors == [health] and shown.sectors_are_inherited
    # The laureate's sectors change: the resource follows, nothing to rewrite.
    laureate.sectors.set([building])
    assert set(Resource.objects.in_sectors([building.slug])) == {inherited, own}


def test_search_text_is_folded_from_title_description_codes_and_laureates():
    laureate = LaureateFactory(name="Campus Métiers", acronym="CM", is_published=True)
    resource = ResourceFactory(
        title="Sécurité en Hauteur",
        description="Cœur",
        certifications="RS12",
        laureates=[laureate, LaureateFactory(name="Caché", is_published=False)],
    )
    resource.refresh_from_db()
    # An unpublished laureate's name finds nothing.
    assert resource.search_text == "securite en hauteur\ncoeur\nrs12\ncampus metiers cm"


@pytest.mark.parametrize(
    "write",
    [
        lambda r: Resource.objects.filter(pk=r.pk).update(title="Bâtiment à Besançon"),
        lambda r: Resource.objects.bulk_update(
            [Resource(pk=r.pk, title="Bâtiment à Besançon")], ["title"]
        ),
        lambda r: Resource.objects.filter(pk=r.pk).update(description="Bâtiment à Besançon"),
    ],
    ids=["update", "bulk_update", "update-description"],
)
def test_bulk_writes_of_what_is_searched_rebuild_the_search_text(client, write):
    resource = ResourceFactory(title="Ancien titre", description="", is_published=True)
    write(resource)
    resource.refresh_from_db()
    assert "besancon" in resource.search_text
    assert resource.slug in client.get("/ressources/?q=besancon").content.decode()


def test_history_records_the_laureates_of_each_version():
    first, second = LaureateFactory(), LaureateFactory()
    resource = ResourceFactory(laureates=[first])
    resource.laureates.add(second)
    resource.title = "Nouveau titre"
    resource.save()
    latest = resource.history.first()
    assert latest.title == "Nouveau titre"
    assert {row.laureate_id for row in latest.laureates.all()} == {first.pk, second.pk}


def test_resource_admin_changelist_filters_and_forms_open(staff_client):
    resource = ResourceFactory(audience=["apprentis"])
    ResourceSourceFactory(resource=resource)
    for url in [
        reverse("admin:laureats_resource_changelist"),
        reverse("admin:laureats_resource_changelist") + "?public=apprentis&kind=module-elearning",
        reverse("admin:laureats_resource_changelist") + "?q=fictive",
        reverse("admin:laureats_resource_add"),
        reverse("admin:laureats_resource_change", args=[resource.pk]),
        reverse("admin:laureats_resource_history", args=[resource.pk]),
    ]:
        response = staff_client.get(url)
        assert response.status_code == 200, url
    changelist = staff_client.get(
        reverse("admin:laureats_resource_changelist") + "?public=salaries"
    )
    assert resource.title not in changelist.text


def resource_form_data(resource, **changes):
    data = {
        "version": signed_version(Resource.objects.get(pk=resource.pk).version),
        "title": resource.title,
        "slug": resource.slug,
        "kind": resource.kind,
        "description": "",
        "laureates": [laureate.pk for laureate in resource.laureates.all()],
        "is_published": "on",
        "certifications": "",
        "status": "",
        "available_on": "",
        "licence": "",
        "access": "",
        "url": "",
        "language": "",
        "sources-TOTAL_FORMS": "0",
        "sources-INITIAL_FORMS": "0",
    }
    return data | changes


def test_admin_saves_audience_and_refuses_a_bad_certification_with_a_message(staff_client):
    resource = ResourceFactory()
    url = reverse("admin:laureats_resource_change", args=[resource.pk])
    bad = staff_client.post(url, resource_form_data(resource, certifications="RNCP-12"))
    assert bad.status_code == 200
    assert "RNCP suivi de chiffres" in bad.text
    good = staff_client.post(
        url,
        resource_form_data(
            resource, certifications="RNCP34567", audience=["salaries", "apprentis"]
        ),
    )
    assert good.status_code == 302
    resource.refresh_from_db()
    assert resource.audience == ["apprentis", "salaries"]
    assert resource.certification_list == ["RNCP34567"]


def test_a_resource_needs_at_least_one_laureate_in_the_admin(staff_client):
    resource = ResourceFactory()
    url = reverse("admin:laureats_resource_change", args=[resource.pk])
    response = staff_client.post(url, resource_form_data(resource, laureates=[]))
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in response.text


def test_the_laureate_admin_lists_its_resources_inline(staff_client):
    resource = ResourceFactory()
    laureate = resource.laureates.get()
    response = staff_client.get(reverse("admin:laureats_laureate_change", args=[laureate.pk]))
    assert response.status_code == 200
    assert "Productions partagées" in response.text
    # Listed as links to their own form, where they are edited with their history: no field.
    change_url = reverse("admin:laureats_resource_change", args=[resource.pk])
    assert f'<a href="{change_url}">{resource.title}</a>' in response.text
    assert 'name="Resource_laureates-0-resource"' not in response.text
