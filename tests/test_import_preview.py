"""The admin import's preview, read as the administrator who must check it before confirming
(issue 23): each new laureate field by field, each change before → after, every removal named
in a warning at the top; the model files to fill in; and a preview whose cost does not grow
with the file."""

import csv
import io
import pickle
import re
from html import unescape
from html.parser import HTMLParser

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from laureats.csv_format import COLUMN_NAMES
from laureats.importer import plan_file
from laureats.models import Laureate, Membership, Sector, Source

from .factories import OrganisationFactory, SourceFactory, make_laureate
from .html_forms import as_post, form_fields, form_with
from .import_rows import current_row, import_row

pytestmark = pytest.mark.django_db

IMPORT = reverse("admin:laureats_laureate_import")
CHANGELIST = reverse("admin:laureats_laureate_changelist")
# The preview of a file, whatever its number of rows: session and user (2), the database's
# state (1, importer/state.py), the plan's reads (sectors and regions, the laureates and each relation the file
# has, the organisations: 8), the sector and region names the page shows (2), the pending
# import kept (clean-up, previous one, insert: 3).
PREVIEW_QUERIES = 16


# Every kind of field the preview shows, over the shared valid row (tests/import_rows.py).
PREVIEW_CELLS = {
    "secteurs": "sante-social|agriculture",
    "regions": "84|27",
    "cout_total_eur": "1 250 000",
    "aide_etat_eur": "800000",
    "nature_aide": "demandee",
    "date_debut": "01/09/2024",
    "date_fin": "2027-08-31",
    "sources": "https://example.org/article Un article | https://example.org/annonce",
    "publie": "non",
}


def new_row(**values):
    return import_row(**{**PREVIEW_CELLS, **values})


def csv_upload(*rows, columns=COLUMN_NAMES):
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n", extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return SimpleUploadedFile("laureats.csv", out.getvalue().encode(), content_type="text/csv")


def words(html):
    """The text a person reads: tags dropped, entities decoded, every space one space."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


class Blocks(HTMLParser):
    """The HTML of each element whose start tag matches `pattern`, by its id (or its role)."""

    def __init__(self, html, pattern):
        super().__init__(convert_charrefs=False)
        self.html, self.pattern, self.found, self.open = html, pattern, {}, []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        text = self.get_starttag_text()
        if re.search(self.pattern, text):
            key = dict(attrs).get("aria-labelledby") or dict(attrs).get("id")
            self.open.append([tag, key, self.position(), 0])
        for block in self.open:
            block[3] += tag == block[0]

    def handle_endtag(self, tag):
        for block in list(self.open):
            if tag == block[0]:
                block[3] -= 1
                if block[3] == 0:
                    self.open.remove(block)
                    self.found[block[1]] = self.html[block[2] : self.position()]

    def position(self):
        line, column = self.getpos()
        return sum(len(text) for text in self.html.splitlines(keepends=True)[: line - 1]) + column


def fields_of(html, slug):
    """{label: text} of a new laureate's list of fields, as the preview shows it."""
    article = Blocks(html, r'class="import-laureate"').found[f"new-{slug}"]
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", article, re.S)
    return {words(label): words(value) for label, value in pairs}


def removals_warning(html):
    found = Blocks(html, r'role="alert"').found
    return words(found["removals-title"]) if "removals-title" in found else None


@pytest.fixture
def consortium(reference_data):
    lead = OrganisationFactory(name="Porteur historique")
    laureate = make_laureate(
        name="Consortium existant",
        slug="consortium",
        status="retenu",
        scope="interregionale",
        total_cost=2_000_000,
        state_aid=1_000_000,
        acronym="CEX",
        sectors=[Sector.objects.get(slug="agriculture"), Sector.objects.get(slug="transports")],
        regions=["84"],
        lead=lead,
        members=[OrganisationFactory(name="Partenaire qui part")],
    )
    SourceFactory(laureate=laureate, url="https://example.org/garde", title="Source gardée")
    SourceFactory(laureate=laureate, url="https://example.org/retiree", title="Article retiré")
    laureate.refresh_from_db()
    return laureate


def test_a_new_laureate_is_shown_field_by_field(staff_client, reference_data):
    response = staff_client.post(IMPORT, {"file": csv_upload(new_row())})
    assert response.status_code == 200
    html = response.content.decode()
    fields = fields_of(html, "projet-sante")
    assert fields["Coût total (€)"] == "1 250 000 €"
    assert fields["Aide de l'État (€)"] == "800 000 €"
    assert fields["Nature de l'aide de l'État"] == "demandée"
    assert fields["Date de début"] == "1 septembre 2024"
    assert fields["Date de fin"] == "31 août 2027"
    assert fields["Filières"] == "Agriculture Santé et social"
    assert "Auvergne-Rhône-Alpes (84)" in fields["Régions couvertes"]
    assert "Bourgogne-Franche-Comté (27)" in fields["Régions couvertes"]
    assert fields["Portée"] == "interrégionale"
    assert fields["Statut"] == "retenu dans Deffinum"
    assert fields["Publié"] == "non"
    assert fields["Membres"] == (
        "CFA de test — porteur, CFA, nouvelle organisation "
        "Laboratoire de test — partenaire, laboratoire de recherche, SIREN 732829320, "
        "nouvelle organisation"
    )
    assert fields["Sources"] == (
        "https://example.org/article — Un article https://example.org/annonce"
    )
    assert '<a href="https://example.org/article" rel="noreferrer">' in html
    assert fields["Acronyme"] == "vide"
    # Nothing is removed from a new laureate: no warning.
    assert removals_warning(html) is None


