"""The FilterSets: which laureates and organisations match, shared by the list, the exports, the
API and the statistics. Several values of one filter combine with OR; different filters with
AND. The rule of each facet value is in `rules.py`, its compiled count in `counting.py`.

How the facets are counted and shown, and the active filters as chips, are in `facets.py`."""

import django_filters
from django import forms
from django.contrib.postgres.search import SearchRank
from django.db import connection
from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from ..models import Laureate, Membership, Organisation, Region, Sector
from ..models.completeness import FACT_SLUGS, FACTS
from ..text.folding import search_words
from ..text.languages import in_page_language, is_french_page
from ..text.ordering import french, sort_key
from ..text.search import SearchTitle, prefix_query
from .counting import EVERY_LAUREATE, count_published
from .rules import (
    FACET_RULES,
    has_member_kind,
    has_region,
    has_scope,
    has_status,
)

MAX_QUERY_LENGTH = 200

SORTS = {
    "nom": _("nom"),
    "pertinence": _("pertinence"),
    "-aide": _("aide de l'État accordée, la plus élevée d'abord"),
    "-maj": _("dernière mise à jour"),
    "completude": _("les moins complètes d'abord"),
    "-completude": _("les plus complètes d'abord"),
}


class CheckboxMultipleChoiceFilter(django_filters.MultipleChoiceFilter):
    """OR within the filter, written as EXISTS or IN so that no join duplicates rows."""

    def __init__(self, *args, where=None, **kwargs):
        self.where = where
        kwargs.setdefault("widget", forms.CheckboxSelectMultiple)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.filter(self.where(value))


def in_language_order(choices):
    """(value, name, english name) rows as choices named in the page's language: in French
    order as read, or by their English names on an English page."""
    named = [(value, in_page_language(name, english)) for value, name, english in choices]
    return named if is_french_page() else sorted(named, key=lambda choice: sort_key(choice[1]))


def sector_choices():
    return in_language_order(Sector.objects.values_list("slug", "name", "name_en"))


def sector_choice_lists():
    """The sector facet's options ("secteur"), and the id of each slug ("sector_ids"), which
    the sector rules read (facet_bits.sector_bit): one query, for any FilterSet of sectors."""
    sectors = list(Sector.objects.values_list("slug", "name", "name_en", "pk"))
    return {
        "secteur": in_language_order(row[:3] for row in sectors),
        "sector_ids": {slug: pk for slug, _name, _english, pk in sectors},
    }


def region_choices():
    return in_language_order(Region.objects.values_list("code", "name", "name_en"))


class FacetedFilterSet(django_filters.FilterSet):
    """A FilterSet whose FACETS a visitor ticks and sees counted (facets.facet_counts): each is a
    CheckboxMultipleChoiceFilter, counted by its own `where` for one value."""

    FACETS = []

    def queryset_without(self, excluded):
        """The matching rows under every active filter but `excluded`, for its facet's counts."""
        queryset = self.queryset
        for name, value in self.form.cleaned_data.items():
            if name != excluded:
                queryset = self.filters[name].filter(queryset, value)
        return queryset

    def count_options(self, queryset, options):
        """For each (facet, value) of `options`, how many rows of `queryset` it selects, and for
        None how many there are: one query."""
        counts = {
            f"c{index}": Count("pk", filter=self.filters[option[0]].where([option[1]]))
            if option
            else Count("pk")
            for index, option in enumerate(options)
        }
        result = queryset.order_by().aggregate(**counts)
        return [result[f"c{index}"] for index in range(len(options))]


def has_lead_kind(kinds):
    return Exists(
        Membership.objects.leads().of_each_laureate().filter(organisation__kind__in=kinds)
    )


