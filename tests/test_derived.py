"""The derived columns have one owner (laureats/derived/): every way of writing their inputs,
bulk writes included, leaves them equal to their recomputation, and check_derived finds and
rewrites the rows where something wrote around it."""

import importlib
import io
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.urls import reverse

from laureats.models import Laureate, Membership, Organisation, Region, Resource, Sector, Source

from .factories import (
    LaureateFactory,
    MembershipFactory,
    OrganisationFactory,
    ResourceFactory,
    SectorFactory,
    SourceFactory,
    make_laureate,
)

pytestmark = pytest.mark.django_db

LIST_URL = reverse("laureats:laureate-list")


def listed(client, query):
    response = client.get(f"{LIST_URL}?{query}")
    assert response.status_code == 200
    return {laureate.slug for laureate in response.context["page_obj"]}


def kind_counts(client):
    facets = {facet["name"]: facet for facet in client.get(LIST_URL).context["facets"]}
    return {option["value"]: option["count"] for option in facets["type_membre"]["options"]}


def check_derived(*args):
    """check_derived's output; CommandError when rows differ (without --fix)."""
    out = io.StringIO()
    call_command("check_derived", *args, stdout=out)
    return out.getvalue()


def test_lead_and_member_kind_filters_agree_after_a_bulk_update_of_kinds(
    client, settings, reference_data
):
    # Issue 21, item 3: an organisation's kind changed by QuerySet.update().
    settings.PAGE_CACHE_ENABLED = False
    lead = OrganisationFactory(kind=Organisation.Kind.CFA)
    make_laureate(slug="suivi", lead=lead)
    make_laureate(slug="autre", lead=OrganisationFactory(kind=Organisation.Kind.COMPANY))
    assert listed(client, "type_membre=cfa") == listed(client, "type_porteur=cfa") == {"suivi"}

    Organisation.objects.filter(pk=lead.pk).update(kind=Organisation.Kind.RESEARCH)

    assert listed(client, "type_porteur=laboratoire") == {"suivi"}
    assert listed(client, "type_membre=laboratoire") == {"suivi"}
    assert listed(client, "type_membre=cfa") == listed(client, "type_porteur=cfa") == set()
    # The facet counts what ticking it lists.
    assert kind_counts(client)["laboratoire"] == 1
    assert kind_counts(client)["cfa"] == 0


# One write of each input model through each bulk path (`s`: the rows of the test below).
BULK_WRITES = {
    "organisation update": lambda s: Organisation.objects.filter(pk=s.organisation.pk).update(
        kind=Organisation.Kind.ASSOCIATION, region_id="93", name="Nouveau nom"
    ),
    "organisation bulk_update": lambda s: Organisation.objects.bulk_update(
        [Organisation(pk=s.organisation.pk, kind="entreprise", region_id="11")], ["kind", "region"]
    ),
    "organisation bulk_create": lambda s: Organisation.objects.bulk_create(
        [Organisation(name="Nouvelle", slug="nouvelle", in_published_laureate=True)]
    ),
    "organisation delete": lambda s: Organisation.objects.filter(
        pk=OrganisationFactory().pk
    ).delete(),
    "laureate update": lambda s: Laureate.objects.filter(pk=s.laureate.pk).update(
        name="Renommé", scope="", description="Décrit", is_published=False
    ),
    "laureate bulk_update": lambda s: Laureate.objects.bulk_update(
        [Laureate(pk=s.laureate.pk, name="Encore", total_cost=10, state_aid=7)],
        ["name", "total_cost", "state_aid"],
    ),
    "laureate bulk_create": lambda s: Laureate.objects.bulk_create(
        [Laureate(name="Créé", slug="cree", status="retenu", scope="nationale")]
    ),
    "laureate delete": lambda s: Laureate.objects.filter(pk=s.other.pk).delete(),
    "membership update": lambda s: Membership.objects.filter(pk=s.partner.pk).update(
        laureate=s.other
    ),
    "membership update of a role": lambda s: Membership.objects.filter(pk=s.lead.pk).update(
        role=Membership.Role.PARTNER
    ),
    "membership bulk_update": lambda s: Membership.objects.bulk_update(
        [Membership(pk=s.partner.pk, laureate=s.other, role=Membership.Role.LEAD)],
        ["laureate", "role"],
    ),
    "membership bulk_create": lambda s: Membership.objects.bulk_create(
        [Membership(laureate=s.other, organisation=OrganisationFactory(kind="autre"))]
    ),
    "membership delete": lambda s: Membership.objects.filter(laureate=s.laureate).delete(),
    "source update": lambda s: Source.objects.filter(laureate=s.laureate).update(laureate=s.other),
    "source bulk_create": lambda s: Source.objects.bulk_create(
        [Source(laureate=s.other, url="https://example.org/nouvelle")]
    ),
    "source delete": lambda s: Source.objects.filter(laureate=s.laureate).delete(),
    "region delete": lambda s: Region.objects.filter(pk=s.region.pk).delete(),
    "sector delete": lambda s: Sector.objects.filter(pk=s.sector.pk).delete(),
    "sector bulk_update": lambda s: Sector.objects.bulk_update(
        [Sector(pk=s.sector.pk, name="Renommée")], ["name"]
    ),
}


