"""Members' organisations matched as a person would match them.

By SIREN when the file gives one; otherwise by name, with case, accents, apostrophes and
punctuation ignored, or by one of the organisation's known other names (`aliases`). Two
candidates are an error naming both, never a guess. Nothing is written here: the matcher says
which organisations to create or update, and `applying` does it.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.utils.translation import gettext as _

from ..csv_format.values import CellError, name_key, quote
from ..models import Organisation
from ..models.validators import free_slug

SLUG_LENGTH = Organisation._meta.get_field("slug").max_length


@dataclass
class NewOrganisation:
    name: str
    kind: str
    siren: str
    slug: str
    siret: str = ""

    @property
    def kind_label(self):
        return Organisation.Kind(self.kind).label


class OrganisationMatcher:
    def __init__(self):
        self.by_pk = {}
        self.by_siren = {}
        self.by_siret = {}
        self.by_key = defaultdict(list)
        for organisation in Organisation.objects.only(
            "pk", "name", "slug", "kind", "siren", "siret", "aliases", "version"
        ):
            self.by_pk[organisation.pk] = organisation
            if organisation.siren:
                self.by_siren[organisation.siren] = organisation
            if organisation.siret:
                self.by_siret[organisation.siret] = organisation
            for name in [organisation.name, *organisation.alias_list()]:
                candidates = self.by_key[name_key(name)]
                if organisation not in candidates:
                    candidates.append(organisation)
        self.slugs = {organisation.slug for organisation in self.by_pk.values()}
        self.new = []
        self.new_by_key = {}
        self.new_by_siren = {}
        # Organisation pk -> {"kind": ..., "siren": ...}: what the file changes in existing ones.
        self.updates = defaultdict(dict)

    def resolve(self, member):
        """("pk", id) of an existing organisation or ("new", index) of one to create: by its
        SIRET, else its SIREN, else its name. A SIRET given completes the organisation found."""
        if member.siret and member.siret in self.by_siret:
            return self.existing(self.by_siret[member.siret], member)
        resolved = self.resolve_by_siren_or_name(member)
        kind, key = resolved
        if member.siret and kind == "pk":
            organisation = self.by_pk[key]
            self.change(organisation, "siret", member.siret)
            self.by_siret[member.siret] = organisation
        return resolved

    def resolve_by_siren_or_name(self, member):
        if member.siren:
            organisation = self.by_siren.get(member.siren)
            if organisation is not None:
                return self.existing(organisation, member)
            if member.siren in self.new_by_siren:
                return self.planned(self.new_by_siren[member.siren], member)
            # Known by name without a SIREN yet: the file's SIREN completes it.
            candidates = [o for o in self.by_key.get(name_key(member.name), []) if not o.siren]
        else:
            candidates = self.by_key.get(name_key(member.name), [])
        if len(candidates) > 1:
            raise CellError(
                _(
                    "%(value)s peut désigner plusieurs organisations : %(candidates)s. "
                    "Indiquez son SIREN, ou son nom exact."
                )
                % {
                    "value": quote(member.name),
                    "candidates": ", ".join(f"{o.name} ({o.slug})" for o in candidates),
                }
            )
        if candidates:
            organisation = candidates[0]
            if member.siren:
                self.change(organisation, "siren", member.siren)
                self.by_siren[member.siren] = organisation
            return self.existing(organisation, member)
        key = name_key(member.name)
        if key in self.new_by_key and not (member.siren and self.new[self.new_by_key[key]].siren):
            return self.planned(self.new_by_key[key], member)
        return self.create(member)

    def existing(self, organisation, member):
        self.change(organisation, "kind", member.kind)
        return ("pk", organisation.pk)

    def change(self, organisation, field, value):
        # .get(): looking must not add an empty entry, which would re-save the organisation.
        planned = self.updates.get(organisation.pk, {}).get(field, getattr(organisation, field))
        if planned != getattr(organisation, field) and planned != value:
            raise CellError(
                _("%(value)s figure ailleurs dans le fichier avec un autre %(field)s (%(other)s).")
                % {
                    "value": quote(organisation.name),
                    "field": Organisation._meta.get_field(field).verbose_name,
                    "other": planned,
                }
            )
        if value != getattr(organisation, field):
            self.updates[organisation.pk][field] = value

    def planned(self, index, member):
        planned_siret = self.new[index].siret
        if member.siret and planned_siret and planned_siret != member.siret:
            raise CellError(
                _("%(value)s figure ailleurs dans le fichier avec un autre SIRET (%(other)s).")
                % {"value": quote(member.name), "other": planned_siret}
            )
        if member.siret:
            self.new[index].siret = member.siret
        if self.new[index].kind != member.kind:
            raise CellError(
                _("%(value)s figure ailleurs dans le fichier avec un autre type (%(other)s).")
                % {"value": quote(member.name), "other": self.new[index].kind}
            )
        return ("new", index)

    def create(self, member):
        slug = free_slug(member.name, self.slugs.__contains__, SLUG_LENGTH, "organisation")
        self.slugs.add(slug)
        self.new.append(NewOrganisation(member.name, member.kind, member.siren, slug, member.siret))
        index = len(self.new) - 1
        self.new_by_key.setdefault(name_key(member.name), index)
        if member.siren:
            self.new_by_siren[member.siren] = index
        return ("new", index)

    def name(self, ref):
        kind, key = ref
        return self.by_pk[key].name if kind == "pk" else self.new[key].name
