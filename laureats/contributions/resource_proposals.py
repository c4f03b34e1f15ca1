"""A shared production proposed by the public (/contribuer/production/), and what accepting it
creates.

The proposal is a Proposal of kind NEW_RESOURCE whose `value` holds the resource's fields as
JSON ({"title": ..., "laureates": [slugs], "kind": code...}): the form has already checked
every value against the Resource's own choices and lengths, so accepting reads them back
exactly, without parsing free text as a correction's value must be; the codes (not the labels)
are kept, so that a label reworded later still reads; and the Proposal table needs no column
of its own for a kind of proposal that is one among four. `proposed_name` holds the title
(the moderation list shows it and searches it), `laureate` the first laureate named (the list
filters by it).

Accepting creates the resource published: the moderator has compared every field with the
source before accepting, as for a correction, which is applied at once; the resource gets the
proposal's source and a history entry that names the proposal.
"""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import Laureate, Proposal, Resource, ResourceSource
from ..models.validators import free_slug
from .forms import ContributionForm

# The fields of the resource a proposal carries, in the order the moderator reads them.
FIELDS = ["title", "laureates", "kind", "description", "url", "licence", "access", "status"]
CHOICE_FIELDS = {"kind", "licence", "access", "status"}
MAX_LAUREATES = 10
SLUG_ATTEMPTS = 5


def optional(choices):
    return [("", gettext_lazy("— non précisé —")), *choices]


class ResourceProposalForm(ContributionForm):
    """A new shared production: its main fields, a source, an e-mail to answer."""

    title = forms.CharField(
        label=gettext_lazy("Titre de la production"),
        max_length=Resource._meta.get_field("title").max_length,
        help_text=gettext_lazy("Tel que la source le publie."),
    )
    laureates = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Lauréat(s) qui la produisent"),
        # Only published laureates: an unpublished one must not appear, even as a choice.
        queryset=Laureate.objects.published().in_name_order(),
        to_field_name="slug",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Cochez au moins un lauréat.")},
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=[("", gettext_lazy("— Choisir le type —")), *Resource.Kind.choices],
        error_messages={"required": gettext_lazy("Choisissez le type de la production.")},
    )
    description = forms.CharField(
        label=gettext_lazy("Description courte (facultatif)"),
        required=False,
        max_length=Resource._meta.get_field("description").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy(
            "Ce qu'elle permet d'apprendre, et à qui. 1 000 caractères au plus."
        ),
    )
    url = forms.URLField(
        label=gettext_lazy("Adresse de la production (facultatif)"),
        required=False,
        max_length=Resource._meta.get_field("url").max_length,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
    licence = forms.ChoiceField(
        label=gettext_lazy("Licence"), required=False, choices=optional(Resource.Licence.choices)
    )
    access = forms.ChoiceField(
        label=gettext_lazy("Accès"), required=False, choices=optional(Resource.Access.choices)
    )
    status = forms.ChoiceField(
        label=gettext_lazy("État"), required=False, choices=optional(Resource.Status.choices)
    )

    class Meta:
        model = Proposal
        fields = ["source_url", "comment", "email"]
        labels = ContributionForm.LABELS
        help_texts = ContributionForm.HELP_TEXTS
        widgets = ContributionForm.WIDGETS

    field_order = [*FIELDS, "source_url", "comment", "email"]

    def clean_laureates(self):
        laureates = self.cleaned_data["laureates"]
        if len(laureates) > MAX_LAUREATES:
            raise ValidationError(
                _("Cochez %(max)s lauréats au plus.") % {"max": MAX_LAUREATES},
                code="too_many",
            )
        return laureates

    def clean_url(self):
        url = self.cleaned_data["url"]
        if url:
            Resource._meta.get_field("url").run_validators(url)
        return url

    def save(self, commit=True):
        proposal = super().save(commit=False)
        proposal.kind = Proposal.Kind.NEW_RESOURCE
        values = {name: self.cleaned_data[name] for name in FIELDS}
        laureates = list(values["laureates"])
        values["laureates"] = [laureate.slug for laureate in laureates]
        proposal.value = json.dumps(values, ensure_ascii=False, indent=1)
        proposal.proposed_name = values["title"]
        proposal.laureate = laureates[0]
        if commit:
            proposal.save()
        return proposal


def proposed_values(proposal):
    """The resource's fields as the proposal holds them; {} when its value is not the JSON
    the form writes (edited by hand in a shell)."""
    try:
        values = json.loads(proposal.value)
    except ValueError:
        return {}
    return values if isinstance(values, dict) else {}


def shown_values(proposal):
    """(label, text) of each proposed field, as the moderator reads it: labels, not codes."""
    values = proposed_values(proposal)
    names = dict(
        Laureate.objects.filter(slug__in=values.get("laureates") or []).values_list("slug", "name")
    )
    rows = []
    for name in FIELDS:
        field = Resource._meta.get_field(name)
        value = values.get(name)
        if name == "laureates":
            text = "\n".join(
                names.get(slug, _("%(slug)s (n'existe plus)") % {"slug": slug})
                for slug in value or []
            )
        elif name in CHOICE_FIELDS:
            text = str(dict(field.choices).get(value, value or ""))
        else:
            text = str(value or "")
        rows.append((field.verbose_name, text or "—"))
    return rows


def check(proposal):
    """Why the proposed resource cannot be created (a French sentence), or "" if it can."""
    values = proposed_values(proposal)
    if not values.get("title"):
        return _("la proposition ne contient pas de titre lisible.")
    if not Laureate.objects.filter(slug__in=values.get("laureates") or []).exists():
        return _("aucun des lauréats proposés n'existe plus.")
    candidate = build(values)
    candidate.slug = "verification"
    try:
        candidate.full_clean(exclude=["laureates", "sectors", "slug"], validate_unique=False)
    except ValidationError as error:
        return " ".join(error.messages)
    return ""


def build(values):
    fields = {name: values.get(name) or "" for name in FIELDS if name != "laureates"}
    return Resource(**fields, is_published=True)


def create_resource(proposal):
    """The proposed resource, created published under a free slug, with its laureates and the
    proposal's source, every history entry naming the proposal. A slug taken meanwhile by
    another insert is retried, in a savepoint that keeps the rest of the transaction."""
    values = proposed_values(proposal)
    laureates = list(Laureate.objects.filter(slug__in=values["laureates"]))
    for _attempt in range(SLUG_ATTEMPTS):
        resource = build(values)
        resource.slug = free_slug(
            values["title"],
            lambda slug: Resource.objects.filter(slug=slug).exists(),
            max_length=Resource._meta.get_field("slug").max_length,
            fallback="production",
        )
        # Read by simple_history for the creation and for the laureates' entry alike.
        resource._change_reason = proposal.change_reason
        try:
            with transaction.atomic():
                resource.save()
        except IntegrityError:
            continue
        resource.laureates.set(laureates)
        source = ResourceSource(resource=resource, url=proposal.source_url)
        # That history's reason is 100 characters at most: the number says where it comes from.
        source._change_reason = f"Proposition n°{proposal.pk} acceptée"
        source.save()
        return resource
    raise SlugTaken


class SlugTaken(Exception):
    """No free slug could be inserted: others took each one meanwhile."""