@pytest.mark.parametrize("label", BULK_WRITES)
def test_every_bulk_write_of_an_input_rebuilds_what_it_touched(reference_data, label):
    organisation = OrganisationFactory(kind=Organisation.Kind.CFA, region_id="84")
    sector = Sector.objects.first()
    laureate = make_laureate(
        slug="suivi",
        scope="interregionale",
        regions=["27"],
        sectors=[sector],
        lead=organisation,
        partners=1,
        sources=1,
    )
    other = make_laureate(slug="autre", members=[organisation], regions=["27", "93"])
    region = Region.objects.create(code="99", name="Région sans organisation")
    laureate.regions.add(region)
    rows = SimpleNamespace(
        laureate=laureate,
        other=other,
        organisation=organisation,
        lead=laureate.memberships.get(role=Membership.Role.LEAD),
        partner=laureate.memberships.get(role=Membership.Role.PARTNER),
        region=region,
        sector=sector,
    )
    assert check_derived("--verbosity", "0") == ""
    BULK_WRITES[label](rows)
    assert check_derived().startswith("Toutes les colonnes dérivées sont à jour")


def test_check_derived_reports_and_fixes_rows_written_around_the_owner(reference_data):
    laureate = make_laureate(slug="suivi", regions=["84"])
    organisation = OrganisationFactory()
    MembershipFactory(laureate=laureate, organisation=organisation)
    SourceFactory(laureate=laureate)
    # Plain SQL and the relation's table written without its manager: no signal tells.
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE laureats_organisation SET kind = 'laboratoire', in_published_laureate = %s",
            [False],
        )
    Laureate.sectors.through.objects.create(laureate=laureate, sector=Sector.objects.first())

    with pytest.raises(
        CommandError, match=r"1 lauréat\(s\), 1 organisation\(s\) et 0 production.*--fix"
    ):
        check_derived()
    assert "laureate.member_kinds : 1 ligne(s) (suivi)" in check_derived("--fix")
    assert check_derived().startswith("Toutes les colonnes dérivées sont à jour")
    laureate.refresh_from_db()
    assert laureate.member_kinds == "|laboratoire|"
    assert laureate.sector_bits
    organisation.refresh_from_db()
    assert organisation.in_published_laureate


# Organisation.search_text: a derived column like the others (issue 21) ---------------------

ORGANISATION_LIST_URL = reverse("laureats:organisation-list")


def organisations_listed(client, query):
    response = client.get(ORGANISATION_LIST_URL, {"q": query})
    assert response.status_code == 200
    return {organisation.slug for organisation in response.context["page_obj"]}


# Each way of writing what an organisation's search text is made of (`o`: the organisation).
SEARCHED_WRITES = {
    "update()": lambda o: Organisation.objects.filter(pk=o.pk).update(name="Bâtiment Besançon"),
    "bulk_update()": lambda o: Organisation.objects.bulk_update(
        [Organisation(pk=o.pk, name="Bâtiment Besançon", city="Dole")], ["name", "city"]
    ),
    "save(update_fields)": lambda o: (
        setattr(o, "name", "Bâtiment Besançon") or o.save(update_fields=["name"])
    ),
    "save()": lambda o: setattr(o, "name", "Bâtiment Besançon") or o.save(),
    "update() of its other names": lambda o: Organisation.objects.filter(pk=o.pk).update(
        aliases="Ancien nom\nBâtiment Besançon"
    ),
}


