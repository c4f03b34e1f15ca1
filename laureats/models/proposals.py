"""The public's proposals of corrections and new laureates, kept pending for moderation."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .laureates import Laureate
from .organisations import Organisation
from .validators import validate_web_address


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Proposal.Status.PENDING)


class Proposal(models.Model):
    """A correction, a new laureate or a new shared production proposed by the public at
    /contribuer/, or a correction of an organisation proposed from its page (a production's
    fields are kept in `value` as JSON: laureats/contributions/resource_proposals.py).

    Nothing in it is public: an admin compares it with the current entry, then accepts it (the
    change goes into the laureate's history with the proposal's source) or rejects it with a
    reason. No IP address is stored; the e-mail is kept only to answer, and out of history.
    """

    VALUE_MAX_LENGTH = 5000

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("correction d'un lauréat")
        NEW_LAUREATE = "nouveau-laureat", _("nouveau lauréat")
        ORGANISATION = "organisation", _("correction d'une organisation")
        NEW_RESOURCE = "nouvelle-ressource", _("nouvelle production partagée")

    class Field(models.TextChoices):
        # Values are Laureate field names where one exists, so that the moderation can apply them.
        NAME = "name", _("nom du projet")
        ACRONYM = "acronym", _("acronyme")
        SUMMARY = "summary", _("résumé")
        DESCRIPTION = "description", _("description")
        SCOPE = "scope", _("portée (nationale ou interrégionale)")
        STATUS = "status", _("statut")
        SECTORS = "sectors", _("filières")
        REGIONS = "regions", _("régions couvertes")
        TOTAL_COST = "total_cost", _("coût total (€)")
        STATE_AID = "state_aid", _("aide de l'État (€)")
        START_DATE = "start_date", _("date de début")
        END_DATE = "end_date", _("date de fin")
        WEBSITE = "website", _("site web")
        LEAD = "lead", _("organisation porteuse")
        MEMBERS = "members", _("membres du consortium")
        SOURCES = "sources", _("sources")
        OTHER = "other", _("autre chose, ou plusieurs champs")

    class OrganisationField(models.TextChoices):
        # Organisation field names, so that the moderation can apply them.
        NAME = "name", _("nom")
        KIND = "kind", _("type d'organisation")
        CITY = "city", _("ville")
        REGION = "region", _("région")
        WEBSITE = "website", _("site web")
        SIREN = "siren", _("SIREN")
        SIRET = "siret", _("SIRET")
        OTHER = "other", _("autre chose, ou plusieurs champs")

    class Status(models.TextChoices):
        PENDING = "en-attente", _("en attente")
        ACCEPTED = "acceptee", _("acceptée")
        REJECTED = "refusee", _("refusée")

    kind = models.CharField(
        _("type de proposition"), max_length=20, choices=Kind.choices, default=Kind.CORRECTION
    )
    laureate = models.ForeignKey(
        Laureate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("lauréat"),
        help_text=_("Le lauréat corrigé, ou celui créé en acceptant un nouveau lauréat."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("organisation"),
        help_text=_("L'organisation corrigée."),
    )
    resource = models.ForeignKey(
        "laureats.Resource",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("production partagée"),
        help_text=_("La production partagée créée en acceptant la proposition."),
    )
    proposed_name = models.CharField(_("nom du nouveau lauréat"), max_length=255, blank=True)
    field = models.CharField(_("champ"), max_length=20, choices=Field.choices, blank=True)
    organisation_field = models.CharField(
        _("champ de l'organisation"), max_length=20, choices=OrganisationField.choices, blank=True
    )
    value = models.TextField(_("valeur proposée"), max_length=VALUE_MAX_LENGTH)
    source_url = models.URLField(_("source"), max_length=500, validators=[validate_web_address])
    comment = models.TextField(_("commentaire"), max_length=2000, blank=True)
    email = models.EmailField(
        _("e-mail de contact"), help_text=_("Jamais publié : sert seulement à répondre.")
    )
    status = models.CharField(
        _("état"), max_length=20, choices=Status.choices, default=Status.PENDING
    )
    applied = models.BooleanField(
        _("appliquée automatiquement"),
        default=False,
        help_text=_("Faux pour une proposition acceptée qu'il faut reporter à la main."),
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("relue par"),
    )
    reviewed_at = models.DateTimeField(_("relue le"), null=True, blank=True)
    rejection_reason = models.TextField(_("raison du refus"), max_length=2000, blank=True)
    # The corrected field's value as the fiche (of the laureate or of the organisation) showed
    # it when the proposal was made (set by laureats/models/version_signals.py, whoever creates the
    # proposal): moderation shows it next to the current value when someone changed the field
    # since. Empty when unknown (older proposals).
    value_when_proposed = models.TextField(
        _("valeur lors de la proposition"), blank=True, editable=False
    )
    created_at = models.DateTimeField(_("reçue le"), auto_now_add=True)

    objects = ProposalQuerySet.as_manager()
    # The contact e-mail stays out of history, so that deleting a proposal deletes it.
    history = HistoricalRecords(excluded_fields=["email"])

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("proposition du public")
        verbose_name_plural = _("propositions du public")
        constraints = [
            # The admin refuses a rejection without a reason; the person who proposed is owed one.
            models.CheckConstraint(
                condition=~Q(status="refusee") | ~Q(rejection_reason=""),
                name="proposal_rejection_has_reason",
                violation_error_message=_("Un refus doit être motivé."),
            ),
        ]
        indexes = [
            # The moderation list: pending first filter, newest first.
            models.Index(fields=["status", "-created_at"], name="proposal_status_created_idx"),
        ]

    def __str__(self):
        if self.kind == self.Kind.NEW_LAUREATE:
            target = _("nouveau lauréat « %(name)s »") % {"name": self.proposed_name}
        elif self.kind == self.Kind.NEW_RESOURCE:
            target = _("nouvelle production « %(name)s »") % {"name": self.proposed_name}
        elif self.kind == self.Kind.ORGANISATION:
            target = f"{self.organisation or '?'} — {self.get_organisation_field_display()}"
        else:
            target = f"{self.laureate or '?'} — {self.get_field_display()}"
        return _("Proposition n°%(number)s : %(target)s") % {"number": self.pk, "target": target}

    @property
    def target(self):
        """The row that the proposal corrects (or the laureate or the resource that accepting
        it created)."""
        if self.kind == self.Kind.NEW_RESOURCE:
            return self.resource
        return self.organisation if self.kind == self.Kind.ORGANISATION else self.laureate

    @property
    def target_field(self):
        """The name of the field of `target` that a correction corrects."""
        return self.organisation_field if self.kind == self.Kind.ORGANISATION else self.field

    def get_target_field_display(self):
        if self.kind == self.Kind.ORGANISATION:
            return self.get_organisation_field_display()
        return self.get_field_display()

    @property
    def change_reason(self):
        """What the laureate's history says about a change that this proposal made."""
        return f"Proposition n°{self.pk} acceptée — source : {self.source_url}"
