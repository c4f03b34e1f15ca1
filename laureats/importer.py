"""The laureates' CSV format, read and written in one place.

`import_laureates`, the admin import and the CSV export all go through this module, so the format and
its rules exist once. One row per laureate; multi-value columns separate their values with "|".
"""

import csv
import datetime
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from .models import Laureate, Membership, Organisation, Region, Sector, Source
from .validators import validate_siren

SEPARATOR = "|"
YES = {"oui", "o", "true", "vrai", "1", "yes", "y"}
NO = {"non", "n", "false", "faux", "0", "no"}


@dataclass(frozen=True)
class Column:
    name: str
    description: str
    required: bool = False


COLUMNS = [
    Column(
        "slug",
        _("Identifiant unique du lauréat (lettres, chiffres, tirets) ; sert à la mise à jour."),
        True,
    ),
    Column("nom", _("Nom du projet."), True),
    Column("acronyme", _("Acronyme, s'il existe.")),
    Column(
        "statut",
        _("« retenu » (retenu dans Deffinum) ou « reoriente-cma » (réorienté vers l'AMI CMA)."),
        True,
    ),
    Column("portee", _("« nationale », « interregionale », ou vide si inconnue.")),
    Column("secteurs", _("Filières, par identifiant (ex. « sante-social »), séparées par « | ».")),
    Column("regions", _("Régions couvertes, par code INSEE (ex. « 27 »), séparées par « | ».")),
    Column(
        "cout_total_eur", _("Coût total en euros, nombre entier sans séparateur ; vide si inconnu.")
    ),
    Column(
        "aide_etat_eur",
        # xgettext:no-python-format
        _("Aide de l'État en euros (au plus 70 % du coût) ; vide si inconnue."),
    ),
    Column("date_debut", _("Date de début du projet (AAAA-MM-JJ) ; vide si inconnue.")),
    Column("date_fin", _("Date de fin du projet (AAAA-MM-JJ) ; vide si inconnue.")),
    Column("site_web", _("Adresse du site du projet.")),
    Column("resume", _("Résumé en quelques phrases.")),
    Column("description", _("Description longue.")),
    Column("remarques", _("Remarques sur la fiabilité des données, affichées au public.")),
    Column("publie", _("« oui » ou « non » (vide : oui).")),
    Column(
        "membres",
        _(
            "Membres séparés par « | », chacun sous la forme « rôle:type:SIREN:nom » ; rôle « porteur » "
            "ou « partenaire », type parmi les identifiants de types d'organisation, SIREN facultatif "
            "(laisser vide entre les deux-points). Exemple : « porteur:association::Gifod »."
        ),
    ),
    Column(
        "sources",
        _(
            "Sources séparées par « | », chacune sous la forme « adresse titre » (l'adresse d'abord, "
            "puis un espace et le titre, facultatif)."
        ),
    ),
]
COLUMN_NAMES = [column.name for column in COLUMNS]
REQUIRED_COLUMNS = [column.name for column in COLUMNS if column.required]

# Model field -> CSV column, to report the model's own validation errors on the right column.
FIELD_COLUMNS = {
    "slug": "slug",
    "name": "nom",
    "acronym": "acronyme",
    "status": "statut",
    "scope": "portee",
    "total_cost": "cout_total_eur",
    "state_aid": "aide_etat_eur",
    "start_date": "date_debut",
    "end_date": "date_fin",
    "website": "site_web",
    "summary": "resume",
    "description": "description",
    "data_note": "remarques",
}


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def __str__(self):
        where = f"ligne {self.line}" if self.line else "fichier"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.message}"


@dataclass
class MemberEntry:
    role: str
    kind: str
    siren: str
    name: str


@dataclass
class LaureateRow:
    line: int
    values: dict
    sector_ids: list = field(default_factory=list)
    region_codes: list = field(default_factory=list)
    members: list = field(default_factory=list)
    sources: list = field(default_factory=list)


@dataclass
class ImportReport:
    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    organisations_created: int = 0

    def summary(self):
        return (
            f"{len(self.created)} lauréat(s) créé(s), {len(self.updated)} mis à jour, "
            f"{len(self.unchanged)} inchangé(s) ; {self.organisations_created} organisation(s) créée(s)."
        )


