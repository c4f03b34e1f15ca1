from django import template

from ..browse import facts
from ..opendata.citation import Citation

register = template.Library()


@register.simple_tag
def missing_facts(laureate):
    """`{% missing_facts laureate as missing %}`: see laureats.browse.facts.missing_facts."""
    return facts.missing_facts(laureate)


@register.simple_tag
def completeness(laureate):
    """`{% completeness laureate as known %}`: `known.known` facts out of `known.total`."""
    return facts.completeness(laureate)


@register.simple_tag(takes_context=True)
def citation(context, laureate):
    """`{% citation laureate as cite %}`: see laureats.opendata.citation."""
    url = context["request"].build_absolute_uri(laureate.get_absolute_url())
    return Citation(laureate, url)
