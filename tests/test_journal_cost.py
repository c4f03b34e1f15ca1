"""What one page of the change log costs after bulk imports (issue 22): the same queries and a
bounded number of history rows read and of laureate timelines built, whatever its `?avant=`
key, however many rows an import wrote at one date, at two sizes of import."""

import pytest
from django.db.models import Max, Min

from laureats.importer import apply_plan, plan_file
from laureats.journal import log as journal
from laureats.journal.page import micros
from laureats.models import Laureate, Organisation

from .test_journal import JOURNAL, JOURNAL_QUERIES

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

PAGE = 30  # entries of a /journal/ page (views/journal.py)
# A page reads the newest 2 x 30 + 1 rows of each table (journal_page.LOOK_BACK): the records
# of at most 61 rows, each with its own history (here two laureate rows, five members, their
# sources), whatever the import's size.
TIMELINES = 2 * PAGE + 1
ROWS = 1_000


def import_laureates(count, file_name, summary):
    """`count` published laureates in one import: a lead of their own, two partners shared by
    a few, and one partner shared by all."""
    lines = ["slug,nom,statut,resume,publie,membres"]
    for n in range(count):
        members = [
            f"porteur:cfa::Organisation fictive {n}",
            f"partenaire:entreprise::Entreprise fictive {n // 3}",
            f"partenaire:laboratoire::Laboratoire fictif {n // 7}",
            "partenaire:association::Association fictive commune",
        ]
        lines.append(
            f'laureat-fictif-{n},Lauréat fictif {n},retenu,{summary} {n},oui,"{" | ".join(members)}"'
        )
    apply_plan(plan_file(file_name, ("\n".join(lines) + "\n").encode()))


def keys():
    """Keys of every kind at each import's date: its first, middle and last record, and the
    figures' (which sort after every laureate of that date)."""
    laureates = Laureate.objects.aggregate(low=Min("pk"), high=Max("pk"))
    organisations = Organisation.objects.aggregate(low=Min("pk"), high=Max("pk"))
    found = []
    for date in sorted(set(Laureate.history.values_list("history_date", flat=True))):
        found.append(f"{micros(date)}-figure-1")
        for kind, ids in [("laureate", laureates), ("organisation", organisations)]:
            for record_id in [ids["low"], (ids["low"] + ids["high"]) // 2, ids["high"]]:
                found.append(f"{micros(date)}-{kind}-{record_id}")
    return found


@pytest.fixture
def cost(monkeypatch):
    """Counts the history rows a page reads and the laureate timelines it builds."""
    counted = {"rows": 0, "timelines": 0}
    history_rows = journal.history_rows

    def counting_rows(*args, **kwargs):
        rows = history_rows(*args, **kwargs)
        counted["rows"] += len(rows)
        return rows

    class CountingTimeline(journal.LaureateTimeline):
        def __init__(self, *args, **kwargs):
            counted["timelines"] += 1
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(journal, "history_rows", counting_rows)
    monkeypatch.setattr(journal, "LaureateTimeline", CountingTimeline)
    return counted


@pytest.mark.parametrize("count", [120, 480])
def test_a_page_costs_the_same_whatever_its_key_after_bulk_imports(
    client, reference_data, settings, django_assert_num_queries, cost, count
):
    settings.PAGE_CACHE_ENABLED = False
    import_laureates(count, "lot-fictif.csv", "Premier résumé")
    import_laureates(count, "lot-fictif-corrige.csv", "Résumé corrigé")
    newest = max(Laureate.history.values_list("history_date", flat=True))
    for key in ["", *keys()]:
        cost.update(rows=0, timelines=0)
        with django_assert_num_queries(JOURNAL_QUERIES):
            response = client.get(JOURNAL + (f"?avant={key}" if key else ""))
        assert response.status_code == 200
        assert cost["timelines"] <= TIMELINES, (key, cost)
        assert cost["rows"] <= ROWS, (key, cost)
        page = response.context["page_obj"]
        if not key or key.startswith(str(micros(newest))):
            # Older than the key, there is always the first import's fiches to show.
            assert len(page) > 0, key


def test_the_newest_page_after_an_import_shows_its_fiches(client, reference_data, settings):
    """The organisations an import creates make no entry (they show as members): they must not
    push the import's fiches off the first page."""
    settings.PAGE_CACHE_ENABLED = False
    import_laureates(120, "lot-fictif.csv", "Premier résumé")
    page = client.get(JOURNAL).context["page_obj"]
    assert len(page) == PAGE
    assert all(entry.is_publication for entry in page)
