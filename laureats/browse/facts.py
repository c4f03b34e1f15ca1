"""What a laureate's fiche does not say yet, as invitations to fill it in.

The facts and their order are those of `models/completeness.py`, the one definition of
completeness. Each missing fact links to the /contribuer/ form set on that laureate and the
field that fills it in (`Proposal.Field`). It reads the laureate's stored `known_mask`.
"""

from urllib.parse import urlencode

from django.urls import reverse

from ..models.completeness import FACTS, is_known

# How many laureates /a-completer/ names under each fact before linking to the list.
NAMED_PER_FACT = 30


def contribute_url(laureate, field, **more):
    """/contribuer/ set on `laureate` and `field`, or on neither when `laureate` is None."""
    query = urlencode({**({"laureat": laureate.slug, "champ": field} if laureate else {}), **more})
    return f"{reverse('laureats:contribute')}?{query}"


def missing_facts(laureate):
    """The facts this laureate's fiche cannot state yet, most important first, each with the
    URL of the contribution form set on that laureate and that field."""
    missing = []
    for fact in FACTS:
        if not is_known(laureate, fact):
            field = fact.field_for(laureate)
            missing.append(
                {
                    "key": fact.key,
                    "field": field,
                    "label": fact.label,
                    "url": contribute_url(laureate, field),
                }
            )
    return missing


def completeness(laureate):
    """`known` facts out of `total`, as the fiche, the card and /comparer/ say it."""
    known = sum(is_known(laureate, fact) for fact in FACTS)
    return {"known": known, "total": len(FACTS)}


def facts_to_complete(laureates, totals):
    """For /a-completer/: each fact, most important first, with how many of `laureates` miss it and the first of them, each with its link.
    `totals` is their `completeness_totals()`, so that the counts are the page's figures."""
    named = {fact.key: [] for fact in FACTS}
    for laureate in laureates:
        for fact in FACTS:
            if len(named[fact.key]) < NAMED_PER_FACT and not is_known(laureate, fact):
                field = fact.field_for(laureate)
                named[fact.key].append(
                    {"laureate": laureate, "url": contribute_url(laureate, field)}
                )
    list_url = reverse("laureats:laureate-list")
    return [
        {
            "key": fact.key,
            "label": fact.label,
            "count": totals["missing"][fact.key],
            "laureates": named[fact.key],
            "list_url": f"{list_url}?{urlencode({'manque': fact.slug, 'tri': 'completude'})}",
        }
        for fact in FACTS
        if totals["missing"][fact.key]
    ]
