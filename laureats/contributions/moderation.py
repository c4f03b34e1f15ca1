"""Accepting or rejecting the public's proposals: what can be applied automatically, and how.

A proposal's value is free text typed by anyone. Only single fields with an unambiguous reading
(a name, a choice, an amount, a date, an address) are applied automatically, and only once the
laureate, changed, passes the model's own validation (lengths, choices, the 70 % rule, dates).
Everything else (members, sectors as free text...) is accepted for an admin to apply by hand.
"""

import datetime
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..csv_format import BY_NAME, CellError
from ..csv_format.codecs import KINDS
from ..csv_format.values import Vocabulary
from ..models import Laureate, Organisation, Proposal, Region, Source
from ..models.validators import free_slug, validate_web_address
from ..text.folding import normalize_text
from . import resource_proposals

TEXT_FIELDS = {"name", "acronym", "summary", "description"}
AMOUNT_FIELDS = {"total_cost", "state_aid"}
DATE_FIELDS = {"start_date", "end_date"}
CHOICE_FIELDS = {"scope", "status"}
AUTOMATIC_FIELDS = TEXT_FIELDS | AMOUNT_FIELDS | DATE_FIELDS | CHOICE_FIELDS | {"website"}

# "1 200 000 €", "1200000 euros": spaces of any kind and the currency are noise; a comma or a
# dot is not (decimal or thousands?), so such values go to an admin.
AMOUNT_NOISE = re.compile(r"[\s\u00a0\u202f]|€|euros?|eur", re.IGNORECASE)


class AlreadyReviewed(Exception):
    pass


class TargetChanged(Exception):
    """The laureate or the organisation changed since the moderator's page showed it: what
    they compared (its current value next to the proposed one) is no longer what accepting
    would replace."""


class SlugConflict(Exception):
    """No free slug could be inserted for a new laureate: others took each one meanwhile."""


# Attempts at inserting a new laureate's slug when a concurrent insert takes it first.
SLUG_ATTEMPTS = 5


@dataclass
class Plan:
    """What accepting a proposal would do: apply `value` to `field`, or explain why not."""

    field: str = ""
    value: object = None
    reason: str = ""

    @property
    def automatic(self):
        return not self.reason


def parse_value(field_name, raw):
    """The proposal's text as a value of the laureate's field; ValueError when it is not one."""
    raw = raw.strip()
    if field_name in TEXT_FIELDS:
        return raw
    if field_name in AMOUNT_FIELDS:
        digits = AMOUNT_NOISE.sub("", raw)
        if not digits.isascii() or not digits.isdigit():
            raise ValueError(
                _("« %(value)s » n'est pas un nombre entier d'euros.") % {"value": raw}
            )
        return int(digits)
    if field_name in DATE_FIELDS:
        for date_format in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                return datetime.datetime.strptime(raw, date_format).date()
            except ValueError:
                continue
        raise ValueError(
            _("« %(value)s » n'est pas une date (AAAA-MM-JJ ou JJ/MM/AAAA).") % {"value": raw}
        )
    if field_name in CHOICE_FIELDS:
        wanted = normalize_text(raw)
        for value, label in Laureate._meta.get_field(field_name).choices:
            if wanted in {normalize_text(value), normalize_text(str(label))}:
                return value
        raise ValueError(
            _("« %(value)s » n'est pas une valeur permise pour ce champ.") % {"value": raw}
        )
    if field_name == "website":
        validate_web_address(raw)
        return raw
    raise ValueError(_("ce champ se corrige dans la fiche du lauréat."))


