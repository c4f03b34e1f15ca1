"""Every derived column, declared once: the rows it is kept on, the inputs it is computed from,
and the function that computes it.

A column's `value` is computed in Python from one laureate's `Rows` (rows.py: its own fields,
the regions it covers, its sectors and its members, lead first), from one organisation's
`OrganisationRow` (its own fields), or from one resource's `ResourceRow` (its own fields and its
published laureates); its `expression`, in SQL, from the row and its relations. Either serves for one row and for thousands alike: rebuild.py
applies them to any set of rows, and compares them with what is stored.

`inputs` says which writes a column follows: {input model: the fields of it the column reads}.
A row of an input model created or deleted counts as a write of all its fields. `REACH` says,
for each input model, which rows a row of it feeds: the paths from it to the laureates (to the
organisations, to the resources) whose columns it is part of.
"""

from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Value, When

from ..models import Laureate, Membership, Organisation, Region, Resource, Sector, Source
from ..models.completeness import FACTS, bit
from ..models.facet_bits import member_kind_mask, region_mask, sector_mask
from ..models.publication import of_published_laureates
from ..text.folding import normalize_text
from ..text.search import weighted_vector

LaureateRegion = Laureate.regions.through
LaureateSector = Laureate.sectors.through
ResourceLaureate = Resource.laureates.through
ResourceSector = Resource.sectors.through


@dataclass(frozen=True)
class Derived:
    model: type
    name: str
    inputs: dict = field(default_factory=dict)
    # Of one laureate's Rows (rows.py), in Python.
    value: object = None
    # Of the row, in SQL: a function of the model whose rows are updated.
    expression: object = None
    # Kept on this database only (a PostgreSQL search vector).
    vendor: str = ""

    @property
    def key(self):
        """ "model.column": two models may keep columns of the same name (search_text)."""
        return f"{self.model._meta.model_name}.{self.name}"

    def follows(self, model, fields):
        """Whether writing `fields` of `model` (None: whole rows) may change this column."""
        if model is self.model and (fields is None or self.name in fields):
            # Its own row created, saved whole, or this column written by hand: the rows
            # decide it again.
            return True
        read = self.inputs.get(model)
        return read is not None and (fields is None or bool(read & set(fields)))


def joined(values):
    """Values as `Laureate.region_codes` stores them: "|11|84|", so that "|11|" finds one."""
    return f"|{'|'.join(sorted(values))}|" if values else ""


def involved_regions(rows):
    """The regions its scope covers, and those of its members (`filters.has_region`)."""
    return rows.covered | {member.region for member in rows.members if member.region}


def member_kinds(rows):
    return {member.kind for member in rows.members}


def lead_kind(rows):
    return next((member.kind for member in rows.members if member.is_lead), "")


def search_document(rows):
    """Title (name and acronym) on the first line, then the rest: the title ranks higher."""
    title = " ".join(part for part in [rows.name, rows.acronym] if part)
    names = [member.name for member in rows.members]
    rest = " ".join(part for part in [rows.summary, rows.description, *names] if part)
    return normalize_text(f"{title}\n{rest}")


def organisation_search_text(row):
    """What /organisations/ and its API search: the name, other names, city, SIREN and SIRET,
    folded by the laureate search's own rule (text.py), one per line."""
    parts = [row.name, row.aliases, row.city, row.siren, row.siret]
    return normalize_text("\n".join(part for part in parts if part))


def resource_search_text(row):
    """What /ressources/ searches: the title, description and certification codes, then the
    names and acronyms of its published laureates (so that a consortium's name finds its
    productions), folded by the laureate search's own rule, one per line."""
    parts = [row.title, row.description, row.certifications, *row.laureates]
    return normalize_text("\n".join(part for part in parts if part))


def known_mask(model):
    """The bits of models/completeness.py's facts the row has, from the facts' own rules."""
    total = Value(0)
    for fact in FACTS:
        total = total + Case(
            # The rules name the relations through the project's Laureate (a migration's
            # historical model has neither its choices nor its managers): the same tables.
            When(fact.condition(Laureate), then=Value(bit(fact))),
            default=Value(0),
            output_field=IntegerField(),
        )
    return total


def in_published_laureate(model):
    return Exists(of_published_laureates(Membership.objects.filter(organisation_id=OuterRef("pk"))))


# The inputs of the member-based columns: which members a laureate has, and who they are.
MEMBER_KINDS = {Membership: {"laureate", "organisation"}, Organisation: {"kind"}}
INVOLVED_REGIONS = {
    Membership: {"laureate", "organisation"},
    Organisation: {"region"},
    LaureateRegion: {"laureate", "region"},
    # A region deleted takes its rows of the relation along.
    Region: {"code"},
}
SECTORS = {LaureateSector: {"laureate", "sector"}, Sector: {"id"}}
SEARCH_TEXT = {
    Laureate: {"name", "acronym", "summary", "description"},
    # The lead's name comes first.
    Membership: {"laureate", "organisation", "role"},
    Organisation: {"name"},
}
COMPLETENESS = {
    Laureate: {"name", "scope", "total_cost", "state_aid", "start_date", "end_date", "description"},
    Membership: {"laureate", "role"},
    LaureateSector: {"laureate"},
    Sector: set(),
    LaureateRegion: {"laureate"},
    Region: set(),
    Source: {"laureate"},
}

