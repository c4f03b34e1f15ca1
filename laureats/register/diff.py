"""The diff between an organisation and what the register says, and the write of the fields a
person ticked.

The page shows each field whose value would change, before → after; what it showed travels
signed in the form (the organisation's version, the values, the date the register answered),
so that applying writes exactly what the person saw, never a second answer. The write locks the
row, refuses it if its version moved since (someone changed the record: nothing written), then
saves through save(): django-simple-history records it with a reason naming the register and
its licence, laureats/derived/ rebuilds what follows, the version counts it.
"""

import datetime
from dataclasses import dataclass, field

from django.core import signing
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from ..models import Organisation, Region
from ..text.folding import normalize_text
from .mapping import FIELDS, propose

SALT = "laureats.register.diff"
# A diff older than this is not applied: the register may have changed since.
MAX_AGE = datetime.timedelta(hours=2)
LICENCE = "Licence Ouverte Etalab 2.0"
# Differences of case and accents only ("MARSEILLE" for "Marseille") are no change.
FOLDED = {"name", "city"}


class EnrichmentRefused(Exception):
    """Why nothing was written (a French message for the person)."""


@dataclass
class Change:
    field: str
    label: str
    before: str
    after: str
    # The record holds another value: not ticked by default, the person decides.
    overwrites: bool


@dataclass
class Diff:
    organisation: Organisation
    result: dict
    changes: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    values: dict = field(default_factory=dict)
    kind: str = ""
    kind_prefix: str = ""
    fetched_at: datetime.datetime = None

    @property
    def kind_label(self):
        return Organisation.Kind(self.kind).label if self.kind else ""

    @property
    def kind_differs(self):
        return bool(self.kind) and self.kind != self.organisation.kind

    @property
    def state(self):
        """What the page showed, signed: the person cannot alter it on its way back."""
        return signing.dumps(
            {
                "pk": self.organisation.pk,
                "version": self.organisation.version,
                "fetched_at": self.fetched_at.isoformat(),
                "values": {change.field: self.values[change.field] for change in self.changes},
                "kind": self.kind if self.kind_differs else "",
            },
            salt=SALT,
        )


def display(name, value):
    if value in ("", None):
        return _("non renseigné")
    if name == "region":
        region = value if isinstance(value, Region) else Region.objects.filter(pk=value).first()
        return str(region or value)
    if name == "is_qualiopi":
        return _("oui") if value else _("non")
    return str(value)


def current(organisation, name):
    return organisation.region_id if name == "region" else getattr(organisation, name)


def same(name, mine, theirs):
    if name in FOLDED and mine and theirs:
        return normalize_text(mine) == normalize_text(theirs)
    return mine == theirs


def diff(organisation, result, fetched_at=None):
    """The fields the register's `result` would change in `organisation`."""
    proposal = propose(result, organisation.siret)
    found = Diff(
        organisation,
        result,
        notes=proposal.notes,
        values=proposal.values,
        kind=proposal.kind,
        kind_prefix=proposal.kind_prefix,
        fetched_at=fetched_at or timezone.now(),
    )
    if organisation.siren and proposal.values.get("siren") not in ("", None, organisation.siren):
        raise EnrichmentRefused(_("Le registre a répondu pour un autre SIREN : rien à comparer."))
    for name in FIELDS:
        if name not in proposal.values:
            continue
        mine, theirs = current(organisation, name), proposal.values[name]
        if same(name, mine, theirs):
            continue
        found.changes.append(
            Change(
                field=name,
                label=str(Organisation._meta.get_field(name).verbose_name),
                before=display(name, mine if name != "region" else organisation.region),
                after=display(name, theirs),
                overwrites=mine not in ("", None),
            )
        )
    return found


def read_state(signed):
    try:
        return signing.loads(signed, salt=SALT, max_age=MAX_AGE)
    except signing.SignatureExpired:
        raise EnrichmentRefused(
            _("Cette comparaison a plus de deux heures : relancez-la pour voir le registre à jour.")
        ) from None
    except signing.BadSignature:
        raise EnrichmentRefused(_("Ce formulaire de comparaison n'est pas valide.")) from None


def change_reason(labels, fetched_at):
    return _(
        "Registre des entreprises (API Recherche d'entreprises, %(licence)s), données "
        "récupérées le %(date)s : %(fields)s"
    ) % {
        "licence": LICENCE,
        "date": formats.date_format(timezone.localtime(fetched_at), "SHORT_DATETIME_FORMAT"),
        "fields": ", ".join(labels) or _("aucun champ différent"),
    }


def apply(signed, fields, apply_kind=False):
    """Write the ticked `fields` of the signed diff (and the suggested kind if `apply_kind`).

    EnrichmentRefused, nothing written, when the record changed since the diff was shown, when
    no field is ticked though some differ, or when the values break the model's rules (a SIREN
    another organisation holds...). Returns the organisation and the labels of what changed."""
    state = read_state(signed)
    values = state["values"]
    fields = [name for name in FIELDS if name in fields and name in values]
    kind = state["kind"] if apply_kind else ""
    if values and not fields and not kind:
        raise EnrichmentRefused(_("Aucun champ n'est coché : rien n'a été modifié."))
    fetched_at = datetime.datetime.fromisoformat(state["fetched_at"])
    with transaction.atomic():
        organisation = Organisation.objects.select_for_update().filter(pk=state["pk"]).first()
        if organisation is None:
            raise EnrichmentRefused(_("Cette organisation n'existe plus."))
        if organisation.version != state["version"]:
            raise EnrichmentRefused(
                _(
                    "« %(name)s » a été modifiée depuis l'affichage de la comparaison : rien "
                    "n'a été écrit. Relancez la comparaison."
                )
                % {"name": organisation.name}
            )
        written = ["register_fetched_at", "updated_at", "version"]
        if "name" in fields and organisation.name != values["name"]:
            # The former name stays an alias: the import still recognises it.
            aliases = organisation.alias_list()
            if organisation.name not in aliases:
                organisation.aliases = "\n".join([*aliases, organisation.name])
                written.append("aliases")
        for name in fields:
            setattr(organisation, "region_id" if name == "region" else name, values[name])
            written.append(name)
        if kind:
            organisation.kind = kind
            written.append("kind")
        organisation.register_fetched_at = fetched_at
        try:
            organisation.full_clean()
        except ValidationError as error:
            raise EnrichmentRefused(
                _("Rien n'a été écrit : %(reason)s") % {"reason": " ".join(error.messages)}
            ) from None
        labels = [str(Organisation._meta.get_field(name).verbose_name) for name in fields]
        if kind:
            labels.append(str(Organisation._meta.get_field("kind").verbose_name))
        organisation._change_reason = change_reason(labels, fetched_at)
        organisation.save(update_fields=written)
    return organisation, labels


def fill_empty(diff_found):
    """The fields of a diff that the command may write without a person: those the record
    leaves empty (never the name, never the kind)."""
    return [change.field for change in diff_found.changes if not change.overwrites]
