"""Test data builders. Names come from faker's fr_FR locale; nothing here reaches real fixtures."""

from types import SimpleNamespace

import factory
from factory.django import DjangoModelFactory

from laureats.models import (
    FigureSource,
    Laureate,
    Membership,
    Organisation,
    ProgrammeFigure,
    Region,
    Resource,
    ResourceSource,
    Sector,
    Source,
)


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


class SourceFactory(DjangoModelFactory):
    class Meta:
        model = Source

    laureate = factory.SubFactory(LaureateFactory)
    title = factory.Sequence(lambda n: f"Article fictif {n}")
    url = factory.Sequence(lambda n: f"https://presse.example.org/article-{n}")


class ProgrammeFigureFactory(DjangoModelFactory):
    class Meta:
        model = ProgrammeFigure
        django_get_or_create = ["key"]

    key = factory.Sequence(lambda n: f"chiffre-{n}")
    label = factory.Sequence(lambda n: f"Chiffre fictif {n}")
    value = 10
    unit = "lauréats"
    position = factory.Sequence(lambda n: n)


class FigureSourceFactory(DjangoModelFactory):
    class Meta:
        model = FigureSource

    figure = factory.SubFactory(ProgrammeFigureFactory)
    title = factory.Sequence(lambda n: f"Communiqué fictif {n}")
    url = factory.Sequence(lambda n: f"https://chiffres.example.org/communique-{n}")


def make_figure(key, value, *, sources=1, **fields):
    """An official figure with `sources` made-up sources."""
    figure = ProgrammeFigureFactory(key=key, value=value, **fields)
    for _ in range(sources):
        FigureSourceFactory(figure=figure)
    return figure