def plan(proposal):
    """What accepting this proposal would change, checked against the model's rules."""
    if proposal.kind == Proposal.Kind.NEW_LAUREATE:
        return Plan(field="name", value=proposal.proposed_name)
    if proposal.kind == Proposal.Kind.NEW_RESOURCE:
        return Plan(field="resource", reason=resource_proposals.check(proposal))
    if proposal.kind == Proposal.Kind.ORGANISATION:
        return plan_organisation(proposal)
    laureate = proposal.laureate
    if laureate is None:
        return Plan(reason=_("le lauréat concerné n'existe plus."))
    if proposal.field not in AUTOMATIC_FIELDS:
        return Plan(
            field=proposal.field,
            reason=_("« %(field)s » ne peut pas être modifié automatiquement.")
            % {"field": proposal.get_field_display()},
        )
    try:
        value = parse_value(proposal.field, proposal.value)
    except (ValueError, ValidationError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        return Plan(field=proposal.field, reason=message)
    model_field = Laureate._meta.get_field(proposal.field)
    # TextField's max_length is not a model validator: check it here as the forms would.
    if model_field.max_length and isinstance(value, str) and len(value) > model_field.max_length:
        return Plan(
            field=proposal.field,
            reason=_("la valeur dépasse %(max)s caractères.") % {"max": model_field.max_length},
        )
    candidate = Laureate.objects.get(pk=laureate.pk)
    setattr(candidate, proposal.field, value)
    try:
        candidate.full_clean(exclude=["sectors", "regions"], validate_unique=False)
    except ValidationError as error:
        return Plan(field=proposal.field, reason=" ".join(error.messages))
    return Plan(field=proposal.field, value=value)


def unique_slug(name):
    return free_slug(
        name,
        lambda slug: Laureate.objects.filter(slug=slug).exists(),
        max_length=Laureate._meta.get_field("slug").max_length,
        fallback="laureat",
    )


def create_laureate(proposal):
    """The proposed laureate, inserted under a free slug. A slug is checked and then inserted,
    so another insert may take it in between: the unique constraint then refuses ours, and the
    next free slug is tried, in a savepoint that keeps the rest of the transaction."""
    for _attempt in range(SLUG_ATTEMPTS):
        # Unpublished: an admin completes it (lead, members, amounts) before anyone sees it.
        laureate = Laureate(
            name=proposal.proposed_name,
            slug=unique_slug(proposal.proposed_name),
            status=Laureate.Status.RETAINED,
            is_published=False,
        )
        laureate._change_reason = proposal.change_reason
        try:
            with transaction.atomic():
                laureate.save()
        except IntegrityError:
            continue
        return laureate
    raise SlugConflict


@dataclass
class Outcome:
    proposal: Proposal
    laureate: Laureate | None
    plan: Plan
    created: bool = False


def corrected_row(proposal, lock=False):
    """The row a correction corrects (its laureate or its organisation), read from the
    database, or None when it no longer exists. With `lock`, locked until the end of the
    transaction."""
    model = Organisation if proposal.kind == Proposal.Kind.ORGANISATION else Laureate
    key = getattr(proposal, f"{model._meta.model_name}_id")
    rows = model.objects.select_for_update() if lock else model.objects
    return rows.filter(pk=key).first() if key else None


@transaction.atomic
def accept(proposal, reviewer, seen_version=None):
    """Accept a pending proposal; apply it when `plan` says it can be applied automatically.

    The corrected row's history entry (a laureate's or an organisation's) carries the
    proposal's number and source (its change reason), and for a laureate the source joins its
    public sources. `seen_version`: the corrected row's version that the moderator's comparison
    showed; TargetChanged (nothing written) if it moved.
    """
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.Status.PENDING:
        raise AlreadyReviewed
    new_resource = proposal.kind == Proposal.Kind.NEW_RESOURCE
    created = proposal.kind == Proposal.Kind.NEW_LAUREATE
    if not (created or new_resource):
        # Locked before the plan reads it: an admin's edit of the same row waits for this
        # transaction instead of being overwritten by it, and the plan checks the current row.
        target = corrected_row(proposal, lock=True)
        if proposal.kind == Proposal.Kind.ORGANISATION:
            proposal.organisation = target
        else:
            proposal.laureate = target
        if seen_version is not None and target is not None and target.version != seen_version:
            raise TargetChanged
    change = plan(proposal)
    if created:
        proposal.laureate = create_laureate(proposal)
    elif new_resource:
        if change.automatic:
            try:
                proposal.resource = resource_proposals.create_resource(proposal)
            except resource_proposals.SlugTaken:
                raise SlugConflict from None
            created = True
    elif change.automatic:
        target = proposal.target
        setattr(target, change.field, change.value)
        target._change_reason = proposal.change_reason
        # Only the field the proposal changes: nothing else of the row is written back. Its
        # version counts the change, for the forms opened before (admin/conflicts.py). The
        # derived columns follow by themselves (laureats/derived/).
        target.save(update_fields=[change.field, "updated_at", "version"])
    # A production's source is its own (create_resource), not its laureate's.
    if change.automatic and proposal.kind in (Proposal.Kind.CORRECTION, Proposal.Kind.NEW_LAUREATE):
        Source.objects.get_or_create(laureate=proposal.laureate, url=proposal.source_url)
    proposal.status = Proposal.Status.ACCEPTED
    proposal.applied = change.automatic
    proposal.reviewer = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.save()
    return Outcome(proposal=proposal, laureate=proposal.laureate, plan=change, created=created)


@transaction.atomic
def reject(proposal, reviewer, reason):
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.status != Proposal.Status.PENDING:
        raise AlreadyReviewed
    reason = reason.strip()
    if not reason:
        raise ValidationError(_("Indiquez la raison du refus."))
    proposal.status = Proposal.Status.REJECTED
    proposal.rejection_reason = reason
    proposal.reviewer = reviewer
    proposal.reviewed_at = timezone.now()
    proposal.save()
    return proposal


def changed_since_proposed(proposal, current):
    """Whether the field's value (`current`, as current_text() shows it) is no longer the one
    the proposal was made against."""
    return bool(proposal.value_when_proposed) and proposal.value_when_proposed != current


def current_text(proposal, target):
    """The current value of the field a correction corrects in `target` (its laureate or its
    organisation), as text for the comparison."""
    if proposal.kind == Proposal.Kind.ORGANISATION:
        return current_organisation_value(target, proposal.organisation_field)
    return current_value(target, proposal.field)


def value_when_proposed(proposal):
    """What a correction's field holds as it is proposed, read from the database ("" when the
    proposal corrects nothing that exists)."""
    if proposal.kind in (Proposal.Kind.NEW_LAUREATE, Proposal.Kind.NEW_RESOURCE):
        return ""
    if not proposal.target_field:
        return ""
    target = corrected_row(proposal)
    return "" if target is None else current_text(proposal, target)


def current_value(laureate, field_name):
    """The laureate's current value of a proposal's field, as text for the comparison."""
    unknown = _("non renseigné")
    if field_name in CHOICE_FIELDS:
        return getattr(laureate, f"get_{field_name}_display")() or unknown
    if field_name in AMOUNT_FIELDS:
        value = getattr(laureate, field_name)
        return unknown if value is None else f"{value:,} €".replace(",", "\u202f")
    if field_name in DATE_FIELDS:
        value = getattr(laureate, field_name)
        return value.strftime("%d/%m/%Y") if value else unknown
    if field_name in TEXT_FIELDS or field_name == "website":
        return getattr(laureate, field_name) or unknown
    if field_name in {"sectors", "regions"}:
        return ", ".join(str(item) for item in getattr(laureate, field_name).all()) or unknown
    if field_name == "lead":
        return laureate.lead.name if laureate.lead else unknown
    if field_name == "members":
        memberships = laureate.memberships.select_related("organisation")
        return (
            "\n".join(f"{m.organisation.name} ({m.get_role_display()})" for m in memberships)
            or unknown
        )
    if field_name == "sources":
        return "\n".join(source.url for source in laureate.sources.all()) or unknown
    return _("voir la fiche du lauréat")


# Organisations: a correction proposed from an organisation's page ---------------------------


def parse_organisation_value(field_name, raw):
    """The proposal's text as a value of the organisation's field, read as the import reads
    the same values (laureats/csv_format/); ValueError or ValidationError when it is not one."""
    raw = raw.strip()
    if field_name in {"name", "city"}:
        return raw
    if field_name == "website":
        validate_web_address(raw)
        return raw
    if field_name in {"siren", "siret"}:
        # "123 456 789", "123 456 789 00012", as the Annuaire des entreprises writes them.
        return "".join(raw.split())
    try:
        if field_name == "kind":
            return KINDS.parse(raw)
        if field_name == "region":
            lookups = {"regions": Vocabulary(Region.objects.values_list("code", "name"))}
            codes = BY_NAME["regions"].read(raw, lookups)
            if len(codes) != 1:
                raise ValueError(_("une organisation est dans une seule région."))
            return Region.objects.get(pk=codes[0])
    except CellError as error:
        raise ValueError(" ".join(error.args)) from None
    raise ValueError(_("ce champ se corrige dans la fiche de l'organisation."))


def plan_organisation(proposal):
    """What accepting a correction of an organisation would change, checked against the
    model's rules (lengths, the SIREN's 9 digits and uniqueness...)."""
    organisation, field_name = proposal.organisation, proposal.organisation_field
    if organisation is None:
        return Plan(reason=_("l'organisation concernée n'existe plus."))
    if field_name == Proposal.OrganisationField.OTHER:
        return Plan(
            field=field_name,
            reason=_("« %(field)s » ne peut pas être modifié automatiquement.")
            % {"field": proposal.get_organisation_field_display()},
        )
    try:
        value = parse_organisation_value(field_name, proposal.value)
    except (ValueError, ValidationError) as error:
        message = error.messages[0] if isinstance(error, ValidationError) else str(error)
        return Plan(field=field_name, reason=message)
    candidate = Organisation.objects.get(pk=organisation.pk)
    setattr(candidate, field_name, value)
    try:
        candidate.full_clean()
    except ValidationError as error:
        return Plan(field=field_name, reason=" ".join(error.messages))
    return Plan(field=field_name, value=value)


def current_organisation_value(organisation, field_name):
    """The organisation's current value of a proposal's field, as text for the comparison."""
    if field_name == "kind":
        return organisation.get_kind_display()
    if field_name in {"name", "city", "website", "siren", "siret", "region"}:
        return str(getattr(organisation, field_name) or "") or _("non renseigné")
    return _("voir la fiche de l'organisation")
