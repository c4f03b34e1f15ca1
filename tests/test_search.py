"""The search agrees with itself: the same queries find the same laureates on SQLite and on
PostgreSQL, and the text it searches follows every write, wherever it comes from."""

import unicodedata

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from laureats.admin.conflicts import signed_version
from laureats.browse.filters import LaureateFilter
from laureats.browse.organisation_filter import OrganisationFilter
from laureats.models import Laureate, Membership, Organisation
from laureats.text.folding import FOLDED_LETTERS, FRENCH_STOP_WORDS, normalize_text

from .factories import MembershipFactory, OrganisationFactory, make_laureate

pytestmark = pytest.mark.django_db


def found(query):
    filterset = LaureateFilter({"q": query}, queryset=Laureate.objects.published())
    assert filterset.is_valid()
    return sorted(laureate.slug for laureate in filterset.qs)


def finds(query, slug):
    return slug in found(query)


@pytest.fixture
def laureates():
    make_laureate(slug="coeur", name="Cœur de métier", description="Des gestes au quotidien.")
    make_laureate(slug="vitae", name="Curriculum vitæ numérique")
    make_laureate(
        slug="soignants",
        name="L'école des soignants",
        lead=OrganisationFactory(name="Œuvre des apprentis"),
    )
    make_laureate(slug="robotique", name="Robotique en atelier")
    make_laureate(slug="cache", name="Cœur caché", is_published=False)


EVERY_ONE = ["coeur", "robotique", "soignants", "vitae"]

SEARCHES = [
    # Ligatures folded in the stored text and in the query, whichever way they are typed.
    ("cœur", ["coeur"]),
    ("coeur", ["coeur"]),
    ("CŒUR", ["coeur"]),
    ("vitæ", ["vitae"]),
    ("vitae", ["vitae"]),
    ("œuvre", ["soignants"]),
    ("OEUVRE apprentis", ["soignants"]),
    # Stop words alone are an empty search; among other words they are ignored.
    ("de", EVERY_ONE),
    ("l", EVERY_ONE),
    ("la des", EVERY_ONE),
    ("l'", EVERY_ONE),
    ("cœur de", ["coeur"]),
    ("l'école", ["soignants"]),
    # Accents, case, prefixes, several words.
    ("ÉCOLE", ["soignants"]),
    ("soign", ["soignants"]),
    ("robotique atelier", ["robotique"]),
    ("métier quotidien", ["coeur"]),
    ("", EVERY_ONE),
    ("introuvable", []),
]


@pytest.mark.parametrize(("query", "expected"), SEARCHES)
def test_search_finds_the_same_laureates_on_every_database(laureates, query, expected):
    assert found(query) == expected


def test_stop_words_alone_sort_by_name_not_relevance(laureates):
    assert LaureateFilter({"q": "de la"}).sort_key == "nom"


# The search text follows every write -------------------------------------------------------


