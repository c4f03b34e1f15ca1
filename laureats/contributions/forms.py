from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Laureate, Proposal

SOURCE_HELP = _(
    "Obligatoire : la page publique qui confirme cette information (communiqué, site du "
    "projet, article, Journal officiel...)."
)


class ContributionForm(forms.ModelForm):
    """What every proposal of the public has: a source, an e-mail to answer, a bot trap."""

    source_url = forms.URLField(
        label=_("Source (adresse web)"),
        max_length=500,
        assume_scheme="https",
        help_text=SOURCE_HELP,
        widget=forms.URLInput(attrs={"placeholder": "https://", "inputmode": "url"}),
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled in by many bots.
    site_perso = forms.CharField(
        label=_("Ne pas remplir"),
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    LABELS = {
        "value": _("Nouvelle valeur ou informations"),
        "comment": _("Commentaire (facultatif)"),
        "email": _("Votre adresse e-mail"),
    }
    HELP_TEXTS = {
        "comment": _("Ce que les relecteurs doivent savoir. 2 000 caractères au plus."),
        "email": _(
            "Obligatoire, jamais publiée : elle ne sert qu'à vous répondre au sujet de cette "
            "proposition, et seuls les administrateurs du portail la voient."
        ),
    }
    WIDGETS = {
        "value": forms.Textarea(attrs={"rows": 6}),
        "comment": forms.Textarea(attrs={"rows": 3}),
        "email": forms.EmailInput(attrs={"autocomplete": "email"}),
    }

    def is_spam(self):
        """True when the honeypot was filled in: the view then pretends and saves nothing."""
        return bool(self.data.get(self.add_prefix("site_perso"), "").strip())


class ProposalForm(ContributionForm):
    """A correction or a new laureate, proposed by anyone; every field has a length limit."""

    laureate = forms.ModelChoiceField(
        label=_("Lauréat concerné"),
        # Only published laureates: an unpublished one must not appear, even as a choice.
        queryset=Laureate.objects.published(),
        to_field_name="slug",
        required=False,
        empty_label=_("— Choisir le lauréat —"),
    )
    field = forms.ChoiceField(
        label=_("Champ à corriger"),
        choices=[("", _("— Choisir le champ —")), *Proposal.Field.choices],
        required=False,
        help_text=_(
            "Pour corriger plusieurs champs, choisissez « autre chose, ou plusieurs champs » et "
            "détaillez chaque changement."
        ),
    )

    class Meta:
        model = Proposal
        fields = [
            "kind",
            "laureate",
            "field",
            "proposed_name",
            "value",
            "source_url",
            "comment",
            "email",
        ]
        labels = {
            "kind": _("Vous proposez"),
            "proposed_name": _("Nom du projet lauréat"),
            **ContributionForm.LABELS,
        }
        help_texts = {
            "proposed_name": _("Le nom du projet tel que la source le publie."),
            "value": _(
                "Pour une correction, la valeur exacte à enregistrer (montants en euros, dates au "
                "format JJ/MM/AAAA). Pour un nouveau lauréat : porteur, membres, filière, régions, "
                "montants, tout ce que dit la source. 5 000 caractères au plus."
            ),
            **ContributionForm.HELP_TEXTS,
        }
        widgets = {"kind": forms.RadioSelect, **ContributionForm.WIDGETS}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An organisation is corrected from its own page (OrganisationProposalForm).
        self.fields["kind"].choices = [
            (value, label)
            for value, label in self.fields["kind"].choices
            if value != Proposal.Kind.ORGANISATION
        ]

    @property
    def prefilled_field(self):
        """The label of the field a ?champ= link chose, for the page to say what is asked."""
        if self.is_bound or not self.initial.get("field"):
            return None
        return Proposal.Field(self.initial["field"]).label

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Proposal.Kind.CORRECTION:
            if not cleaned.get("laureate") and "laureate" not in self.errors:
                self.add_error("laureate", _("Choisissez le lauréat à corriger."))
            if not cleaned.get("field"):
                self.add_error("field", _("Choisissez le champ à corriger."))
            cleaned["proposed_name"] = ""
        elif kind == Proposal.Kind.NEW_LAUREATE:
            if not cleaned.get("proposed_name") and "proposed_name" not in self.errors:
                self.add_error("proposed_name", _("Indiquez le nom du projet lauréat."))
            cleaned["laureate"] = None
            cleaned["field"] = ""
        return cleaned


class OrganisationProposalForm(ContributionForm):
    """A correction of one organisation (city, SIREN, website...), from its page."""

    organisation_field = forms.ChoiceField(
        label=_("Champ à corriger"),
        choices=[("", _("— Choisir le champ —")), *Proposal.OrganisationField.choices],
        error_messages={"required": _("Choisissez le champ à corriger.")},
    )

    class Meta:
        model = Proposal
        fields = ["organisation_field", "value", "source_url", "comment", "email"]
        labels = ContributionForm.LABELS
        help_texts = {
            "value": _(
                "La valeur exacte à enregistrer : la ville, le SIREN (9 chiffres), le SIRET (14 "
                "chiffres), l'adresse du site web, le nom complet… 5 000 caractères au plus."
            ),
            **ContributionForm.HELP_TEXTS,
        }
        widgets = ContributionForm.WIDGETS

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.kind = Proposal.Kind.ORGANISATION
        self.instance.organisation = organisation


def organisation_field_from_query(query, notices):
    """?champ=<field> (a `Proposal.OrganisationField` value, as the organisation page links)
    pre-selects the field; any other value is ignored with a notice."""
    champ = query.get("champ", "").strip()
    if not champ:
        return {}
    if champ not in Proposal.OrganisationField.values:
        notices.append(
            _("« %(champ)s » n'est pas un champ de l'organisation : choisissez-le dans la liste.")
            % {"champ": champ[:40]}
        )
        return {}
    return {"organisation_field": champ}


def field_from_query(query, notices):
    """?champ=<field> (a `Proposal.Field` value, as the fiches link) pre-selects the field of a
    correction; any other value is ignored with a notice, never an error."""
    champ = query.get("champ", "").strip()
    if not champ:
        return {}
    if champ not in Proposal.Field.values:
        notices.append(
            _("« %(champ)s » n'est pas un champ de la fiche : choisissez-le dans la liste.")
            % {"champ": champ[:40]}
        )
        return {}
    return {"kind": Proposal.Kind.CORRECTION, "field": champ}
