"""Names the portal holds in French and, where a plain translation exists, in English (sectors,
regions, the official figures' titles: `name_en`, `label_en`, filled from
fixtures/). Everything else entered stays in French on every page, and an English page marks it
lang="fr" (templatetags/languages.py)."""

from django.conf import settings
from django.utils.translation import get_language


def is_french_page():
    language = get_language() or settings.LANGUAGE_CODE
    return language.split("-")[0] == settings.LANGUAGE_CODE.split("-")[0]


def in_page_language(french, english):
    """`english` on a page in another language than French when there is one, else `french`."""
    return english if english and not is_french_page() else french
