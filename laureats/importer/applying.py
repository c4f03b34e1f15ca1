"""A Plan written in one transaction: all of it, or nothing.

Only what the plan says changed is written; bulk inserts carry their history rows
(simple_history's bulk_create_with_history), so the queries per laureate stay bounded however
many members it has.
"""

from django.db import DatabaseError, IntegrityError, transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from ..csv_format import BY_NAME, ImportFailed, Problem
from ..models import Laureate, Membership, Organisation, Region, Sector, Source
from .planning import MULTI_VALUE, PREFETCH


def apply_plan(plan, user=None):
    """Write the plan; ImportFailed (nothing written) if the database refuses any of it."""
    try:
        with transaction.atomic():
            Writer(plan, user).write()
    except (IntegrityError, DatabaseError) as error:
        raise ImportFailed(
            [Problem(0, "", _("écriture refusée : %(error)s") % {"error": error})]
        ) from error


class Writer:
    def __init__(self, plan, user):
        self.plan = plan
        self.user = user
        self.organisation_pks = {}

    def write(self):
        rows = [row for row in self.plan.rows if row.action != "unchanged"]
        if not rows and not self.plan.organisation_updates:
            return
        self.write_organisations()
        laureates = Laureate.objects.in_bulk([row.laureate_pk for row in rows if row.laureate_pk])
        needs_relations = [
            row.laureate_pk for row in rows if row.laureate_pk and set(row.values) & MULTI_VALUE
        ]
        if needs_relations:
            prefetched = Laureate.objects.filter(pk__in=needs_relations).prefetch_related(*PREFETCH)
            laureates |= {laureate.pk: laureate for laureate in prefetched}
        sectors = (
            dict(Sector.objects.values_list("slug", "pk"))
            if any("secteurs" in r.values for r in rows)
            else {}
        )
        written = []
        for row in rows:
            laureate = laureates.get(row.laureate_pk) or Laureate()
            self.write_row(row, laureate, sectors)
            written.append(laureate.pk)
        # search_sync's receivers see the laureates saved, not the members bulk-created after
        # them (bulk_create sends no signal): rebuild their search text once, as load_real_data.
        Laureate.objects.filter(pk__in=written).refresh_search_documents()

    def write_organisations(self):
        new = [
            Organisation(name=o.name, kind=o.kind, siren=o.siren, slug=o.slug)
            for o in self.plan.new_organisations
        ]
        if new:
            created = bulk_create_with_history(new, Organisation, default_user=self.user)
            by_slug = {o.slug: o.pk for o in created if o.pk} or dict(
                Organisation.objects.filter(slug__in=[o.slug for o in new]).values_list(
                    "slug", "pk"
                )
            )
            for index, organisation in enumerate(self.plan.new_organisations):
                self.organisation_pks[("new", index)] = by_slug[organisation.slug]
        for organisation in Organisation.objects.filter(pk__in=self.plan.organisation_updates):
            for name, value in self.plan.organisation_updates[organisation.pk].items():
                setattr(organisation, name, value)
            organisation.save()

    def organisation_pk(self, ref):
        return ref[1] if ref[0] == "pk" else self.organisation_pks[ref]

    def write_row(self, row, laureate, sectors):
        changed = {change.column for change in row.changes} if row.laureate_pk else set(row.values)
        scalars = changed - MULTI_VALUE
        for name in scalars:
            setattr(laureate, BY_NAME[name].field, row.values[name])
        if scalars or laureate.pk is None:
            laureate.save()
        if "secteurs" in changed:
            laureate.sectors.set([sectors[slug] for slug in row.values["secteurs"]])
        if "regions" in changed:
            laureate.regions.set(Region.objects.filter(pk__in=row.values["regions"]))
        if "sources" in changed:
            self.write_sources(laureate, row.values["sources"])
        if "membres" in changed:
            self.write_members(laureate, row.members)

    def write_sources(self, laureate, sources):
        wanted = dict(sources)
        current = {source.url: source for source in laureate.sources.all()} if laureate.pk else {}
        for url, source in current.items():
            if url not in wanted:
                source.delete()
            elif source.title != wanted[url]:
                source.title = wanted[url]
                source.save()
        new = [
            Source(laureate=laureate, url=url, title=title)
            for url, title in sources
            if url not in current
        ]
        if new:
            bulk_create_with_history(new, Source, default_user=self.user)

    def write_members(self, laureate, members):
        wanted = {self.organisation_pk(ref): role for ref, role in members.items()}
        current = {m.organisation_id: m for m in laureate.memberships.all()}
        for organisation_id, membership in current.items():
            if organisation_id not in wanted:
                membership.delete()
        # Demote before promoting, so that the one-lead constraint holds after every statement.
        changes = sorted(
            (role == Membership.Role.LEAD, organisation_id, role)
            for organisation_id, role in wanted.items()
            if organisation_id in current and current[organisation_id].role != role
        )
        for _is_lead, organisation_id, role in changes:
            membership = current[organisation_id]
            membership.role = role
            membership.save()
        new = [
            Membership(laureate=laureate, organisation_id=organisation_id, role=role)
            for organisation_id, role in wanted.items()
            if organisation_id not in current
        ]
        if new:
            bulk_create_with_history(new, Membership, default_user=self.user)
