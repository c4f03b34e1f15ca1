"""Test data builders. Names come from faker's fr_FR locale; nothing here reaches real fixtures."""

import factory
from factory.django import DjangoModelFactory

from laureats.models import Laureate, Membership, Organisation, Region, Sector


class SectorFactory(DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Filière {n}")
    slug = factory.Sequence(lambda n: f"filiere-{n}")


class OrganisationFactory(DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Faker("company", locale="fr_FR")
    slug = factory.Sequence(lambda n: f"organisation-{n}")
    kind = Organisation.Kind.CFA
    city = factory.Faker("city", locale="fr_FR")


class LaureateFactory(DjangoModelFactory):
    class Meta:
        model = Laureate

    name = factory.Sequence(lambda n: f"Projet de test {n}")
    slug = factory.Sequence(lambda n: f"projet-de-test-{n}")
    status = Laureate.Status.RETAINED
    scope = Laureate.Scope.NATIONAL


class MembershipFactory(DjangoModelFactory):
    class Meta:
        model = Membership

    laureate = factory.SubFactory(LaureateFactory)
    organisation = factory.SubFactory(OrganisationFactory)
    role = Membership.Role.PARTNER


def make_laureate(*, sectors=(), regions=(), members=(), lead=None, partners=0, **fields):
    """A laureate with its sectors, regions (codes or Region objects) and members.

    `members` are organisations made partners; `lead` becomes the lead; `partners` adds that
    many new partner organisations.
    """
    laureate = LaureateFactory(**fields)
    laureate.sectors.set(sectors)
    laureate.regions.set(
        [
            region if isinstance(region, Region) else Region.objects.get(pk=region)
            for region in regions
        ]
    )
    if lead is not None:
        MembershipFactory(laureate=laureate, organisation=lead, role=Membership.Role.LEAD)
    for organisation in members:
        MembershipFactory(laureate=laureate, organisation=organisation)
    for _ in range(partners):
        MembershipFactory(laureate=laureate)
    laureate.refresh_from_db()
    return laureate