def test_member_removed_in_the_membership_admin_is_no_longer_found(staff_client):
    laureate = make_laureate(members=[OrganisationFactory(name="Partenaire Zéphyr")])
    membership = laureate.memberships.get()
    assert finds("zephyr", laureate.slug)
    response = staff_client.post(
        reverse("admin:laureats_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not finds("zephyr", laureate.slug)


def test_member_removed_in_the_organisation_inline_is_no_longer_found(staff_client):
    organisation = OrganisationFactory(name="Partenaire Zéphyr", city="")
    laureate = make_laureate(members=[organisation])
    membership = laureate.memberships.get()
    assert finds("zephyr", laureate.slug)
    data = {
        # The version the form reads when it opens (laureats/admin/conflicts.py).
        "version": signed_version(Organisation.objects.get(pk=organisation.pk).version),
        "name": organisation.name,
        "slug": organisation.slug,
        "kind": organisation.kind,
        "city": "",
        "region": "",
        "website": "",
        "siren": "",
        "memberships-TOTAL_FORMS": "1",
        "memberships-INITIAL_FORMS": "1",
        "memberships-0-id": membership.pk,
        "memberships-0-organisation": organisation.pk,
        "memberships-0-laureate": membership.laureate.pk,
        "memberships-0-role": membership.role,
        "memberships-0-DELETE": "on",
    }
    response = staff_client.post(
        reverse("admin:laureats_organisation_change", args=[organisation.pk]), data
    )
    assert response.status_code == 302
    assert not Membership.objects.exists()
    assert not finds("zephyr", laureate.slug)


def test_organisation_renamed_through_the_orm_changes_what_search_finds():
    organisation = OrganisationFactory(name="Ancien Partenaire")
    first = make_laureate(members=[organisation])
    second = make_laureate(lead=organisation)
    organisation.name = "Nouvel Horizon"
    organisation.save()
    assert found("horizon") == sorted([first.slug, second.slug])
    assert found("ancien") == []


def test_member_added_through_the_orm_is_found():
    laureate = make_laureate()
    Membership.objects.create(
        laureate=laureate, organisation=OrganisationFactory(name="Atelier Œnologie")
    )
    assert found("oenologie") == [laureate.slug]


def test_member_moved_to_another_laureate_is_found_there_only():
    membership = MembershipFactory(organisation=OrganisationFactory(name="Partenaire Zéphyr"))
    other = make_laureate()
    membership.laureate = other
    membership.save()
    assert found("zephyr") == [other.slug]


def test_laureate_renamed_through_the_orm_is_found_by_its_new_name():
    laureate = make_laureate(name="Projet ancien")
    laureate = Laureate.objects.get(pk=laureate.pk)
    laureate.name = "Projet Œcuménique"
    laureate.save()
    assert found("oecumenique") == [laureate.slug]
    assert found("ancien") == []


def test_deleting_a_laureate_with_members_rebuilds_nothing(django_assert_max_num_queries):
    laureate = make_laureate(partners=5)
    # Its memberships go with it: rebuilding its text five times on the way would be waste.
    # One history row per membership is written (simple-history), its members' versions
    # move in one UPDATE (laureats/models/version_signals.py), and its members' derived columns are read
    # and rebuilt once (their flag, their search text), the shared productions it reaches are
    # read once (their sectors and search text follow it), and its links to them go (one
    # DELETE): 19 queries plus one per member.
    with django_assert_max_num_queries(24):
        laureate.delete()
    assert not Laureate.objects.exists()


def test_saving_unsearched_fields_only_skips_the_rebuild():
    laureate = make_laureate(partners=2)
    laureate.website = "https://example.org"
    with CaptureQueriesContext(connection) as queries:
        laureate.save(update_fields=["website"])
    assert not [query for query in queries if "laureats_membership" in query["sql"]]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="compares with PostgreSQL's list")
def test_stop_words_are_those_postgresql_drops():
    words = [*sorted(FRENCH_STOP_WORDS), "coeur", "ecole", "a"]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT word FROM unnest(%s::text[]) AS word WHERE to_tsvector('french', word) = ''",
            [words],
        )
        dropped = {row[0] for row in cursor.fetchall()}
    assert dropped == FRENCH_STOP_WORDS


@given(st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("éèçœŒßﬁǅΣ\u0301\u0327")))
def test_normalized_text_follows_its_per_character_rule(text):
    # normalize_text is written with scans in C for speed; this is the rule it must keep.
    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(FOLDED_LETTERS))
    expected = "".join(char for char in decomposed if not unicodedata.combining(char))
    assert normalize_text(text) == expected


# Organisations: the same rule (laureats/text/folding.py) on /organisations/ -------------------------


def organisations_found(query):
    filterset = OrganisationFilter({"q": query}, queryset=Organisation.objects.for_list())
    assert filterset.is_valid()
    return sorted(organisation.slug for organisation in filterset.qs)


