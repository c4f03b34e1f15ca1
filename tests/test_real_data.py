"""The shipped data: only what the public sources state, loaded the way `make run` loads it.

The only test module that reads the shipped laureates and figures (the `real_data` fixture):
every other test builds its own data with tests/factories.py, so that entering a sourced
laureate in fixtures/ changes no test but these (issue 12). They check the fixtures against
the public facts they were built from, ../shared/data/deffinum-facts.json.
"""

import csv
import io
import json
import re
from html import unescape
from pathlib import Path

import frictionless
import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse

from laureats.models import (
    Laureate,
    Membership,
    Organisation,
    ProgrammeFigure,
    Region,
    Sector,
    Source,
)
from laureats.statistics.figures import LaureateStatistics

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FACTS_FILE = Path(__file__).resolve().parents[2] / "shared" / "data" / "deffinum-facts.json"


@pytest.fixture(scope="module")
def facts():
    if not FACTS_FILE.exists():
        pytest.skip(f"{FACTS_FILE} (the public facts behind fixtures/) is not in this checkout")
    return json.loads(FACTS_FILE.read_text())


def text(response):
    assert response.status_code == 200
    return unescape(response.content.decode())


def laureate_of(fact):
    """The shipped laureate a fact describes, found by its lead (some facts give no name)."""
    return Laureate.objects.get(
        memberships__role=Membership.Role.LEAD,
        memberships__organisation__name=fact["lead"]["name"],
    )


def test_real_data_gives_the_documented_counts(real_data):
    assert Region.objects.count() == 18
    assert Sector.objects.count() == 8
    assert Laureate.objects.count() == 4
    assert Organisation.objects.count() == 5
    assert Membership.objects.filter(role=Membership.Role.LEAD).count() == 4
    assert Source.objects.count() == 8
    assert ProgrammeFigure.objects.get(key="laureates").value == 62
    assert ProgrammeFigure.objects.filter(sector__isnull=False).count() == 7


def test_loaded_data_has_its_derived_flags(real_data):
    # loaddata saves raw: load_real_data's bulk rebuild sets who is public.
    public = Organisation.objects.filter(memberships__laureate__is_published=True).distinct()
    assert public.exists()
    assert set(Organisation.objects.filter(in_published_laureate=True)) == set(public)


def test_loaded_data_has_its_first_history_entry(real_data):
    # loaddata writes no history: load_real_data adds it, so that the first admin edit shows
    # in the change log (/journal/) with its value before: one entry of the load per record
    # (loaddata's many-to-many writes recorded some of their own, which give way to it).
    for model in [Laureate, Membership, Source, Organisation, ProgrammeFigure]:
        assert model.history.count() == model.objects.count(), model
        assert set(model.history.values_list("history_type", "history_change_reason")) == {
            ("+", "Données initiales")
        }
    for laureate in Laureate.objects.all():
        latest = laureate.history.latest()
        assert {sector.sector_id for sector in latest.sectors.all()} == set(
            laureate.sectors.values_list("pk", flat=True)
        )


def test_the_change_log_starts_empty_after_the_load(real_data, settings):
    """`make run` loads data, which is not a change: /journal/ and its feed say nothing yet,
    and the first edit of a figure shows its value before."""
    from django.test import Client

    settings.PAGE_CACHE_ENABLED = False
    client = Client()
    page = client.get("/journal/").content.decode()
    assert page.count('class="journal-entry"') == 0
    assert "Aucun changement public à montrer." in page
    assert "<entry>" not in client.get("/journal/flux.atom").content.decode()
    figure = ProgrammeFigure.objects.get(key="laureates")
    figure.value = 63
    figure.save()
    page = client.get("/journal/").content.decode()
    assert page.count('class="journal-entry"') == 1
    assert "62" in page and "63" in page


