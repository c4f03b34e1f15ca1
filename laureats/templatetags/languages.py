"""What an English page shows of content held in French: English names where they exist, and
lang="fr" on everything left in French, so that a screen reader reads it with a French voice."""

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from ..text.languages import is_french_page

register = template.Library()


@register.filter
def french(text):
    """Text entered in French (a laureate's name, summary, a member's name...), as inline HTML:
    marked lang="fr" on a page in another language."""
    if not text or is_french_page():
        return text
    return format_html('<span lang="fr">{}</span>', text)


@register.simple_tag
def lang_fr():
    """` lang="fr"` on a page in another language, for an element whose content is French
    text entered as such (a description's paragraphs): `<div{% lang_fr %}>`."""
    return "" if is_french_page() else mark_safe(' lang="fr"')


@register.filter
def localized(obj, attribute="name"):
    """A sector's or region's name (or a figure's `label`) in the page's language: its English
    form where one is entered, else the French one, marked lang="fr"."""
    english = getattr(obj, f"{attribute}_en", "")
    if english and not is_french_page():
        return english
    return french(getattr(obj, attribute))
