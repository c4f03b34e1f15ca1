"""Slugs made for new laureates (moderation) and new organisations (import): one rule."""

from laureats.models.validators import free_slug


def test_a_free_slug_is_the_name_slugified():
    assert free_slug("Projet Éducation & Santé", lambda slug: False, 120, "laureat") == (
        "projet-education-sante"
    )


def test_taken_slugs_are_numbered_from_two():
    taken = {"campus", "campus-2"}
    assert free_slug("Campus", taken.__contains__, 120, "laureat") == "campus-3"


def test_a_numbered_slug_of_a_long_name_still_fits_the_column():
    name = "formation " * 40
    first = free_slug(name, lambda slug: False, 30, "laureat")
    second = free_slug(name, {first}.__contains__, 30, "laureat")
    assert len(first) <= 30 and len(second) <= 30
    assert second.endswith("-2") and second != first


def test_a_name_of_punctuation_only_gets_the_fallback():
    assert free_slug("« ! »", lambda slug: False, 120, "organisation") == "organisation"
