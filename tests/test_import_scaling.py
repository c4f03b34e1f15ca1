"""The import's cost: a bounded number of queries, whatever the number of members, and a
preview whose queries do not grow with the rows. Synthetic laureates, built here."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from laureats.importer import apply_plan, plan_file
from laureats.models import Laureate, Membership, Organisation

pytestmark = pytest.mark.django_db

KINDS = ["cfa", "entreprise", "laboratoire", "association", "universite-ecole", "acteur-public"]
MEMBERS = 7
# Measured (SQLite and PostgreSQL): 4 to 9 queries for a preview of any size; about 32 per
# laureate written (the row, its history, sectors and regions with theirs, members in bulk).
PREVIEW_QUERIES = 12
QUERIES_PER_LAUREATE = 35


def laureates_file(count):
    lines = ["slug,nom,statut,secteurs,regions,cout_total_eur,aide_etat_eur,membres"]
    for n in range(count):
        partners = [(n * MEMBERS + m) % (count * 3) + count for m in range(1, MEMBERS)]
        members = [f"porteur:cfa::Organisation {n}"] + [
            f"partenaire:{KINDS[index % len(KINDS)]}::Organisation {index}" for index in partners
        ]
        region = ("11", "84")[n % 2]
        lines.append(
            f'laureat-{n},Lauréat {n},retenu,sante-social,{region},1000,700,"{" | ".join(members)}"'
        )
    return ("\n".join(lines) + "\n").encode()


@pytest.mark.parametrize("count", [62, 124])
def test_import_queries_do_not_grow_with_members(
    reference_data, count, django_assert_max_num_queries
):
    data = laureates_file(count)
    with django_assert_max_num_queries(PREVIEW_QUERIES):
        plan = plan_file("liste.csv", data)
    with django_assert_max_num_queries(QUERIES_PER_LAUREATE * count):
        apply_plan(plan)
    assert Laureate.objects.count() == count
    assert Membership.objects.count() == count * MEMBERS

    # The same file again: a preview of any size, and nothing written.
    with django_assert_max_num_queries(PREVIEW_QUERIES):
        plan = plan_file("liste.csv", data)
    assert len(plan.unchanged) == count
    with django_assert_max_num_queries(2):
        apply_plan(plan)


@pytest.mark.django_db(transaction=True)
def test_an_import_invalidates_the_page_cache_once_not_per_write(reference_data):
    # A real transaction, as in production: inside a test's own, an earlier write of the
    # fixture would already have written the version for the whole transaction.
    # One invalidation per SQL write cost 1.5 s for 62 laureates (a cache round trip each); the
    # page cache now writes its data version once per transaction (deffinum/pagecache/).
    with CaptureQueriesContext(connection) as queries:
        apply_plan(plan_file("liste.csv", laureates_file(62)))
    version_writes = [q for q in queries.captured_queries if "pagecache_dataversion" in q["sql"]]
    assert len(version_writes) == 1
    assert Laureate.objects.count() == 62


def test_a_laureate_with_over_a_thousand_members_can_be_renamed(reference_data, client):
    # Rebuilding the search text prefetched every member organisation in one "IN": SQLite
    # refused it past about a thousand ("Expression tree is too large"), and the import failed.
    laureate = Laureate.objects.create(slug="grand", name="Grand réseau", status="retenu")
    organisations = Organisation.objects.bulk_create(
        Organisation(slug=f"membre-{n}", name=f"Membre {n}", kind="autre") for n in range(1100)
    )
    Membership.objects.bulk_create(
        Membership(laureate=laureate, organisation=organisation, role="partenaire")
        for organisation in organisations
    )
    apply_plan(plan_file("liste.csv", b"slug,nom,statut\ngrand,Grand reseau national,retenu\n"))
    response = client.get("/laureats/", {"q": "national"})
    assert [laureate.slug for laureate in response.context["page_obj"]] == ["grand"]
