import pytest
from django.core.management import CommandError
from django.urls import reverse

from laureats.models import Laureate, Membership, Organisation

from .import_rows import HEADER, csv_line, run_import, write

pytestmark = pytest.mark.django_db


def test_valid_file_creates_laureates_members_and_sources(reference_data, tmp_path):
    run_import(write(tmp_path, csv_line(), csv_line(slug="autre", nom="Autre projet", membres="")))
    laureate = Laureate.objects.get(slug="projet-sante")
    assert laureate.scope == "interregionale"
    assert sorted(laureate.regions.values_list("code", flat=True)) == ["27", "84"]
    assert laureate.lead.name == "CFA de test"
    assert laureate.memberships.count() == 2
    assert laureate.sources.get().title == "Un article"
    assert Laureate.objects.count() == 2
    assert "cfa de test" in laureate.search_document


def test_reimport_updates_instead_of_duplicating(reference_data, tmp_path):
    run_import(write(tmp_path, csv_line()))
    run_import(write(tmp_path, csv_line(nom="Projet santé renommé", aide_etat_eur="600000")))
    assert Laureate.objects.count() == 1
    assert Organisation.objects.count() == 2
    laureate = Laureate.objects.get()
    assert laureate.name == "Projet santé renommé"
    assert laureate.state_aid == 600_000


def test_reimport_can_swap_lead_and_partner(reference_data, tmp_path):
    run_import(write(tmp_path, csv_line()))
    swapped = "partenaire:cfa::CFA de test | porteur:laboratoire:732829320:Laboratoire de test"
    run_import(write(tmp_path, csv_line(membres=swapped)))
    assert Laureate.objects.get().lead.name == "Laboratoire de test"
    assert Membership.objects.count() == 2


def test_organisations_are_matched_by_siren(reference_data, tmp_path):
    run_import(write(tmp_path, csv_line()))
    renamed = "partenaire:laboratoire:732829320:Labo (nouveau nom)"
    run_import(write(tmp_path, csv_line(slug="deuxieme", membres=renamed)))
    assert Organisation.objects.filter(siren="732829320").count() == 1


def test_file_with_several_errors_reports_all_and_writes_nothing(reference_data, tmp_path, capsys):
    path = write(
        tmp_path,
        csv_line(),
        csv_line(slug="b", secteurs="inconnue"),
        csv_line(slug="c", regions="99"),
        csv_line(slug="d", aide_etat_eur="800000"),
        csv_line(slug="e", membres="porteur:cfa::A | porteur:cfa::B"),
        csv_line(slug="f", statut="gagne", date_debut="2023-13-01"),
    )
    with pytest.raises(CommandError, match="rien n'a été importé"):
        run_import(path)
    errors = capsys.readouterr().err
    assert "ligne 3, colonne « secteurs » : « inconnue » n'est pas une valeur permise" in errors
    assert "ligne 4, colonne « regions » : « 99 » n'est pas une valeur permise" in errors
    assert "ligne 5, colonne « aide_etat_eur »" in errors and "70 %" in errors
    assert "ligne 6, colonne « membres » : deux porteurs" in errors
    assert "ligne 7, colonne « statut »" in errors
    assert "ligne 7, colonne « date_debut »" in errors
    assert Laureate.objects.count() == 0
    assert Organisation.objects.count() == 0


def test_columns_needed_to_create_a_laureate_are_named(reference_data, tmp_path, capsys):
    path = write(tmp_path, '"x","Nom"', header="slug,nom")
    with pytest.raises(CommandError):
        run_import(path)
    assert "ligne 2, colonne « statut » : colonne absente du fichier" in capsys.readouterr().err


def test_undecodable_bytes_are_reported(reference_data, tmp_path, capsys):
    path = tmp_path / "l.csv"
    path.write_bytes(HEADER.encode() + b"\n" + csv_line(nom="Projet \x81").encode("latin-1"))
    with pytest.raises(CommandError):
        run_import(path)
    assert "UTF-8" in capsys.readouterr().err
    assert Laureate.objects.count() == 0


def test_bad_siren_and_unknown_kind_are_reported(reference_data, tmp_path, capsys):
    path = write(tmp_path, csv_line(membres="porteur:inconnu:123456789:Orga"))
    with pytest.raises(CommandError):
        run_import(path)
    errors = capsys.readouterr().err
    assert (
        "« inconnu » n'est pas une valeur permise. Valeurs permises : cfa ; organisme-public"
        in errors
    )
    assert "clé de contrôle" in errors


def test_duplicate_slug_in_file_is_reported(reference_data, tmp_path, capsys):
    with pytest.raises(CommandError):
        run_import(write(tmp_path, csv_line(), csv_line()))
    assert "« projet-sante » figure déjà ligne 2" in capsys.readouterr().err


