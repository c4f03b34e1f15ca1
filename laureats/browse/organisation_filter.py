"""Which organisations /organisations/ and its API list: their FilterSet, with its facets (type,
region, commune), counted as the laureates' are (facets.py), each by its rule in rules.py."""

import django_filters
from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from ..models import Organisation
from ..models.validators import COMMUNE_CODE
from ..text.folding import search_words
from ..text.ordering import sort_key
from .filters import (
    MAX_QUERY_LENGTH,
    CheckboxMultipleChoiceFilter,
    FacetedFilterSet,
    region_choices,
)
from .rules import ORGANISATION_FACET_RULES, UNKNOWN_COMMUNE

# The commune facet offers the communes with the most organisations, and any one asked: one
# option per commune would pass PostgreSQL's 1,664 columns a query once the register has placed
# the members (as the resources' laureates did). The others are found by the search (the city).
COMMUNE_OPTIONS = 30


def commune_choices(organisations, asked=None):
    """The communes of `organisations` known by their INSEE code, named "city (code)", in
    French order; then the option of those whose commune is not known. With `asked` (codes),
    only the COMMUNE_OPTIONS communes with the most organisations and those asked."""
    known = organisations.exclude(commune_code="").order_by()
    if asked is not None:
        most = (
            known.values("commune_code")
            .annotate(organisations=Count("pk"))
            .order_by("-organisations", "commune_code")
            .values("commune_code")[:COMMUNE_OPTIONS]
        )
        codes = [code for code in asked if COMMUNE_CODE.fullmatch(code)]
        known = known.filter(Q(commune_code__in=most) | Q(commune_code__in=codes))
    names = {}
    for code, city in known.values_list("commune_code", "city").distinct():
        # One name per code: a city typed two ways is still one commune.
        names.setdefault(code, city)
    choices = [
        (code, f"{city} ({code})" if city else code)
        for code, city in sorted(names.items(), key=lambda item: (sort_key(item[1]), item[0]))
    ]
    return [*choices, (UNKNOWN_COMMUNE, _("commune non renseignée"))]


def public_commune_choices(asked=None):
    return commune_choices(Organisation.objects.with_published_memberships(), asked)


class OrganisationFilter(FacetedFilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="search",
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Nom, autre nom, ville, SIREN ou SIRET."),
    )
    type = CheckboxMultipleChoiceFilter(
        label=_("Type d'organisation"),
        choices=Organisation.Kind.choices,
        where=ORGANISATION_FACET_RULES["type"],
    )
    region = CheckboxMultipleChoiceFilter(
        label=_("Région"), choices=region_choices, where=ORGANISATION_FACET_RULES["region"]
    )
    # The communes where known (the register's INSEE code); the others under one option.
    # field_name tells the API schema its values are the commune codes' strings.
    commune = CheckboxMultipleChoiceFilter(
        label=_("Commune"),
        field_name="commune_code",
        choices=public_commune_choices,
        where=ORGANISATION_FACET_RULES["commune"],
    )

    FACETS = ["type", "region", "commune"]
    # The communes offered depend on those asked (bind_filterset, bind_strictly).
    ASKED_OPTIONS = ("commune",)

    class Meta:
        model = Organisation
        fields = []

    def __init__(self, *args, choice_lists=None, asked=None, **kwargs):
        # Options read once per request, as the laureates' are: the regions, and the communes
        # of the public organisations.
        if choice_lists is None:
            communes = public_commune_choices((asked or {}).get("commune", []))
            choice_lists = {"region": region_choices(), "commune": communes}
        self.choice_lists = choice_lists
        super().__init__(*args, **kwargs)
        for name in ("region", "commune"):
            self.filters[name].extra["choices"] = self.choice_lists[name]

    def search(self, queryset, name, value):
        """Every word of the search, folded as the laureate search folds them (text.py), in
        the organisation's folded name, other names, city, SIREN or SIRET: the same text
        compared the same way on SQLite and PostgreSQL, so both find the same organisations."""
        condition = Q()
        for word in search_words(value):
            condition &= Q(search_text__contains=word)
        return queryset.filter(condition)