@pytest.mark.parametrize("how", ["save", "admin"])
def test_the_first_edit_of_a_shipped_laureate_shows_its_summary_before_and_after(
    real_data, staff_client, settings, how
):
    """After `make run`, a summary changed at once in the admin or with save(): /journal/ and
    the fiche's history show the change with its values, not a publication (issue 21)."""
    from django.utils.text import Truncator

    from .test_journal_loaded_data import edit_in_the_admin, edit_with_save, public_log

    settings.PAGE_CACHE_ENABLED = False
    laureate = Laureate.objects.published().order_by("pk").first()
    before = Truncator(laureate.summary).chars(160) if laureate.summary else "non renseigné"
    edit = edit_in_the_admin if how == "admin" else edit_with_save
    edit(staff_client, laureate, "Résumé modifié pour l'essai")
    for page in public_log(laureate.slug):
        assert f"Résumé : {before} → Résumé modifié pour l'essai" in page
        assert "publiée" not in page


def test_regions_have_their_insee_codes(real_data):
    assert Region.objects.get(pk="27").name == "Bourgogne-Franche-Comté"
    assert Region.objects.get(pk="06").name == "Mayotte"
    assert Region.objects.get(pk="94").name == "Corse"


def test_every_laureate_has_a_lead_and_a_source(real_data):
    for laureate in Laureate.objects.all():
        assert laureate.lead is not None, laureate
        assert laureate.sources.exists(), laureate


def test_every_figure_has_a_source(real_data):
    for figure in ProgrammeFigure.objects.all():
        assert figure.sources.exists(), figure


def test_amounts_are_the_published_ones(real_data):
    laureate = Laureate.objects.get(slug="nid-ai-e")
    assert (laureate.total_cost, laureate.state_aid) == (6_928_135, 4_849_695)
    assert laureate.status == Laureate.Status.RETAINED


def test_cumulative_state_aid_adds_granted_amounts_only(real_data):
    # e-deffinum's 5,398,685 € is the amount it requested (its data_note and source say so),
    # for a project redirected to another programme: it is shown apart, never added.
    assert Laureate.objects.get(slug="e-deffinum").state_aid_kind == "demandee"
    totals = LaureateStatistics(Laureate.objects.published()).totals
    assert totals["total_aid"] == 4_849_695 + 3_560_739 == 8_410_434
    assert totals["total_requested_aid"] == 5_398_685


def test_ccca_btp_project_is_national_construction_and_redirected(real_data):
    laureate = Laureate.objects.get(slug="creer-innover-hybrider-metiers-batiment")
    assert laureate.scope == Laureate.Scope.NATIONAL
    assert list(laureate.sectors.values_list("slug", flat=True)) == ["construction-btp"]
    assert laureate.status == Laureate.Status.REDIRECTED
    assert laureate.total_cost is None and laureate.state_aid is None


def test_loading_twice_keeps_what_an_admin_changed(real_data, facts):
    Laureate.objects.filter(slug="e-deffinum").update(summary="Corrigé par un administrateur")
    call_command("load_real_data", verbosity=0)
    assert Laureate.objects.get(slug="e-deffinum").summary == "Corrigé par un administrateur"
    assert Laureate.objects.count() == len(facts["laureates"])


def test_loaded_laureates_have_their_derived_columns(real_data):
    from .test_facet_columns import assert_columns_follow_the_rows

    assert_columns_follow_the_rows()


def test_check_derived_finds_nothing_to_rewrite_in_the_real_data(real_data):
    out = io.StringIO()
    call_command("check_derived", stdout=out)
    assert out.getvalue().startswith("Toutes les colonnes dérivées sont à jour")


def test_fixtures_reload_without_duplicates(real_data, facts):
    laureates, organisations = Laureate.objects.count(), Organisation.objects.count()
    call_command("load_real_data", "--force", verbosity=0)
    assert Laureate.objects.count() == laureates == len(facts["laureates"])
    assert Organisation.objects.count() == organisations


def test_no_synthetic_record_in_the_fixtures():
    for path in FIXTURES.glob("*.json"):
        for record in json.loads(path.read_text()):
            assert not record["fields"].get("is_synthetic"), path


# The fixtures against the public facts ------------------------------------------------------


def test_every_sourced_laureate_is_shipped_and_nothing_else(real_data, facts):
    assert Laureate.objects.count() == len(facts["laureates"])
    leads = Membership.objects.filter(role=Membership.Role.LEAD)
    assert sorted(leads.values_list("organisation__name", flat=True)) == sorted(
        fact["lead"]["name"] for fact in facts["laureates"]
    )
    members = {fact["lead"]["name"] for fact in facts["laureates"]} | {
        member["name"] for fact in facts["laureates"] for member in fact["members"]
    }
    assert set(Organisation.objects.values_list("name", flat=True)) == members


