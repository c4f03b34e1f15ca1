"""The Deffinum programme in its own words: laureate consortia, their member organisations, the
sectors and regions they work in, and the programme's official figures."""

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.validators import URLValidator
from django.db import connection, models
from django.db.models import Case, Count, F, OuterRef, Prefetch, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .ordering import french
from .search import weighted_vector
from .text import normalize_text
from .validators import validate_siren

# The call funds at most 70 % of a project's cost. Published amounts are rounded to the euro
# (6 928 135 € of cost gives 4 849 695 € of aid, 0.5 € above the exact 70 %), so the rule allows
# that half-euro of rounding: 10 × aid ≤ 7 × cost + 5.
MAX_AID_RATE_PERCENT = 70


class Region(models.Model):
    """One of the 18 French regions, keyed by its official INSEE code."""

    code = models.CharField(_("code INSEE"), max_length=2, primary_key=True)
    name = models.CharField(_("nom"), max_length=100, unique=True)

    history = HistoricalRecords()

    class Meta:
        ordering = [french("name")]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self):
        return self.name

    def natural_key(self):
        return (self.code,)


class SectorQuerySet(models.QuerySet):
    def with_published_counts(self):
        """Each sector with the number of published laureates filed under it."""
        return self.annotate(
            published_count=Count("laureates", filter=Q(laureates__is_published=True))
        ).order_by(french("name"))  # Meta.ordering does not apply to a GROUP BY query.