class LaureateFilter(FacetedFilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="search",
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Nom, acronyme, description ou organisation membre."),
    )
    secteur = CheckboxMultipleChoiceFilter(
        label=_("Filière"), choices=sector_choices, method="in_sectors"
    )
    portee = CheckboxMultipleChoiceFilter(
        label=_("Portée"), choices=Laureate.Scope.choices, where=has_scope
    )
    region = CheckboxMultipleChoiceFilter(
        label=_("Région"), choices=region_choices, where=has_region
    )
    statut = CheckboxMultipleChoiceFilter(
        label=_("Statut"), choices=Laureate.Status.choices, where=has_status
    )
    type_membre = CheckboxMultipleChoiceFilter(
        label=_("Type de membre"),
        choices=Organisation.Kind.choices,
        where=has_member_kind,
    )
    # Not a facet of the list's form: the statistics' "lead organisations by kind" links here.
    type_porteur = CheckboxMultipleChoiceFilter(
        label=_("Type de porteur"),
        choices=Organisation.Kind.choices,
        where=has_lead_kind,
    )
    organisation = django_filters.CharFilter(
        label=_("Organisation membre"), method="member_organisation", max_length=120
    )
    # The facts of models/completeness.py; several ticked: laureates missing any of them.
    manque = CheckboxMultipleChoiceFilter(
        label=_("Information manquante"),
        choices=[(fact.slug, fact.label) for fact in FACTS],
        method="missing",
    )
    tri = django_filters.ChoiceFilter(
        label=_("Trier par"),
        choices=list(SORTS.items()),
        method="sort",
        empty_label=None,
    )

    # The facets a visitor ticks, counted per option by `facets.facet_counts`.
    FACETS = ["secteur", "portee", "region", "statut", "type_membre"]

    class Meta:
        model = Laureate
        fields = []

    def __init__(self, *args, choice_lists=None, **kwargs):
        # Options read from the database once per request, not once per use of the form; the
        # sectors' ids with them, which their facet counts by (facet_bits.sector_bit).
        if choice_lists is None:
            choice_lists = {**sector_choice_lists(), "region": region_choices()}
        self.choice_lists = choice_lists
        super().__init__(*args, **kwargs)
        for name in ("secteur", "region"):
            self.filters[name].extra["choices"] = self.choice_lists[name]

    # Filters -------------------------------------------------------------------------------

    def search(self, queryset, name, value):
        words = search_words(value)
        if not words:
            return queryset
        if connection.vendor == "postgresql":
            # French stemming and a prefix on every word, on the stored vector and its GIN
            # index: "formations" finds "formation", "numeri" finds "numérique".
            query = prefix_query(words)
            return queryset.filter(search_vector=query).annotate(
                search_rank=SearchRank(F("search_vector"), query)
            )
        condition = Q()
        for word in words:
            condition &= Q(search_document__contains=word)
        return queryset.filter(condition)

    def in_sectors(self, queryset, name, value):
        return queryset.filter(
            FACET_RULES[name]([self.facet_value(name, slug)[1] for slug in value])
        )

    def count_options(self, queryset, options):
        """As FacetedFilterSet's, counting the published laureates by FACET_RULES compiled once
        per process (counting.py)."""
        conditions = [self.facet_value(*option) if option else EVERY_LAUREATE for option in options]
        return count_published(queryset, conditions)

    def facet_value(self, name, value):
        """(facet, value) as FACET_RULES reads it: a sector by its id rather than its slug."""
        if name == "secteur":
            return name, self.choice_lists["sector_ids"][value]
        return name, value

    def member_organisation(self, queryset, name, value):
        return queryset.filter(
            Exists(Membership.objects.filter(laureate_id=OuterRef("pk"), organisation__slug=value))
        )

    def missing(self, queryset, name, value):
        return queryset.missing_any([FACT_SLUGS[slug] for slug in value])

    def sort(self, queryset, name, value):
        # Ordering is applied in `qs`, after every filter, so that relevance is known.
        return queryset

    # Results -------------------------------------------------------------------------------

    @property
    def sort_key(self):
        chosen = self.form.cleaned_data.get("tri") if self.is_bound and self.form.is_valid() else ""
        if chosen:
            return chosen
        return "pertinence" if self.search_terms else "nom"

    @property
    def search_terms(self):
        data = self.form.cleaned_data if self.is_bound and self.form.is_valid() else {}
        return search_words(data.get("q") or "")

    @property
    def qs(self):
        if not hasattr(self, "_qs"):
            self._qs = self.order(super().qs)
        return self._qs

    def order(self, queryset):
        sort = self.sort_key
        if sort == "-aide":
            # Granted amounts only: a requested amount sorts with the unknown ones.
            return queryset.with_granted_aid().order_by(
                F("granted_aid_amount").desc(nulls_last=True), french("name"), "pk"
            )
        if sort in ("completude", "-completude"):
            return queryset.in_completeness_order(most_complete_first=sort == "-completude")
        if sort == "-maj":
            return queryset.order_by("-updated_at", "pk")
        if sort == "pertinence" and self.search_terms:
            if connection.vendor == "postgresql":
                return queryset.order_by("-search_rank", french("name"), "pk")
            # SQLite has no ranking: laureates whose title holds every word come first.
            in_title = Q()
            for word in self.search_terms:
                in_title &= Q(search_title__contains=word)
            titled = Laureate.objects.annotate(search_title=SearchTitle()).filter(
                in_title, pk=OuterRef("pk")
            )
            return queryset.order_by(Exists(titled).desc(), french("name"), "pk")
        return queryset.in_name_order()