RESOURCE_SEARCH_TEXT = {
    Resource: {"title", "description", "certifications"},
    ResourceLaureate: {"resource", "laureate"},
    Laureate: {"name", "acronym", "is_published"},
}

# A resource's sectors: its own, or, when it names none, its published laureates'.
RESOURCE_SECTORS = {
    ResourceSector: {"resource", "sector"},
    ResourceLaureate: {"resource", "laureate"},
    Laureate: {"is_published"},
    LaureateSector: {"laureate", "sector"},
    Sector: {"id"},
}


def resource_sector_bits(row):
    return sector_mask(row.sectors or row.laureate_sectors)


COLUMNS = [
    Derived(
        Laureate, "region_codes", INVOLVED_REGIONS, lambda rows: joined(involved_regions(rows))
    ),
    Derived(Laureate, "member_kinds", MEMBER_KINDS, lambda rows: joined(member_kinds(rows))),
    Derived(
        Laureate, "region_bits", INVOLVED_REGIONS, lambda rows: region_mask(involved_regions(rows))
    ),
    Derived(
        Laureate,
        "member_kind_bits",
        MEMBER_KINDS,
        lambda rows: member_kind_mask(member_kinds(rows)),
    ),
    Derived(Laureate, "sector_bits", SECTORS, lambda rows: sector_mask(rows.sectors)),
    Derived(
        Laureate,
        "lead_kind",
        {**MEMBER_KINDS, Membership: {"laureate", "organisation", "role"}},
        lead_kind,
    ),
    Derived(
        Laureate, "consortium_size", {Membership: {"laureate"}}, lambda rows: len(rows.members)
    ),
    Derived(Laureate, "search_document", SEARCH_TEXT, search_document),
    # From `search_document`, written just before it: the same inputs.
    Derived(
        Laureate,
        "search_vector",
        SEARCH_TEXT,
        expression=lambda model: weighted_vector(),
        vendor="postgresql",
    ),
    Derived(Laureate, "known_mask", COMPLETENESS, expression=known_mask),
    Derived(
        Organisation,
        "in_published_laureate",
        {Membership: {"laureate", "organisation"}, Laureate: {"is_published"}},
        expression=in_published_laureate,
    ),
    Derived(
        Organisation,
        "search_text",
        {Organisation: {"name", "aliases", "city", "siren", "siret"}},
        organisation_search_text,
    ),
    Derived(Resource, "search_text", RESOURCE_SEARCH_TEXT, resource_search_text),
    Derived(Resource, "sector_bits", RESOURCE_SECTORS, resource_sector_bits),
]
BY_KEY = {column.key: column for column in COLUMNS}


@dataclass(frozen=True)
class Reach:
    """Paths from a row of an input model to the laureates, the organisations and the resources
    whose derived columns it feeds ("pk": the row itself)."""

    laureates: tuple = ()
    organisations: tuple = ()
    resources: tuple = ()

    @property
    def paths(self):
        return (self.laureates, self.organisations, self.resources)


REACH = {
    Laureate: Reach(("pk",), ("memberships__organisation",), ("resources",)),
    Membership: Reach(("laureate",), ("organisation",)),
    Organisation: Reach(("memberships__laureate",), ("pk",)),
    Source: Reach(("laureate",)),
    # A region is where laureates are involved: covered, or through a member located there.
    Region: Reach(("laureates", "organisations__memberships__laureate")),
    Sector: Reach(("laureates",), resources=("resources",)),
    LaureateRegion: Reach(("laureate",)),
    LaureateSector: Reach(("laureate",), resources=("laureate__resources",)),
    Resource: Reach(resources=("pk",)),
    ResourceLaureate: Reach(resources=("resource",)),
    ResourceSector: Reach(resources=("resource",)),
}
# The models whose rows keep derived columns, in the order of `Reach.paths`.
KEEPERS = (Laureate, Organisation, Resource)
INPUT_MODELS = list(REACH)


def columns_of(model):
    return [column for column in COLUMNS if column.model is model]


def feeds(model, fields):
    """(laureates, organisations, resources): whether a write of `fields` of `model` (None:
    whole rows) may change a derived column of the laureates, of the organisations, of the
    resources, it reaches."""
    return tuple(
        any(column.follows(model, fields) for column in columns_of(keeper)) for keeper in KEEPERS
    )