class ImportFailed(Exception):
    def __init__(self, problems):
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))


def split_values(raw):
    return [value.strip() for value in raw.split(SEPARATOR) if value.strip()]


def decode(data):
    """CSV bytes as text: UTF-8, with or without the BOM that spreadsheet programs add."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFailed(
            [
                Problem(
                    0,
                    "",
                    f"le fichier n'est pas encodé en UTF-8 (octet invalide à la position "
                    f"{error.start}). Enregistrez-le au format « CSV UTF-8 ».",
                )
            ]
        ) from error


class LaureateImporter:
    """Validates every row of a file, then writes all of it in one transaction, or nothing."""

    def __init__(self):
        self.sectors = {sector.slug: sector.pk for sector in Sector.objects.all()}
        self.sector_names = {sector.name.lower(): sector.pk for sector in Sector.objects.all()}
        self.regions = {region.code: region.code for region in Region.objects.all()}
        self.region_names = {region.name.lower(): region.code for region in Region.objects.all()}
        self.existing = {laureate.slug: laureate for laureate in Laureate.objects.all()}
        self.url_validator = URLValidator(schemes=["http", "https"])

    # Reading -------------------------------------------------------------------------------

    def read(self, text):
        """Parse and validate; return the rows or raise ImportFailed with every problem."""
        problems = []
        reader = csv.DictReader(io.StringIO(text, newline=""))
        header = [name.strip() for name in (reader.fieldnames or [])]
        if not header:
            raise ImportFailed([Problem(0, "", "le fichier est vide.")])
        reader.fieldnames = header
        missing = [name for name in REQUIRED_COLUMNS if name not in header]
        unknown = [name for name in header if name not in COLUMN_NAMES]
        problems += [Problem(1, name, "colonne obligatoire absente.") for name in missing]
        problems += [
            Problem(1, name, "colonne inconnue (voir la liste des colonnes dans le README).")
            for name in unknown
        ]
        if problems:
            raise ImportFailed(problems)

        rows, seen_slugs = [], {}
        for record in reader:
            line = reader.line_num
            if None in record:
                problems.append(Problem(line, "", "plus de valeurs que de colonnes."))
                continue
            values = {name: (record.get(name) or "").strip() for name in COLUMN_NAMES}
            if not any(values.values()):
                continue
            row, row_problems = self.read_row(line, values)
            problems += row_problems
            slug = values["slug"]
            if slug in seen_slugs:
                problems.append(
                    Problem(line, "slug", f"« {slug} » figure déjà ligne {seen_slugs[slug]}.")
                )
            seen_slugs.setdefault(slug, line)
            rows.append(row)
        if not rows and not problems:
            problems.append(Problem(0, "", "le fichier ne contient aucune ligne de données."))
        if problems:
            raise ImportFailed(problems)
        return rows

    def read_row(self, line, values):
        problems = []

        def problem(column, message):
            problems.append(Problem(line, column, message))

        fields = {
            "slug": values["slug"],
            "name": values["nom"],
            "acronym": values["acronyme"],
            "status": values["statut"],
            "scope": values["portee"],
            "website": values["site_web"],
            "summary": values["resume"],
            "description": values["description"],
            "data_note": values["remarques"],
        }
        for model_field, column in (
            ("total_cost", "cout_total_eur"),
            ("state_aid", "aide_etat_eur"),
        ):
            raw = values[column].replace(" ", "").replace("\u202f", "").replace("\xa0", "")
            if not raw:
                fields[model_field] = None
            elif raw.isdigit():
                fields[model_field] = int(raw)
            else:
                problem(column, f"« {values[column]} » n'est pas un nombre entier d'euros.")
        for model_field, column in (("start_date", "date_debut"), ("end_date", "date_fin")):
            raw = values[column]
            try:
                fields[model_field] = datetime.date.fromisoformat(raw) if raw else None
            except ValueError:
                problem(column, f"« {raw} » n'est pas une date au format AAAA-MM-JJ.")
        published = values["publie"].lower()
        if published and published not in YES | NO:
            problem("publie", f"« {values['publie']} » : attendu « oui » ou « non ».")
        fields["is_published"] = published not in NO

        # The model's own rules (lengths, choices, URL, 70 % cap, dates) apply to every import.
        instance = Laureate(**fields)
        try:
            instance.full_clean(
                exclude=[name for name in FIELD_COLUMNS if name not in fields]
                + ["sectors", "regions"],
                validate_unique=False,
            )
        except ValidationError as error:
            for field_name, messages in error.message_dict.items():
                column = FIELD_COLUMNS.get(field_name, "")
                if field_name == "__all__" and "aide" in " ".join(messages).lower():
                    column = "aide_etat_eur"
                for message in messages:
                    problem(column, message)

        row = LaureateRow(line=line, values=fields)
        for raw in split_values(values["secteurs"]):
            pk = self.sectors.get(raw) or self.sector_names.get(raw.lower())
            if pk is None:
                problem("secteurs", f"filière inconnue « {raw} ».")
            else:
                row.sector_ids.append(pk)
        for raw in split_values(values["regions"]):
            code = self.regions.get(raw.zfill(2)) or self.region_names.get(raw.lower())
            if code is None:
                problem("regions", f"région inconnue « {raw} » (attendu un code INSEE, ex. 27).")
            else:
                row.region_codes.append(code)
        row.members = self.read_members(values["membres"], problem)
        for raw in split_values(values["sources"]):
            url, _, title = raw.partition(" ")
            try:
                self.url_validator(url)
            except ValidationError:
                problem("sources", f"« {url} » n'est pas une adresse web valide.")
                continue
            row.sources.append((url, title.strip()[:255]))
        return row, problems

    def read_members(self, raw_members, problem):
        members, names = [], set()
        roles, kinds = Membership.Role.values, Organisation.Kind.values
        for raw in split_values(raw_members):
            parts = raw.split(":", 3)
            if len(parts) != 4:
                problem("membres", f"« {raw} » : attendu « rôle:type:SIREN:nom ».")
                continue
            role, kind, siren, name = (part.strip() for part in parts)
            if role not in roles:
                problem("membres", f"rôle inconnu « {role} » (attendu : {', '.join(roles)}).")
            if kind not in kinds:
                problem("membres", f"type d'organisation inconnu « {kind} » pour « {name} ».")
            try:
                validate_siren(siren)
            except ValidationError as error:
                problem("membres", f"{name} : {error.messages[0]}")
            if not name or len(name) > 255:
                problem("membres", f"« {raw} » : le nom est vide ou trop long.")
            key = siren or slugify(name)
            if key in names:
                problem("membres", f"« {name} » figure deux fois.")
            names.add(key)
            members.append(MemberEntry(role, kind, siren, name))
        leads = [member.name for member in members if member.role == Membership.Role.LEAD]
        if len(leads) > 1:
            problem("membres", f"deux porteurs ou plus ({', '.join(leads)}) : un seul est permis.")
        return members

    # Writing -------------------------------------------------------------------------------

    def import_text(self, text, dry_run=False):
        rows = self.read(text)
        report = ImportReport()
        with transaction.atomic():
            organisations = OrganisationResolver()
            for row in rows:
                self.write_row(row, organisations, report)
            report.organisations_created = organisations.created
            Laureate.objects.filter(
                slug__in=[row.values["slug"] for row in rows]
            ).refresh_search_documents()
            if dry_run:
                transaction.set_rollback(True)
        return report

    def write_row(self, row, organisations, report):
        laureate = self.existing.get(row.values["slug"])
        before = laureate_to_row(laureate) if laureate else None
        if laureate is None:
            laureate = Laureate(**row.values)
        else:
            for name, value in row.values.items():
                setattr(laureate, name, value)
        laureate.save()
        laureate.sectors.set(row.sector_ids)
        laureate.regions.set(row.region_codes)
        self.sync_sources(laureate, row.sources)
        self.sync_members(laureate, row.members, organisations)
        if before is None:
            report.created.append(laureate.slug)
        elif before == laureate_to_row(Laureate.objects.get(pk=laureate.pk)):
            report.unchanged.append(laureate.slug)
        else:
            report.updated.append(laureate.slug)

    def sync_sources(self, laureate, sources):
        wanted = dict(sources)
        laureate.sources.exclude(url__in=wanted).delete()
        existing = {source.url: source for source in laureate.sources.all()}
        for url, title in wanted.items():
            source = existing.get(url)
            if source is None:
                Source.objects.create(laureate=laureate, url=url, title=title)
            elif source.title != title:
                source.title = title
                source.save()

    def sync_members(self, laureate, members, organisations):
        wanted = {organisations.resolve(member).pk: member.role for member in members}
        current = {m.organisation_id: m for m in laureate.memberships.all()}
        for organisation_id, membership in current.items():
            if organisation_id not in wanted:
                membership.delete()
        # Demote before promoting, so the one-lead constraint holds after every statement.
        changes = sorted(
            (role == Membership.Role.LEAD, organisation_id, role)
            for organisation_id, role in wanted.items()
        )
        for _is_lead, organisation_id, role in changes:
            membership = current.get(organisation_id)
            if membership is None:
                Membership.objects.create(
                    laureate=laureate, organisation_id=organisation_id, role=role
                )
            elif membership.role != role:
                membership.role = role
                membership.save()


class OrganisationResolver:
    """Finds an organisation by SIREN, then by slug of its name; creates it when absent."""

    def __init__(self):
        self.by_siren = {o.siren: o for o in Organisation.objects.exclude(siren="")}
        self.by_slug = {o.slug: o for o in Organisation.objects.all()}
        self.created = 0

    def resolve(self, member):
        organisation = self.by_siren.get(member.siren) if member.siren else None
        slug = slugify(member.name)[:120] or "organisation"
        if organisation is None:
            candidate = self.by_slug.get(slug)
            if candidate is not None and (not member.siren or not candidate.siren):
                organisation = candidate
        if organisation is None:
            organisation = Organisation.objects.create(
                name=member.name,
                slug=self.unique_slug(slug),
                kind=member.kind,
                siren=member.siren,
            )
            self.created += 1
        elif organisation.kind != member.kind or (member.siren and not organisation.siren):
            organisation.kind = member.kind
            organisation.siren = organisation.siren or member.siren
            organisation.save()
        self.by_slug[organisation.slug] = organisation
        if organisation.siren:
            self.by_siren[organisation.siren] = organisation
        return organisation

    def unique_slug(self, slug):
        candidate, number = slug, 2
        while candidate in self.by_slug:
            candidate = f"{slug[:110]}-{number}"
            number += 1
        return candidate


def format_members(memberships):
    return f" {SEPARATOR} ".join(
        f"{m.role}:{m.organisation.kind}:{m.organisation.siren}:{m.organisation.name}"
        for m in sorted(
            memberships, key=lambda m: (m.role != Membership.Role.LEAD, m.organisation.name)
        )
    )


def laureate_to_row(laureate):
    """A laureate as one CSV row: the inverse of reading, so that export then import is lossless."""
    return {
        "slug": laureate.slug,
        "nom": laureate.name,
        "acronyme": laureate.acronym,
        "statut": laureate.status,
        "portee": laureate.scope,
        "secteurs": SEPARATOR.join(sorted(s.slug for s in laureate.sectors.all())),
        "regions": SEPARATOR.join(sorted(r.code for r in laureate.regions.all())),
        "cout_total_eur": "" if laureate.total_cost is None else str(laureate.total_cost),
        "aide_etat_eur": "" if laureate.state_aid is None else str(laureate.state_aid),
        "date_debut": laureate.start_date.isoformat() if laureate.start_date else "",
        "date_fin": laureate.end_date.isoformat() if laureate.end_date else "",
        "site_web": laureate.website,
        "resume": laureate.summary,
        "description": laureate.description,
        "remarques": laureate.data_note,
        "publie": "oui" if laureate.is_published else "non",
        "membres": format_members(laureate.memberships.all()),
        "sources": f" {SEPARATOR} ".join(
            f"{source.url} {source.title}".strip() for source in laureate.sources.all()
        ),
    }


def write_csv(laureates, stream):
    """Write laureates (prefetch memberships__organisation, sectors, regions, sources) as CSV."""
    writer = csv.DictWriter(stream, fieldnames=COLUMN_NAMES, lineterminator="\n")
    writer.writeheader()
    for laureate in laureates:
        writer.writerow(laureate_to_row(laureate))
