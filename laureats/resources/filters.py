"""Which resources match: one FilterSet for the list, its counts and (later) its exports.

Each facet's filter is a `where(values)` condition; its counts are that same condition for one
value, so that a count is always what ticking its option lists."""

import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from deffinum.pagecache.local import local

from ..browse.filters import (
    MAX_QUERY_LENGTH,
    CheckboxMultipleChoiceFilter,
    FacetedFilterSet,
    sector_choice_lists,
)
from ..models import Laureate, Resource
from ..models.publication import of_published_laureates
from ..models.validators import is_slug
from ..text.folding import search_words
from .models import in_sectors


def has_audience(values):
    condition = Q()
    for value in values:
        condition |= Q(audience__contains=f"|{value}|")
    return condition


def of_laureates(slugs):
    return Q(
        pk__in=Resource.laureates.through.objects.filter(laureate__slug__in=slugs).values(
            "resource_id"
        )
    )


# The laureate facet offers the laureates with the most productions, and any one ticked (the
# laureate's page links to its productions): at 10,000 synthetic resources, one option per
# laureate went past PostgreSQL's 1,664 columns a query (a 500), and once counted by a GROUP BY
# of its own (a second copy of `of_laureates`), its thousands of checkboxes took 1.35 s to
# render. The others are found by the search, which reads their names.
LAUREATE_OPTIONS = 20


def laureate_links():
    """The links of published resources to published laureates: a laureate without one would
    count 0."""
    return of_published_laureates(
        Resource.laureates.through.objects.filter(resource__is_published=True)
    )


def every_laureate_choice():
    """Every published laureate with a published resource (the API's schema lists them)."""
    laureates = Laureate.objects.filter(pk__in=laureate_links().values("laureate_id"))
    return list(laureates.in_name_order().values_list("slug", "name"))


def laureate_choices(ticked=()):
    """The published laureates with the most published resources, and those of `ticked`
    (slugs) that have one. One query."""
    links = laureate_links()
    most = (
        links.values("laureate_id")
        .annotate(resources=Count("resource_id"))
        .order_by("-resources", "laureate_id")
        .values("laureate_id")[:LAUREATE_OPTIONS]
    )
    chosen = links.filter(laureate__slug__in=list(ticked)[:LAUREATE_OPTIONS]).values("laureate_id")
    laureates = Laureate.objects.filter(Q(pk__in=most) | Q(pk__in=chosen)).in_name_order()
    return [(slug, name) for slug, name in laureates.values_list("slug", "name")]


class ResourceFilter(FacetedFilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="search",
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Titre, description ou code de certification."),
    )
    type = CheckboxMultipleChoiceFilter(
        label=_("Type"), choices=Resource.Kind.choices, where=lambda values: Q(kind__in=values)
    )
    # Its `where` is set per FilterSet, from the sectors' ids (__init__).
    secteur = CheckboxMultipleChoiceFilter(label=_("Filière"), choices=list)
    public = CheckboxMultipleChoiceFilter(
        label=_("Public"), choices=Resource.Audience.choices, where=has_audience
    )
    licence = CheckboxMultipleChoiceFilter(
        label=_("Licence"),
        choices=Resource.Licence.choices,
        where=lambda values: Q(licence__in=values),
    )
    acces = CheckboxMultipleChoiceFilter(
        label=_("Accès"),
        choices=Resource.Access.choices,
        where=lambda values: Q(access__in=values),
    )
    etat = CheckboxMultipleChoiceFilter(
        label=_("État"),
        choices=Resource.Status.choices,
        where=lambda values: Q(status__in=values),
    )
    laureat = CheckboxMultipleChoiceFilter(label=_("Lauréat"), choices=list, where=of_laureates)

    # The facets a visitor ticks, counted per option by `browse.facets.facet_counts`.
    FACETS = ["type", "secteur", "public", "licence", "acces", "etat", "laureat"]

    class Meta:
        model = Resource
        fields = []

    # The options of these facets depend on the values asked (bind_filterset, bind_strictly).
    ASKED_OPTIONS = ("laureat",)

    def __init__(self, *args, choice_lists=None, asked=None, **kwargs):
        # Read once per request: bind_filterset builds one FilterSet (two for a bad search).
        if choice_lists is None:
            # Only what can be a slug reaches the query (PostgreSQL refuses a NUL byte); the
            # rest is refused by the form with the others' message.
            ticked = [slug for slug in (asked or {}).get("laureat", ()) if is_slug(slug)]
            choice_lists = {
                **sector_choice_lists(),
                # The most provided do not depend on the request: read once per data version.
                "laureat": laureate_choices(ticked)
                if ticked
                else local.per_version("resource-laureate-options", laureate_choices),
            }
        self.choice_lists = choice_lists
        super().__init__(*args, **kwargs)
        for name in ("secteur", "laureat"):
            self.filters[name].extra["choices"] = self.choice_lists[name]
        # The sector rule reads sector ids (its bits), the visitor ticks slugs.
        ids = self.choice_lists["sector_ids"]
        self.filters["secteur"].where = lambda slugs: in_sectors([ids[slug] for slug in slugs])

    def search(self, queryset, name, value):
        """Every word, folded as the laureate search folds them (text.py), in the folded
        title, description or certification codes: the same on SQLite and PostgreSQL."""
        condition = Q()
        for word in search_words(value):
            condition &= Q(search_text__contains=word)
        return queryset.filter(condition)

    # The catalogue has one order, which the exports' metadata state as the list's do theirs.
    sort_key = "titre"

    @property
    def qs(self):
        return super().qs.in_title_order()