def test_the_columns_a_file_lacks_are_shown_once_with_their_default(staff_client, reference_data):
    upload = csv_upload(new_row(), new_row(slug="autre"), columns=["slug", "nom", "statut"])
    html = staff_client.post(IMPORT, {"file": upload}).content.decode()
    assert fields_of(html, "projet-sante") == {"Statut": "retenu dans Deffinum"}
    defaults = Blocks(html, r'class="import-defaults"').found[None]
    assert words(defaults).startswith("Colonnes absentes du fichier")
    pairs = re.findall(r"<dt>(.*?)</dt>\s*<dd>(.*?)</dd>", defaults, re.S)
    defaults = {words(label): words(value) for label, value in pairs}
    assert defaults["Publié"] == "oui"
    assert defaults["Membres"] == "vide"
    assert defaults["Nature de l'aide de l'État"] == "accordée"
    assert "Statut" not in defaults
    assert html.count("Colonnes absentes du fichier") == 1


def test_a_new_member_already_known_is_not_called_new(staff_client, reference_data):
    OrganisationFactory(name="CFA de test", kind="cfa", siren="")
    html = staff_client.post(IMPORT, {"file": csv_upload(new_row())}).content.decode()
    members = fields_of(html, "projet-sante")["Membres"]
    assert members.startswith("CFA de test — porteur, CFA Laboratoire de test")


def test_what_the_file_says_is_shown_as_text_never_as_markup(staff_client, consortium):
    new = new_row(
        resume="<script>alert(1)</script>",
        membres="porteur:cfa::<b>CFA</b> & fils",
        sources='https://example.org/a?x=1&y=2 Titre "<i>cité</i>"',
    )
    changed = current_row(consortium) | {"acronyme": "<img src=x>"}
    html = staff_client.post(IMPORT, {"file": csv_upload(new, changed)}).content.decode()
    for markup in ["<script>alert", "<b>CFA", "<i>cité", "<img src=x>"]:
        assert markup not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;CFA&lt;/b&gt; &amp; fils" in html
    assert 'href="https://example.org/a?x=1&amp;y=2"' in html
    assert "&lt;img src=x&gt;" in html


def test_a_changed_laureate_shows_each_field_before_and_after(staff_client, consortium):
    row = current_row(consortium) | {
        "cout_total_eur": "2 400 000",
        "date_debut": "2025-01-15",
        "statut": "reoriente-cma",
        "secteurs": "agriculture|transports|sante-social",
    }
    html = staff_client.post(IMPORT, {"file": csv_upload(row)}).content.decode()
    text = words(html)
    assert "Coût total (€) « 2 000 000 € » → « 2 400 000 € »" in text
    assert "Date de début vide → « 15 janvier 2025 »" in text
    assert "Statut « retenu dans Deffinum » → « réorienté vers l'AMI" in text
    assert "Filières ajouté : Santé et social" in text
    assert removals_warning(html) is None


def test_removals_are_named_in_a_warning_above_the_preview(staff_client, consortium):
    row = current_row(consortium) | {
        "membres": "porteur:cfa::Nouveau porteur",
        "sources": "https://example.org/garde Source gardée",
        "cout_total_eur": "",
        "aide_etat_eur": "",
        "acronyme": "",
        "secteurs": "agriculture",
        "publie": "non",
    }
    response = staff_client.post(IMPORT, {"file": csv_upload(row, new_row())})
    assert response.status_code == 200
    html = response.content.decode()
    warning = removals_warning(html)
    assert warning.startswith("Attention : 9 retraits à vérifier avant de confirmer")
    assert "Consortium existant (consortium, ligne 2)" in warning
    for removal in [
        "Membre retiré : Partenaire qui part (partenaire)",
        "Membre retiré : Porteur historique (porteur)",
        "Porteur remplacé : Porteur historique → Nouveau porteur",
        "Source retirée : https://example.org/retiree « Article retiré »",
        "Champ vidé : Coût total (€) (était : 2 000 000 €)",
        "Champ vidé : Aide de l'État (€) (était : 1 000 000 €)",
        "Champ vidé : Acronyme (était : CEX)",
        "Filière retirée : Transports",
        "Publication retirée : la fiche ne sera plus montrée sur le portail",
    ]:
        assert removal in warning
    assert "Source gardée" not in warning
    # At the top: before the laureates created and changed, as an alert with its heading.
    assert html.index("removals-title") < html.index("created-title")
    assert re.search(
        r'<div class="import-removals" role="alert" aria-labelledby="removals-title">', html
    )

    # What it named is what confirming removes.
    confirm = form_with(html, "confirm")
    assert staff_client.post(IMPORT, as_post(confirm.data(press="confirm"))).status_code == 302
    consortium.refresh_from_db()
    assert consortium.lead.name == "Nouveau porteur"
    assert consortium.memberships.count() == 1
    assert list(Source.objects.filter(laureate=consortium).values_list("title", flat=True)) == [
        "Source gardée"
    ]
    assert (consortium.total_cost, consortium.acronym, consortium.is_published) == (None, "", False)


