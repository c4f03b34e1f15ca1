"""Completeness: the facts a laureate's fiche should state, each defined once, in SQL.

Every page that counts what is known or missing reads this one list: the fiche ("7 informations
sur 10") and its line of missing facts, the list's cards, sort and filter, the home page, the
statistics, /a-completer/, /comparer/ and the description on /donnees/. Its order is the order
of importance: /a-completer/ shows the most important missing facts first.

Each fact's rule is one database expression, `condition(model)`. The conditions are evaluated
on write, into `Laureate.known_mask` (a bit per fact, kept by laureats/derived/ in the same
transaction as the write), and everything else reads that column: the fiche and the cards in
Python (`is_known`), sorting, filtering and counting in SQL (`is_stored_known`), instead of five
subqueries per laureate (at 10,000 laureates the home page's totals took ~100 ms, now ~5).
tests/test_completeness.py checks the rules on every combination of facts, and
tests/test_facet_columns.py that every write path keeps the mask, on SQLite and PostgreSQL.

Decisions:
- A national laureate covers the whole country: it does not miss its regions. A laureate whose
  scope is unknown misses them until regions are entered (its scope is missing anyway).
- "Montants" are the total cost and the State aid (granted or requested); "dates" the start and
  the end: each is known when both parts are, and its link opens the part still missing.
- The website is not counted: a project may have none.

This module imports no other model module but `organisations`, so that `laureates` can use it.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Q, Value, When
from django.db.models.lookups import GreaterThan
from django.utils.translation import gettext_lazy as _

from .organisations import Membership


@dataclass(frozen=True)
class Fact:
    key: str
    # Its name in URLs (/laureats/?manque=porteur), French like every public address.
    slug: str
    label: str
    # When it counts as known, in words, for /donnees/.
    rule: str
    # The field of /contribuer/ (a `Proposal.Field` value) that fills it in, or a function of
    # the laureate choosing between two.
    field: str | Callable
    condition: Callable

    def field_for(self, laureate):
        return self.field(laureate) if callable(self.field) else self.field


FACTS = [
    Fact(
        "name",
        "nom",
        _("nom"),
        _("le nom du projet"),
        "name",
        lambda m: ~Q(name=""),
    ),
    Fact(
        "lead",
        "porteur",
        _("porteur"),
        _("l'organisation porteuse est nommée"),
        "lead",
        lambda m: Q(Exists(Membership.objects.leads().of_each_laureate())),
    ),
    Fact(
        "partner",
        "partenaires",
        _("partenaires"),
        _("au moins un partenaire est nommé"),
        "members",
        lambda m: Q(Exists(Membership.objects.partners().of_each_laureate())),
    ),
    Fact(
        "sectors",
        "filieres",
        _("filières"),
        _("au moins une filière"),
        "sectors",
        lambda m: Q(Exists(m.sectors.through.objects.filter(laureate_id=OuterRef("pk")))),
    ),
    Fact(
        "scope",
        "portee",
        _("portée"),
        _("nationale ou interrégionale"),
        "scope",
        lambda m: ~Q(scope=""),
    ),
    Fact(
        "regions",
        "regions",
        _("régions"),
        _(
            "au moins une région couverte ; un projet national couvre toute la France et n'en manque pas, un projet de portée inconnue en manque tant qu'aucune n'est saisie"
        ),
        "regions",
        lambda m: (
            Q(scope=m.Scope.NATIONAL)
            | Q(Exists(m.regions.through.objects.filter(laureate_id=OuterRef("pk"))))
        ),
    ),
    Fact(
        "amounts",
        "montants",
        _("montants"),
        _("le coût total et l'aide de l'État (accordée ou demandée), les deux"),
        lambda laureate: "total_cost" if laureate.total_cost is None else "state_aid",
        lambda m: Q(total_cost__isnull=False, state_aid__isnull=False),
    ),
    Fact(
        "dates",
        "dates",
        _("dates"),
        _("la date de début et la date de fin, les deux"),
        lambda laureate: "start_date" if laureate.start_date is None else "end_date",
        lambda m: Q(start_date__isnull=False, end_date__isnull=False),
    ),
    Fact(
        "description",
        "description",
        _("description"),
        _("une description du projet"),
        "description",
        lambda m: ~Q(description=""),
    ),
    Fact(
        "source",
        "source",
        _("source"),
        _("au moins une source publique"),
        "sources",
        # Through the laureate table: this module may not import Source (see the docstring).
        lambda m: Q(Exists(m.objects.filter(pk=OuterRef("pk"), sources__isnull=False))),
    ),
]
FACT_KEYS = [fact.key for fact in FACTS]
FACT_SLUGS = {fact.slug: fact.key for fact in FACTS}


def bit(fact):
    """The bit of `fact` in `Laureate.known_mask`."""
    return 1 << FACTS.index(fact)


def is_stored_known(fact):
    """The condition that `fact` is known, read from the stored `known_mask`."""
    return Q(GreaterThan(F("known_mask").bitand(bit(fact)), 0))


def known_flag(model, fact):
    """1 when `fact` is known for the row, else 0: read from the stored mask."""
    return Case(
        When(is_stored_known(fact), then=Value(1)), default=Value(0), output_field=IntegerField()
    )


def known_count(model):
    """How many of the facts the row has, as one expression over the stored mask."""
    total = known_flag(model, FACTS[0])
    for fact in FACTS[1:]:
        total = total + known_flag(model, fact)
    return total


def is_known(laureate, fact):
    """Whether the laureate's fiche states `fact`, read from its stored mask."""
    return bool(laureate.known_mask & bit(fact))
