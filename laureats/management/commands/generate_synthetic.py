"""Fill a separate database with synthetic laureates, to measure the portal at scale (issue 6),
and with synthetic shared productions (issue 26, `--resources`).

Every record says what it is: its name (a resource's title) starts with « [Synthétique] » and
is_synthetic is set.
The command refuses to touch a database that holds real laureates or organisations unless
--allow-real-data is given, and `make run` never calls it.
"""

import random
import time
from datetime import date, timedelta

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from laureats import derived
from laureats.models import (
    Laureate,
    Membership,
    Organisation,
    ProgrammeFigure,
    Region,
    Resource,
    Sector,
    Source,
)
from laureats.resources.synthetic import ResourceGenerator

MARK = "[Synthétique] "
BATCH_SIZE = 2000
MIN_MEMBERS, MAX_MEMBERS = 2, 12  # 7 on average, as consortia of the real programme
# One laureate in ten of each kind of scope cycle: half interregional, four national, one
# unknown, so that every region appears as soon as there are a few dozen laureates.
SCOPES = [Laureate.Scope.INTERREGIONAL] * 5 + [Laureate.Scope.NATIONAL] * 4 + [""]

PROJECT_WORDS = [
    "Campus",
    "Parcours",
    "Académie",
    "Atelier",
    "Plateforme",
    "Réseau",
    "Fabrique",
    "École",
    "Alliance",
    "Passerelle",
]
# Adjectives that agree with any of the nouns above.
QUALITIES = [
    "numérique",
    "hybride",
    "modulaire",
    "solidaire",
    "agile",
    "mobile",
    "durable",
    "pratique",
]
TOPICS = [
    "des métiers de demain",
    "de la formation en situation de travail",
    "des compétences professionnelles",
    "de l'apprentissage à distance",
    "des gestes professionnels",
    "de la réalité virtuelle en formation",
    "de l'évaluation des compétences",
    "des formateurs et tuteurs",
]
METHODS = [
    "des modules en réalité virtuelle",
    "des simulateurs de gestes professionnels",
    "des parcours mixtes entre salle et plateforme en ligne",
    "des jumeaux numériques d'ateliers",
    "des classes virtuelles animées par des formateurs",
    "des ressources en vidéo à 360 degrés",
    "un accompagnement par des tuteurs en entreprise",
    "des badges numériques de compétences",
]
AUDIENCES = [
    "les apprentis",
    "les demandeurs d'emploi",
    "les salariés en reconversion",
    "les formateurs",
    "les jeunes sans qualification",
    "les travailleurs en situation de handicap",
]
ORGANISATION_NAMES = {
    Organisation.Kind.CFA: "CFA des métiers",
    Organisation.Kind.PUBLIC_TRAINING: "Greta",
    Organisation.Kind.PRIVATE_TRAINING: "Institut de formation",
    Organisation.Kind.CONSULAR_TRAINING: "Chambre de métiers et de l'artisanat",
    Organisation.Kind.HIGHER_EDUCATION: "Université",
    Organisation.Kind.COMPANY: "Société",
    Organisation.Kind.BRANCH: "Organisation professionnelle",
    Organisation.Kind.EMPLOYMENT: "Mission locale",
    Organisation.Kind.RESEARCH: "Laboratoire de recherche",
    Organisation.Kind.PUBLIC_BODY: "Conseil départemental",
    Organisation.Kind.ASSOCIATION: "Association",
    Organisation.Kind.OTHER: "Groupement",
}
SPECIALITIES = [
    "de l'automobile",
    "du bâtiment",
    "de l'hôtellerie",
    "du numérique",
    "de la santé",
    "de l'agriculture",
    "du sport",
    "des transports",
    "de l'industrie",
    "du commerce",
]
CITIES = [
    "Lyon",
    "Rennes",
    "Lille",
    "Nantes",
    "Toulouse",
    "Bordeaux",
    "Strasbourg",
    "Dijon",
    "Rouen",
    "Orléans",
    "Montpellier",
    "Marseille",
    "Clermont-Ferrand",
    "Besançon",
    "Caen",
    "Metz",
    "Ajaccio",
    "Limoges",
    "Poitiers",
    "Amiens",
]


def of(city):
    return f"d'{city}" if city[0] in "AEIOUÉ" else f"de {city}"


