"""Two records of one organisation made one: which records are likely the same, and the merge.

Likely the same: one SIREN, or a name equal to the other's name or one of its aliases once
folded as the import matches names (case, accents and punctuation ignored:
csv_format.values.name_key, on text.normalize_text). The merge keeps one record and moves to it
everything that pointed at the other: its memberships (one already present on both is kept
once, as lead if either was), the proposals made about it, its empty fields' values and its
names, which become aliases. The other record is deleted through save()/delete(), so that
django-simple-history records each step with its reason and laureats/derived/ rebuilds what
follows from the memberships (search text, member kinds, the public flag).
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.utils.translation import gettext as _

from .. import derived
from ..csv_format.values import name_key
from ..models import Membership, Organisation, Proposal

# The fields whose value the kept record takes from the other when it has none.
FILLED_FIELDS = [
    "kind",
    "city",
    "region",
    "website",
    "siren",
    "siret",
    "legal_category",
    "address",
    "postal_code",
    "commune_code",
    "latitude",
    "longitude",
    "activity_declaration_number",
    "is_qualiopi",
    "uai",
    "register_fetched_at",
]


class MergeRefused(Exception):
    """Why these two records cannot be merged (a message in French for the person)."""


def identity_keys(organisation):
    keys = {("nom", name_key(name)) for name in [organisation.name, *organisation.alias_list()]}
    if organisation.siren:
        keys.add(("siren", organisation.siren))
    return keys


def duplicate_groups(organisations):
    """The groups (lists of two or more, in name order) of likely duplicates among
    `organisations`, found by their identity keys, transitively."""
    organisations = list(organisations)
    parent = {o.pk: o.pk for o in organisations}

    def root(pk):
        while parent[pk] != pk:
            parent[pk] = parent[parent[pk]]
            pk = parent[pk]
        return pk

    first_with = {}
    for organisation in organisations:
        for key in identity_keys(organisation):
            other = first_with.setdefault(key, organisation.pk)
            parent[root(organisation.pk)] = root(other)
    groups = {}
    for organisation in organisations:
        groups.setdefault(root(organisation.pk), []).append(organisation)
    return [group for group in groups.values() if len(group) > 1]


def merged_aliases(kept, absorbed):
    """The kept record's aliases, then the other's name and aliases: each spelling once, even
    one that folds to a name already there ("CFA du batiment" beside "CFA du Bâtiment"), since
    it is how a source wrote it."""
    seen = {kept.name}
    aliases = []
    for name in [*kept.alias_list(), absorbed.name, *absorbed.alias_list()]:
        if name not in seen:
            seen.add(name)
            aliases.append(name)
    return "\n".join(aliases)


@dataclass
class MergePlan:
    kept: Organisation
    absorbed: Organisation
    moved: list = field(default_factory=list)  # the other's memberships, moved as they are
    shared: list = field(default_factory=list)  # (kept's, other's) memberships of one laureate
    filled: dict = field(default_factory=dict)  # field name -> the other's value
    differing: list = field(default_factory=list)  # (label, kept's value, other's value)
    aliases: str = ""

    @property
    def proposals(self):
        return Proposal.objects.filter(organisation=self.absorbed)


def display(organisation, name):
    value = getattr(organisation, name)
    if name == "kind":
        return organisation.get_kind_display()
    return "" if value is None else str(value)


def plan_merge(kept, absorbed):
    """What merging `absorbed` into `kept` does; MergeRefused when it must not be done."""
    if kept.pk == absorbed.pk:
        raise MergeRefused(_("Choisissez deux organisations différentes."))
    for name in ["siren", "siret"]:
        mine, theirs = getattr(kept, name), getattr(absorbed, name)
        if name == "siren" and mine and theirs and mine != theirs:
            raise MergeRefused(
                _(
                    "Ces deux organisations ont des SIREN différents (%(kept)s et %(other)s) : "
                    "ce sont deux entreprises, elles ne se fusionnent pas."
                )
                % {"kept": mine, "other": theirs}
            )
    plan = MergePlan(kept, absorbed, aliases=merged_aliases(kept, absorbed))
    kept_memberships = {m.laureate_id: m for m in kept.memberships.all()}
    for membership in absorbed.memberships.select_related("laureate"):
        if membership.laureate_id in kept_memberships:
            plan.shared.append((kept_memberships[membership.laureate_id], membership))
        else:
            plan.moved.append(membership)
    for name in FILLED_FIELDS:
        mine, theirs = getattr(kept, name), getattr(absorbed, name)
        empty = mine in ("", None) or (name == "kind" and mine == Organisation.Kind.OTHER)
        if theirs in ("", None) or mine == theirs:
            continue
        if empty:
            plan.filled[name] = theirs
        else:
            label = Organisation._meta.get_field(name).verbose_name
            plan.differing.append((label, display(kept, name), display(absorbed, name)))
    # A SIRET must start with the SIREN (Organisation.clean): a value that would contradict
    # the kept one's is not taken, and stays in the other's history.
    siren = plan.filled.get("siren") or kept.siren
    siret = plan.filled.get("siret") or kept.siret
    if siren and siret and siret[:9] != siren:
        taken = "siret" if "siret" in plan.filled else "siren"
        del plan.filled[taken]
        label = Organisation._meta.get_field(taken).verbose_name
        plan.differing.append((label, getattr(kept, taken), getattr(absorbed, taken)))
    return plan


def merge(kept_pk, absorbed_pk, kept_version, absorbed_version):
    """Merge the organisation `absorbed_pk` into `kept_pk`, as shown at these versions.

    Refused (MergeRefused) when either changed since (django-concurrency's version): the
    person saw a different record from the one that would be merged. Returns the kept one."""
    with transaction.atomic(), derived.batch():
        rows = Organisation.objects.select_for_update().in_bulk([kept_pk, absorbed_pk])
        if len(rows) != 2 or kept_pk == absorbed_pk:
            raise MergeRefused(_("Une des deux organisations n'existe plus."))
        kept, absorbed = rows[kept_pk], rows[absorbed_pk]
        if (kept.version, absorbed.version) != (kept_version, absorbed_version):
            raise MergeRefused(
                _(
                    "Une des deux organisations a été modifiée depuis l'affichage de cette "
                    "page : rien n'a été fusionné. Vérifiez la fusion à nouveau."
                )
            )
        plan = plan_merge(kept, absorbed)
        reason = _("Fusion : « %(other)s » (n° %(pk)s) réunie à « %(kept)s » (n° %(kept_pk)s)") % {
            "other": absorbed.name,
            "pk": absorbed.pk,
            "kept": kept.name,
            "kept_pk": kept.pk,
        }
        for mine, theirs in plan.shared:
            theirs._change_reason = reason
            theirs.delete()
            if theirs.is_lead and not mine.is_lead:
                mine.role = Membership.Role.LEAD
                mine._change_reason = reason
                mine.save()
        for membership in plan.moved:
            membership.organisation = kept
            membership._change_reason = reason
            membership.save()
        plan.proposals.update(organisation=kept)
        # The other goes first: its SIREN and SIRET are unique, and the kept one takes them.
        absorbed.refresh_from_db()
        absorbed._change_reason = reason
        absorbed.delete()
        # Its version moved with the memberships (laureats/models/version_signals.py).
        kept.refresh_from_db()
        for name, value in plan.filled.items():
            setattr(kept, name, value)
        kept.aliases = plan.aliases
        kept._change_reason = reason
        kept.save()
    return kept
