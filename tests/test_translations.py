"""The English site is complete, and the French catalogue keeps French plural rules.

The catalogues in locale/ are committed, compiled (.mo) included: these tests fail when a string
marked for translation has no English translation, when a .mo lags behind its .po, and when
/en/ pages show French interface text.
"""

import gettext
import shutil
from html import unescape

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from .factories import make_laureate

LOCALE = settings.BASE_DIR / "locale"
# What `make messages` leaves out (Makefile: I18N_IGNORE).
# As the Makefile's I18N_IGNORE: templates/simple_history is the package's own template,
# overridden, whose texts keep the package's translations.
IGNORED = {".venv", "var", "bench", "tests", "locale", "node_modules", "simple_history"}
EXTENSIONS = (".py", ".html", ".txt")


def catalogue(language):
    return polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))


def key(entry):
    return (entry.msgctxt, entry.msgid)


def is_translated(entry):
    if entry.obsolete or entry.fuzzy:
        return False
    if entry.msgid_plural:
        return len(entry.msgstr_plural) == 2 and all(entry.msgstr_plural.values())
    return bool(entry.msgstr)


@pytest.fixture(scope="module")
def extracted(tmp_path_factory):
    """Every string marked for translation in the sources, extracted as `make messages` does.

    makemessages writes into any locale/ folder it finds, so it runs on a copy of the sources:
    run in the project itself, it would merge new strings into the committed catalogues.
    """
    if shutil.which("xgettext") is None:
        pytest.fail(
            "xgettext (GNU gettext) est introuvable : il faut l'installer (apt-get install "
            "gettext) pour vérifier que chaque texte de l'interface est traduit."
        )
    copy = tmp_path_factory.mktemp("sources") / "deffinum"

    def ignore(directory, names):
        return [
            name
            for name in names
            if name in IGNORED
            or name.startswith(".")
            or name == "__pycache__"
            or ("." in name and not name.endswith(EXTENSIONS))
        ]

    shutil.copytree(settings.BASE_DIR, copy, ignore=ignore)
    with pytest.MonkeyPatch.context() as patch, override_settings(LOCALE_PATHS=[copy / "locale"]):
        patch.chdir(copy)
        call_command("makemessages", locale=["en"], verbosity=0)
    return polib.pofile(str(copy / "locale" / "en" / "LC_MESSAGES" / "django.po"))


def test_the_extraction_finds_the_interface_strings(extracted):
    # Guards the guard: an extraction that found nothing would let every test below pass.
    msgids = {entry.msgid for entry in extracted}
    assert len(msgids) > 500
    assert "Aller au contenu" in msgids  # a template
    assert "Type de porteur" in msgids  # Python (filters)
    assert "%(counter)s lauréat trouvé" in msgids  # a plural


def test_every_interface_string_has_an_english_translation(extracted):
    english = {key(entry): entry for entry in catalogue("en")}
    missing = [
        entry.msgid
        for entry in extracted
        if key(entry) not in english or not is_translated(english[key(entry)])
    ]
    assert not missing, (
        f"{len(missing)} texte(s) sans traduction anglaise (ou « fuzzy ») : lancez `make messages`, "
        f"traduisez-les dans locale/en/LC_MESSAGES/django.po, puis `make compile-messages`.\n"
        + "\n".join(missing)
    )


def test_every_interface_string_is_in_the_french_catalogue(extracted):
    # Without its entry, a plural falls back to the English rule: "0 lauréats" instead of
    # "0 lauréat". The French catalogue is the source text itself (`make messages` fills it).
    french = {key(entry): entry for entry in catalogue("fr")}
    missing = [entry.msgid for entry in extracted if key(entry) not in french]
    assert not missing, "Absents du catalogue français (make messages) :\n" + "\n".join(missing)
    for entry in french.values():
        assert is_translated(entry), entry.msgid
        if entry.msgid_plural:
            assert entry.msgstr_plural == {0: entry.msgid, 1: entry.msgid_plural}
        else:
            assert entry.msgstr == entry.msgid


def test_catalogues_declare_their_plural_rules():
    assert catalogue("fr").metadata["Plural-Forms"] == "nplurals=2; plural=(n > 1);"
    assert catalogue("en").metadata["Plural-Forms"] == "nplurals=2; plural=(n != 1);"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_compiled_catalogue_matches_its_source(language):
    """The committed .mo says exactly what the .po says: a newcomer without msgfmt gets it."""
    expected = {}
    for entry in catalogue(language).translated_entries():
        msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        if entry.msgid_plural:
            for index, text in entry.msgstr_plural.items():
                expected[(msgid, int(index))] = text
        else:
            expected[msgid] = entry.msgstr
    with open(LOCALE / language / "LC_MESSAGES" / "django.mo", "rb") as file:
        compiled = gettext.GNUTranslations(file)
    catalog = {msgid: text for msgid, text in compiled._catalog.items() if msgid != ""}
    stale = sorted(str(msgid) for msgid in expected.keys() ^ catalog.keys())
    assert not stale, f"{language}/django.mo à recompiler (make compile-messages) : {stale[:10]}"
    assert catalog == expected, f"{language}/django.mo à recompiler (make compile-messages)"


# What a visitor sees -------------------------------------------------------------------------


def page_text(response):
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_french_says_zero_in_the_singular(client, reference_data):
    html = page_text(client.get("/laureats/?q=aucun+resultat+possible"))
    assert "0 lauréat trouvé" in html
    assert "0 lauréats" not in html
    assert (
        "<title>Lauréats (aucun resultat possible) — 0 résultat — Portail Deffinum</title>" in html
    )


def test_english_list_page_is_in_english(client, reference_data):
    make_laureate(name="Projet Alpha")
    make_laureate(name="Projet Bêta")
    html = page_text(client.get("/en/laureats/"))
    assert '<html lang="en">' in html
    assert "<title>Laureates — 2 results — Deffinum portal</title>" in html
    assert "2 laureates found" in html
    for label in ["Laureates", "Organisations", "Contribute", "Statistics", "Data"]:
        assert f">{label}</a>" in html
    assert 'aria-label="Main navigation"' in html
    assert "Apply filters" in html
    # The French interface is gone; the data stays as entered.
    for french in ["Lauréats</a>", "Appliquer les filtres", "lauréats trouvés", "Affiner"]:
        assert french not in html
    assert "Projet Bêta" in html


def test_english_zero_is_plural(client, reference_data):
    html = page_text(client.get("/en/laureats/?q=no+such+thing"))
    assert "0 laureates found" in html
    assert "No laureate entered on this portal matches these criteria." in html


def test_english_laureate_page_keeps_the_data_as_entered(client, sample_catalogue):
    html = page_text(client.get("/en/laureats/chantier-numerique-fictif/"))
    name = "Chantier numérique fictif"
    assert '<html lang="en">' in html
    assert f"<title>{name} — Deffinum portal</title>" in html
    # As entered, in French, and marked so (issue 23).
    assert f'<h1><span lang="fr">{name}</span></h1>' in html
    assert "At a glance" in html
    assert "Lead organisation" in html
    assert "Réseau fictif des métiers du bâtiment" in html
    assert "En bref" not in html


def test_english_statistics_speak_english_about_amounts(client, reference_data):
    make_laureate(state_aid=700_000, total_cost=1_000_000)
    html = page_text(client.get("/en/statistiques/"))
    assert "€700,000" in html
    assert "Total State aid" in html
    french = page_text(client.get("/statistiques/"))
    assert "700\xa0000 €" in french
