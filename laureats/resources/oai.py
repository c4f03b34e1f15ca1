"""The catalogue for harvesters: an OAI-PMH 2.0 repository at /oai/ (issue 26), in Dublin Core.

- The records are the published resources; a record's datestamp is its `updated_at` (to the
  second, UTC), which every save changes (the admin saves the resource when its laureates or
  sectors change). A laureate renamed changes its resources' creator without a new datestamp.
- Deleted records: "no". A resource deleted or unpublished leaves the lists; its history is
  kept for the change log, not told to harvesters, who harvest the whole list again to see it.
- Sets: `type-<kind>` (the kind of resource) and `filiere-<slug>` (its sectors, its laureates'
  when it names none, as on /ressources/).
- Lists come PAGE_SIZE records at a time; the resumptionToken holds the request and the last id
  sent (ids only grow), so that it needs no storage and never expires.
- Errors are the protocol's own codes in a 200 answer, as OAI-PMH requires (section 3.6): a
  harvester reads the code, not the HTTP status.
- LOM-FR is not offered: its required elements (educational level, learning resource type in
  the ScoLOMFR/LOMFR vocabularies, typical learning time...) are not in the model, and a record
  of mostly empty or guessed elements would mislead the engines that harvest it.

XML is written with the standard library's ElementTree (no new dependency).
"""

import base64
import re
from datetime import UTC, datetime, timedelta
from xml.etree import ElementTree as ET

from django.conf import settings
from django.db.models import Min
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone, translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from ..models import Sector
from ..models.validators import is_slug
from .links import portal_host
from .models import Resource

PAGE_SIZE = 100
OAI = "http://www.openarchives.org/OAI/2.0/"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
for prefix, uri in [("oai_dc", OAI_DC), ("dc", DC), ("xsi", XSI)]:
    ET.register_namespace(prefix, uri)

