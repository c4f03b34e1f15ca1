"""The public change log: /journal/ and each fiche's history (laureats/journal/log.py)."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db.models import F
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from laureats.contributions.moderation import accept
from laureats.importer import apply_plan, plan_file
from laureats.models import Laureate, Membership, Organisation, ProgrammeFigure, Sector, Source

from .factories import LaureateFactory, OrganisationFactory, SourceFactory, make_laureate
from .test_admin import laureate_form_data

pytestmark = pytest.mark.django_db

JOURNAL = "/journal/"
HISTORY_MODELS = [Laureate, Membership, Source, Organisation, ProgrammeFigure]


def text(response):
    # French numbers group digits with a (narrow) no-break space.
    return unescape(response.content.decode()).replace("\u202f", " ").replace("\xa0", " ")


def entries(response):
    """The text of the entries alone, without tags (not the filter form's list of names)."""
    page = text(response)
    listing = page[
        page.index('<ol class="journal">') : page.index("</ol>", page.index('<ol class="journal">'))
    ]
    return " ".join(re.sub(r"<[^>]+>", " ", listing).split())


def age_history(days=1):
    """Move every record back in time: what tests build a moment before an edit would
    otherwise fall within the edit's group (journal/timeline.py, GROUP_WINDOW)."""
    for model in HISTORY_MODELS:
        model.history.update(history_date=F("history_date") - timedelta(days=days))


def admin_edit(staff_client, laureate, memberships, **changes):
    data = laureate_form_data(laureate, memberships)
    data.update(changes)
    response = staff_client.post(
        reverse("admin:laureats_laureate_change", args=[laureate.pk]), data
    )
    assert response.status_code == 302, response.content.decode()[:2000]


@pytest.fixture
def edited(staff_client, reference_data):
    return make_edited(staff_client)


def make_edited(staff_client):
    """A published laureate, then an admin edit of its name and cost, and a lead added."""
    laureate = LaureateFactory(name="Ancien nom fictif", total_cost=1_000_000)
    lead = OrganisationFactory(name="Organisation fictive nouvelle")
    age_history()
    admin_edit(
        staff_client,
        laureate,
        [(lead, Membership.Role.LEAD)],
        name="Nouveau nom fictif",
        total_cost="2000000",
    )
    return laureate


def test_an_admin_edit_appears_with_before_and_after(edited):
    page = text(Client().get(JOURNAL))
    assert "Nom du projet :" in page
    assert "Ancien nom fictif" in page and "Nouveau nom fictif" in page
    assert "Coût total (€) :" in page
    assert "1 000 000 €" in page and "2 000 000 €" in page
    assert "Organisation fictive nouvelle ajouté (porteur)" in page
    # Each entry links to the record.
    assert f'href="{edited.get_absolute_url()}"' in page


def test_the_laureate_history_page_shows_its_changes_and_is_linked_from_the_fiche(edited):
    client = Client()
    history_url = reverse("laureats:laureate-history", args=[edited.slug])
    assert f'href="{history_url}"' in text(client.get(edited.get_absolute_url()))
    page = entries(client.get(history_url))
    assert "Nom du projet : Ancien nom fictif → Nouveau nom fictif" in page
    assert "Fiche : publiée" in page


def test_a_sector_replaced_reads_as_one_change(staff_client, reference_data):
    agriculture, transports = (Sector.objects.get(slug=s) for s in ["agriculture", "transports"])
    laureate = make_laureate(name="Projet fictif des filières", sectors=[agriculture])
    age_history()
    admin_edit(staff_client, laureate, [], sectors=[transports.pk])
    page = entries(Client().get(JOURNAL))
    assert page.count("Filières :") == 1
    assert f"Filières : {agriculture.name} → {transports.name}" in page


def test_no_staff_name_or_email_in_any_output(edited, admin_user):
    client = Client()
    urls = [
        JOURNAL,
        reverse("laureats:laureate-history", args=[edited.slug]),
        reverse("laureats:journal-feed"),
        reverse("laureats:laureate-history-feed", args=[edited.slug]),
        reverse("laureats:laureate-feed"),
    ]
    for url in urls:
        body = text(client.get(url))
        assert "Nouveau nom fictif" in body, url
        assert admin_user.username not in body.replace("admin/", ""), url
        assert admin_user.email not in body, url


def test_an_unpublished_laureate_shows_nothing_then_one_publication(staff_client, reference_data):
    laureate = LaureateFactory(name="Brouillon fictif", is_published=False)
    age_history(days=3)
    admin_edit(staff_client, laureate, [], is_published="", name="Brouillon fictif renommé")
    SourceFactory(laureate=laureate, title="Source fictive du brouillon")
    age_history(days=2)
    client = Client()
    for url in [JOURNAL, reverse("laureats:journal-feed")]:
        assert "Brouillon fictif" not in text(client.get(url))
    assert client.get(reverse("laureats:laureate-history", args=[laureate.slug])).status_code == 404

    laureate.refresh_from_db()
    admin_edit(staff_client, laureate, [], name="Projet fictif publié")
    page = text(client.get(JOURNAL))
    assert "Projet fictif publié" in page
    assert page.count("Projet fictif publié</a>") == 1
    assert "publiée" in page
    # What was written while unpublished stays out: no old name, no source added.
    assert "Brouillon fictif" not in page
    assert "Source fictive du brouillon" not in page


def test_an_accepted_proposal_shows_its_source_not_its_content(admin_user, reference_data):
    from laureats.models import Proposal

    laureate = LaureateFactory(name="Projet fictif corrigé", website="")
    age_history()
    proposal = Proposal.objects.create(
        kind=Proposal.Kind.CORRECTION,
        laureate=laureate,
        field="website",
        value="https://projet-fictif.example.org",
        source_url="https://presse.example.org/article-fictif",
        email="personne@example.org",
        comment="Un message fictif privé",
    )
    accept(proposal, admin_user)
    page = text(Client().get(JOURNAL))
    assert "https://projet-fictif.example.org" in page
    assert 'href="https://presse.example.org/article-fictif"' in page
    assert "personne@example.org" not in page
    assert "Un message fictif privé" not in page


def test_an_import_names_its_file(reference_data):
    laureate = LaureateFactory(name="Projet fictif importé", slug="projet-fictif-importe")
    age_history()
    data = b"slug,nom,statut\nprojet-fictif-importe,Projet fictif reimporte,retenu\n"
    apply_plan(plan_file("/tmp/lot-fictif.csv", data))
    page = text(Client().get(JOURNAL + f"?laureat={laureate.slug}"))
    assert "Projet fictif reimporte" in page
    assert "« lot-fictif.csv »" in page
    assert "/tmp" not in page


def test_organisation_and_figure_changes_appear(sample_catalogue):
    age_history()
    cfa = sample_catalogue.organisations["cfa"]
    cfa.city = "Villeurbanne"
    cfa.save()
    secret = sample_catalogue.organisations["secret"]
    secret.city = "Ville secrète fictive"
    secret.save()
    figure = sample_catalogue.figures[0]
    figure.value = 63
    figure.save()
    page = text(Client().get(JOURNAL))
    assert "Lyon" in page and "Villeurbanne" in page
    assert f'href="{cfa.get_absolute_url()}"' in page
    assert "Ville secrète fictive" not in page
    assert "62" in page and "63" in page


def test_filters_by_laureate_and_kind(edited, reference_data):
    other = LaureateFactory(name="Autre projet fictif")
    client = Client()
    only_edited = entries(client.get(JOURNAL + f"?laureat={edited.slug}"))
    assert "Nouveau nom fictif" in only_edited and "Autre projet fictif" not in only_edited
    members = entries(client.get(JOURNAL + "?type=membres"))
    assert "Organisation fictive nouvelle" in members and "Nom du projet :" not in members
    publications = entries(client.get(JOURNAL + "?type=publication"))
    assert other.name in publications and "Organisation fictive nouvelle" not in publications


@pytest.mark.parametrize(
    "query",
    [
        "?type=inconnu",
        "?laureat=inconnu",
        "?laureat=%00",
        "?page=abc",
        "?page=999",
        "?type=a&type=b",
        "?avant=abc",
        "?avant=1764600000000000-inconnu-1",
        "?avant=1764600000000000-laureate-x",
        "?avant=99999999999999999999-laureate-1",
        "?avant=-1-laureate-1",
        "?avant=%00",
    ],
)
def test_bad_parameters_are_ignored_with_a_notice(edited, query):
    response = Client().get(JOURNAL + query)
    assert response.status_code == 200
    assert "Nouveau nom fictif" in text(response)
    assert 'class="notice' in text(response)


def test_history_of_an_unknown_laureate_is_not_found(db):
    assert Client().get("/laureats/inconnu/historique/").status_code == 404


def test_the_journal_is_paginated(reference_data):
    for n in range(35):
        LaureateFactory(name=f"Projet fictif paginé {n}")
    client = Client()
    first = client.get(JOURNAL)
    assert len(first.context["page_obj"]) == 30
    second = client.get(JOURNAL + next_link(first))
    assert len(second.context["page_obj"]) == 5
    assert next_link(second) is None
    assert "Changements les plus récents" in text(second)
    names = [entry.title for entry in [*first.context["page_obj"], *second.context["page_obj"]]]
    assert sorted(names) == sorted(f"Projet fictif paginé {n}" for n in range(35))


def next_link(response):
    """The query string of the "older changes" link, None if there is none."""
    found = re.search(r'href="(\?[^"]*)" rel="next"', text(response))
    return found and found[1]


def walk(client, path, query=""):
    """Every entry of every page of `path`, following the "older changes" links."""
    entries, pages = [], 0
    while query is not None:
        response = client.get(path + query)
        assert response.status_code == 200, (path + query, response.status_code)
        entries += [(entry.anchor, entry.summary()) for entry in response.context["page_obj"]]
        query, pages = next_link(response), pages + 1
    return entries, pages


@pytest.mark.parametrize("look_back", [0.1, 0.25, 1.5])
def test_pages_read_a_few_rows_each_and_show_every_entry_once(
    reference_data, monkeypatch, settings, look_back
):
    """However few history rows a page reads, walking the pages gives every entry, in order,
    as when every row is read at once; edits at one date (an import) included."""
    from laureats.journal import page as journal_page

    settings.PAGE_CACHE_ENABLED = False  # the same pages, read twice
    laureates = add_edited_laureates(8, edits=2)
    date = timezone.now() - timedelta(hours=1)
    for laureate in laureates[:5]:
        laureate.history.filter(pk=laureate.history.latest().pk).update(history_date=date)
    client = Client()
    history = reverse("laureats:laureate-history", args=[laureates[0].slug])
    walked = []
    for path, query in [(JOURNAL, ""), (JOURNAL, "?type=fiche"), (history, "")]:
        expected, pages = walk(client, path, query)
        assert pages == 1 and expected
        monkeypatch.setattr(journal_page, "LOOK_BACK", look_back)
        found, pages = walk(client, path, query)
        monkeypatch.undo()
        assert found == expected
        assert len(set(found)) == len(found)
        walked.append(pages)
    # The few rows read cut the log into pages of fewer entries, each found once.
    assert max(walked) > 1 or look_back > 1


# Query counts ---------------------------------------------------------------------------------


def add_edited_laureates(count, edits=3):
    """`count` published laureates with a lead, a partner, a source and `edits` saves each."""
    laureates = [
        make_laureate(name=f"Projet fictif nombreux {n}", partners=1, sources=1)
        for n in range(count)
    ]
    for edit in range(edits):
        age_history()
        for laureate in laureates:
            laureate.total_cost = 1_000_000 + edit
            laureate.save()
    return laureates


# A page: the newest rows of five history tables; the laureates the organisations among
# their records belonged to; the published laureates of all these; these laureates' history,
# its sectors and regions, their members' and sources' history; the public organisations among
# the records and their history; the shared productions' history, their laureates and sectors;
# the figures' history; the list of published laureates of the filter form. The same whatever
# the page holds (laureats/journal/log.py, among()).
JOURNAL_QUERIES = 19
# The same for one laureate (found by its slug): three tables, no organisation.
LAUREATE_JOURNAL_QUERIES = 11
# The same without the filter form's list.
LAUREATE_HISTORY_QUERIES = 10
# The global feed: the three laureate tables, the laureates, their histories.
FEED_QUERIES = 9


@pytest.mark.parametrize("count", [5, 60])
def test_journal_query_count_is_fixed(
    client, reference_data, django_assert_num_queries, settings, count
):
    settings.PAGE_CACHE_ENABLED = False  # pages read twice
    laureates = add_edited_laureates(count)
    with django_assert_num_queries(JOURNAL_QUERIES):
        response = client.get(JOURNAL)
    older = next_link(response)
    if older:  # a deep page costs what the first does
        with django_assert_num_queries(JOURNAL_QUERIES):
            client.get(JOURNAL + older)
    assert len(walk(client, JOURNAL)[0]) == count * 4
    with django_assert_num_queries(LAUREATE_JOURNAL_QUERIES):
        response = client.get(JOURNAL + f"?laureat={laureates[-1].slug}&type=fiche")
    assert len(response.context["page_obj"]) == 3 and next_link(response) is None
    url = reverse("laureats:laureate-history", args=[laureates[0].slug])
    with django_assert_num_queries(LAUREATE_HISTORY_QUERIES):
        response = client.get(url)
    assert len(response.context["page_obj"]) == 4 and next_link(response) is None


def add_bulk_history(count, edits=3):
    """`count` laureates with a lead each and `edits` changes, written in bulk as the import
    writes them (laureats/importer/history.py): thousands of records in a few statements."""
    from django.utils import timezone

    from laureats.importer.history import record, record_with_m2m

    from .test_queries import add_many_laureates

    add_many_laureates(count=count, members_each=1)
    laureates = list(Laureate.objects.filter(is_synthetic=True))
    start = timezone.now() - timedelta(days=edits + 1)
    record_with_m2m(Laureate, laureates, "+", None, start)
    record(Membership, list(Membership.objects.filter(laureate__in=laureates)), "+", None, start)
    for edit in range(edits):
        for laureate in laureates:
            laureate.total_cost = 1_000_000 + edit
        record(Laureate, laureates, "~", None, start + timedelta(days=edit + 1), "Import : x.csv")
    return laureates


@pytest.mark.parametrize("count", [62, 2000])
def test_journal_and_feed_query_counts_hold_at_thousands(
    client, sample_catalogue, django_assert_num_queries, count
):
    add_bulk_history(count)
    with django_assert_num_queries(JOURNAL_QUERIES):
        response = client.get(JOURNAL)
    assert len(response.context["page_obj"]) == 30
    assert "Importé depuis le fichier « x.csv »" in text(response)
    # Three pages on, as deep in the history as the bulk edits go: the same queries.
    for _page in range(3):
        with django_assert_num_queries(JOURNAL_QUERIES):
            response = client.get(JOURNAL + next_link(response))
        assert len(response.context["page_obj"]) == 30
    with django_assert_num_queries(FEED_QUERIES):
        assert client.get(reverse("laureats:journal-feed")).status_code == 200


def test_an_admin_edit_of_loaded_data_shows_its_value_before(staff_client, reference_data):
    """As after `make run`: rows loaded raw by loaddata, then a first edit in the admin."""
    from laureats.importer.history import record_first_entries

    laureate = make_laureate(name="Projet fictif chargé", sectors=[Sector.objects.first()])
    lead = OrganisationFactory(name="Organisation fictive chargée")
    Membership.objects.create(laureate=laureate, organisation=lead, role=Membership.Role.LEAD)
    for model in HISTORY_MODELS:
        model.history.all().delete()  # what loaddata leaves
    record_first_entries(HISTORY_MODELS, timezone.now() - timedelta(days=1), with_m2m=[Laureate])
    sector = laureate.sectors.get()
    admin_edit(staff_client, laureate, [], name="Projet fictif corrigé", sectors=[sector.pk])
    Membership.objects.get(organisation=lead).delete()
    page = entries(Client().get(JOURNAL))
    assert "Nom du projet : Projet fictif chargé → Projet fictif corrigé" in page
    assert "Membre : Organisation fictive chargée retiré" in page
    assert "Filières" not in page


def test_an_organisation_shows_only_the_changes_made_once_it_was_public(reference_data):
    organisation = OrganisationFactory(name="Organisation fictive discrète", city="Avant")
    laureate = make_laureate(name="Projet fictif discret", is_published=False)
    Membership.objects.create(laureate=laureate, organisation=organisation)
    age_history(days=3)
    organisation.city = "Pendant"
    organisation.save()
    age_history(days=2)
    laureate.is_published = True
    laureate.save()
    age_history(days=1)
    organisation.city = "Après"
    organisation.save()
    page = entries(Client().get(JOURNAL + "?type=organisations"))
    assert "Ville : Pendant → Après" in page
    assert "Avant" not in page


def test_the_initial_load_makes_no_entry_and_its_first_edit_reads_before_and_after(
    sample_catalogue,
):
    """After `make run` (load_real_data: rows loaded raw, then their first entries), the log
    starts empty rather than with one "added" entry per record; the first edit shows."""
    from laureats.importer.history import record_first_entries

    for model in HISTORY_MODELS:
        model.history.all().delete()  # what loaddata leaves
    record_first_entries(HISTORY_MODELS, timezone.now() - timedelta(days=1), with_m2m=[Laureate])
    client = Client()
    assert "Aucun changement public à montrer." in entries(client.get(JOURNAL))
    assert not parsed_entries(client.get(reverse("laureats:journal-feed")))
    figure = sample_catalogue.figures[0]
    figure.value = 63
    figure.save()
    page = entries(client.get(JOURNAL))
    assert f"{figure.label}" in page and "62 → 63" in page


def parsed_entries(response):
    import feedparser

    return feedparser.parse(response.content).entries


def test_past_a_few_hundred_laureates_the_form_takes_an_identifier(edited, monkeypatch, settings):
    from laureats.views import journal

    settings.PAGE_CACHE_ENABLED = False
    client = Client()
    assert f'<option value="{edited.slug}"' in text(client.get(JOURNAL))
    monkeypatch.setattr(journal, "LAUREATES_LISTED", 0)
    page = text(client.get(JOURNAL + f"?laureat={edited.slug}"))
    assert "<option value=" not in page.split('id="id_type"')[0]
    assert f'name="laureat" id="id_laureat" value="{edited.slug}"' in page
    assert "Nouveau nom fictif" in entries(client.get(JOURNAL + f"?laureat={edited.slug}"))