def test_dry_run_writes_nothing(reference_data, tmp_path, capsys):
    run_import(write(tmp_path, csv_line()), "--dry-run")
    assert "Simulation" in capsys.readouterr().out
    assert Laureate.objects.count() == 0
    assert Organisation.objects.count() == 0


def test_empty_file_is_reported(reference_data, tmp_path, capsys):
    path = tmp_path / "vide.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError):
        run_import(path)
    assert "vide" in capsys.readouterr().err


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Impossible de lire"):
        run_import(tmp_path / "absent.csv")


def test_aid_kind_is_read_by_identifier_or_label_and_empty_means_granted(reference_data, tmp_path):
    run_import(
        write(
            tmp_path,
            csv_line(slug="demandee", nature_aide="Demandée"),
            csv_line(slug="accordee", nature_aide="accordee"),
            csv_line(slug="vide", nature_aide=""),
        )
    )
    kinds = dict(Laureate.objects.values_list("slug", "state_aid_kind"))
    assert kinds == {"demandee": "demandee", "accordee": "accordee", "vide": "accordee"}


def test_file_without_aid_kind_column_keeps_it(reference_data, tmp_path):
    run_import(write(tmp_path, csv_line(nature_aide="demandee")))
    write(
        tmp_path, "projet-sante,Projet santé,retenu,600000", header="slug,nom,statut,aide_etat_eur"
    )
    run_import(tmp_path / "laureats.csv")
    laureate = Laureate.objects.get()
    assert (laureate.state_aid, laureate.state_aid_kind) == (600_000, "demandee")


def test_unknown_aid_kind_lists_the_allowed_values(reference_data, tmp_path, capsys):
    with pytest.raises(CommandError):
        run_import(write(tmp_path, csv_line(nature_aide="promise")))
    err = capsys.readouterr().err
    assert "« promise »" in err
    assert "accordee" in err and "demandee" in err
    assert not Laureate.objects.exists()


def test_imported_member_is_found_by_the_list_search(reference_data, tmp_path, client):
    run_import(write(tmp_path, csv_line(membres="porteur:cfa::Compagnons du Tour de Loire")))
    response = client.get(reverse("laureats:laureate-list"), {"q": "Compagnons Loire"})
    assert [laureate.slug for laureate in response.context["page_obj"]] == ["projet-sante"]


def test_imported_laureate_history_shows_its_sectors_and_regions_change(
    staff_client, reference_data, tmp_path
):
    # The import writes in bulk and records the history itself: one entry per laureate
    # written, carrying its sectors and regions as the import leaves them.
    run_import(write(tmp_path, csv_line()))
    laureate = Laureate.objects.get(slug="projet-sante")
    created = laureate.history.get()
    assert created.history_type == "+"
    assert [s.sector.slug for s in created.sectors.all()] == ["sante-social"]
    assert sorted(r.region_id for r in created.regions.all()) == ["27", "84"]

    run_import(write(tmp_path, csv_line(secteurs="agriculture", regions="11")))
    changed = laureate.history.latest()
    assert laureate.history.count() == 2
    assert changed.history_type == "~"
    assert {change.field for change in changed.diff_against(created).changes} == {
        "sectors",
        "regions",
    }
    page = staff_client.get(reverse("admin:laureats_laureate_history", args=[laureate.pk]))
    text = page.content.decode()
    for name in ["Santé et social", "Agriculture", "Auvergne-Rhône-Alpes", "Île-de-France"]:
        assert name in text


def test_imported_member_is_found_by_search(client, reference_data, tmp_path):
    run_import(write(tmp_path, csv_line()))
    response = client.get("/laureats/", {"q": "laboratoire"})
    assert [laureate.slug for laureate in response.context["page_obj"]] == ["projet-sante"]


def test_member_and_source_removed_by_import_leave_history_and_search(
    client, reference_data, tmp_path
):
    run_import(write(tmp_path, csv_line()))
    run_import(write(tmp_path, csv_line(membres="porteur:cfa::CFA de test", sources="")))
    laureate = Laureate.objects.get(slug="projet-sante")
    assert list(laureate.memberships.values_list("organisation__name", flat=True)) == [
        "CFA de test"
    ]
    assert not laureate.sources.exists()
    removed = Membership.history.filter(organisation__name="Laboratoire de test")
    assert list(removed.values_list("history_type", flat=True)) == ["-", "+"]
    assert Laureate.history.model.objects.filter(history_type="~").count() == 0
    response = client.get("/laureats/", {"q": "laboratoire"})
    assert list(response.context["page_obj"]) == []