class Command(BaseCommand):
    help = (
        "Remplit une base à part de lauréats synthétiques (7 membres en moyenne, toutes les "
        "filières, régions, portées et statuts), marqués « [Synthétique] » et is_synthetic, pour "
        "mesurer le portail à grande échelle. Refuse une base qui contient des données réelles."
    )

    def add_arguments(self, parser):
        parser.add_argument("--laureates", type=int, default=10000, help="Nombre de lauréats.")
        parser.add_argument(
            "--organisations",
            type=int,
            default=None,
            help="Nombre d'organisations (par défaut, deux par lauréat).",
        )
        parser.add_argument(
            "--resources",
            type=int,
            default=0,
            help="Nombre de productions partagées, chacune d'un à trois lauréats synthétiques.",
        )
        parser.add_argument("--seed", type=int, default=2030, help="Graine du hasard.")
        parser.add_argument(
            "--allow-real-data",
            action="store_true",
            help="Ajoute des données synthétiques même à une base qui contient des données réelles.",
        )

    def handle(self, laureates, organisations, resources, seed, allow_real_data, **options):
        if laureates < 1:
            raise CommandError("--laureates doit être au moins 1.")
        if resources < 0:
            raise CommandError("--resources ne peut pas être négatif.")
        organisations = organisations or max(2 * laureates, MAX_MEMBERS)
        if organisations < MAX_MEMBERS:
            raise CommandError(f"--organisations doit être au moins {MAX_MEMBERS}.")
        real = (
            Laureate.objects.filter(is_synthetic=False).count()
            + Organisation.objects.filter(is_synthetic=False).count()
            + Resource.objects.filter(is_synthetic=False).count()
        )
        if real and not allow_real_data:
            raise CommandError(
                f"Cette base contient des données réelles ({real} lauréats, organisations ou "
                "productions partagées) : "
                "les données synthétiques vont dans une base à part. --allow-real-data passe outre."
            )
        started = time.monotonic()
        self.load_reference_data()
        generator = Generator(random.Random(seed))
        # The derived columns of every row created, rebuilt once at the end, in bulk, rather
        # than after each of the bulk writes.
        with transaction.atomic(), derived.batch():
            organisation_ids = generator.create_organisations(organisations)
            laureate_ids = generator.create_laureates(laureates, organisation_ids)
            ResourceGenerator(generator.rng, generator.sectors).create(resources, laureate_ids)
        made = f" et {resources} productions partagées" if resources else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"{laureates} lauréats, {organisations} organisations{made} synthétiques créés "
                f"({generator.membership_count} membres) en {time.monotonic() - started:.1f} s."
            )
        )

    def load_reference_data(self):
        # Regions, sectors and the programme's official figures are real reference data, not
        # laureates: the synthetic laureates are filed under them.
        for model, fixture in [
            (Region, "regions"),
            (Sector, "sectors"),
            (ProgrammeFigure, "programme_figures"),
        ]:
            if not model.objects.exists():
                call_command("loaddata", fixture, verbosity=0)


