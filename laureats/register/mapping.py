"""What one answer of the register (a `result` of /search, as its OpenAPI description gives it)
proposes for an organisation, and the member kind its legal category suggests.

The place is the establishment's: the one of the organisation's SIRET when the register lists
it among the matching establishments (a direct search by SIRET returns exactly that one), the
head office (`siege`) otherwise. The region is not read from the answer: it follows from the
commune's department (departments.py), as every region of the portal is an INSEE region code.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from ..models import Organisation
from .departments import region_code_of

# The fields a register answer can fill, in the order the diff shows them.
FIELDS = [
    "name",
    "siren",
    "legal_category",
    "address",
    "postal_code",
    "city",
    "commune_code",
    "region",
    "latitude",
    "longitude",
    "activity_declaration_number",
    "is_qualiopi",
    "uai",
]

# The legal category (INSEE's "catégorie juridique", 4 digits) suggests a member kind, most
# specific prefix first. Only a suggestion: a person confirms it (a 5xxx company may well be a
# private training body, a 7331 school runs its CFA...).
KIND_RULES = [
    ("7331", Organisation.Kind.PUBLIC_TRAINING),  # établissement public local d'enseignement
    ("7381", Organisation.Kind.CONSULAR_TRAINING),  # organisme consulaire (CCI, CMA)
    ("7383", Organisation.Kind.HIGHER_EDUCATION),  # EPSCP : universités, grandes écoles
    ("7384", Organisation.Kind.HIGHER_EDUCATION),  # autre établissement national d'enseignement
    ("84", Organisation.Kind.BRANCH),  # syndicats, ordres et autres organismes professionnels
    ("92", Organisation.Kind.ASSOCIATION),  # associations
    ("7", Organisation.Kind.PUBLIC_BODY),  # personnes morales de droit administratif
    ("4", Organisation.Kind.PUBLIC_BODY),  # établissements publics industriels et commerciaux
    ("5", Organisation.Kind.COMPANY),  # sociétés commerciales
    ("1", Organisation.Kind.COMPANY),  # entrepreneurs individuels
]


def suggested_kind(legal_category):
    """(kind, the prefix that suggests it), or ("", "") when the category suggests none."""
    for prefix, kind in KIND_RULES:
        if legal_category.startswith(prefix):
            return kind, prefix
    return "", ""


@dataclass
class Proposal:
    """The values a register answer proposes (by field name; a region by its code), and what
    the person should know about them."""

    values: dict = field(default_factory=dict)
    notes: list = field(default_factory=list)
    kind: str = ""
    kind_prefix: str = ""


def text(value):
    return value.strip() if isinstance(value, str) else ""


def coordinate(value):
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def establishment_of(result, siret):
    """The establishment the organisation is: its SIRET's when listed, else the head office."""
    for establishment in result.get("matching_etablissements") or []:
        if siret and isinstance(establishment, dict) and establishment.get("siret") == siret:
            return establishment
    return result.get("siege") or {}


def street(establishment):
    """The address without its postal code and commune, which have their own fields: the
    register's `adresse` is "<street> <postal code> <commune>"."""
    address, postal_code = (
        text(establishment.get("adresse")),
        text(establishment.get("code_postal")),
    )
    if postal_code and f" {postal_code} " in f" {address} ":
        address = f" {address} ".split(f" {postal_code} ")[0]
    return address.strip()


def one_of(values, what, notes):
    """The single value of a list; none, with a note, when there are several."""
    values = [text(value) for value in values or [] if text(value)]
    if len(set(values)) > 1:
        notes.append(
            _("Le registre donne plusieurs %(what)s (%(values)s) : aucun n'est proposé.")
            % {"what": what, "values": ", ".join(values)}
        )
        return ""
    return values[0] if values else ""


def propose(result, siret=""):
    """What this answer proposes, each value checked by its field's own validators: one that
    fails them is left out, with a note."""
    proposal = Proposal()
    notes = proposal.notes
    place = establishment_of(result, siret)
    complements = result.get("complements") or {}
    values = {
        "name": text(result.get("nom_raison_sociale")) or text(result.get("nom_complet")),
        "siren": text(result.get("siren")),
        "legal_category": text(result.get("nature_juridique")),
        "address": street(place),
        "postal_code": text(place.get("code_postal")),
        "city": text(place.get("libelle_commune")),
        "commune_code": text(place.get("commune")),
    }
    values["region"] = region_code_of(values["commune_code"])
    latitude, longitude = coordinate(place.get("latitude")), coordinate(place.get("longitude"))
    if latitude is not None and longitude is not None:
        values["latitude"], values["longitude"] = latitude, longitude
    values["activity_declaration_number"] = one_of(
        place.get("liste_id_organisme_formation")
        or complements.get("liste_id_organisme_formation"),
        _("numéros de déclaration d'activité"),
        notes,
    )
    values["uai"] = one_of(place.get("liste_uai"), _("codes UAI"), notes)
    if isinstance(complements.get("est_qualiopi"), bool):
        values["is_qualiopi"] = complements["est_qualiopi"]
    for name, value in values.items():
        if value in ("", None):
            continue
        model_field = Organisation._meta.get_field(name)
        try:
            if name != "region":
                model_field.clean(value, None)
        except ValidationError as error:
            notes.append(
                _("%(field)s « %(value)s » écarté : %(reason)s")
                % {
                    "field": str(model_field.verbose_name).capitalize(),
                    "value": value,
                    "reason": " ".join(error.messages),
                }
            )
            continue
        proposal.values[name] = value
    if result.get("etat_administratif") == "C":
        notes.append(_("Le registre indique que cette unité légale a cessé son activité."))
    proposal.kind, proposal.kind_prefix = suggested_kind(proposal.values.get("legal_category", ""))
    return proposal