FORMATS = {"oai_dc": ("http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC)}
# Each verb's (required, optional, exclusive) arguments besides the verb.
LISTS = ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken")
VERBS = {
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "ListIdentifiers": LISTS,
    "ListRecords": LISTS,
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
}
DAY = re.compile(r"\d{4}-\d{2}-\d{2}")
SECOND = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
# DCMI Type Vocabulary, where a kind has an obvious one.
DCMI_TYPES = {
    Resource.Kind.ELEARNING: "InteractiveResource",
    Resource.Kind.IMMERSIVE: "InteractiveResource",
    Resource.Kind.SERIOUS_GAME: "InteractiveResource",
    Resource.Kind.MOOC: "InteractiveResource",
    Resource.Kind.PLATFORM: "Software",
    Resource.Kind.GUIDE: "Text",
    Resource.Kind.VIDEO: "MovingImage",
}
# XML 1.0 has no place for these: a title pasted with one must not break the whole answer.
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class OaiError(Exception):
    def __init__(self, code, message):
        super().__init__(message)
        self.code, self.message = code, message


def stamp(moment):
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sub(parent, tag, text=None, **attributes):
    element = ET.SubElement(parent, tag, attributes)
    if text is not None:
        element.text = NOT_XML.sub("", str(text))
    return element


def repository_host(request):
    """The namespace of the identifiers: the portal's public host name, the same whichever
    address a harvester asks (the request's host on a development machine)."""
    return portal_host() or request.get_host().split(":")[0]


# Arguments ------------------------------------------------------------------------------------


def read_arguments(params):
    """(verb, {argument: value}) of a request; OaiError when the protocol refuses it."""
    verbs = params.getlist("verb")
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", "Verbe absent, répété ou inconnu.")
    verb = verbs[0]
    arguments = {}
    for name in params:
        if name == "verb":
            continue
        if len(params.getlist(name)) > 1:
            raise OaiError("badArgument", f"L'argument {name} est répété.")
        arguments[name] = params[name]
    required, optional, exclusive = VERBS[verb]
    if exclusive and exclusive in arguments:
        if len(arguments) > 1:
            raise OaiError("badArgument", f"{exclusive} s'emploie seul.")
        return verb, arguments
    unknown = sorted(set(arguments) - required - optional)
    if unknown:
        raise OaiError("badArgument", f"Argument inconnu pour {verb} : {', '.join(unknown)}.")
    missing = sorted(required - set(arguments))
    if missing:
        raise OaiError("badArgument", f"Argument manquant : {', '.join(missing)}.")
    return verb, arguments


def parse_date(value, end):
    """The first moment of `value` (a day or a second, UTC), or the one after it if `end`."""
    if DAY.fullmatch(value):
        form, step = "%Y-%m-%d", timedelta(days=1)
    elif SECOND.fullmatch(value):
        form, step = "%Y-%m-%dT%H:%M:%SZ", timedelta(seconds=1)
    else:
        raise OaiError(
            "badArgument", f"Date illisible : {value} (AAAA-MM-JJ ou AAAA-MM-JJThh:mm:ssZ)."
        )
    try:
        moment = datetime.strptime(value, form).replace(tzinfo=UTC)
    except ValueError:
        raise OaiError("badArgument", f"Date impossible : {value}.") from None
    if not end:
        return moment
    try:
        return moment + step
    except OverflowError:  # until=9999-12-31: no bound at all
        return None


class ListRequest:
    """What a list asks for (format, dates, set) and where its page starts."""

    def __init__(self, prefix, start="", end="", set_spec="", after=0, cursor=0):
        if prefix not in FORMATS:
            raise OaiError(
                "cannotDisseminateFormat", f"Format inconnu : {prefix} (oai_dc seulement)."
            )
        if start and end and len(start) != len(end):
            raise OaiError("badArgument", "from et until n'ont pas la même précision.")
        self.prefix, self.start, self.end, self.set_spec = prefix, start, end, set_spec
        self.after, self.cursor = after, cursor
        self.since = parse_date(start, end=False) if start else None
        self.before = parse_date(end, end=True) if end else None
        if self.since and self.before and self.since >= self.before:
            raise OaiError("badArgument", "from est postérieur à until.")

    @classmethod
    def from_arguments(cls, arguments):
        token = arguments.get("resumptionToken")
        if token is None:
            return cls(
                arguments["metadataPrefix"],
                arguments.get("from", ""),
                arguments.get("until", ""),
                arguments.get("set", ""),
            )
        try:
            text = base64.urlsafe_b64decode(token.encode("ascii")).decode("utf-8")
            prefix, start, end, set_spec, after, cursor = text.split("|")
            after, cursor = int(after), int(cursor)
            # Within the ids' column (a larger one is no id, and PostgreSQL would refuse it).
            if not (0 <= after < 2**62 and 0 <= cursor < 2**62):
                raise ValueError(text)
            return cls(prefix, start, end, set_spec, after, cursor)
        except (ValueError, UnicodeError, OaiError):
            raise OaiError("badResumptionToken", "Jeton de reprise invalide.") from None

    def token(self, after, cursor):
        text = "|".join([self.prefix, self.start, self.end, self.set_spec, str(after), str(cursor)])
        return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii")

    def rows(self):
        rows = Resource.objects.published()
        if self.since:
            rows = rows.filter(updated_at__gte=self.since)
        if self.before:
            rows = rows.filter(updated_at__lt=self.before)
        if not self.set_spec:
            return rows.order_by("pk")
        # Only what can be a set of ListSets reaches the query (PostgreSQL refuses a NUL byte,
        # even inside a resumptionToken); any other set is empty, the protocol's noRecordsMatch.
        kind = self.set_spec.removeprefix("type-")
        slug = self.set_spec.removeprefix("filiere-")
        if self.set_spec.startswith("type-") and kind in Resource.Kind.values:
            rows = rows.filter(kind=kind)
        elif self.set_spec.startswith("filiere-") and is_slug(slug):
            rows = rows.in_sectors([slug])
        else:
            return rows.none()
        return rows.order_by("pk")


# The records ----------------------------------------------------------------------------------


class Repository:
    def __init__(self, request):
        self.request = request
        self.base_url = request.build_absolute_uri(reverse("oai"))
        self.identifier_prefix = f"oai:{repository_host(request)}:ressource/"

    def identifier(self, resource):
        return f"{self.identifier_prefix}{resource.pk}"

    def resource(self, identifier):
        local = identifier.removeprefix(self.identifier_prefix)
        found = None
        if identifier.startswith(self.identifier_prefix) and local.isdigit() and len(local) < 19:
            found = Resource.objects.for_detail().filter(pk=int(local)).first()
        if found is None:
            raise OaiError(
                "idDoesNotExist", f"Aucune ressource publiée n'a l'identifiant {identifier}."
            )
        return found

    def header(self, parent, resource):
        header = sub(parent, "header")
        sub(header, "identifier", self.identifier(resource))
        sub(header, "datestamp", stamp(resource.updated_at))
        if resource.kind:
            sub(header, "setSpec", f"type-{resource.kind}")
        for sector in resource.shown_sectors:
            sub(header, "setSpec", f"filiere-{sector.slug}")

    def record(self, parent, resource):
        record = sub(parent, "record")
        self.header(record, resource)
        metadata = sub(record, "metadata")
        dc = sub(
            metadata,
            f"{{{OAI_DC}}}dc",
            **{f"{{{XSI}}}schemaLocation": f"{OAI_DC} {FORMATS['oai_dc'][0]}"},
        )
        sub(dc, f"{{{DC}}}title", resource.title)
        for laureate in resource.published_laureates:
            sub(dc, f"{{{DC}}}creator", laureate.name)
        for sector in resource.shown_sectors:
            sub(dc, f"{{{DC}}}subject", sector.name)
        for code in resource.certification_list:
            sub(dc, f"{{{DC}}}subject", code)
        if resource.description:
            sub(dc, f"{{{DC}}}description", resource.description)
        if resource.available_on:
            sub(dc, f"{{{DC}}}date", resource.available_on.isoformat())
        if resource.kind:
            sub(dc, f"{{{DC}}}type", resource.get_kind_display())
            if resource.kind in DCMI_TYPES:
                sub(dc, f"{{{DC}}}type", DCMI_TYPES[resource.kind])
        sub(dc, f"{{{DC}}}identifier", self.request.build_absolute_uri(resource.get_absolute_url()))
        if resource.url:
            sub(dc, f"{{{DC}}}identifier", resource.url)
        if resource.language:
            sub(dc, f"{{{DC}}}language", resource.language)
        if resource.licence:
            sub(dc, f"{{{DC}}}rights", resource.get_licence_display())
        if resource.access:
            sub(dc, f"{{{DC}}}rights", f"Accès : {resource.get_access_display()}")

    # The verbs ------------------------------------------------------------------------------

    def Identify(self, parent, arguments):
        earliest = Resource.objects.published().aggregate(first=Min("updated_at"))["first"]
        sub(parent, "repositoryName", "Portail des lauréats Deffinum : productions partagées")
        sub(parent, "baseURL", self.base_url)
        sub(parent, "protocolVersion", "2.0")
        sub(
            parent,
            "adminEmail",
            settings.CONTACT_EMAIL or f"contact@{repository_host(self.request)}",
        )
        sub(parent, "earliestDatestamp", stamp(earliest or timezone.now()))
        sub(parent, "deletedRecord", "no")
        sub(parent, "granularity", "YYYY-MM-DDThh:mm:ssZ")

    def ListMetadataFormats(self, parent, arguments):
        if "identifier" in arguments:
            self.resource(arguments["identifier"])
        for prefix, (schema, namespace) in FORMATS.items():
            element = sub(parent, "metadataFormat")
            sub(element, "metadataPrefix", prefix)
            sub(element, "schema", schema)
            sub(element, "metadataNamespace", namespace)

    def ListSets(self, parent, arguments):
        if "resumptionToken" in arguments:
            raise OaiError("badResumptionToken", "Les ensembles tiennent en une réponse.")
        for value, label in Resource.Kind.choices:
            element = sub(parent, "set")
            sub(element, "setSpec", f"type-{value}")
            sub(element, "setName", f"Type : {label}")
        for slug, name in Sector.objects.order_by("name").values_list("slug", "name"):
            element = sub(parent, "set")
            sub(element, "setSpec", f"filiere-{slug}")
            sub(element, "setName", f"Filière : {name}")

    def GetRecord(self, parent, arguments):
        if arguments["metadataPrefix"] not in FORMATS:
            raise OaiError("cannotDisseminateFormat", "Format inconnu (oai_dc seulement).")
        self.record(parent, self.resource(arguments["identifier"]))

    def ListIdentifiers(self, parent, arguments):
        self.list(parent, arguments, self.header)

    def ListRecords(self, parent, arguments):
        self.list(parent, arguments, self.record)

    def list(self, parent, arguments, write):
        wanted = ListRequest.from_arguments(arguments)
        rows = wanted.rows()
        page = list(rows.filter(pk__gt=wanted.after).with_laureates()[: PAGE_SIZE + 1])
        if not page:
            raise OaiError("noRecordsMatch", "Aucune ressource ne répond à cette demande.")
        for resource in page[:PAGE_SIZE]:
            write(parent, resource)
        if len(page) > PAGE_SIZE or wanted.cursor:
            # The last page of a list says so with an empty token (section 3.5).
            token = (
                wanted.token(page[PAGE_SIZE - 1].pk, wanted.cursor + PAGE_SIZE)
                if len(page) > PAGE_SIZE
                else ""
            )
            sub(
                parent,
                "resumptionToken",
                token,
                completeListSize=str(rows.count()),
                cursor=str(wanted.cursor),
            )


@csrf_exempt  # OAI-PMH allows POST (section 3.1.1.2); nothing here writes or reads a session.
@require_http_methods(["GET", "HEAD", "POST"])
def oai_endpoint(request):
    params = request.POST if request.method == "POST" else request.GET
    repository = Repository(request)
    # The protocol's elements are written unqualified, under this default namespace (ElementTree's
    # own default_namespace option refuses unqualified attributes such as `code`).
    root = ET.Element(
        "OAI-PMH",
        {
            "xmlns": OAI,
            f"{{{XSI}}}schemaLocation": f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd",
        },
    )
    sub(root, "responseDate", stamp(timezone.now()))
    request_element = sub(root, "request", repository.base_url)
    # Set names, kinds and licences in French, the catalogue's language, whatever the request.
    with translation.override("fr"):
        try:
            verb, arguments = read_arguments(params)
            for name, value in {"verb": verb, **arguments}.items():
                request_element.set(name, NOT_XML.sub("", value))
            answer = ET.Element(verb)
            getattr(repository, verb)(answer, arguments)
            root.append(answer)
        except OaiError as error:
            if error.code in {"badVerb", "badArgument"}:
                # The protocol: no attributes echoed from a request it refuses.
                request_element.attrib.clear()
            sub(root, "error", error.message, code=error.code)
    body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")