def make_laureate(
    *, sectors=(), regions=(), members=(), lead=None, partners=0, sources=0, **fields
):
    """A laureate with its sectors, regions (codes or Region objects), members and sources.

    `members` are organisations made partners; `lead` becomes the lead; `partners` adds that
    many new partner organisations; `sources` that many made-up sources.
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
    for _ in range(sources):
        SourceFactory(laureate=laureate)
    laureate.refresh_from_db()
    return laureate


def build_sample_catalogue():
    """A small made-up catalogue shaped like the real one, for tests that need "some data".

    Needs the shipped regions and sectors (the `reference_data` fixture). Every name is
    fictional, so that entering a real laureate in fixtures/ changes nothing here:

    - five published laureates and one unpublished; exactly one of them national, one
      redirected to the AMI CMA, one in "Construction (BTP)", one with only a requested aid;
    - eight organisations of eight kinds, located in four regions or none; a CFA in three
      published consortia; an organisation known only through the unpublished laureate;
    - official figures as the home page and the statistics show them, each with a source, and
      two per-sector counts.
    """
    sector = {sector.slug: sector for sector in Sector.objects.all()}
    kind = Organisation.Kind
    org = {
        "reseau": OrganisationFactory(
            name="Réseau fictif des métiers du bâtiment",
            slug="reseau-fictif-batiment",
            kind=kind.BRANCH,
            city="",
            region=None,
        ),
        "cfa": OrganisationFactory(
            name="CFA fictif des Deux Rives",
            slug="cfa-fictif-deux-rives",
            kind=kind.CFA,
            city="Lyon",
            region_id="84",
        ),
        "labo": OrganisationFactory(
            name="Laboratoire fictif d'immersion",
            slug="laboratoire-fictif-immersion",
            kind=kind.RESEARCH,
            city="Dijon",
            region_id="27",
        ),
        "institut": OrganisationFactory(
            name="Institut fictif de formation en santé",
            slug="institut-fictif-sante",
            kind=kind.PUBLIC_TRAINING,
            city="Besançon",
            region_id="27",
        ),
        "ferme": OrganisationFactory(
            name="Association fictive des fermes-écoles",
            slug="association-fictive-fermes-ecoles",
            kind=kind.ASSOCIATION,
            city="Rennes",
            region_id="53",
        ),
        "entreprise": OrganisationFactory(
            name="Entreprise fictive de simulation",
            slug="entreprise-fictive-simulation",
            kind=kind.COMPANY,
            city="Toulouse",
            region_id="76",
        ),
        "organisme": OrganisationFactory(
            name="Organisme fictif de formation continue",
            slug="organisme-fictif-formation-continue",
            kind=kind.PRIVATE_TRAINING,
            city="Dijon",
            region_id="27",
        ),
        "secret": OrganisationFactory(
            name="Organisation fictive non publiée",
            slug="organisation-fictive-non-publiee",
            kind=kind.OTHER,
            region=None,
        ),
    }
    laureates = {
        # The shape of a national consortium of one trade: a branch leads, a CFA and a lab follow.
        "chantier": make_laureate(
            name="Chantier numérique fictif",
            slug="chantier-numerique-fictif",
            description="Parcours hybrides fictifs pour les apprentis du bâtiment.",
            scope=Laureate.Scope.NATIONAL,
            status=Laureate.Status.REDIRECTED,
            sectors=[sector["construction-btp"]],
            lead=org["reseau"],
            members=[org["cfa"], org["labo"]],
            sources=2,
        ),
        "soins": make_laureate(
            name="Soins connectés fictifs",
            slug="soins-connectes-fictifs",
            scope=Laureate.Scope.INTERREGIONAL,
            sectors=[sector["sante-social"]],
            regions=["27", "84"],
            lead=org["institut"],
            members=[org["cfa"], org["organisme"]],
            total_cost=2_000_000,
            state_aid=1_400_000,
            sources=1,
        ),
        "ferme": make_laureate(
            name="Ferme-école virtuelle fictive",
            slug="ferme-ecole-virtuelle-fictive",
            scope=Laureate.Scope.INTERREGIONAL,
            sectors=[sector["agriculture"], sector["transversal"]],
            regions=["53", "52"],
            lead=org["ferme"],
            members=[org["entreprise"]],
            total_cost=1_000_000,
            state_aid=500_000,
            sources=1,
        ),
        # Only the amount requested is known, and a note says so.
        "demande": make_laureate(
            name="Atelier fictif sans détails",
            slug="atelier-fictif-sans-details",
            scope="",
            lead=org["organisme"],
            total_cost=3_000_000,
            state_aid=2_000_000,
            state_aid_kind=Laureate.StateAidKind.REQUESTED,
            data_note="Note fictive : aucune source ne dit le montant accordé.",
            sources=1,
        ),
        "mobilite": make_laureate(
            name="Mobilité numérique fictive",
            slug="mobilite-numerique-fictive",
            scope=Laureate.Scope.INTERREGIONAL,
            sectors=[sector["transports"]],
            regions=["76", "75"],
            lead=org["cfa"],
            members=[org["entreprise"], org["labo"]],
            total_cost=1_500_000,
            state_aid=1_050_000,
            sources=1,
        ),
        "cache": make_laureate(
            name="Projet fictif non publié",
            slug="projet-fictif-non-publie",
            scope=Laureate.Scope.INTERREGIONAL,
            sectors=[sector["sante-social"]],
            regions=["11"],
            lead=org["secret"],
            members=[org["cfa"]],
            is_published=False,
        ),
    }
    figures = [
        make_figure("laureates", 62, label="Lauréats retenus", unit="consortiums", sources=2),
        make_figure("national_scope", 40, label="Lauréats de portée nationale"),
        make_figure("interregional_scope", 22, label="Lauréats de portée interrégionale"),
        make_figure(
            "budget",
            40_000_000,
            label="Enveloppe du programme",
            unit="€",
            note="Note fictive : une autre source donne 35 M€.",
        ),
        make_figure("max_aid_rate", 70, label="Taux d'aide maximal", unit="% du coût du projet"),
    ]
    per_sector_note = "Décomptes fictifs publiés pour deux filières seulement."
    figures += [
        make_figure(
            f"sector-{slug}",
            value,
            label=f"Lauréats de la filière « {sector[slug].name} »",
            sector=sector[slug],
            note=per_sector_note,
        )
        for slug, value in [("sante-social", 9), ("construction-btp", 6)]
    ]
    return SimpleNamespace(laureates=laureates, organisations=org, figures=figures)


class ResourceFactory(DjangoModelFactory):
    """A resource of one new laureate, or of `laureates=[...]`."""

    class Meta:
        model = Resource
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Production fictive {n}")
    slug = factory.Sequence(lambda n: f"production-fictive-{n}")
    kind = Resource.Kind.ELEARNING

    @factory.post_generation
    def laureates(self, create, extracted, **kwargs):
        if create:
            self.laureates.set(extracted if extracted is not None else [LaureateFactory()])

    @factory.post_generation
    def sectors(self, create, extracted, **kwargs):
        if create and extracted:
            self.sectors.set(extracted)


class ResourceSourceFactory(DjangoModelFactory):
    class Meta:
        model = ResourceSource

    resource = factory.SubFactory(ResourceFactory)
    title = factory.Sequence(lambda n: f"Annonce fictive {n}")
    url = factory.Sequence(lambda n: f"https://presse.example.org/ressource-{n}")
