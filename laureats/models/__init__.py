"""The Deffinum programme in its own words: laureate consortia, their member organisations, the
sectors and regions they work in, the programme's official figures, and the public's proposals.
One module per domain; everything is importable from `laureats.models`."""

# The resources (laureats/resources/) import the laureates and sectors modules themselves.
from ..resources.models import Resource, ResourceQuerySet, ResourceSource
from .figures import FigureSource, ProgrammeFigure
from .imports import PendingImport
from .laureates import MAX_AID_RATE_PERCENT, Laureate, LaureateQuerySet
from .organisations import (
    Membership,
    MembershipQuerySet,
    Organisation,
    OrganisationQuerySet,
    lead_first,
)
from .proposals import Proposal, ProposalQuerySet
from .reference import Region, Sector, SectorQuerySet
from .sources import Source

__all__ = [
    "MAX_AID_RATE_PERCENT",
    "FigureSource",
    "Laureate",
    "LaureateQuerySet",
    "Membership",
    "MembershipQuerySet",
    "Organisation",
    "OrganisationQuerySet",
    "PendingImport",
    "ProgrammeFigure",
    "Proposal",
    "ProposalQuerySet",
    "Region",
    "Resource",
    "ResourceQuerySet",
    "ResourceSource",
    "Sector",
    "SectorQuerySet",
    "Source",
    "lead_first",
]