@pytest.fixture
def organisations():
    named = [
        ("creps", "Creps de Bourgogne-Franche-Comté", "Dijon", "", ""),
        ("gip", "GIP FTLV de l'académie de Besançon", "Besançon", "", ""),
        ("cfa-batiment", "CFA du Bâtiment Provence-Alpes-Côte d'Azur", "", "", ""),
        ("oeuvre", "Œuvre des apprentis", "Saint-Étienne", "123456789", "Ancienne Œuvre"),
        ("ecole", "École des métiers", "Lyon", "", "EDM"),
    ]
    for slug, name, city, siren, aliases in named:
        organisation = OrganisationFactory(
            slug=slug, name=name, city=city, siren=siren, aliases=aliases
        )
        make_laureate(members=[organisation])
    # Member of an unpublished laureate only: not on /organisations/, whatever the search.
    make_laureate(
        members=[OrganisationFactory(slug="cachee", name="Bâtiment caché", city="Besançon")],
        is_published=False,
    )


EVERY_ORGANISATION = ["cfa-batiment", "creps", "ecole", "gip", "oeuvre"]

ORGANISATION_SEARCHES = [
    # Accents and case, in the name and the city.
    ("batiment", ["cfa-batiment"]),
    ("BÂTIMENT", ["cfa-batiment"]),
    ("besancon", ["gip"]),
    ("Besançon", ["gip"]),
    ("franche comte", ["creps"]),
    ("Franche-Comté", ["creps"]),
    ("cote d'azur", ["cfa-batiment"]),
    ("saint etienne", ["oeuvre"]),
    # Ligatures, whichever way they are typed.
    ("oeuvre", ["oeuvre"]),
    ("ŒUVRE", ["oeuvre"]),
    ("ecole", ["ecole"]),
    # Other names (aliases) and the SIREN.
    ("edm", ["ecole"]),
    ("ancienne", ["oeuvre"]),
    ("123456789", ["oeuvre"]),
    # Prefixes and several words, all required; stop words ignored, alone an empty search.
    ("bat", ["cfa-batiment"]),
    ("cfa provence", ["cfa-batiment"]),
    ("cfa dijon", []),
    ("du", EVERY_ORGANISATION),
    ("", EVERY_ORGANISATION),
    ("introuvable", []),
]


@pytest.mark.parametrize(("query", "expected"), ORGANISATION_SEARCHES)
def test_organisation_search_finds_the_same_on_every_database(organisations, query, expected):
    assert organisations_found(query) == expected


def test_organisation_search_text_follows_its_edits():
    organisation = OrganisationFactory(name="Ancien nom", city="Nîmes")
    make_laureate(members=[organisation])
    organisation.name = "Maison de l'Œnologie"
    organisation.save()
    assert organisations_found("oenologie") == [organisation.slug]
    assert organisations_found("ancien") == []
    assert organisations_found("nimes") == [organisation.slug]


def test_organisations_created_in_bulk_are_found():
    # As the import creates them (laureats/importer/applying.py): bulk_create, no save().
    (organisation,) = Organisation.objects.bulk_create(
        [Organisation(name="Lycée Émile Zola", slug="lycee-zola", city="Rennes")]
    )
    make_laureate(members=[organisation])
    assert organisations_found("lycee emile") == ["lycee-zola"]


def test_organisation_list_page_finds_without_accents(client):
    make_laureate(members=[OrganisationFactory(name="CFA du Bâtiment", city="Besançon")])
    response = client.get(reverse("laureats:organisation-list"), {"q": "batiment besancon"})
    assert "CFA du Bâtiment" in response.content.decode()


def test_saving_some_fields_of_an_organisation_keeps_its_search_text():
    # Its owner, laureats/derived/, follows save(update_fields=...) as any other write.
    organisation = OrganisationFactory(name="Ancien nom")
    make_laureate(members=[organisation])
    organisation.name = "Nouveau nom"
    organisation.save(update_fields=["name"])
    assert organisations_found("nouveau") == [organisation.slug]
    assert organisations_found("ancien") == []
    organisation.website = "https://example.org"
    organisation.save(update_fields=["website"])  # not searched: nothing to keep


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL storage setting")
@pytest.mark.django_db
def test_search_vectors_are_kept_in_the_row_for_ranking():
    # Ranking a broad search reads every matching vector: out of line, in the TOAST table,
    # it cost 8 times the buffers at 10,000 laureates (migration 0025).
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT attstorage FROM pg_attribute "
            "WHERE attrelid = 'laureats_laureate'::regclass AND attname = 'search_vector'"
        )
        assert cursor.fetchone() == ("m",)
