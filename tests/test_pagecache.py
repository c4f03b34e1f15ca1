"""The page cache (deffinum/pagecache/) on the portal's pages: anonymous pages come from it, any
committed data write invalidates it, the key is the canonical request, validators."""

import ast
import io
import json
from html import unescape

import pytest
from django.conf import settings
from django.contrib import messages
from django.contrib.messages.middleware import MessageMiddleware
from django.core.cache import cache
from django.core.management import call_command
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse, StreamingHttpResponse
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from deffinum.pagecache import middleware as page_cache
from deffinum.pagecache import versions
from deffinum.pagecache.local import LocalPages
from laureats.importer import apply_plan, plan_file
from laureats.models import Laureate, Membership, Proposal

from .factories import LaureateFactory, OrganisationFactory, make_laureate
from .test_admin import laureate_form_data

pytestmark = pytest.mark.django_db

LIST = "/laureats/"


def text(response):
    return unescape(response.content.decode())


def rendered(response):
    """Whether the view ran (templates rendered) rather than the cache answering."""
    return bool(response.templates)


@pytest.fixture
def anonymous():
    return Client()


# Served from the cache ----------------------------------------------------------------------


def test_second_anonymous_request_is_served_from_the_cache(
    anonymous, sample_catalogue, django_assert_num_queries
):
    first = anonymous.get(LIST)
    assert first.status_code == 200 and rendered(first)
    with django_assert_num_queries(0):
        second = anonymous.get(LIST)
    assert second.status_code == 200
    assert not rendered(second)
    assert second.content == first.content
    assert second["Content-Type"] == first["Content-Type"]


@pytest.mark.parametrize(
    "url",
    [
        "/",
        "/laureats/?secteur=construction-btp&portee=nationale",
        "/laureats/?q=formation",
        "/laureats/chantier-numerique-fictif/",
        "/organisations/",
        "/organisations/cfa-fictif-deux-rives/",
    ],
)
def test_every_public_page_is_cached(anonymous, sample_catalogue, django_assert_num_queries, url):
    assert anonymous.get(url).status_code == 200
    with django_assert_num_queries(0):
        assert anonymous.get(url).status_code == 200


def test_head_is_answered_from_the_cache(anonymous, sample_catalogue, django_assert_num_queries):
    anonymous.get(LIST)
    with django_assert_num_queries(0):
        response = anonymous.head(LIST)
    assert response.status_code == 200


def test_the_key_holds_the_whole_query_string(anonymous, reference_data):
    make_laureate(name="Projet du bâtiment", sectors=[], scope=Laureate.Scope.NATIONAL)
    make_laureate(name="Projet interrégional", scope=Laureate.Scope.INTERREGIONAL)
    national = text(anonymous.get(LIST + "?portee=nationale"))
    interregional = text(anonymous.get(LIST + "?portee=interregionale"))
    assert "Projet du bâtiment" in national and "Projet interrégional" not in national
    assert "Projet interrégional" in interregional and "Projet du bâtiment" not in interregional
    # Served again from the cache, each keeps its own content.
    again = anonymous.get(LIST + "?portee=nationale")
    assert not rendered(again)
    assert "Projet interrégional" not in text(again)


def test_the_key_holds_the_language(anonymous, sample_catalogue):
    french = anonymous.get(LIST)
    english = anonymous.get("/en" + LIST)
    assert '<html lang="fr"' in text(french)
    assert '<html lang="en"' in text(english)
    assert '<html lang="en"' in text(anonymous.get("/en" + LIST))
    assert '<html lang="fr"' in text(anonymous.get(LIST))

    factory = RequestFactory()
    request = factory.get(LIST + "?page=1")
    assert page_cache.page_key(request, "fr") != page_cache.page_key(request, "en")
    assert page_cache.page_key(request, "fr") != page_cache.page_key(
        factory.get(LIST + "?page=2"), "fr"
    )


# Invalidation -------------------------------------------------------------------------------


def test_an_admin_edit_shows_on_the_next_public_request(staff_client, reference_data):
    anonymous = Client()
    laureate = LaureateFactory(name="Ancien nom")
    detail = laureate.get_absolute_url()
    assert "Ancien nom" in text(anonymous.get(LIST))
    assert "Ancien nom" in text(anonymous.get(detail))
    assert not rendered(anonymous.get(LIST))

    data = laureate_form_data(laureate, [(OrganisationFactory(), Membership.Role.LEAD)])
    data["name"] = "Nouveau nom"
    response = staff_client.post(
        reverse("admin:laureats_laureate_change", args=[laureate.pk]), data
    )
    assert response.status_code == 302

    for url in [LIST, detail]:
        page = text(anonymous.get(url))
        assert "Nouveau nom" in page and "Ancien nom" not in page