def test_each_laureate_says_what_its_sources_say(real_data, facts):
    for fact in facts["laureates"]:
        laureate = laureate_of(fact)
        if fact["name"]:
            assert laureate.name == fact["name"]
        assert (laureate.total_cost, laureate.state_aid) == (
            fact["total_cost_eur"],
            fact["state_aid_eur"],
        ), laureate
        partners = laureate.memberships.filter(role=Membership.Role.PARTNER)
        assert sorted(partners.values_list("organisation__name", flat=True)) == sorted(
            member["name"] for member in fact["members"]
        ), laureate
        sources = fact["sources"] + [
            url for member in fact["members"] for url in member.get("sources", [])
        ]
        assert set(laureate.sources.values_list("url", flat=True)) == set(sources), laureate
        assert sorted(laureate.sectors.values_list("name", flat=True)) == sorted(fact["sectors"]), (
            laureate
        )


def test_figures_are_the_published_ones(real_data, facts):
    for fact in facts["programme"]["figures"]:
        figure = ProgrammeFigure.objects.get(key=fact["key"])
        assert figure.display_value == fact["value"], fact["key"]
        urls = {url for url in fact["sources"] if url.startswith("https://")}
        assert urls <= set(figure.sources.values_list("url", flat=True)), fact["key"]
        if len(urls) < len(fact["sources"]):  # a document offline, cited by its title
            assert figure.sources.filter(url="").exclude(title="").exists(), fact["key"]
    by_sector = facts["programme"]["laureates_by_sector"]["counts"]
    shipped = ProgrammeFigure.objects.filter(sector__isnull=False)
    assert {figure.sector.name: figure.display_value for figure in shipped} == by_sector


# The shipped data as the pages show it --------------------------------------------------------


def test_home_counts_the_entered_laureates_against_the_announced_ones(client, real_data, facts):
    body = text(client.get(reverse("laureats:home")))
    entered = len(facts["laureates"])
    assert re.search(rf"<strong>{entered} / 62</strong>\s*lauréats saisis", body)
    assert "travail-emploi.gouv.fr" in body
    assert "100 M€" in body
    assert "70 %" in body
    building = sum("Construction (BTP)" in fact["sectors"] for fact in facts["laureates"])
    assert (
        '<a href="/laureats/?secteur=construction-btp">Construction (BTP) '
        f'<span class="count">{building} lauréat{"s" if building > 1 else ""}</span></a>'
    ) in body


def test_each_published_sector_count_says_how_many_are_not_entered(client, real_data, facts):
    # Issue 23: "8 lauréats Santé et social annoncés, 0 saisi sur ce portail", for every sector
    # whose count the sources publish, on the home page and on the list filtered by it.
    published = facts["programme"]["laureates_by_sector"]["counts"]
    home = re.sub(r"\s+", " ", text(client.get(reverse("laureats:home"))))
    sectors = {sector.name: sector.slug for sector in Sector.objects.all()}
    for name, announced in published.items():
        entered = sum(name in fact["sectors"] for fact in facts["laureates"])
        if entered >= announced:
            continue
        saisi = "saisis" if entered > 1 else "saisi"
        sentence = f"{announced} lauréats {name} annoncés, {entered} {saisi} sur ce portail"
        assert sentence in home
        listed = text(client.get(reverse("laureats:laureate-list") + f"?secteur={sectors[name]}"))
        assert sentence in re.sub(r"\s+", " ", listed)


def test_list_shows_every_laureate_with_its_lead(client, real_data, facts):
    body = text(client.get(reverse("laureats:laureate-list")))
    entered = len(facts["laureates"])
    assert f"{entered} lauréats trouvés" in body
    assert re.search(rf"<strong>{entered} / 62</strong>\s*lauréats saisis", body)
    for fact in facts["laureates"]:
        assert fact["lead"]["name"] in body