@pytest.mark.parametrize("label", SEARCHED_WRITES)
def test_an_organisation_written_any_way_is_found_by_its_new_text(client, settings, label):
    settings.PAGE_CACHE_ENABLED = False
    organisation = OrganisationFactory(slug="renommee", name="Ancien nom", city="", aliases="")
    make_laureate(members=[organisation])
    assert organisations_listed(client, "besancon") == set()

    SEARCHED_WRITES[label](organisation)

    assert organisations_listed(client, "besancon") == {"renommee"}
    assert organisations_listed(client, "BATIMENT besançon") == {"renommee"}
    assert check_derived().startswith("Toutes les colonnes dérivées sont à jour")


def test_check_derived_finds_and_fixes_an_organisation_search_text_written_around_it():
    organisation = OrganisationFactory(slug="ecrite", name="Œuvre de Besançon", city="Dole")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE laureats_organisation SET search_text = ''")
    with pytest.raises(CommandError, match=r"0 lauréat\(s\), 1 organisation\(s\) et 0 production"):
        check_derived()
    assert "organisation.search_text : 1 ligne(s) (ecrite)" in check_derived("--fix")
    organisation.refresh_from_db()
    assert organisation.search_text == "oeuvre de besancon\ndole"


def test_the_migration_fills_the_search_text_by_its_owner():
    migration = importlib.import_module("laureats.migrations.0018_organisation_search_text")
    organisation = OrganisationFactory(name="Œuvre des apprentis", city="Besançon", siren="")
    with connection.cursor() as cursor:
        cursor.execute("UPDATE laureats_organisation SET search_text = ''")
    migration.fill_search_text(apps, None)
    organisation.refresh_from_db()
    assert organisation.search_text == "oeuvre des apprentis\nbesancon"


# Resource.search_text: the owner's third model (issue 26) -----------------------------------

RESOURCE_LIST_URL = reverse("laureats:resource-list")


def resources_found(client, query):
    response = client.get(RESOURCE_LIST_URL, {"q": query})
    assert response.status_code == 200
    return {resource.slug for resource in response.context["page_obj"]}


def renamed(resource, **values):
    for name, value in values.items():
        setattr(resource, name, value)
    return resource


# Each way of writing what a resource's search text is made of (`r`: the resource, `o`: a
# published laureate named "Campus Besançon", not yet one of its laureates).
RESOURCE_WRITES = {
    "save()": lambda r, o: renamed(r, title="Atelier de Besançon").save(),
    "save(update_fields)": lambda r, o: renamed(r, description="Vu à Besançon").save(
        update_fields=["description"]
    ),
    "update()": lambda r, o: Resource.objects.filter(pk=r.pk).update(title="Besançon"),
    "bulk_update()": lambda r, o: Resource.objects.bulk_update(
        [Resource(pk=r.pk, title="Besançon", certifications="RS1")], ["title", "certifications"]
    ),
    "its laureates.add()": lambda r, o: r.laureates.add(o),
    "its laureates.set()": lambda r, o: r.laureates.set([o]),
    "a laureate renamed by update()": lambda r, o: Laureate.objects.filter(
        pk=r.laureates.get().pk
    ).update(acronym="BESANCON"),
    "a laureate renamed by save()": lambda r, o: renamed(
        r.laureates.get(), name="Réseau Besançon"
    ).save(),
}


@pytest.mark.parametrize("label", RESOURCE_WRITES)
def test_a_resource_written_any_way_is_found_by_its_new_text(client, settings, label):
    settings.PAGE_CACHE_ENABLED = False
    resource = ResourceFactory(slug="ecrite", title="Ancien titre", description="")
    other = LaureateFactory(name="Campus Besançon", acronym="", is_published=True)
    ResourceFactory(slug="autre", laureates=[LaureateFactory()], title="Autre")
    assert resources_found(client, "besancon") == set()

    RESOURCE_WRITES[label](resource, other)

    assert resources_found(client, "besançon") == {"ecrite"}
    assert check_derived().startswith("Toutes les colonnes dérivées sont à jour")


