"""The address of a row's public page, reversed once per instance.

An organisation's page links to the same consortia and partners hundreds of times (its members,
the partner table, the graph): `reverse()` was a fifth of its render at 10,000 laureates.
"""

from django.urls import get_urlconf, reverse
from django.utils.translation import get_language


def page_url(instance, view_name):
    """`view_name` reversed with `instance.slug`, remembered on the instance for that slug, the
    active language (the address carries its prefix) and URLconf."""
    key = (view_name, instance.slug, get_language(), get_urlconf())
    remembered = instance.__dict__.setdefault("reversed_page_urls", {})
    if key not in remembered:
        remembered[key] = reverse(view_name, kwargs={"slug": instance.slug})
    return remembered[key]