def test_loading_a_fixture_invalidates(anonymous, sample_catalogue, tmp_path):
    laureate = Laureate.objects.get(slug="soins-connectes-fictifs")
    assert laureate.name in text(anonymous.get(LIST))
    fixture = tmp_path / "renamed.json"
    call_command("dumpdata", "laureats.laureate", pks=str(laureate.pk), output=str(fixture))
    records = json.loads(fixture.read_text())
    records[0]["fields"]["name"] = "Nom venu d'une fixture"
    fixture.write_text(json.dumps(records))

    call_command("loaddata", str(fixture), verbosity=0)

    assert "Nom venu d'une fixture" in text(anonymous.get(LIST))


def test_an_import_invalidates(anonymous, reference_data, tmp_path):
    target = tmp_path / "liste.csv"
    target.write_text(import_text(), encoding="utf-8")
    call_command("import_laureates", str(target), stdout=io.StringIO())
    assert "Projet importé 0" in text(anonymous.get(LIST))
    target.write_text(import_text().replace("Projet importé 0", "Nom venu d'une importation"))

    call_command("import_laureates", str(target), stdout=io.StringIO())

    assert "Nom venu d'une importation" in text(anonymous.get(LIST))


def test_a_bulk_update_without_signals_invalidates(anonymous, sample_catalogue):
    anonymous.get(LIST)
    Laureate.objects.filter(slug="soins-connectes-fictifs").update(is_published=False)
    page = anonymous.get(LIST)
    assert rendered(page)
    assert "soins-connectes-fictifs" not in text(page)


def version_writes(queries):
    return [q for q in queries.captured_queries if "pagecache_dataversion" in q["sql"]]


def test_one_transaction_rewrites_the_version_once(db):
    before = versions.read_version()
    with CaptureQueriesContext(connection) as queries, transaction.atomic():
        LaureateFactory()
        LaureateFactory()
    # One new version per transaction, however many writes it holds.
    assert len(version_writes(queries)) == 1
    assert versions.read_version() != before


def test_migrate_invalidates(sample_catalogue):
    before = versions.read_version()
    call_command("migrate", "laureats", verbosity=0)
    assert versions.read_version() != before


def test_a_public_proposal_does_not_empty_the_cache(anonymous, sample_catalogue):
    anonymous.get(LIST)
    Proposal.objects.create(
        kind=Proposal.Kind.NEW_LAUREATE,
        field=Proposal.Field.NAME,
        value="Un projet proposé",
        source_url="https://example.org/source",
    )
    assert not rendered(anonymous.get(LIST))


# Who is never served from the cache ----------------------------------------------------------


def test_logged_in_staff_always_get_a_fresh_page(staff_client, sample_catalogue):
    anonymous = Client()
    anonymous.get(LIST)
    response = staff_client.get(LIST)
    assert response.status_code == 200 and rendered(response)
    assert "private" in response["Cache-Control"]
    # The staff page is not stored in place of the public one either.
    assert not rendered(anonymous.get(LIST))


def signed_messages_cookie(*texts, settings):
    """The messages cookie as Django's cookie storage writes it for a view adding messages."""
    settings.MESSAGE_STORAGE = "django.contrib.messages.storage.cookie.CookieStorage"

    def view(request):
        for message in texts:
            messages.success(request, message)
        return HttpResponse()

    response = MessageMiddleware(view)(RequestFactory().get("/"))
    return response.cookies["messages"].value


def test_flash_messages_are_never_served_from_the_cache(anonymous, sample_catalogue, settings):
    anonymous.get(LIST)
    anonymous.cookies["messages"] = signed_messages_cookie(
        "Proposition envoyée.", settings=settings
    )
    page = anonymous.get(LIST)
    assert rendered(page)
    assert "Proposition envoyée." in text(page)


@pytest.mark.parametrize("junk", ["quelque chose", "e30:1tFake:forged-signature", ""])
def test_a_messages_cookie_without_a_valid_message_is_served_from_the_cache(
    anonymous, sample_catalogue, django_assert_num_queries, junk
):
    anonymous.get(LIST)
    anonymous.cookies["messages"] = junk
    with django_assert_num_queries(0):
        page = anonymous.get(LIST)
    assert page.status_code == 200 and not rendered(page)


