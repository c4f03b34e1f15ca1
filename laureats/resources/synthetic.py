"""Synthetic shared productions for benchmarks and scale tests (`generate_synthetic
--resources N`), never in the real data: each is marked is_synthetic and its title starts with
« [Synthétique] », as the synthetic laureates' names do.

Every kind, licence, access, status, audience and language appears once a few dozen exist, and
about one in six of each field is left empty, as an entry not yet made ("non saisi")."""

from datetime import date, timedelta

from ..models import Resource

MARK = "[Synthétique] "
BATCH_SIZE = 2000
# About one value in six left empty: what "non saisi" counts and /a-completer/ lists.
EMPTY_EVERY = 6

SUBJECTS = [
    "gestes professionnels",
    "sécurité sur chantier",
    "accueil du client",
    "maintenance industrielle",
    "soins à domicile",
    "conduite d'engins",
    "cuisine collective",
    "relation commerciale",
    "réalité virtuelle en atelier",
    "tutorat en entreprise",
]
FORMATS = [
    "Le module propose des exercices guidés et une évaluation finale.",
    "La simulation reproduit un poste de travail en réalité virtuelle.",
    "Le guide rassemble les bonnes pratiques et des fiches à imprimer.",
    "Les vidéos montrent chaque geste, commenté par un formateur.",
    "La plateforme suit la progression de chaque apprenant.",
]


class ResourceGenerator:
    def __init__(self, rng, sectors):
        self.rng = rng
        self.sectors = sectors
        # Numbering goes on after an earlier run, so that slugs stay unique.
        self.first = Resource.objects.filter(is_synthetic=True).count() + 1

    def create(self, count, laureate_ids):
        """`count` resources, each of one to three of `laureate_ids`: returns their ids."""
        ids = []
        if not count:
            return ids
        through = Resource.laureates.through
        sector_through = Resource.sectors.through
        for start in range(0, count, BATCH_SIZE):
            numbers = range(start, min(start + BATCH_SIZE, count))
            resources = Resource.objects.bulk_create([self.resource(index) for index in numbers])
            links, own_sectors = [], []
            for resource in resources:
                chosen = self.rng.sample(
                    laureate_ids, min(len(laureate_ids), self.rng.randint(1, 3))
                )
                links += [through(resource_id=resource.pk, laureate_id=pk) for pk in chosen]
                # Most follow their laureates' sectors; one in five names its own.
                if self.rng.random() < 0.2:
                    own_sectors.append(
                        sector_through(
                            resource_id=resource.pk, sector_id=self.rng.choice(self.sectors).pk
                        )
                    )
            # The many-to-many tables written in bulk send no signal: the resources' search
            # text, which names their laureates, is rebuilt by the caller's derived.batch().
            through.objects.bulk_create(links, batch_size=BATCH_SIZE)
            sector_through.objects.bulk_create(own_sectors, batch_size=BATCH_SIZE)
            ids += [resource.pk for resource in resources]
        return ids

    def pick(self, index, values):
        """Every value in turn for the first ones, then at random; now and then none."""
        if index % EMPTY_EVERY == EMPTY_EVERY - 1:
            return ""
        return values[index % len(values)] if index < 100 else self.rng.choice(values)

    def resource(self, index):
        rng = self.rng
        number = self.first + index
        kind = self.pick(index, Resource.Kind.values)
        subject = rng.choice(SUBJECTS)
        label = Resource.Kind(kind).label if kind else "Production"
        audience = rng.sample(Resource.Audience.values, rng.randint(0, 2))
        certifications = f"RNCP{rng.randint(30000, 39999)}" if index % 4 == 0 else ""
        status = self.pick(index + 1, Resource.Status.values)
        return Resource(
            title=f"{MARK}{str(label).capitalize()} : {subject} {number}",
            slug=f"synthetique-ressource-{number:06d}",
            kind=kind,
            description="" if index % EMPTY_EVERY == 2 else " ".join(rng.sample(FORMATS, 2)),
            audience=audience,
            certifications=certifications,
            licence=self.pick(index + 2, Resource.Licence.values),
            access=self.pick(index + 3, Resource.Access.values),
            url="" if index % EMPTY_EVERY == 4 else f"https://example.org/ressource/{number}",
            language=self.pick(index + 4, Resource.Language.values),
            status=status,
            available_on=date(2023, 1, 1) + timedelta(days=rng.randrange(0, 1000))
            if status
            else None,
            # A few unpublished ones keep the "never leak" rule exercised at scale.
            is_published=index % 50 != 7,
            is_synthetic=True,
        )