def test_a_lead_removed_without_a_successor_is_said(staff_client, consortium):
    row = current_row(consortium) | {"membres": "partenaire:autre::Partenaire qui part"}
    warning = removals_warning(
        staff_client.post(IMPORT, {"file": csv_upload(row)}).content.decode()
    )
    assert "Porteur retiré : Porteur historique, sans nouveau porteur" in warning
    assert "Membre retiré : Porteur historique (porteur)" in warning
    assert "Membre retiré : Partenaire qui part" not in warning


def test_a_file_that_only_adds_warns_of_nothing(staff_client, consortium):
    row = current_row(consortium)
    row["membres"] += " | partenaire:autre::Nouveau partenaire"
    row["sources"] += " | https://example.org/nouvelle Nouvelle source"
    html = staff_client.post(IMPORT, {"file": csv_upload(row)}).content.decode()
    assert removals_warning(html) is None
    assert "ajouté : Nouveau partenaire (partenaire)" in words(html)


def test_a_stale_preview_is_shown_again_with_its_fields_and_removals(
    staff_client, consortium, django_user_model
):
    row = current_row(consortium) | {"membres": "porteur:cfa::Porteur historique"}
    first = staff_client.post(IMPORT, {"file": csv_upload(row, new_row())}).content.decode()
    assert "Membre retiré : Partenaire qui part (partenaire)" in removals_warning(first)
    # Meanwhile another administrator changes the laureate's summary in the admin form.
    other = Client()
    other.force_login(django_user_model.objects.create_superuser("b", "b@example.org", "x"))
    url = reverse("admin:laureats_laureate_change", args=[consortium.pk])
    fields = form_fields(other.get(url).content.decode(), form_id="laureate_form")
    assert other.post(url, as_post(fields, summary="Résumé de B.", _save="1")).status_code == 302

    response = staff_client.post(IMPORT, as_post(form_with(first, "confirm").data(press="confirm")))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Nouvel aperçu" in html
    assert "Membre retiré : Partenaire qui part (partenaire)" in removals_warning(html)
    assert fields_of(html, "projet-sante")["Coût total (€)"] == "1 250 000 €"
    assert "Résumé « Résumé de B. » → vide" in words(html)
    assert not Laureate.objects.filter(slug="projet-sante").exists()


def test_a_plan_kept_before_the_warning_existed_still_shows(staff_client, consortium):
    """A plan pickled by the previous version (models.PendingImport) has no `gone` or `lead`
    in its changes; the preview of it must still render."""
    row = current_row(consortium) | {"membres": "porteur:cfa::Porteur historique"}
    plan = plan_file("liste.csv", csv_upload(row).read())
    for change in plan.rows[0].changes:
        del change.gone, change.lead
    plan = pickle.loads(pickle.dumps(plan))
    from laureats.admin.import_preview import Preview

    preview = Preview(plan)
    assert [change.label for change in preview.updated[0].changes] == ["Membres"]
    assert preview.removals == []


# Cost -----------------------------------------------------------------------------------


def mixed_file(count):
    """`count` new laureates and `count` changed ones, each with members, sources, sectors,
    regions and removals: every part of the preview, `count` times."""
    rows = []
    for index in range(count):
        laureate = make_laureate(
            name=f"Existant {index}",
            slug=f"existant-{index}",
            status="retenu",
            total_cost=1_000_000,
            lead=OrganisationFactory(name=f"Porteur {index}"),
            partners=2,
            sources=2,
            regions=["84"],
        )
        rows.append(
            current_row(laureate)
            | {"cout_total_eur": "", "membres": f"porteur:cfa::Autre porteur {index}"}
        )
        rows.append(
            new_row(
                slug=f"nouveau-{index}",
                nom=f"Nouveau {index}",
                membres=f"porteur:cfa::CFA {index} | partenaire:autre::Labo {index}",
            )
        )
    return csv_upload(*rows)


@pytest.mark.parametrize("count", [2, 20])
def test_the_preview_costs_the_same_whatever_the_file_size(
    staff_client, reference_data, count, django_assert_num_queries
):
    upload = mixed_file(count)
    with django_assert_num_queries(PREVIEW_QUERIES):
        response = staff_client.post(IMPORT, {"file": upload})
    preview = response.context["preview"]
    assert (len(preview.created), len(preview.updated)) == (count, count)
    assert len(preview.removals) == count
    assert Membership.objects.count() == 3 * count
