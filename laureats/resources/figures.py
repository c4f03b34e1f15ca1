"""The catalogue in figures and what its entries miss: how many shared productions are
published, by type, licence, access and status, with « non saisi » for those where nothing is
entered (as the statistics count an unknown scope); and, for /a-completer/, the facts a resource
should state.

A resource's facts are `Fact`s of models/completeness.py (the laureates' one shape: a key, its
label, its rule in words, one SQL condition), with rules of their own: a resource has neither
members nor regions. Each rule is written once here, and counts both the « non saisi » rows and
what /a-completer/ lists. The figures are computed once per data version (the views call them
through pagecache's `per_version`): one aggregate query."""

from urllib.parse import urlencode

from django.db.models import BooleanField, Case, Count, Exists, OuterRef, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from ..models import Resource, ResourceSource
from ..models.completeness import Fact
from .filters import ResourceFilter

RESOURCE_FACTS = [
    Fact("kind", "type", _("type"), _("module, simulation, jeu sérieux, guide…"), "kind",
         lambda m: ~Q(kind="")),
    Fact("description", "description", _("description"), _("une description courte"),
         "description", lambda m: ~Q(description="")),
    Fact("licence", "licence", _("licence"),
         _("la licence, ou « inconnue » quand les sources n'en disent rien"), "licence",
         lambda m: ~Q(licence="")),
    Fact("access", "acces", _("accès"), _("public, sur demande ou réservé aux membres"),
         "access", lambda m: ~Q(access="")),
    Fact("url", "adresse", _("adresse"), _("l'adresse où la trouver"), "url",
         lambda m: ~Q(url="")),
    Fact("status", "etat", _("état"), _("prévue, disponible ou retirée"), "status",
         lambda m: ~Q(status="")),
    Fact("source", "source", _("source"), _("au moins une source publique"), "sources",
         lambda m: Q(Exists(ResourceSource.objects.filter(resource_id=OuterRef("pk"))))),
]  # fmt: skip
FACTS_BY_KEY = {fact.key: fact for fact in RESOURCE_FACTS}
# The breakdowns: (the list's filter, its title, the fact that says it is entered).
BREAKDOWNS = [
    ("type", _("Par type"), "kind"),
    ("licence", _("Par licence"), "licence"),
    ("acces", _("Par accès"), "access"),
    ("etat", _("Par état"), "status"),
]
# Resources named per section of /a-completer/; the count says the rest.
NAMED_TO_COMPLETE = 20


def known(fact):
    return fact.condition(Resource)


def options(param):
    """(value, label, condition) of each option of the list's filter `param`, the condition
    being the one the list filters by: a figure and the list it links to always agree."""
    facet = ResourceFilter.base_filters[param]
    return [(value, label, facet.where([value])) for value, label in facet.extra["choices"]]


def resource_figures():
    """{"count", "breakdowns": [{"param", "title", "rows": [{"label", "count", "url"}]}],
    "facts": [{"fact", "missing"}]} of the published resources: one query."""
    aggregates = {"count": Count("pk")}
    for param, _title, _fact in BREAKDOWNS:
        for index, (_value, _label, condition) in enumerate(options(param)):
            aggregates[f"{param}_{index}"] = Count("pk", filter=condition)
    for fact in RESOURCE_FACTS:
        aggregates[f"known_{fact.key}"] = Count("pk", filter=known(fact))
    result = Resource.objects.published().order_by().aggregate(**aggregates)
    count = result["count"]
    list_url = reverse("laureats:resource-list")
    breakdowns = []
    for param, title, fact in BREAKDOWNS:
        rows = [
            {
                "label": label,
                "count": result[f"{param}_{index}"],
                "url": f"{list_url}?{urlencode({param: value})}",
            }
            for index, (value, label, _condition) in enumerate(options(param))
        ]
        # Nothing entered: no filter lists them, hence no link.
        rows.append(
            {"label": _("non saisi"), "count": count - result[f"known_{fact}"], "url": None}
        )
        breakdowns.append({"param": param, "title": title, "rows": rows})
    facts = [
        {"fact": fact, "missing": count - result[f"known_{fact.key}"]} for fact in RESOURCE_FACTS
    ]
    return {"count": count, "breakdowns": breakdowns, "facts": facts}


def with_known_flags(resources):
    """`resources` with a `has_<fact>` flag per fact, read in their own query; `missing_facts`
    then tells each one's facts not entered."""
    return resources.annotate(
        **{
            f"has_{fact.key}": Case(
                When(known(fact), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
            for fact in RESOURCE_FACTS
        }
    )


def missing_facts(resource):
    """The facts a resource read through `with_known_flags` does not state yet."""
    return [fact for fact in RESOURCE_FACTS if not getattr(resource, f"has_{fact.key}")]


def resources_to_complete(limit=NAMED_TO_COMPLETE):
    """The first published resources (in title order) that miss a fact, each with the facts it
    misses: one query."""
    incomplete = Q()
    for fact in RESOURCE_FACTS:
        incomplete |= ~known(fact)
    rows = with_known_flags(
        Resource.objects.published().filter(incomplete).in_title_order().only("title", "slug")
    )[:limit]
    return [{"resource": resource, "missing": missing_facts(resource)} for resource in rows]
