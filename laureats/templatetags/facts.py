from django import template

from ..facts import missing_facts as compute_missing_facts

register = template.Library()


@register.simple_tag
def missing_facts(laureate):
    """`{% missing_facts laureate as missing %}`: see laureats.facts.missing_facts."""
    return compute_missing_facts(laureate)
