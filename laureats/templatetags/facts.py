from django import template

from .. import facts

register = template.Library()


@register.simple_tag
def missing_facts(laureate):
    """`{% missing_facts laureate as missing %}`: see laureats.facts.missing_facts."""
    return facts.missing_facts(laureate)


@register.simple_tag
def completeness(laureate):
    """`{% completeness laureate as known %}`: `known.known` facts out of `known.total`."""
    return facts.completeness(laureate)
