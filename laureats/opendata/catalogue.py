"""The dataset as catalogues describe it: schema.org `Dataset` (search engines, on /donnees/) and
DCAT (/donnees/catalogue.jsonld, which data.gouv.fr and other harvesters read).

Both say the same things as the data package (datapackage.py), from the same sources: the
files and their formats, the licence, the period and place covered, the publisher as
configured (PUBLISHER_NAME; left out while empty) and the date the data last changed.
"""

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone, translation

from ..models import Laureate
from .datapackage import (
    DATASET_DESCRIPTION,
    DATASET_KEYWORDS,
    DATASET_TITLE,
    FORMAT_VERSION,
    absolute_url,
)
from .dictionary import LICENCE_URL
from .exports import XLSX_CONTENT_TYPE

MEDIA_TYPES = {"csv": "text/csv", "json": "application/json", "xlsx": XLSX_CONTENT_TYPE}
# (URL name, title) of each published table; each comes in every format of MEDIA_TYPES.
TABLES = [("laureats:laureate-export", "Lauréats"), ("laureats:member-export", "Membres")]
# The EU's authority table of countries, which DCAT-AP (and data.gouv.fr) expects in dct:spatial.
FRANCE = "http://publications.europa.eu/resource/authority/country/FRA"
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


def files(request):
    """(title, format, media type, absolute URL) of every published file."""
    return [
        (title, extension, media_type, absolute_url(request, name, extension))
        for name, title in TABLES
        for extension, media_type in MEDIA_TYPES.items()
    ]


def dataset_dates():
    """In one query: when the published data last changed, and the dates its projects span
    (first start, last end); None where unknown."""
    return Laureate.objects.published().aggregate(
        changed=Max("updated_at"), start=Min("start_date"), end=Max("end_date")
    )


def iso(moment):
    return timezone.localtime(moment).isoformat(timespec="seconds")


def schema_org_dataset(request, dates=None):
    """The schema.org Dataset of /donnees/, for search engines (Google Dataset Search)."""
    dates = dates or dataset_dates()
    with translation.override(settings.LANGUAGE_CODE):
        page = absolute_url(request, "laureats:open-data")
        data = {
            "@context": "https://schema.org",
            "@type": "Dataset",
            "@id": page + "#dataset",
            "name": DATASET_TITLE,
            "description": DATASET_DESCRIPTION,
            "url": page,
            "license": LICENCE_URL,
            "isAccessibleForFree": True,
            "inLanguage": "fr",
            "keywords": DATASET_KEYWORDS,
            "version": FORMAT_VERSION,
            "isBasedOn": settings.DEFFINUM_OFFICIAL_LIST_URL,
            "spatialCoverage": {"@type": "Place", "name": "France"},
            "distribution": [
                {
                    "@type": "DataDownload",
                    "name": f"{title} ({extension.upper()})",
                    "encodingFormat": media_type,
                    "contentUrl": url,
                }
                for title, extension, media_type, url in files(request)
            ],
        }
        start, end = dates["start"], dates["end"]
        if start or end:
            # ISO 8601 interval; ".." stands for an unknown end (ISO 8601-2).
            data["temporalCoverage"] = "/".join(
                date.isoformat() if date else ".." for date in (start, end)
            )
        if dates["changed"]:
            data["dateModified"] = iso(dates["changed"])
        if settings.PUBLISHER_NAME:
            data["publisher"] = {"@type": "Organization", "name": settings.PUBLISHER_NAME}
        return data


def dcat_catalogue(request):
    """The catalogue, its one dataset, its distributions and the API, as DCAT in JSON-LD."""
    with translation.override(settings.LANGUAGE_CODE):
        page = absolute_url(request, "laureats:open-data")
        dataset_id = page + "#dataset"
        package = absolute_url(request, "laureats:datapackage")
        licence = {"@id": LICENCE_URL}
        distributions = []
        for title, extension, media_type, url in files(request):
            distribution = {
                "@id": url,
                "@type": "dcat:Distribution",
                "dct:title": f"{title} ({extension.upper()})",
                "dcat:downloadURL": {"@id": url},
                "dcat:accessURL": {"@id": page},
                "dcat:mediaType": {"@id": IANA_MEDIA_TYPES + media_type},
                "dct:format": extension.upper(),
                "dct:license": licence,
            }
            if extension == "csv":
                # Its columns, types and allowed values, as a Table Schema.
                distribution["dct:conformsTo"] = {"@id": package}
            distributions.append(distribution)
        dataset = {
            "@id": dataset_id,
            "@type": "dcat:Dataset",
            "dct:title": DATASET_TITLE,
            "dct:description": DATASET_DESCRIPTION,
            "dct:identifier": dataset_id,
            "dct:language": {
                "@id": "http://publications.europa.eu/resource/authority/language/FRA"
            },
            "dct:license": licence,
            "dct:source": {"@id": settings.DEFFINUM_OFFICIAL_LIST_URL},
            "dct:spatial": {"@id": FRANCE},
            "dcat:keyword": DATASET_KEYWORDS,
            "dcat:landingPage": {"@id": page},
            "owl:versionInfo": FORMAT_VERSION,
            "dcat:distribution": distributions,
        }
        dates = dataset_dates()
        start, end = dates["start"], dates["end"]
        if start or end:
            dataset["dct:temporal"] = {"@type": "dct:PeriodOfTime"}
            if start:
                dataset["dct:temporal"]["dcat:startDate"] = typed(start.isoformat(), "date")
            if end:
                dataset["dct:temporal"]["dcat:endDate"] = typed(end.isoformat(), "date")
        if dates["changed"]:
            dataset["dct:modified"] = typed(iso(dates["changed"]), "dateTime")
        catalogue = {
            "@id": absolute_url(request, "laureats:catalogue"),
            "@type": "dcat:Catalog",
            "dct:title": "Portail Deffinum",
            "dct:description": DATASET_DESCRIPTION,
            "foaf:homepage": {"@id": absolute_url(request, "laureats:home")},
            "dct:license": licence,
            "dcat:dataset": {"@id": dataset_id},
            "dcat:service": {
                "@type": "dcat:DataService",
                "dct:title": "API du portail Deffinum",
                "dcat:endpointURL": {"@id": absolute_url(request, "api:api-root")},
                "dcat:endpointDescription": {"@id": absolute_url(request, "api:schema")},
                "dcat:servesDataset": {"@id": dataset_id},
                "dct:license": licence,
            },
        }
        if settings.PUBLISHER_NAME:
            publisher = {"@type": "foaf:Agent", "foaf:name": settings.PUBLISHER_NAME}
            dataset["dct:publisher"] = catalogue["dct:publisher"] = publisher
        return {"@context": DCAT_CONTEXT, "@graph": [catalogue, dataset]}


def typed(value, xsd_type):
    return {"@value": value, "@type": f"xsd:{xsd_type}"}
