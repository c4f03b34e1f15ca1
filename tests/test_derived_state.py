"""Random writes through every path a person or a program writes by: the admin's change forms,
the ORM's save() and delete(), the many-to-many managers, update(), bulk writes, an import, an
accepted proposal (of a laureate or of an organisation), a region or a sector deleted, a
resource (a derived search text that names its laureates) written any of these ways. After
each one, every derived column equals its recomputation (laureats/derived/, as check_derived
computes it) and every facet of the list counts what the FilterSet lists for that value."""

import io
from contextlib import suppress

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.db.models import Count, ProtectedError, Q
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from laureats.browse.facets import facet_counts
from laureats.browse.filters import LaureateFilter, bind_filterset
from laureats.contributions import moderation
from laureats.csv_format import COLUMN_NAMES
from laureats.importer import ImportFailed, apply_plan, plan_file
from laureats.models import (
    Laureate,
    Membership,
    Organisation,
    Proposal,
    Region,
    Resource,
    Sector,
    Source,
)

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

KINDS = st.sampled_from(Organisation.Kind.values)
SCOPES = st.sampled_from(["", *Laureate.Scope.values])
# A few regions, so that the same ones meet; "" for none.
REGIONS = st.sampled_from(["", "11", "84", "93", "27"])
PICK = st.integers(min_value=0, max_value=1000)
NAMES = st.sampled_from(["Atelier", "Campus", "Œuvre", "École", "Réseau"])


class Params(dict):
    def getlist(self, name):
        value = self.get(name)
        return [] if value is None else [value]


def bound(data):
    filterset, _notices = bind_filterset(LaureateFilter, Params(data), Laureate.objects.for_list())
    return filterset


def posted(form):
    """What a browser posts for `form` as rendered: its values, unchanged."""
    data = {}
    for name in form.fields:
        value, key = form[name].value(), form.add_prefix(name)
        if isinstance(value, bool):
            if value:
                data[key] = "on"
        elif value is None:
            data[key] = ""
        elif isinstance(value, list | tuple):
            data[key] = [str(item) for item in value]
        else:
            data[key] = value.isoformat() if hasattr(value, "isoformat") else str(value)
    return data


def change_form(client, obj):
    """The admin change form of `obj` as a browser would post it back: (url, data, inlines)."""
    url = reverse(f"admin:laureats_{obj._meta.model_name}_change", args=[obj.pk])
    response = client.get(url)
    assert response.status_code == 200
    data = posted(response.context["adminform"].form)
    inlines = {}
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        data.update(posted(formset.management_form))
        inlines[formset.prefix] = formset
        for form in formset.forms:
            data.update(posted(form))
    return url, data, inlines