class Generator:
    def __init__(self, rng):
        self.rng = rng
        self.regions = list(Region.objects.order_by("code"))
        self.sectors = list(Sector.objects.order_by("slug"))
        self.membership_count = 0
        # Numbering goes on after an earlier run, so that slugs stay unique.
        self.first_laureate = Laureate.objects.filter(is_synthetic=True).count() + 1
        self.first_organisation = Organisation.objects.filter(is_synthetic=True).count() + 1

    def create_organisations(self, count):
        kinds = list(Organisation.Kind)
        ids = []
        for start in range(0, count, BATCH_SIZE):
            batch = []
            for index in range(start, min(start + BATCH_SIZE, count)):
                number = self.first_organisation + index
                # Every kind and region appears once the first few dozen exist.
                kind = kinds[index % len(kinds)] if index < 100 else self.rng.choice(kinds)
                region = self.regions[index % len(self.regions)]
                city = self.rng.choice(CITIES)
                speciality = self.rng.choice(SPECIALITIES)
                batch.append(
                    Organisation(
                        name=f"{MARK}{ORGANISATION_NAMES[kind]} {speciality} {of(city)} {number}",
                        slug=f"synthetique-organisation-{number:06d}",
                        kind=kind,
                        city=city,
                        region=region,
                        is_synthetic=True,
                    )
                )
            ids += [organisation.pk for organisation in Organisation.objects.bulk_create(batch)]
        return ids

    def create_laureates(self, count, organisation_ids):
        ids = []
        for start in range(0, count, BATCH_SIZE):
            numbers = range(start, min(start + BATCH_SIZE, count))
            laureates = Laureate.objects.bulk_create([self.laureate(index) for index in numbers])
            ids += [laureate.pk for laureate in laureates]
            self.create_relations(laureates, organisation_ids)
        return ids

    def laureate(self, index):
        rng = self.rng
        number = self.first_laureate + index
        sector = self.sectors[index % len(self.sectors)]
        words = [rng.choice(PROJECT_WORDS), rng.choice(QUALITIES), rng.choice(TOPICS)]
        name = f"{MARK}{' '.join(words)} — {sector.name} {number}"
        acronym = "".join(word[0] for word in words[:2]).upper() + f"-{number}"
        method, audience = rng.choice(METHODS), rng.choice(AUDIENCES)
        summary = (
            f"Le consortium conçoit {method} pour {audience}, "
            f"dans la filière {sector.name.lower()}. "
        ) * rng.randint(1, 3)
        description = " ".join(
            f"Le projet s'appuie sur {rng.choice(METHODS)} pour {rng.choice(AUDIENCES)}."
            for _ in range(rng.randint(3, 10))
        )
        total_cost, state_aid = None, None
        if index % 7:  # some amounts are unknown, as for real laureates
            total_cost = rng.randrange(300_000, 12_000_000, 1000)
            state_aid = total_cost * rng.randint(30, 70) // 100
        start_date = date(2022, 1, 1) + timedelta(days=rng.randrange(0, 900))
        return Laureate(
            name=name[:255],
            acronym=acronym,
            slug=f"synthetique-{number:06d}",
            summary=summary[:1000],
            description=description,
            scope=SCOPES[index % len(SCOPES)],
            status=(Laureate.Status.REDIRECTED if index % 10 == 3 else Laureate.Status.RETAINED),
            total_cost=total_cost,
            state_aid=state_aid,
            start_date=start_date,
            end_date=start_date + timedelta(days=rng.randrange(365, 1500)),
            website=f"https://example.org/synthetique/{number}",
            # A few unpublished ones keep the "never leak" rule exercised at scale.
            is_published=index % 50 != 7,
            is_synthetic=True,
        )

    def create_relations(self, laureates, organisation_ids):
        rng = self.rng
        sector_links, region_links, memberships, sources = [], [], [], []
        sector_through = Laureate.sectors.through
        region_through = Laureate.regions.through
        for laureate in laureates:
            index = self.first_laureate_index(laureate)
            first_sector = self.sectors[index % len(self.sectors)]
            sectors = {first_sector, *rng.sample(self.sectors, rng.randint(0, 2))}
            sector_links += [
                sector_through(laureate_id=laureate.pk, sector_id=sector.pk) for sector in sectors
            ]
            regions = set()
            if laureate.scope == Laureate.Scope.INTERREGIONAL:
                regions = {
                    self.regions[(index // 2) % len(self.regions)],
                    *rng.sample(self.regions, rng.randint(1, 4)),
                }
            elif not laureate.scope and rng.random() < 0.5:
                regions = {rng.choice(self.regions)}
            region_links += [
                region_through(laureate_id=laureate.pk, region_id=region.pk) for region in regions
            ]
            members = rng.sample(organisation_ids, rng.randint(MIN_MEMBERS, MAX_MEMBERS))
            memberships += [
                Membership(
                    laureate_id=laureate.pk,
                    organisation_id=organisation_id,
                    role=Membership.Role.LEAD if position == 0 else Membership.Role.PARTNER,
                )
                for position, organisation_id in enumerate(members)
            ]
            sources.append(
                Source(
                    laureate_id=laureate.pk,
                    url=f"https://example.org/synthetique/{laureate.slug}/source",
                    title=f"{MARK}Source fictive",
                )
            )
        sector_through.objects.bulk_create(sector_links, batch_size=BATCH_SIZE)
        region_through.objects.bulk_create(region_links, batch_size=BATCH_SIZE)
        Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)
        Source.objects.bulk_create(sources, batch_size=BATCH_SIZE)
        self.membership_count += len(memberships)

    def first_laureate_index(self, laureate):
        return int(laureate.slug.rsplit("-", 1)[1]) - self.first_laureate
