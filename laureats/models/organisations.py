"""The member organisations, and their place in each consortium: its lead or a partner."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..text.ordering import french, sort_key
from .page_urls import page_url
from .publication import of_published_laureates
from .reference import Region
from .validators import (
    validate_activity_declaration,
    validate_commune_code,
    validate_legal_category,
    validate_siren,
    validate_siret,
    validate_uai,
)
from .versions import version_field
from .writes import InputModel, InputQuerySet


class OrganisationQuerySet(InputQuerySet):
    def in_name_order(self):
        """By name in French reading order (laureats/text/ordering.py), as every list shows them."""
        return self.order_by(french("name"), "pk")

    def with_published_memberships(self):
        """Organisations that belong to at least one published laureate: the flag kept by
        laureats/derived/, where a semi-join read 70,000 memberships."""
        return self.filter(in_published_laureate=True)

    def for_detail(self):
        """With its memberships in published laureates, each with the consortium's members."""
        memberships = (
            of_published_laureates(Membership.objects.all())
            .select_related("laureate")
            .prefetch_related(
                Prefetch(
                    "laureate__memberships",
                    queryset=Membership.objects.select_related("organisation"),
                )
            )
            .order_by(french("laureate__name"), "laureate_id")
        )
        return self.select_related("region").prefetch_related(
            Prefetch("memberships", queryset=memberships, to_attr="published_memberships")
        )

    def for_map(self):
        """The located organisations of this queryset with only what the member map reads
        (place, name, address of its page), in one query: without the list's annotations and
        joins, nor the organisations not placed yet, which the map only counts."""
        return (
            Organisation.objects.filter(pk__in=self.order_by().values("pk"))
            .filter(latitude__isnull=False, longitude__isnull=False)
            .only("name", "slug", "city", "commune_code", "latitude", "longitude")
            .order_by()
        )

    def for_list(self):
        """Organisations of at least one published consortium, each with `laureate_count`, how
        many. The flag selects them (the page's count reads its partial index, where an EXISTS
        per organisation took ~21 ms at 10,000 laureates); a count subquery, evaluated for one
        page of names, says how many (a GROUP BY over every membership took a quarter of a
        second)."""
        published = of_published_laureates(
            Membership.objects.filter(organisation_id=OuterRef("pk"))
        )
        # One membership per (laureate, organisation): counting them counts consortia.
        count = published.order_by().values("organisation_id").annotate(n=Count("pk")).values("n")
        return (
            self.select_related("region")
            .with_published_memberships()
            .annotate(laureate_count=Subquery(count))
            .in_name_order()
        )


