"""What one row's derived columns are computed from, read for many rows at once.

`gather()` reads, for up to a batch of laureates, everything the `value` functions of
columns.py need: three queries whatever the number of laureates and members. An organisation's
are its own fields (`OrganisationRow`), read with the row itself; a resource's, its own fields
and its published laureates' names (`ResourceRow`), one query for a batch. The models come from an app
registry (`Tables`), so that a migration can run the same code on its historical models.
"""

from dataclasses import dataclass, field

from django.apps import apps as project_apps
from django.db.models import QuerySet

from ..models.publication import of_published_laureates
from ..text.ordering import french

LEAD = "porteur"  # Membership.Role.LEAD, which a historical model does not carry
# The laureate's own fields that a `value` reads.
OWN_FIELDS = ["name", "acronym", "summary", "description"]
# The organisation's.
ORGANISATION_FIELDS = ["name", "aliases", "city", "siren", "siret"]
# The resource's.
RESOURCE_FIELDS = ["title", "description", "certifications"]


class Tables:
    """The models the derived data is read from and written to, from an app registry: the
    project's, or a migration's."""

    def __init__(self, apps=None):
        apps = apps or project_apps
        for name in ["Laureate", "Membership", "Organisation"]:
            setattr(self, name, apps.get_model("laureats", name))
        self.LaureateRegion = self.Laureate.regions.through
        self.LaureateSector = self.Laureate.sectors.through
        try:
            self.Resource = apps.get_model("laureats", "Resource")
        except LookupError:
            # A migration older than the resources (0021).
            self.Resource = self.ResourceLaureate = self.ResourceSector = None
        else:
            self.ResourceLaureate = self.Resource.laureates.through
            self.ResourceSector = self.Resource.sectors.through

    def rows(self, model):
        """A plain queryset of `model`: the owner's own reads and writes announce nothing (they
        write derived columns only), so they bypass models/writes.py."""
        return QuerySet(model)


@dataclass(frozen=True)
class Member:
    kind: str
    region: str | None
    name: str
    is_lead: bool


@dataclass
class Rows:
    name: str = ""
    acronym: str = ""
    summary: str = ""
    description: str = ""
    covered: set = field(default_factory=set)
    sectors: set = field(default_factory=set)
    # Lead first, then in French name order: the order of `search_document`'s names.
    members: list = field(default_factory=list)


def gather(tables, own):
    """{pk: Rows} of the laureates whose own fields `own` holds ({pk: {field: value}})."""
    result = {pk: Rows(**{name: values[name] for name in OWN_FIELDS}) for pk, values in own.items()}
    ids = list(result)
    covered = tables.rows(tables.LaureateRegion).filter(laureate_id__in=ids)
    for pk, code in covered.values_list("laureate_id", "region_id"):
        result[pk].covered.add(code)
    filed = tables.rows(tables.LaureateSector).filter(laureate_id__in=ids)
    for pk, sector in filed.values_list("laureate_id", "sector_id"):
        result[pk].sectors.add(sector)
    # One join: a prefetch's "IN" of every member organisation is too deep an expression for
    # SQLite past about a thousand organisations.
    members = (
        tables.rows(tables.Membership)
        .filter(laureate_id__in=ids)
        .order_by("laureate_id", "-role", french("organisation__name"), "pk")
        .values_list(
            "laureate_id",
            "organisation__kind",
            "organisation__region_id",
            "organisation__name",
            "role",
        )
    )
    for pk, kind, region, name, role in members:
        result[pk].members.append(Member(kind, region, name, role == LEAD))
    return result


@dataclass(frozen=True)
class OrganisationRow:
    name: str = ""
    aliases: str = ""
    city: str = ""
    siren: str = ""
    siret: str = ""


def gather_organisations(tables, own):
    """{pk: OrganisationRow} of the organisations whose own fields `own` holds: no query."""
    return {
        pk: OrganisationRow(**{name: values[name] for name in ORGANISATION_FIELDS})
        for pk, values in own.items()
    }


@dataclass
class ResourceRow:
    title: str = ""
    description: str = ""
    certifications: str = ""
    # "Name ACRONYM" of each published laureate, in the order they were entered.
    laureates: list = field(default_factory=list)
    # Its own sectors (ids), and those of its published laureates.
    sectors: set = field(default_factory=set)
    laureate_sectors: set = field(default_factory=set)


def gather_resources(tables, own):
    """{pk: ResourceRow} of the resources whose own fields `own` holds: three queries, for their
    published laureates, their own sectors and their laureates' sectors."""
    result = {
        pk: ResourceRow(**{name: values[name] for name in RESOURCE_FIELDS})
        for pk, values in own.items()
    }
    laureates = (
        of_published_laureates(tables.rows(tables.ResourceLaureate))
        .filter(resource_id__in=list(result))
        .order_by("resource_id", "laureate_id")
        .values_list("resource_id", "laureate__name", "laureate__acronym")
    )
    for pk, name, acronym in laureates:
        result[pk].laureates.append(" ".join(part for part in [name, acronym] if part))
    ids = list(result)
    own = tables.rows(tables.ResourceSector).filter(resource_id__in=ids)
    for pk, sector in own.values_list("resource_id", "sector_id"):
        result[pk].sectors.add(sector)
    inherited = (
        of_published_laureates(tables.rows(tables.ResourceLaureate))
        .filter(resource_id__in=ids)
        .values_list("resource_id", "laureate__sectors")
    )
    for pk, sector in inherited:
        if sector is not None:
            result[pk].laureate_sectors.add(sector)
    return result


# For each model with derived columns computed in Python: (its own fields that they read, how
# the rest is gathered for a batch of its rows).
SOURCES = {
    "laureate": (OWN_FIELDS, gather),
    "organisation": (ORGANISATION_FIELDS, gather_organisations),
    "resource": (RESOURCE_FIELDS, gather_resources),
}