@pytest.mark.parametrize("name", ["laureats:contribute", "admin:login"])
def test_forms_and_the_admin_are_never_cached(anonymous, sample_catalogue, name):
    url = reverse(name)
    first = anonymous.get(url)
    assert first.status_code == 200
    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert rendered(anonymous.get(url))


def test_errors_are_not_cached(anonymous, reference_data):
    url = reverse("laureats:laureate-detail", kwargs={"slug": "pas-encore"})
    assert anonymous.get(url).status_code == 404
    LaureateFactory(slug="pas-encore", name="Arrivé après")
    assert "Arrivé après" in text(anonymous.get(url))


# Validators and headers -----------------------------------------------------------------------


def test_a_matching_etag_gets_304_without_rendering_or_queries(
    anonymous, sample_catalogue, django_assert_num_queries
):
    first = anonymous.get(LIST)
    assert first["ETag"]
    with django_assert_num_queries(0):
        response = anonymous.get(LIST, headers={"if-none-match": first["ETag"]})
    assert response.status_code == 304
    assert not rendered(response)
    assert response.content == b""
    assert response["ETag"] == first["ETag"]


def test_a_matching_date_gets_304_and_an_edit_gives_the_page_again(anonymous, sample_catalogue):
    first = anonymous.get(LIST)
    since = {"if-modified-since": first["Last-Modified"]}
    assert anonymous.get(LIST, headers=since).status_code == 304
    etag = {"if-none-match": first["ETag"]}
    make_laureate(name="Lauréat ajouté")
    again = anonymous.get(LIST, headers=etag)
    assert again.status_code == 200
    assert "Lauréat ajouté" in text(again)


def test_public_pages_let_browsers_and_proxies_revalidate(anonymous, sample_catalogue):
    for response in [anonymous.get(LIST), anonymous.get(LIST)]:
        assert response["Cache-Control"] == "public, max-age=0, must-revalidate"
        assert response["ETag"] and response["Last-Modified"]


def test_security_headers_are_on_cached_pages(anonymous, sample_catalogue):
    first = anonymous.get(LIST)
    cached = anonymous.get(LIST)
    assert not rendered(cached)
    expected = ["X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options"]
    if "csp.middleware.CSPMiddleware" in settings.MIDDLEWARE:
        expected.append("Content-Security-Policy")
    for header in expected:
        assert first.has_header(header), header
        assert cached[header] == first[header], header


def test_the_cache_can_be_turned_off(anonymous, sample_catalogue, settings):
    settings.PAGE_CACHE_ENABLED = False
    anonymous.get(LIST)
    response = anonymous.get(LIST)
    assert rendered(response)
    assert response["ETag"]
    assert anonymous.get(LIST, headers={"if-none-match": response["ETag"]}).status_code == 304


# Responses the middleware meets, whatever view sent them ---------------------------------------


def through_middleware(response_factory, path=LIST, **headers):
    """Two requests through the middleware alone: the second says whether the first was kept."""
    calls = []

    def view(request):
        calls.append(request)
        return response_factory()

    middleware = page_cache.PageCacheMiddleware(view)
    factory = RequestFactory()
    first = middleware(factory.get(path, headers=headers))
    second = middleware(factory.get(path, headers=headers))
    return first, second, len(calls)


def csv_stream(rows):
    return lambda: StreamingHttpResponse(
        (f"ligne {index}\n".encode() for index in range(rows)), content_type="text/csv"
    )


def test_a_short_stream_is_kept_whole():
    first, second, calls = through_middleware(csv_stream(100), "/laureats/export.csv")
    assert calls == 1
    assert not first.streaming and first.content.count(b"\n") == 100
    assert second.content == first.content
    assert second["Content-Length"] == str(len(second.content))


def test_a_long_stream_streams_on_uncached(settings):
    settings.PAGE_CACHE_MAX_BYTES = 1000
    first, second, calls = through_middleware(csv_stream(5000), "/laureats/export.csv")
    assert calls == 2
    assert first.streaming and second.streaming
    assert b"".join(first.streaming_content).count(b"\n") == 5000
    # Unchanged data: the download is not sent again to whoever has it.
    etag = second["ETag"]
    middleware = page_cache.PageCacheMiddleware(csv_stream(5000))
    request = RequestFactory().get("/laureats/export.csv", headers={"if-none-match": etag})
    assert middleware(request).status_code == 304