class Organisation(InputModel):
    """A member of one or more consortia: training body, company, lab, public body..."""

    class Kind(models.TextChoices):
        CFA = "cfa", _("CFA")
        PUBLIC_TRAINING = "organisme-public", _("organisme de formation public")
        PRIVATE_TRAINING = "organisme-prive", _("organisme de formation privé")
        CONSULAR_TRAINING = (
            "organisme-consulaire",
            _("organisme de formation consulaire (CCI, CMA)"),
        )
        HIGHER_EDUCATION = "universite-ecole", _("université ou école")
        COMPANY = "entreprise", _("entreprise")
        BRANCH = "branche-opco", _("branche, OPCO ou organisation professionnelle")
        EMPLOYMENT = "emploi-insertion", _("acteur de l'emploi ou de l'insertion")
        RESEARCH = "laboratoire", _("laboratoire de recherche")
        PUBLIC_BODY = "acteur-public", _("organisme public ou collectivité")
        ASSOCIATION = "association", _("association")
        OTHER = "autre", _("autre")

    name = models.CharField(_("nom"), max_length=255)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, default=Kind.OTHER)
    city = models.CharField(_("ville"), max_length=120, blank=True)
    region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="organisations",
        null=True,
        blank=True,
        verbose_name=_("région"),
    )
    website = models.URLField(_("site web"), blank=True)
    siren = models.CharField(
        _("SIREN"),
        max_length=9,
        blank=True,
        validators=[validate_siren],
        help_text=_("9 chiffres, facultatif."),
    )
    siret = models.CharField(
        _("SIRET"),
        max_length=14,
        blank=True,
        validators=[validate_siret],
        help_text=_(
            "14 chiffres, facultatif : l'établissement qui participe. Ses 9 premiers chiffres "
            "sont le SIREN."
        ),
    )
    aliases = models.TextField(
        _("autres noms"),
        blank=True,
        help_text=_(
            "Un nom par ligne : sigle, ancien nom, graphie d'une source. L'importation reconnaît "
            "l'organisation sous chacun d'eux."
        ),
    )
    # What the public register (API Recherche d'entreprises) says, filled by an administrator
    # from a diff (laureats/register/), or by hand. Empty means not known.
    legal_category = models.CharField(
        _("catégorie juridique"),
        max_length=4,
        blank=True,
        validators=[validate_legal_category],
        help_text=_("Code INSEE de 4 chiffres, par exemple 5710 pour une SAS."),
    )
    address = models.CharField(_("adresse"), max_length=255, blank=True)
    postal_code = models.CharField(_("code postal"), max_length=5, blank=True)
    commune_code = models.CharField(
        _("code commune INSEE"),
        max_length=5,
        blank=True,
        validators=[validate_commune_code],
    )
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    activity_declaration_number = models.CharField(
        _("numéro de déclaration d'activité"),
        max_length=11,
        blank=True,
        validators=[validate_activity_declaration],
        help_text=_("Le numéro d'un organisme de formation déclaré (NDA), 11 caractères."),
    )
    is_qualiopi = models.BooleanField(_("certifié Qualiopi"), null=True, blank=True)
    uai = models.CharField(
        _("code UAI"),
        max_length=8,
        blank=True,
        validators=[validate_uai],
        help_text=_("L'identifiant d'un établissement d'enseignement ou d'un CFA."),
    )
    register_fetched_at = models.DateTimeField(
        _("données du registre récupérées le"), null=True, blank=True
    )
    is_synthetic = models.BooleanField(_("synthétique"), default=False, editable=False)
    # Derived: what /organisations/ and its API search, its name, other names, city and SIREN
    # folded as the laureate search folds them (text.py), kept by laureats/derived/.
    search_text = models.TextField(editable=False, blank=True, default="")
    # Derived: member of at least one published laureate, kept by laureats/derived/. It
    # decides which organisations are public.
    in_published_laureate = models.BooleanField(editable=False, default=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    # One more at every change of the organisation or of its memberships (models/versions.py).
    version = version_field()

    objects = OrganisationQuerySet.as_manager()
    # A derived value and a counter of writes are no one's change: kept out of the change log.
    history = HistoricalRecords(
        excluded_fields=["in_published_laureate", "search_text", "version"],
        # As the laureate's: "Proposition n°12 acceptée — source : <url>" for an accepted
        # correction, longer than the library's 100 characters.
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        ordering = [french("name")]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        constraints = [
            # The import matches organisations on their SIREN: two rows with one SIREN would
            # make that ambiguous. Empty means unknown, and many may be unknown.
            models.UniqueConstraint(
                fields=["siren"],
                condition=~Q(siren=""),
                name="organisation_unique_siren",
                violation_error_message=_("Une organisation porte déjà ce SIREN."),
            ),
            models.CheckConstraint(
                condition=Q(siren="") | Q(siren__regex=r"^[0-9]{9}$"),
                name="organisation_siren_nine_digits",
                violation_error_message=_("Le SIREN compte 9 chiffres."),
            ),
            # One establishment is one organisation, as one SIREN is: merging duplicates and
            # the exports rely on it.
            models.UniqueConstraint(
                fields=["siret"],
                condition=~Q(siret=""),
                name="organisation_unique_siret",
                violation_error_message=_("Une organisation porte déjà ce SIRET."),
            ),
            models.CheckConstraint(
                condition=Q(siret="") | Q(siret__regex=r"^[0-9]{14}$"),
                name="organisation_siret_fourteen_digits",
                violation_error_message=_("Le SIRET compte 14 chiffres."),
            ),
        ]
        indexes = [
            # The public organisations by kind (statistics, home page) and their count (the
            # organisation list): an index-only scan of the few rows it holds.
            models.Index(
                fields=["kind"],
                condition=Q(in_published_laureate=True),
                name="organisation_public_kind_idx",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # An establishment belongs to its company: a SIRET starts with the SIREN.
        if self.siren and self.siret and self.siret[:9] != self.siren:
            raise ValidationError(
                {
                    "siret": _(
                        "Ce SIRET n'est pas celui d'un établissement de ce SIREN : ses 9 "
                        "premiers chiffres doivent être le SIREN."
                    )
                }
            )

    def get_absolute_url(self):
        return page_url(self, "laureats:organisation-detail")

    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def siren_record_url(self):
        if not self.siren:
            return ""
        return f"https://annuaire-entreprises.data.gouv.fr/entreprise/{self.siren}"


class MembershipQuerySet(InputQuerySet):
    def leads(self):
        return self.filter(role=Membership.Role.LEAD)

    def partners(self):
        return self.filter(role=Membership.Role.PARTNER)

    def of_each_laureate(self):
        """For a subquery over laureates (Exists, Count): the memberships of the outer row."""
        return self.filter(laureate_id=OuterRef("pk"))

    def count_of_each_laureate(self):
        """For annotating laureates: how many of these memberships the outer row has, as a
        subquery rather than a join and GROUP BY (which would clash with search ranks)."""
        return (
            self.of_each_laureate()
            .order_by()
            .values("laureate_id")
            .annotate(n=Count("pk"))
            .values("n")
        )

    def lead_first(self):
        """The lead, then the partners in French name order: how every page, file and the API
        list a consortium's members (`lead_first()` below for memberships already fetched)."""
        return self.order_by("-role", french("organisation__name"), "pk")


def lead_first(memberships):
    """Fetched memberships in the order of `MembershipQuerySet.lead_first()`."""
    return sorted(memberships, key=lambda m: (not m.is_lead, sort_key(m.organisation.name)))


class Membership(InputModel):
    """An organisation's place in a consortium: its lead ("porteur") or a partner."""

    class Role(models.TextChoices):
        # "porteur" sorts after "partenaire": order by "-role" to list the lead first.
        LEAD = "porteur", _("porteur")
        PARTNER = "partenaire", _("partenaire")

    laureate = models.ForeignKey(
        "laureats.Laureate",
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("lauréat"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.PARTNER)

    history = HistoricalRecords()
    objects = MembershipQuerySet.as_manager()

    class Meta:
        # As MembershipQuerySet.lead_first(), within each laureate.
        ordering = ["laureate", "-role", french("organisation__name")]
        verbose_name = _("membre")
        verbose_name_plural = _("membres")
        constraints = [
            # Exactly one lead per consortium: the lead column, the admin warning and the
            # import all rely on there never being two.
            models.UniqueConstraint(
                fields=["laureate"],
                condition=Q(role="porteur"),
                name="membership_one_lead_per_laureate",
                violation_error_message=_("Ce lauréat a déjà un porteur."),
            ),
            models.UniqueConstraint(
                fields=["laureate", "organisation"],
                name="membership_unique_organisation",
                violation_error_message=_("Cette organisation est déjà membre de ce lauréat."),
            ),
        ]
        indexes = [models.Index(fields=["organisation", "role"], name="membership_org_role_idx")]

    def __str__(self):
        return f"{self.organisation} — {self.get_role_display()} — {self.laureate}"

    @property
    def is_lead(self):
        return self.role == self.Role.LEAD
