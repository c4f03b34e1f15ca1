"""Asking the register about organisations: by SIRET or SIREN when the record has one (one
answer, its diff), else by name in its commune or region (candidates, one of which the person
picks, which is then asked for by its SIREN)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .client import RegisterClient, RegisterError, SearchRefused
from .diff import Diff, EnrichmentRefused, diff
from .mapping import propose


@dataclass
class Candidate:
    siren: str
    name: str
    place: str
    legal_category: str

    @classmethod
    def of(cls, result):
        proposal = propose(result)
        values = proposal.values
        place = " ".join(
            part
            for part in [values.get("address"), values.get("postal_code"), values.get("city")]
            if part
        )
        return cls(
            siren=values.get("siren", ""),
            name=text_of(result),
            place=place,
            legal_category=values.get("legal_category", ""),
        )


def text_of(result):
    return str(result.get("nom_complet") or result.get("nom_raison_sociale") or "")


@dataclass
class Lookup:
    organisation: object
    diff: Diff | None = None
    candidates: list = field(default_factory=list)
    error: str = ""


def look_up(organisation, client, siren=""):
    """What the register says of `organisation` (its SIREN given as `siren` when the person
    picked a candidate). RegisterError when the service could not answer."""
    try:
        return ask(organisation, client, siren)
    except SearchRefused as refusal:
        return Lookup(organisation, error=str(refusal))


def ask(organisation, client, siren):
    identifier = siren or organisation.siret or organisation.siren
    try:
        if identifier:
            result = client.by_identifier(identifier)
            if result is None:
                return Lookup(
                    organisation,
                    error=_(
                        "Le registre ne connaît pas le numéro %(number)s (ou il n'y est pas "
                        "diffusible)."
                    )
                    % {"number": identifier},
                )
            return Lookup(organisation, diff=diff(organisation, result))
    except EnrichmentRefused as refusal:
        return Lookup(organisation, error=str(refusal))
    results = client.candidates(
        organisation.name, organisation.commune_code, organisation.region_id or ""
    )
    if not results:
        return Lookup(
            organisation,
            error=_(
                "Aucune entreprise du registre ne répond à ce nom dans sa commune ou sa région."
            ),
        )
    return Lookup(organisation, candidates=[Candidate.of(result) for result in results])


def look_up_all(organisations, client=None):
    """One Lookup per organisation; once the service fails, the others are not asked (each
    would wait for the same timeout) and carry its message."""
    client = client or RegisterClient()
    lookups, failure = [], ""
    for organisation in organisations:
        if failure:
            lookups.append(Lookup(organisation, error=failure))
            continue
        try:
            lookups.append(look_up(organisation, client))
        except RegisterError as error:
            failure = str(error)
            lookups.append(Lookup(organisation, error=failure))
    return lookups