def cookie_setting():
    response = HttpResponse("page")
    response.set_cookie("suivi", "1")
    return response


def varying_on_user_agent():
    response = HttpResponse("page")
    response["Vary"] = "User-Agent"
    return response


@pytest.mark.parametrize(
    "response_factory",
    [cookie_setting, varying_on_user_agent, lambda: HttpResponse("page", status=201)],
)
def test_responses_that_may_differ_between_visitors_are_not_kept(response_factory):
    _, _, calls = through_middleware(response_factory)
    assert calls == 2


def test_an_unreachable_cache_does_not_fail_the_page(monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("Redis est arrêté")

    monkeypatch.setattr(cache, "get", broken)
    monkeypatch.setattr(cache, "set", broken)
    first, second, calls = through_middleware(lambda: HttpResponse("page"))
    assert first.status_code == second.status_code == 200
    assert calls == 2


def test_watching_writes_ignores_reads_and_private_tables(sample_catalogue):
    before = versions.read_version()
    list(Laureate.objects.all())
    Proposal.objects.count()
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    assert versions.read_version() == before


# The copy each process keeps -------------------------------------------------------------------


@pytest.fixture
def trusted_version(settings):
    """A deployment's setting: the process trusts its copy of the version for a while."""
    settings.PAGE_CACHE_VERSION_TTL = 60
    page_cache.local.clear()
    yield
    page_cache.local.clear()


def test_a_hit_from_the_process_copy_needs_no_round_trip(
    anonymous, sample_catalogue, trusted_version, monkeypatch
):
    anonymous.get(LIST)

    def unreachable(*args, **kwargs):
        raise AssertionError("the shared cache was read")

    monkeypatch.setattr(cache, "get", unreachable)
    monkeypatch.setattr(versions, "read_version", unreachable)
    response = anonymous.get(LIST)
    assert response.status_code == 200 and not rendered(response)


def test_a_write_in_this_process_is_seen_at_once(anonymous, reference_data, trusted_version):
    make_laureate(name="Premier nom")
    assert "Premier nom" in text(anonymous.get(LIST))
    Laureate.objects.update(name="Second nom")
    assert "Second nom" in text(anonymous.get(LIST))


def test_a_write_elsewhere_is_seen_once_the_copy_expires(
    anonymous, sample_catalogue, trusted_version, settings
):
    anonymous.get(LIST)
    # Another worker or instance committed a write: this process's write watcher did not see it.
    with connection.cursor() as cursor:
        cursor.execute("UPDATE pagecache_dataversion SET token = 'ailleurs'")
    assert not rendered(anonymous.get(LIST))
    settings.PAGE_CACHE_VERSION_TTL = 0
    assert rendered(anonymous.get(LIST))


def test_the_process_copy_stays_within_its_size(settings):
    settings.PAGE_CACHE_LOCAL_BYTES = 80_000
    pages = LocalPages()
    version = ("une-version", 0.0)
    for number in range(20):
        pages.put(f"page-{number}", (version[0], 200, {}, b"x" * 5000, '"e"', None, ()))
    assert pages.size <= 80_000
    assert pages.get("page-19", version) and not pages.get("page-0", version)
    pages.put("too-big", (version[0], 200, {}, b"x" * 20_000, '"e"', None, ()))
    assert not pages.get("too-big", version)


# The canonical request ------------------------------------------------------------------------


def test_parameters_a_page_does_not_take_are_answered_but_not_stored(anonymous, sample_catalogue):
    canonical = anonymous.get(LIST)
    for number in range(3):
        page = anonymous.get(LIST + f"?utm_source=x{number}")
        assert page.status_code == 200 and rendered(page)
        assert page["ETag"] and page["Cache-Control"] == "public, max-age=0, must-revalidate"
    again = anonymous.get(LIST + "?utm_source=x0")
    assert rendered(again)
    assert text(again).count("<article") == text(canonical).count("<article")
    request = RequestFactory().get(LIST + "?page=2&utm_source=x")
    assert page_cache.page_key(request, "fr") is None


@pytest.fixture
def stored_keys(monkeypatch):
    """The keys of the pages stored in the shared cache."""
    keys = set()
    store = cache.set

    def spy(key, *args, **kwargs):
        keys.add(key)
        return store(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", spy)
    return keys


def test_stored_pages_are_bounded_by_the_pages_that_exist(anonymous, sample_catalogue, stored_keys):
    for number in range(50):
        anonymous.get(LIST + f"?utm_source=x{number}")
        anonymous.get(LIST + f"?portee=nationale&utm_campaign={number}")
    assert not stored_keys
    anonymous.get(LIST)
    anonymous.get(LIST + "?portee=nationale")
    assert len(stored_keys) == 2


def test_parameters_in_another_order_are_the_same_page(
    anonymous, sample_catalogue, django_assert_num_queries
):
    anonymous.get(LIST + "?secteur=construction-btp&portee=nationale&page=1")
    with django_assert_num_queries(0):
        page = anonymous.get(LIST + "?page=1&portee=nationale&secteur=construction-btp")
    assert page.status_code == 200 and not rendered(page)


def test_the_order_of_one_parameters_values_is_kept():
    # A ChoiceFilter given twice takes the last value: tri=a&tri=b is not tri=b&tri=a.
    names = frozenset({"tri", "secteur"})
    assert page_cache.canonical_query("tri=nom&secteur=a&tri=-aide", names) == (
        "secteur=a&tri=nom&tri=-aide"
    )
    assert page_cache.canonical_query("tri=-aide&tri=nom", names) != (
        page_cache.canonical_query("tri=nom&tri=-aide", names)
    )
    assert page_cache.canonical_query("", names) == ""
    assert page_cache.canonical_query("tri=nom&fbclid=1", names) is None


def test_the_parameters_of_each_page_come_from_its_filterset():
    parameters = page_cache.page_parameters()
    assert {"q", "secteur", "portee", "tri", "page"} <= parameters["laureats:laureate-list"]
    assert "page" not in parameters["laureats:laureate-export"]
    assert parameters["laureats:organisation-list"] == {"q", "type", "region", "commune", "page"}


def test_a_host_django_refuses_is_never_stored(sample_catalogue):
    request = RequestFactory().get(LIST, headers={"host": "ailleurs.example"})
    assert page_cache.page_key(request, "fr") is None


def test_a_page_varying_on_accept_only_answers_the_same_accept(stored_keys):
    def negotiated():
        response = HttpResponse("page")
        response["Vary"] = "Accept"
        return response

    calls = []

    def view(request):
        calls.append(request)
        return negotiated()

    middleware = page_cache.PageCacheMiddleware(view)
    factory = RequestFactory()
    path = "/api/laureats/"
    middleware(factory.get(path, headers={"accept": "application/json"}))
    middleware(factory.get(path, headers={"accept": "application/json"}))
    assert len(calls) == 1
    middleware(factory.get(path, headers={"accept": "text/html"}))
    assert len(calls) == 2
    # Stored once per page, whatever the clients send: the last one replaced the first.
    assert len(stored_keys) == 1


# One invalidation per committed transaction -----------------------------------------------------


def import_text(rows=4):
    """A made-up file of `rows` laureates in the import format (never the shipped template,
    which grows as real laureates are entered)."""
    lines = ["slug,nom,statut,secteurs"]
    lines += [f"projet-importe-{n},Projet importé {n},retenu,sante-social" for n in range(rows)]
    return "\n".join(lines) + "\n"


def test_an_import_of_four_rows_is_one_invalidation(reference_data):
    before = versions.read_version()
    with CaptureQueriesContext(connection) as queries:
        apply_plan(plan_file("laureats.csv", import_text().encode()))
    assert Laureate.objects.count() == 4
    assert len(version_writes(queries)) == 1
    assert versions.read_version() != before


def test_a_dry_run_invalidates_nothing(
    anonymous, reference_data, django_assert_max_num_queries, tmp_path
):
    make_laureate(name="Déjà là")
    anonymous.get(LIST)
    before = versions.read_version()
    path = tmp_path / "laureats.csv"
    path.write_text(import_text(), encoding="utf-8")
    call_command("import_laureates", str(path), "--dry-run", stdout=io.StringIO())
    assert Laureate.objects.count() == 1
    assert versions.read_version() == before
    # The pages stored before it are still served.
    # At most the version, read again if the dry run wrote inside a rolled-back transaction.
    with django_assert_max_num_queries(1):
        page = anonymous.get(LIST)
    assert not rendered(page)


def test_a_rolled_back_write_invalidates_nothing(anonymous, sample_catalogue):
    anonymous.get(LIST)
    before = versions.read_version()
    with pytest.raises(RuntimeError), transaction.atomic():
        Laureate.objects.update(name="Jamais enregistré")
        raise RuntimeError
    assert versions.read_version() == before
    page = anonymous.get(LIST)
    assert not rendered(page) and "Jamais enregistré" not in text(page)


def test_a_write_after_a_rollback_still_invalidates(anonymous, sample_catalogue):
    anonymous.get(LIST)
    with pytest.raises(RuntimeError), transaction.atomic():
        Laureate.objects.update(name="Jamais enregistré")
        raise RuntimeError
    with transaction.atomic():
        Laureate.objects.filter(slug="soins-connectes-fictifs").update(name="Nom enregistré")
    page = anonymous.get(LIST)
    assert rendered(page) and "Nom enregistré" in text(page)


def test_a_statement_that_changes_nothing_invalidates_nothing(sample_catalogue):
    before = versions.read_version()
    with CaptureQueriesContext(connection) as queries:
        Laureate.objects.filter(slug="pas-de-tel-laureat").update(name="Personne")
        Laureate.objects.filter(slug="pas-de-tel-laureat").delete()
    assert not version_writes(queries)
    assert versions.read_version() == before


def test_a_write_that_cannot_change_the_version_fails(reference_data, monkeypatch):
    def broken(using="default"):
        raise DatabaseError("la version ne peut être écrite")

    # The test's transaction already rewrote the version (reference_data): a read in between
    # makes the next write rewrite it again, as a request would.
    versions.read_version()
    monkeypatch.setattr(versions, "bump", broken)
    with pytest.raises(DatabaseError), transaction.atomic():
        LaureateFactory(name="Écriture refusée")
    monkeypatch.undo()
    assert not Laureate.objects.filter(name="Écriture refusée").exists()


# The code's version ------------------------------------------------------------------------------


def test_a_new_release_never_serves_pages_of_the_old_one(anonymous, sample_catalogue, settings):
    settings.PAGE_CACHE_RELEASE = "2026.11"
    anonymous.get(LIST)
    assert not rendered(anonymous.get(LIST))
    settings.PAGE_CACHE_RELEASE = "2026.12"
    assert rendered(anonymous.get(LIST))


def test_without_release_the_code_and_templates_make_it(settings, tmp_path):
    template = tmp_path / "templates" / "page.html"
    template.parent.mkdir()
    template.write_text("<p>avant</p>")
    settings.PAGE_CACHE_RELEASE = ""
    settings.PAGE_CACHE_RELEASE_SOURCES = [template.parent, tmp_path / "staticfiles.json"]
    before = versions.release()
    assert versions.release() == before
    template.write_text("<p>après</p>")
    versions.release.cache_clear()
    assert versions.release() != before


def test_the_component_imports_nothing_from_the_domain_app():
    package = settings.BASE_DIR / "deffinum" / "pagecache"
    for path in package.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            assert not [name for name in names if name.split(".")[0] == "laureats"], path


COMPARED = "?l=chantier-numerique-fictif&l=soins-connectes-fictifs"


@pytest.mark.parametrize(
    "url",
    [
        "/comparer/" + COMPARED,
        "/en/comparer/" + COMPARED,
        "/a-completer/",
        "/en/a-completer/",
        "/laureats/chantier-numerique-fictif/citer.bib",
        "/laureats/chantier-numerique-fictif/citer.json",
        "/laureats/?tri=completude",
    ],
)
def test_comparison_completeness_and_citation_pages_are_cached_and_follow_an_edit(
    anonymous, sample_catalogue, django_assert_num_queries, url
):
    first = anonymous.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        assert anonymous.get(url).status_code == 200
    laureate = Laureate.objects.get(slug="chantier-numerique-fictif")
    laureate.name = "Chantier renommé fictif"
    laureate.save()
    assert "Chantier renommé fictif" in text(anonymous.get(url))


def test_the_columns_of_a_cached_comparison_keep_their_order(anonymous, sample_catalogue):
    forward = text(anonymous.get("/comparer/" + COMPARED))
    backward = text(
        anonymous.get("/comparer/?l=soins-connectes-fictifs&l=chantier-numerique-fictif")
    )
    assert forward.index("Chantier numérique fictif") < forward.index("Soins connectés fictifs")
    assert backward.index("Soins connectés fictifs") < backward.index("Chantier numérique fictif")
