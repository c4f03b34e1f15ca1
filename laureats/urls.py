from django.urls import path, re_path

from .journal import feeds
from .resources import exports as resource_exports
from .resources import views as resources
from .views import cite, compare, contributions, journal, opendata, public, site, statistics

app_name = "laureats"

urlpatterns = [
    path("", public.home, name="home"),
    path("laureats/", public.laureate_list, name="laureate-list"),
    # Exports of the list's results: any of its query strings, every page, as a file.
    re_path(
        r"^laureats/export\.(?P<extension>csv|json|xlsx)$",
        opendata.laureate_export,
        name="laureate-export",
    ),
    re_path(
        r"^laureats/membres\.(?P<extension>csv|json|xlsx)$",
        opendata.member_export,
        name="member-export",
    ),
    path("donnees/", opendata.open_data, name="open-data"),
    # What the CSVs hold, for programs (Frictionless Data Package).
    path("donnees/datapackage.json", opendata.datapackage, name="datapackage"),
    # The same dataset in DCAT, for harvesting catalogues (data.gouv.fr).
    path("donnees/catalogue.jsonld", opendata.dcat_catalogue, name="catalogue"),
    path("laureats/<slug:slug>/", public.LaureateDetailView.as_view(), name="laureate-detail"),
    re_path(
        r"^laureats/(?P<slug>[-a-zA-Z0-9_]+)/citer\.(?P<extension>bib|json)$",
        cite.citation_file,
        name="laureate-citation",
    ),
    path("organisations/", public.organisation_list, name="organisation-list"),
    path(
        "organisations/<slug:slug>/",
        public.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    # The shared productions (laureats/resources/).
    path("ressources/", resources.resource_list, name="resource-list"),
    # The files of any of its searches, every page.
    re_path(
        r"^ressources/export\.(?P<extension>csv|json|xlsx)$",
        resource_exports.resource_export,
        name="resource-export",
    ),
    # The catalogue's additions, changes and removals (laureats/journal/resources.py).
    path("ressources/flux.atom", feeds.ResourceFeed(), name="resource-feed"),
    path("ressources/<slug:slug>/", resources.ResourceDetailView.as_view(), name="resource-detail"),
    path("statistiques/", statistics.statistics, name="statistics"),
    # The official figures read no filter: a name of their own, which the page cache does not
    # key on the laureates' filters (PAGE_CACHE_PARAMETERS names statistics-csv).
    path(
        f"statistiques/{statistics.OFFICIAL_SECTORS}.csv",
        statistics.statistics_csv,
        {"chart": statistics.OFFICIAL_SECTORS},
        name="official-sectors-csv",
    ),
    path("statistiques/<slug:chart>.csv", statistics.statistics_csv, name="statistics-csv"),
    path("comparer/", compare.compare, name="compare"),
    path("a-completer/", compare.to_complete, name="to-complete"),
    path("plan-du-site/", site.site_map, name="site-map"),
    path("accessibilite/", site.accessibility, name="accessibility"),
    path("mentions-legales/", site.legal_notice, name="legal-notice"),
    path("contribuer/", contributions.contribute, name="contribute"),
    path("contribuer/merci/", contributions.contribute_done, name="contribute-done"),
    path(
        "contribuer/production/",
        contributions.contribute_resource,
        name="contribute-resource",
    ),
    path(
        "contribuer/organisation/<slug:slug>/",
        contributions.contribute_organisation,
        name="contribute-organisation",
    ),
    # The change log and the feeds (laureats/journal/log.py, feeds.py).
    path("journal/", journal.journal, name="journal"),
    path("journal/flux.atom", feeds.JournalFeed(), name="journal-feed"),
    path("laureats/flux.atom", feeds.SearchFeed(), name="laureate-feed"),
    path("laureats/<slug:slug>/historique/", journal.laureate_history, name="laureate-history"),
    path(
        "laureats/<slug:slug>/historique/flux.atom",
        feeds.LaureateHistoryFeed(),
        name="laureate-history-feed",
    ),
]
