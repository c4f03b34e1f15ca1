"""What a laureate's fiche does not say yet, as invitations to fill it in.

Each missing fact is named by the field of /contribuer/ that would fill it (`Proposal.Field`),
so that the fiche and the list card link to a form already set on that laureate and that field.
It reads only what `Laureate.objects.for_list()` and `for_detail()` prefetch.
"""

from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Laureate, Proposal


def known_member_count(laureate):
    count = getattr(laureate, "member_count", None)
    return len(laureate.memberships.all()) if count is None else count


# (field of the contribution form, short name in "Pas encore renseigné : ...", is it missing?)
FACTS = [
    (Proposal.Field.SCOPE, _("portée"), lambda laureate: not laureate.scope),
    (Proposal.Field.SECTORS, _("filières"), lambda laureate: not laureate.sectors.all()),
    # A national laureate covers the whole country: its regions are not missing.
    (
        Proposal.Field.REGIONS,
        _("régions"),
        lambda laureate: laureate.scope != Laureate.Scope.NATIONAL and not laureate.regions.all(),
    ),
    (
        Proposal.Field.LEAD,
        _("porteur"),
        lambda laureate: laureate.lead is None,
    ),
    (Proposal.Field.MEMBERS, _("membres"), lambda laureate: not known_member_count(laureate)),
    (Proposal.Field.TOTAL_COST, _("coût total"), lambda laureate: laureate.total_cost is None),
    (Proposal.Field.STATE_AID, _("aide de l'État"), lambda laureate: laureate.state_aid is None),
    (
        Proposal.Field.START_DATE,
        _("dates"),
        lambda laureate: not (laureate.start_date or laureate.end_date),
    ),
    (Proposal.Field.WEBSITE, _("site web"), lambda laureate: not laureate.website),
    (Proposal.Field.DESCRIPTION, _("description"), lambda laureate: not laureate.description),
]


def contribute_url(laureate, field):
    query = urlencode({"laureat": laureate.slug, "champ": field})
    return f"{reverse('laureats:contribute')}?{query}"


def missing_facts(laureate):
    """The facts this laureate's fiche cannot state yet, in fiche order, each with the URL of
    the contribution form set on that laureate and that field."""
    return [
        {"field": field, "label": label, "url": contribute_url(laureate, field)}
        for field, label, is_missing in FACTS
        if is_missing(laureate)
    ]