def test_ccca_btp_page_shows_its_members_sources_and_status(client, real_data):
    laureate = Laureate.objects.get(slug="creer-innover-hybrider-metiers-batiment")
    body = text(client.get(laureate.get_absolute_url()))
    assert "Créer, innover pour hybrider dans les métiers du bâtiment" in body
    assert "Porteur" in body and "CCCA-BTP" in body
    assert "Partenaire" in body and "CFA du Bâtiment Provence-Alpes-Côte d'Azur" in body
    assert "branche, OPCO ou organisation professionnelle" in body
    assert "https://www.batiweb.com/" in body
    assert "Construction (BTP)" in body
    assert "réorienté vers l'AMI" in body
    members = body[body.index('id="members-title"') :]
    assert members.index("CCCA-BTP</a>") < members.index("CFA du Bâtiment Provence")
    assert members.index("<h3>Porteur</h3>") < members.index("<h3>Partenaire</h3>")


def test_nid_ai_e_page_shows_its_amounts_and_what_is_unknown(client, real_data):
    body = text(client.get(reverse("laureats:laureate-detail", args=["nid-ai-e"])))
    # Partners, sectors, scope, description..., gathered as links to fill them in, most
    # important first (its lead is known).
    assert re.search(r"Pas encore renseigné :</strong>\s*<a[^>]*champ=members", body)
    assert "champ=scope" in body and "champ=description" in body
    assert "6\xa0928\xa0135 €" in body
    assert "4\xa0849\xa0695 €" in body
    assert "70,0 %" in body


def test_e_deffinum_page_says_its_aid_was_only_requested(client, real_data):
    body = text(client.get(reverse("laureats:laureate-detail", args=["e-deffinum"])))
    assert "montant demandé" in body


def test_statistics_show_the_official_figures_with_their_sources_and_notes(
    client, real_data, facts
):
    response = client.get(reverse("laureats:statistics"))
    body = text(response)
    assert "12 selon les sources de presse spécialisée" in body
    assert "https://travail-emploi.gouv.fr/" in body
    official = {row.value: row.count for row in response.context["official"]["sectors"].rows}
    assert official["sante-social"] == 8
    by_name = facts["programme"]["laureates_by_sector"]["counts"]
    assert sum(official.values()) == sum(by_name.values())
    rows = client.get(reverse("laureats:statistics-csv", args=["filieres-officielles"]))
    assert rows.status_code == 200
    assert "sante-social,Santé et social,8" in rows.content.decode()


def test_real_data_validates_against_the_data_package(client, real_data, settings, tmp_path):
    settings.PAGE_CACHE_ENABLED = False
    descriptor = client.get(reverse("laureats:datapackage")).json()
    for resource in descriptor["resources"]:
        response = client.get(resource["path"])
        body = b"".join(response.streaming_content) if response.streaming else response.content
        (tmp_path / f"{resource['name']}.csv").write_bytes(body)
        resource["path"] = f"{resource['name']}.csv"

    report = frictionless.Package(descriptor, basepath=str(tmp_path)).validate()

    assert report.valid, report.flatten(["rowNumber", "fieldName", "type", "note"])
    assert report.tasks[0].stats["rows"] == Laureate.objects.published().count()


def test_the_shipped_import_template_imports_cleanly(reference_data, tmp_path):
    """fixtures/laureats-modele.csv, the file the README offers as a model, imports as it is:
    one laureate created per row, however many rows it holds."""
    template = settings.BASE_DIR / "fixtures" / "laureats-modele.csv"
    rows = list(csv.DictReader(template.open(encoding="utf-8")))
    out = io.StringIO()
    call_command("import_laureates", str(template), "--dry-run", stdout=out)
    assert f"{len(rows)} lauréat(s) créé(s)" in out.getvalue()


@pytest.mark.parametrize(
    ("query", "name"),
    [
        ("besancon", "GIP Formation tout au long de la vie (FTLV) de l'académie de Besançon"),
        ("batiment", "CFA du Bâtiment Provence-Alpes-Côte d'Azur"),
        ("franche comte", "(Creps) de Bourgogne-Franche-Comté"),
    ],
)
def test_organisation_search_finds_the_shipped_organisations_without_accents(
    real_data, client, query, name
):
    # The searches, on organisations that loaddata saved raw.
    page = text(client.get(reverse("laureats:organisation-list"), {"q": query}))
    assert name in page