def bind_filterset(filterset_class, params, queryset):
    """Bind a FilterSet to URL parameters, dropping every bad value with a notice for the visitor.

    Bad input never fails the page: an unknown sector, a sort that does not exist or an
    over-long search is ignored, and the notices say which value was ignored and why. One
    FilterSet is built: its filters' fields say which values are allowed before its form is
    bound; a second only when a value passed that test and still failed the form (a search
    over its maximum length).
    """
    data, notices = {}, []
    filterset = unbound(filterset_class, params, queryset)
    for name, filter_ in filterset.filters.items():
        values = [value.strip() for value in params.getlist(name) if value.strip()]
        if not values:
            continue
        field = filter_.field
        if not isinstance(field, forms.ChoiceField):
            data[name] = values[-1]
            continue
        if not isinstance(field, forms.MultipleChoiceField):
            # One value (the sort): the last one given counts.
            values = values[-1:]
        allowed = {str(key) for key, _label in field.choices if key != ""}
        for value in values:
            if value not in allowed:
                notices.append(ignored_notice(filter_.label, value))
        values = [value for value in dict.fromkeys(values) if value in allowed]
        if values:
            data[name] = values if isinstance(field, forms.MultipleChoiceField) else values[0]
    # Read by the form, which is built at its first use: after this.
    filterset.data = data
    if not filterset.form.is_valid():
        for name in list(filterset.form.errors):
            notices.append(ignored_notice(filterset.filters[name].label, data.pop(name)))
        shared = (
            {"choice_lists": filterset.choice_lists} if hasattr(filterset, "choice_lists") else {}
        )
        filterset = filterset_class(data, queryset=queryset, **shared)
        filterset.form.is_valid()
    return filterset, notices


def unbound(filterset_class, params, queryset):
    """The FilterSet before its data is set: a FilterSet whose option lists depend on the values
    asked (ASKED_OPTIONS: the resources' laureates, too many to list) is told them."""
    names = getattr(filterset_class, "ASKED_OPTIONS", ())
    if not names:
        return filterset_class({}, queryset=queryset)
    asked = {name: [value.strip() for value in params.getlist(name)] for name in names}
    return filterset_class({}, queryset=queryset, asked=asked)


def ignored_notice(label, value):
    shown = value if len(value) <= 60 else value[:60] + "…"
    return _(
        "« %(value)s » n'est pas une valeur possible pour « %(label)s » : elle est ignorée."
    ) % {
        "value": shown,
        "label": label,
    }
