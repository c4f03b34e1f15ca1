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
# Measured (SQLite and PostgreSQL): 4 to 9 queries for a preview of any size. Applying writes
# each table in bulk: about 25 statements for any number of rows on PostgreSQL; SQLite splits
# them into batches of 999 parameters, one more statement every few dozen rows (43 for 62
# laureates, 65 for 124, since organisations carry the register's columns). Any query per row
# would pass the bound.
PREVIEW_QUERIES = 12


def apply_queries(count):
    return 25 + count // 3


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
    with django_assert_max_num_queries(apply_queries(count)):
        apply_plan(plan)
    assert Laureate.objects.count() == count
    assert Membership.objects.count() == count * MEMBERS

    # The same file again: a preview of any size, and nothing written.
    with django_assert_max_num_queries(PREVIEW_QUERIES):
        plan = plan_file("liste.csv", data)
    assert len(plan.unchanged) == count
    with django_assert_max_num_queries(2):
        apply_plan(plan)


@pytest.mark.parametrize("count", [62, 124])
def test_reimport_changing_every_laureate_stays_bounded(
    reference_data, count, django_assert_max_num_queries
):
    apply_plan(plan_file("liste.csv", laureates_file(count)))
    # Every row renamed, moved to the other region, its lead demoted and a partner promoted,
    # one partner replaced by another organisation.
    lines = laureates_file(count).decode().splitlines()
    changed = [lines[0]]
    for line in lines[1:]:
        line = line.replace(",Lauréat ", ",Lauréat renommé ")
        line = line.replace(",11,", ",xx,").replace(",84,", ",11,").replace(",xx,", ",84,")
        line = line.replace('"porteur:', '"partenaire:').replace(" | partenaire:", " | porteur:", 1)
        changed.append(line.rsplit(" | ", 1)[0] + ' | partenaire:autre::Nouveau membre"')
    plan = plan_file("liste.csv", ("\n".join(changed) + "\n").encode())
    assert len(plan.updated) == count
    with django_assert_max_num_queries(apply_queries(count)):
        apply_plan(plan)
    first = Laureate.objects.get(slug="laureat-0")
    assert first.name == "Lauréat renommé 0"
    assert list(first.regions.values_list("code", flat=True)) == ["84"]
    assert first.memberships.get(role="porteur").organisation.name != "Organisation 0"
    assert first.memberships.filter(organisation__name="Nouveau membre").exists()
    assert Membership.objects.count() == count * MEMBERS
    assert Membership.objects.filter(role="porteur").count() == count
    assert "renomme" in first.search_document


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