class Writes(RuleBasedStateMachine):
    """Each example starts from the reference data and is rolled back at its end."""

    client = None
    reviewer = None

    def __init__(self):
        super().__init__()
        self.savepoint = transaction.atomic()
        self.savepoint.__enter__()
        self.count = 0

    def teardown(self):
        transaction.set_rollback(True)
        self.savepoint.__exit__(None, None, None)

    def number(self):
        self.count += 1
        return self.count

    def pick(self, queryset, index):
        rows = list(queryset.order_by("pk"))
        return rows[index % len(rows)] if rows else None

    def attempt(self, write):
        """Writes a constraint may refuse (a second lead, a member twice, a protected row):
        refused, they change nothing."""
        try:
            with transaction.atomic():
                write()
        except (IntegrityError, ProtectedError):
            pass

    # The ORM, row by row.

    @rule(scope=SCOPES, published=st.booleans(), amounts=st.booleans(), name=NAMES)
    def create_laureate(self, scope, published, amounts, name):
        number = self.number()
        Laureate.objects.create(
            name=f"{name} {number}",
            slug=f"laureat-{number}",
            status=Laureate.Status.RETAINED,
            scope=scope,
            is_published=published,
            total_cost=1000 if amounts else None,
            state_aid=700 if amounts else None,
        )

    @rule(kind=KINDS, region=REGIONS, name=NAMES)
    def create_organisation(self, kind, region, name):
        number = self.number()
        Organisation.objects.create(
            name=f"{name} {number}", slug=f"org-{number}", kind=kind, region_id=region or None
        )

    @rule(laureate=PICK, organisation=PICK, lead=st.booleans())
    def add_member(self, laureate, organisation, lead):
        laureate = self.pick(Laureate.objects, laureate)
        organisation = self.pick(Organisation.objects, organisation)
        if laureate and organisation:
            role = Membership.Role.LEAD if lead else Membership.Role.PARTNER
            self.attempt(
                lambda: Membership.objects.create(
                    laureate=laureate, organisation=organisation, role=role
                )
            )

    @rule(membership=PICK, laureate=PICK)
    def move_member(self, membership, laureate):
        membership = self.pick(Membership.objects, membership)
        laureate = self.pick(Laureate.objects, laureate)
        if membership and laureate:
            membership.laureate = laureate
            self.attempt(membership.save)

    @rule(index=PICK, name=NAMES, field=st.sampled_from(["name", "city", "aliases"]))
    def save_some_fields_of_an_organisation(self, index, name, field):
        organisation = self.pick(Organisation.objects, index)
        if organisation:
            setattr(organisation, field, f"{name} {self.number()}")
            organisation.save(update_fields=[field])

    @rule(laureate=PICK)
    def add_source(self, laureate):
        laureate = self.pick(Laureate.objects, laureate)
        if laureate:
            Source.objects.create(laureate=laureate, url=f"https://example.org/{self.number()}")

    @rule(model=st.sampled_from([Membership, Source, Laureate, Organisation]), index=PICK)
    def delete_one(self, model, index):
        row = self.pick(model.objects, index)
        if row:
            self.attempt(row.delete)

    @rule(laureate=PICK, index=PICK, regions=st.booleans(), reverse=st.booleans(), op=PICK)
    def change_relation(self, laureate, index, regions, reverse, op):
        laureate = self.pick(Laureate.objects, laureate)
        other = self.pick(Region.objects if regions else Sector.objects, index)
        if not (laureate and other):
            return
        if reverse:
            manager, item = other.laureates, laureate
        else:
            manager, item = (laureate.regions if regions else laureate.sectors), other
        [manager.add, manager.remove, lambda _item: manager.clear()][op % 3](item)

    # The resources: their search text names their published laureates.

    @rule(laureate=PICK, name=NAMES, codes=st.sampled_from(["", "RS12", "RNCP345"]))
    def create_resource(self, laureate, name, codes):
        number = self.number()
        resource = Resource.objects.create(
            title=f"{name} {number}", slug=f"ressource-{number}", certifications=codes
        )
        laureate = self.pick(Laureate.objects, laureate)
        if laureate:
            resource.laureates.add(laureate)

    @rule(index=PICK, laureate=PICK, op=PICK)
    def change_resource_laureates(self, index, laureate, op):
        resource = self.pick(Resource.objects, index)
        laureate = self.pick(Laureate.objects, laureate)
        if resource and laureate:
            manager = resource.laureates
            [
                manager.add,
                manager.remove,
                lambda _item: manager.clear(),
                lambda item: manager.set([item]),
            ][op % 4](laureate)

    @rule(index=PICK, name=NAMES, way=PICK)
    def write_a_resource(self, index, name, way):
        resource = self.pick(Resource.objects, index)
        if not resource:
            return
        rows = Resource.objects.filter(pk=resource.pk)
        resource.title = f"{name} {self.number()}"
        [
            resource.save,
            lambda: resource.save(update_fields=["title"]),
            lambda: rows.update(description=name),
            lambda: Resource.objects.bulk_update([resource], ["title"]),
            resource.delete,
        ][way % 5]()

    # Bulk writes.

    @rule(kind=KINDS, region=REGIONS, name=NAMES, index=PICK, field=PICK)
    def update_organisations(self, kind, region, name, index, field):
        organisation = self.pick(Organisation.objects, index)
        if organisation:
            values = [
                {"kind": kind},
                {"region_id": region or None},
                {"name": name},
                # What its search text is made of (Organisation.search_text).
                {"city": name},
                {"aliases": f"{name}\nAncien {name}"},
            ][field % 5]
            Organisation.objects.filter(pk=organisation.pk).update(**values)

    @rule(index=PICK, field=PICK, scope=SCOPES, flag=st.booleans(), name=NAMES)
    def update_laureates(self, index, field, scope, flag, name):
        laureate = self.pick(Laureate.objects, index)
        if laureate:
            values = [
                {"scope": scope},
                {"is_published": flag},
                {"description": name if flag else ""},
                {"name": name, "acronym": "ACR"},
                {"total_cost": 2000 if flag else None},
            ][field % 5]
            Laureate.objects.filter(pk=laureate.pk).update(**values)

    @rule(index=PICK, laureate=PICK, demote=st.booleans())
    def update_memberships(self, index, laureate, demote):
        membership = self.pick(Membership.objects, index)
        laureate = self.pick(Laureate.objects, laureate)
        if membership and laureate:
            rows = Membership.objects.filter(pk=membership.pk)
            if demote:
                rows.update(role=Membership.Role.PARTNER)
            else:
                self.attempt(lambda: rows.update(laureate=laureate))

    @rule(index=PICK, laureate=PICK)
    def update_sources(self, index, laureate):
        source = self.pick(Source.objects, index)
        laureate = self.pick(Laureate.objects, laureate)
        if source and laureate:
            self.attempt(lambda: Source.objects.filter(pk=source.pk).update(laureate=laureate))

    @rule(laureate=PICK, organisations=st.lists(PICK, max_size=3), kind=KINDS)
    def bulk_writes(self, laureate, organisations, kind):
        laureate = self.pick(Laureate.objects, laureate)
        chosen = {self.pick(Organisation.objects, index) for index in organisations} - {None}
        if not laureate or not chosen:
            return
        number = self.number()
        self.attempt(
            lambda: Membership.objects.bulk_create(
                [Membership(laureate=laureate, organisation=o) for o in chosen]
            )
        )
        for organisation in chosen:
            organisation.kind = kind
            organisation.city = f"Ville {number}"
        Organisation.objects.bulk_update(chosen, ["kind", "city"])
        laureate.name = f"Renommé {number}"
        Laureate.objects.bulk_update([laureate], ["name"])
        Laureate.objects.bulk_create(
            [Laureate(name=f"Créé {number}", slug=f"cree-{number}", status="retenu")]
        )
        Source.objects.bulk_create(
            [Source(laureate=laureate, url=f"https://example.org/lot-{number}")]
        )

    @rule(model=st.sampled_from([Membership, Source, Laureate]), index=PICK)
    def delete_many(self, model, index):
        row = self.pick(model.objects, index)
        if row:
            self.attempt(lambda: model.objects.filter(pk__lte=row.pk).delete())

    @rule(regions=st.booleans(), index=PICK)
    def delete_region_or_sector(self, regions, index):
        row = self.pick(Region.objects if regions else Sector.objects, index)
        if row:
            # A region where an organisation is located is protected: refused, nothing changes.
            self.attempt(row.delete)

    # What people write with: the admin, an import, a proposal.

    @rule(
        index=PICK,
        name=NAMES,
        scope=SCOPES,
        published=st.booleans(),
        sector=PICK,
        region=PICK,
        drop=st.booleans(),
        organisation=PICK,
        lead=st.booleans(),
    )
    def admin_edit_laureate(
        self, index, name, scope, published, sector, region, drop, organisation, lead
    ):
        laureate = self.pick(Laureate.objects, index)
        if not laureate:
            return
        url, data, inlines = change_form(self.client, laureate)
        data.update(name=f"{name} {self.number()}", scope=scope, description=name)
        data["is_published"] = "on" if published else ""
        data["sectors"] = [str(row.pk) for row in [self.pick(Sector.objects, sector)] if row]
        data["regions"] = [str(row.pk) for row in [self.pick(Region.objects, region)] if row]
        members = inlines["memberships"]
        if drop and members.initial_forms:
            data[members.initial_forms[0].add_prefix("DELETE")] = "on"
        new = self.pick(Organisation.objects, organisation)
        if new and members.extra_forms:
            extra = members.extra_forms[0]
            data[extra.add_prefix("organisation")] = str(new.pk)
            data[extra.add_prefix("role")] = "porteur" if lead else "partenaire"
        # Refused with a message (two leads, a member twice) or saved.
        assert self.client.post(url, data).status_code in {200, 302}

    @rule(index=PICK, kind=KINDS, region=REGIONS, name=NAMES)
    def admin_edit_organisation(self, index, kind, region, name):
        organisation = self.pick(Organisation.objects, index)
        if organisation:
            url, data, _inlines = change_form(self.client, organisation)
            data.update(kind=kind, region=region, name=f"{name} {self.number()}")
            # Refused with a message when its region was deleted meanwhile.
            assert self.client.post(url, data).status_code in {200, 302}

    @rule(
        index=PICK,
        new=st.booleans(),
        kind=KINDS,
        organisation=PICK,
        partner=NAMES,
        scope=SCOPES,
        region=REGIONS,
        published=st.booleans(),
    )
    def import_a_file(self, index, new, kind, organisation, partner, scope, region, published):
        existing = self.pick(Laureate.objects, index)
        slug = f"importe-{self.number()}" if new or not existing else existing.slug
        lead = self.pick(Organisation.objects, organisation)
        members = [f"partenaire:{kind}::{partner} importé"]
        if lead:
            members.insert(0, f"porteur:{lead.kind}::{lead.name}")
        sector = Sector.objects.order_by("pk").first()
        values = dict.fromkeys(COLUMN_NAMES, "")
        values.update(
            slug=slug,
            nom=f"Importé {slug}",
            statut="retenu",
            portee=scope,
            secteurs=sector.slug if sector else "",
            regions=region if scope == Laureate.Scope.INTERREGIONAL else "",
            membres=" | ".join(members),
            sources=f"https://example.org/{slug} Source",
            publie="oui" if published else "non",
        )
        header = ",".join(COLUMN_NAMES)
        row = ",".join(f'"{values[name]}"' for name in COLUMN_NAMES)
        # A row the import refuses (a region deleted meanwhile) writes nothing.
        with suppress(ImportFailed):
            apply_plan(plan_file("liste.csv", f"{header}\n{row}\n".encode()))

    @rule(index=PICK, field=st.sampled_from(["scope", "total_cost", "description", "name"]))
    def accept_a_proposal(self, index, field):
        laureate = self.pick(Laureate.objects, index)
        if laureate:
            value = {"scope": "nationale", "total_cost": "5 000 000 €"}.get(field, "Proposé")
            proposal = Proposal.objects.create(
                kind=Proposal.Kind.CORRECTION,
                laureate=laureate,
                field=field,
                value=value,
                source_url=f"https://example.org/proposition-{self.number()}",
                email="contact@example.org",
            )
            moderation.accept(proposal, self.reviewer)

    @rule(index=PICK, field=st.sampled_from(["name", "city", "kind", "region"]), name=NAMES)
    def accept_an_organisation_proposal(self, index, field, name):
        organisation = self.pick(Organisation.objects, index)
        if organisation:
            value = {"kind": "laboratoire", "region": "27"}.get(field, f"{name} proposé")
            proposal = Proposal.objects.create(
                kind=Proposal.Kind.ORGANISATION,
                organisation=organisation,
                organisation_field=field,
                value=value,
                source_url=f"https://example.org/proposition-{self.number()}",
                email="contact@example.org",
            )
            moderation.accept(proposal, self.reviewer)

    @invariant()
    def derived_columns_are_their_recomputation(self):
        # check_derived itself: it recomputes every derived column and names those that differ.
        out = io.StringIO()
        try:
            call_command("check_derived", verbosity=0, stdout=out)
        except CommandError as error:
            raise AssertionError(f"{error}\n{out.getvalue()}") from None

    @invariant()
    def facets_count_what_the_list_lists(self):
        filterset = bound({})
        facets = facet_counts(filterset)
        # For each option, the FilterSet's own filter for that value on the list's laureates,
        # all counted in one query.
        options = [(name, value) for name, counts in facets.items() for value in counts]
        listed = Laureate.objects.published().aggregate(
            **{
                f"option_{index}": Count(
                    "pk",
                    filter=Q(
                        pk__in=filterset.filters[name].filter(filterset.qs, [value]).values("pk")
                    ),
                )
                for index, (name, value) in enumerate(options)
            }
        )
        for index, (name, value) in enumerate(options):
            assert facets[name][value] == listed[f"option_{index}"], (name, value)


def test_random_writes_keep_derived_columns_and_facets(reference_data, admin_user):
    Writes.client = Client()
    Writes.client.force_login(admin_user)
    Writes.reviewer = admin_user
    run_state_machine_as_test(
        Writes,
        settings=settings(
            max_examples=6,
            stateful_step_count=10,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