class Sector(models.Model):
    """A "filière": the trade a laureate digitalises training for, or "Transversal"."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    description = models.TextField(_("description"), blank=True)

    objects = SectorQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [french("name")]
        verbose_name = _("filière")
        verbose_name_plural = _("filières")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("laureats:laureate-list") + f"?secteur={self.slug}"

    def natural_key(self):
        return (self.slug,)


class LaureateQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)

    def with_granted_aid(self):
        """Annotates `granted_aid_amount`: the State aid when granted, NULL when only requested."""
        return self.annotate(
            granted_aid_amount=Case(
                When(state_aid_kind=Laureate.StateAidKind.GRANTED, then=F("state_aid"))
            )
        )

    def in_name_order(self):
        """By name in French reading order (laureats/ordering.py), as every list shows them."""
        return self.order_by(french("name"), "pk")

    def for_list(self):
        """Published laureates with what a list card shows: lead, sectors, regions."""
        member_count = (
            Membership.objects.filter(laureate=OuterRef("pk"))
            .order_by()
            .values("laureate")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return (
            self.published()
            # A subquery rather than a join and GROUP BY, which would clash with search ranks.
            .annotate(member_count=Coalesce(Subquery(member_count), 0))
            .prefetch_related(
                "sectors",
                "regions",
                Prefetch(
                    "memberships",
                    queryset=Membership.objects.filter(role=Membership.Role.LEAD).select_related(
                        "organisation"
                    ),
                    to_attr="lead_memberships",
                ),
            )
        )

    def for_detail(self):
        """Published laureates with every member, source, sector and region."""
        return self.published().prefetch_related(
            "sectors",
            "regions",
            "sources",
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related(
                    "organisation", "organisation__region"
                ).order_by("-role", french("organisation__name"), "pk"),
            ),
        )

    def without_lead(self):
        return self.exclude(memberships__role=Membership.Role.LEAD)

    def refresh_search_documents(self):
        """Rebuild the search text of these laureates from their fields and members' names.

        Every save() and delete() keeps the text current by itself (laureats/search_sync.py);
        this is the bulk path, and the only exception, for writers that send no per-row signal:
        fixtures loaded raw (load_real_data) and bulk_create() (generate_synthetic).
        """
        # One join, not a second prefetch: its "IN" of every member organisation is too deep an
        # expression for SQLite past about a thousand organisations.
        memberships = Prefetch("memberships", Membership.objects.select_related("organisation"))
        laureates = list(self.prefetch_related(memberships))
        for laureate in laureates:
            laureate.search_document = laureate.build_search_document()
        Laureate.objects.bulk_update(laureates, ["search_document"], batch_size=500)
        if connection.vendor == "postgresql":
            # Stored rather than computed per query: ranking thousands of matches stays cheap.
            Laureate.objects.filter(pk__in=[laureate.pk for laureate in laureates]).update(
                search_vector=weighted_vector()
            )
        return len(laureates)


class Laureate(models.Model):
    """A laureate consortium's project."""

    class Scope(models.TextChoices):
        NATIONAL = "nationale", _("nationale")
        INTERREGIONAL = "interregionale", _("interrégionale")

    class Status(models.TextChoices):
        RETAINED = "retenu", _("retenu dans Deffinum")
        REDIRECTED = "reoriente-cma", _("réorienté vers l'AMI « Compétences et métiers d'avenir »")

    class StateAidKind(models.TextChoices):
        # Only granted amounts add up: a requested one may never have been paid.
        GRANTED = "accordee", _("accordée")
        REQUESTED = "demandee", _("demandée")

    name = models.CharField(_("nom du projet"), max_length=255)
    acronym = models.CharField(_("acronyme"), max_length=60, blank=True)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    summary = models.TextField(_("résumé"), max_length=1000, blank=True)
    description = models.TextField(_("description"), blank=True)
    scope = models.CharField(
        _("portée"),
        max_length=20,
        choices=Scope.choices,
        blank=True,
        help_text=_("Laisser vide si aucune source ne la donne."),
    )
    status = models.CharField(_("statut"), max_length=20, choices=Status.choices)
    sectors = models.ManyToManyField(
        Sector, related_name="laureates", blank=True, verbose_name=_("filières")
    )
    regions = models.ManyToManyField(
        Region,
        related_name="laureates",
        blank=True,
        verbose_name=_("régions couvertes"),
        help_text=_("Les régions que couvre un projet interrégional."),
    )
    total_cost = models.PositiveBigIntegerField(_("coût total (€)"), null=True, blank=True)
    state_aid = models.PositiveBigIntegerField(_("aide de l'État (€)"), null=True, blank=True)
    state_aid_kind = models.CharField(
        _("nature de l'aide de l'État"),
        max_length=10,
        choices=StateAidKind.choices,
        default=StateAidKind.GRANTED,
        help_text=_(
            "« accordée » : montant attribué, compté dans les totaux ; « demandée » : montant "
            "demandé par le porteur, affiché à part et jamais additionné aux aides accordées."
        ),
    )
    start_date = models.DateField(_("date de début"), null=True, blank=True)
    end_date = models.DateField(_("date de fin"), null=True, blank=True)
    website = models.URLField(_("site web"), blank=True)
    data_note = models.TextField(
        _("remarques sur les données"),
        blank=True,
        help_text=_("Ce que les sources disent de l'incertitude d'un champ, affiché au public."),
    )
    is_published = models.BooleanField(_("publié"), default=True)
    is_synthetic = models.BooleanField(
        _("synthétique"),
        default=False,
        editable=False,
        help_text=_("Donnée fabriquée pour les tests de charge, jamais dans la base réelle."),
    )
    # Lower-cased, accent-free text of the laureate and its members' names, searched by `q`;
    # its first line is the title. SQLite matches it as text; PostgreSQL searches
    # `search_vector`, its French full-text form, through a GIN index (migration 0005).
    search_document = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = LaureateQuerySet.as_manager()
    history = HistoricalRecords(
        m2m_fields=[sectors, regions],
        excluded_fields=["search_document", "search_vector"],
        # Accepted public proposals record "Proposition n°12 acceptée — source : <url>" here,
        # longer than the library's default 100 characters.
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        ordering = [french("name")]
        verbose_name = _("lauréat")
        verbose_name_plural = _("lauréats")
        constraints = [
            # The programme funds at most 70 % of the cost (see MAX_AID_RATE_PERCENT); the import,
            # the admin and the public figures rely on no row breaking it.
            models.CheckConstraint(
                condition=Q(state_aid__isnull=True)
                | Q(total_cost__isnull=True)
                | LessThanOrEqual(F("state_aid") * 10, F("total_cost") * 7 + 5),
                name="laureate_aid_at_most_70_percent",
                violation_error_message=_(
                    "L'aide de l'État ne peut pas dépasser 70 %% du coût total du projet."
                ),
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="laureate_end_after_start",
                violation_error_message=_("La date de fin précède la date de début."),
            ),
        ]
        indexes = [
            # The list's "last updated" and "largest aid" sorts.
            models.Index(fields=["-updated_at"], name="laureate_updated_idx"),
            models.Index(fields=["-state_aid"], name="laureate_aid_idx"),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return reverse("laureats:laureate-detail", kwargs={"slug": self.slug})

    def build_search_document(self):
        """Title (name and acronym) on the first line, then the rest: the title ranks higher."""
        members = [membership.organisation.name for membership in self.memberships.all()]
        title = " ".join(part for part in [self.name, self.acronym] if part)
        rest = " ".join(part for part in [self.summary, self.description, *members] if part)
        return normalize_text(f"{title}\n{rest}")

    @property
    def granted_aid(self):
        """The State aid granted, or None when unknown or only the amount requested is known."""
        return self.state_aid if self.state_aid_kind == self.StateAidKind.GRANTED else None

    @property
    def requested_aid(self):
        """The State aid requested, when that is the only amount a source gives."""
        return self.state_aid if self.state_aid_kind == self.StateAidKind.REQUESTED else None

    @property
    def aid_rate(self):
        """Granted State aid as a percentage of the total cost, or None when either is unknown."""
        if not self.granted_aid or not self.total_cost:
            return None
        return round(100 * self.granted_aid / self.total_cost, 1)

    @property
    def lead(self):
        """The lead organisation, read from prefetched memberships when there are some."""
        if hasattr(self, "lead_memberships"):
            memberships = self.lead_memberships
        else:
            memberships = [m for m in self.memberships.all() if m.role == Membership.Role.LEAD]
        return memberships[0].organisation if memberships else None


class Source(models.Model):
    """A public document that states something about a laureate."""

    laureate = models.ForeignKey(Laureate, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("titre"), max_length=255, blank=True)
    url = models.URLField(_("adresse"), max_length=500)

    history = HistoricalRecords()

    class Meta:
        ordering = ["laureate", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            models.UniqueConstraint(fields=["laureate", "url"], name="source_unique_per_laureate")
        ]

    def __str__(self):
        return self.title or self.url


class OrganisationQuerySet(models.QuerySet):
    def in_name_order(self):
        """By name in French reading order (laureats/ordering.py), as every list shows them."""
        return self.order_by(french("name"), "pk")

    def with_published_memberships(self):
        """Organisations that belong to at least one published laureate."""
        return self.filter(memberships__laureate__is_published=True).distinct()

    def for_detail(self):
        """With its memberships in published laureates, each with the consortium's members."""
        memberships = (
            Membership.objects.filter(laureate__is_published=True)
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

    def for_list(self):
        """Organisations with the number of published consortia they belong to."""
        return (
            self.select_related("region")
            .annotate(
                laureate_count=Count(
                    "memberships",
                    filter=Q(memberships__laureate__is_published=True),
                    distinct=True,
                )
            )
            # Meta.ordering does not apply to a GROUP BY query.
            .in_name_order()
        )


class Organisation(models.Model):
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
    aliases = models.TextField(
        _("autres noms"),
        blank=True,
        help_text=_(
            "Un nom par ligne : sigle, ancien nom, graphie d'une source. L'importation reconnaît "
            "l'organisation sous chacun d'eux."
        ),
    )
    is_synthetic = models.BooleanField(_("synthétique"), default=False, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)

    objects = OrganisationQuerySet.as_manager()
    history = HistoricalRecords()

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
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("laureats:organisation-detail", kwargs={"slug": self.slug})

    def alias_list(self):
        return [line.strip() for line in self.aliases.splitlines() if line.strip()]

    @property
    def siren_record_url(self):
        if not self.siren:
            return ""
        return f"https://annuaire-entreprises.data.gouv.fr/entreprise/{self.siren}"


class Membership(models.Model):
    """An organisation's place in a consortium: its lead ("porteur") or a partner."""

    class Role(models.TextChoices):
        # "porteur" sorts after "partenaire": order by "-role" to list the lead first.
        LEAD = "porteur", _("porteur")
        PARTNER = "partenaire", _("partenaire")

    laureate = models.ForeignKey(
        Laureate, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("lauréat")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.PARTNER)

    history = HistoricalRecords()

    class Meta:
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


class ProgrammeFigure(models.Model):
    """An official figure of the programme (62 laureates, 100 M€...), with its sources."""

    key = models.SlugField(_("clé"), max_length=60, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    value = models.DecimalField(_("valeur"), max_digits=14, decimal_places=2)
    unit = models.CharField(_("unité"), max_length=100, blank=True)
    note = models.TextField(_("remarque"), blank=True)
    sector = models.ForeignKey(
        Sector,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="official_figures",
        verbose_name=_("filière"),
        help_text=_("Pour un décompte publié par filière."),
    )
    position = models.PositiveSmallIntegerField(_("ordre d'affichage"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["position", "key"]
        verbose_name = _("chiffre officiel du programme")
        verbose_name_plural = _("chiffres officiels du programme")

    def __str__(self):
        return f"{self.label} : {self.display_value}"

    def natural_key(self):
        return (self.key,)

    @property
    def display_value(self):
        value = self.value
        return int(value) if value == value.to_integral_value() else value


class FigureSource(models.Model):
    """Where an official figure was published: a URL or, for documents offline, a title."""

    figure = models.ForeignKey(ProgrammeFigure, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("titre"), max_length=255, blank=True)
    url = models.URLField(_("adresse"), max_length=500, blank=True)

    class Meta:
        ordering = ["figure", "id"]
        verbose_name = _("source du chiffre")
        verbose_name_plural = _("sources du chiffre")
        constraints = [
            models.CheckConstraint(
                condition=~Q(title="") | ~Q(url=""), name="figure_source_title_or_url"
            )
        ]

    def __str__(self):
        return self.title or self.url


class ProposalQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(status=Proposal.Status.PENDING)


class Proposal(models.Model):
    """A correction or a new laureate proposed by the public at /contribuer/.

    Nothing in it is public: an admin compares it with the current entry, then accepts it (the
    change goes into the laureate's history with the proposal's source) or rejects it with a
    reason. No IP address is stored; the e-mail is kept only to answer, and out of history.
    """

    VALUE_MAX_LENGTH = 5000

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("correction d'un lauréat")
        NEW_LAUREATE = "nouveau-laureat", _("nouveau lauréat")

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
    proposed_name = models.CharField(_("nom du nouveau lauréat"), max_length=255, blank=True)
    field = models.CharField(_("champ"), max_length=20, choices=Field.choices, blank=True)
    value = models.TextField(_("valeur proposée"), max_length=VALUE_MAX_LENGTH)
    source_url = models.URLField(
        _("source"), max_length=500, validators=[URLValidator(schemes=["http", "https"])]
    )
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
        else:
            target = f"{self.laureate or '?'} — {self.get_field_display()}"
        return _("Proposition n°%(number)s : %(target)s") % {"number": self.pk, "target": target}

    @property
    def change_reason(self):
        """What the laureate's history says about a change that this proposal made."""
        return f"Proposition n°{self.pk} acceptée — source : {self.source_url}"