def test_a_resource_created_in_bulk_is_found_by_its_laureates_name(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    laureate = LaureateFactory(name="Œuvre des apprentis", acronym="OEA", is_published=True)
    [resource] = Resource.objects.bulk_create([Resource(title="Module", slug="en-lot")])
    assert resources_found(client, "module") == {"en-lot"}
    resource.laureates.add(laureate)
    assert resources_found(client, "oea") == {"en-lot"}
    assert resources_found(client, "oeuvre apprentis module") == {"en-lot"}


def test_a_laureate_unpublished_or_removed_no_longer_finds_its_resources(client, settings):
    settings.PAGE_CACHE_ENABLED = False
    laureate = LaureateFactory(name="Campus Besançon", is_published=True)
    ResourceFactory(slug="du-campus", laureates=[laureate])
    assert resources_found(client, "besancon") == {"du-campus"}
    Laureate.objects.filter(pk=laureate.pk).update(is_published=False)
    assert resources_found(client, "besancon") == set()
    Laureate.objects.filter(pk=laureate.pk).update(is_published=True)
    resource = Resource.objects.get(slug="du-campus")
    resource.laureates.remove(laureate)
    assert resources_found(client, "besancon") == set()
    assert check_derived().startswith("Toutes les colonnes dérivées sont à jour")


def test_check_derived_finds_and_fixes_a_resource_search_text_written_around_it():
    laureate = LaureateFactory(name="Campus", acronym="CMP", is_published=True)
    resource = ResourceFactory(
        slug="ecrite", title="Sécurité", description="Cœur", laureates=[laureate]
    )
    with connection.cursor() as cursor:
        cursor.execute("UPDATE laureats_resource SET search_text = ''")
    with pytest.raises(CommandError, match=r"0 organisation\(s\) et 1 production"):
        check_derived()
    assert "resource.search_text : 1 ligne(s) (ecrite)" in check_derived("--fix")
    resource.refresh_from_db()
    assert resource.search_text == "securite\ncoeur\ncampus cmp"
    assert check_derived().startswith("Toutes les colonnes dérivées sont à jour")


def test_the_migration_fills_the_resource_search_text_by_its_owner():
    migration = importlib.import_module("laureats.migrations.0026_resource_search_text")
    laureate = LaureateFactory(name="Réseau", acronym="", is_published=True)
    resource = ResourceFactory(title="Module", certifications="RS12", laureates=[laureate])
    with connection.cursor() as cursor:
        cursor.execute("UPDATE laureats_resource SET search_text = ''")
    migration.fill_search_text(apps, None)
    resource.refresh_from_db()
    assert resource.search_text == "module\nrs12\nreseau"


def resources_of_sector(client, slug):
    response = client.get(RESOURCE_LIST_URL, {"secteur": slug})
    return {resource.slug for resource in response.context["page_obj"]}


def test_a_resource_files_under_its_laureates_sectors_until_it_names_its_own(client, settings):
    # Kept as bits by the owner (resource.sector_bits): every way the sectors can change.
    settings.PAGE_CACHE_ENABLED = False
    health, building = SectorFactory(slug="sante"), SectorFactory(slug="btp")
    laureate = LaureateFactory(is_published=True)
    laureate.sectors.add(health)
    resource = ResourceFactory(slug="module", laureates=[laureate])
    assert resources_of_sector(client, "sante") == {"module"}
    # The laureate's sectors, changed from either side.
    building.laureates.add(laureate)
    laureate.sectors.remove(health)
    assert resources_of_sector(client, "sante") == set()
    assert resources_of_sector(client, "btp") == {"module"}
    # An unpublished laureate lends none.
    Laureate.objects.filter(pk=laureate.pk).update(is_published=False)
    assert resources_of_sector(client, "btp") == set()
    # Its own sectors replace its laureates'.
    Laureate.objects.filter(pk=laureate.pk).update(is_published=True)
    resource.sectors.add(health)
    assert resources_of_sector(client, "sante") == {"module"}
    assert resources_of_sector(client, "btp") == set()
    health.resources.clear()
    assert resources_of_sector(client, "btp") == {"module"}
    assert check_derived().startswith("Toutes les colonnes dérivées sont à jour")
