"""The laureate consortia and how they are read: published, listed, counted, completed."""

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Case, Count, Exists, F, Max, Prefetch, Q, Subquery, Sum, When
from django.db.models.functions import Coalesce
from django.db.models.lookups import LessThanOrEqual
from django.utils.translation import gettext_lazy as _

from ..text.ordering import french
from .completeness import FACTS, is_stored_known, known_count, known_flag
from .figures import ProgrammeFigure
from .history import HistoryOfLinks
from .organisations import Membership
from .page_urls import page_url
from .reference import Region, Sector
from .versions import version_field
from .writes import InputModel, InputQuerySet

# The call funds at most 70 % of a project's cost. Published amounts are rounded to the euro
# (6 928 135 € of cost gives 4 849 695 € of aid, 0.5 € above the exact 70 %), so the rule allows
# that half-euro of rounding: 10 × aid ≤ 7 × cost + 5.
MAX_AID_RATE_PERCENT = 70


class LaureateQuerySet(InputQuerySet):
    def published(self):
        return self.filter(is_published=True)

    def coverage(self):
        """How far the portal has come: `entered_count`, the laureates published, and
        `announced_laureates`, how many the programme announced (its official figure, which an
        admin may correct; None if there is none). One query, for the pages that show both."""
        figure = ProgrammeFigure.objects.filter(key=ProgrammeFigure.ANNOUNCED_LAUREATES)
        announced = figure.values("value")[:1]
        counts = self.published().aggregate(
            entered_count=Count("pk"), announced=Max(Subquery(announced))
        )
        if not counts["entered_count"]:
            # No row to carry the figure along.
            counts["announced"] = figure.values_list("value", flat=True).first()
        value = counts["announced"]
        return {
            "entered_count": counts["entered_count"],
            "announced_laureates": int(value) if value is not None else None,
        }

    def with_granted_aid(self):
        """Annotates `granted_aid_amount`: the State aid when granted, NULL when only requested."""
        return self.annotate(
            granted_aid_amount=Case(
                When(state_aid_kind=Laureate.StateAidKind.GRANTED, then=F("state_aid"))
            )
        )

    def missing_any(self, keys):
        """Laureates that miss at least one of the facts named by `keys`."""
        condition = Q()
        for fact in FACTS:
            if fact.key in keys:
                condition |= ~is_stored_known(fact)
        return self.filter(condition)

    def in_completeness_order(self, most_complete_first=False):
        """The least complete first (or the most), then by name."""
        known = known_count(self.model)
        first = known.desc() if most_complete_first else known.asc()
        return self.order_by(first, french("name"), "pk")

    def completeness_totals(self):
        """One query: `laureates`, `known` facts of them all, `possible` (laureates × facts),
        `percent` known (rounded down, so that 99.6 % is never shown as complete),
        `missing`, {fact key: laureates missing it}, and `by_fact`."""
        # Aliases unlike any field name: "scope" would shadow the column in the conditions.
        sums = {f"known_{fact.key}": Sum(known_flag(self.model, fact)) for fact in FACTS}
        result = self.order_by().aggregate(laureates_count=Count("pk"), **sums)
        count = result.pop("laureates_count")
        known = {fact.key: int(result[f"known_{fact.key}"] or 0) for fact in FACTS}
        possible = count * len(FACTS)
        return {
            "laureates": count,
            "known": sum(known.values()),
            "possible": possible,
            "percent": 100 * sum(known.values()) // possible if possible else None,
            "missing": {key: count - value for key, value in known.items()},
            # (fact, laureates that state it), most important first: the statistics' list.
            "by_fact": [(fact, known[fact.key]) for fact in FACTS],
        }

    def in_name_order(self):
        """By name in French reading order (laureats/text/ordering.py), as every list shows them."""
        return self.order_by(french("name"), "pk")

    def for_list(self):
        """Published laureates with what a list card shows: lead, sectors, regions."""
        member_count = Membership.objects.count_of_each_laureate()
        return (
            self.published()
            # A subquery rather than a join and GROUP BY, which would clash with search ranks.
            .annotate(member_count=Coalesce(Subquery(member_count), 0))
            .prefetch_related("sectors", "regions")
            .with_lead()
        )

    def with_lead(self):
        """Prefetches each laureate's lead membership, which `Laureate.lead` then reads."""
        return self.prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.leads().select_related("organisation"),
                to_attr="lead_memberships",
            )
        )

    def with_lead_flag(self):
        """Annotates `has_lead`."""
        return self.annotate(has_lead=Exists(Membership.objects.leads().of_each_laureate()))

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
                ).lead_first(),
            ),
        )

    def without_lead(self):
        return self.exclude(Exists(Membership.objects.leads().of_each_laureate()))


class Laureate(InputModel):
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
    # From here to `consortium_size`, derived columns: declared with their inputs, computed
    # and written by laureats/derived/ alone, on every write of those inputs.
    # Lower-cased, accent-free text of the laureate and its members' names, searched by `q`;
    # its first line is the title. SQLite matches it as text; PostgreSQL searches
    # `search_vector`, its French full-text form, through a GIN index (migration 0005); the
    # vector is kept in the row, not in the TOAST table, for ranking (0025).
    search_document = models.TextField(editable=False, blank=True, default="")
    search_vector = SearchVectorField(null=True, editable=False)
    # What the list's region and member-kind facets count, kept on the row so that counting
    # them reads this table alone, not 70,000 memberships joined to their organisations: the
    # regions it is involved in (`filters.has_region`: covered, or a member's) and its
    # members' kinds, each as "|11|84|". Kept by their owner, laureats/derived/.
    region_codes = models.TextField(editable=False, blank=True, default="")
    member_kinds = models.TextField(editable=False, blank=True, default="")
    # The same, and the laureate's sectors, as bits (models/facet_bits.py): what the facets,
    # the map and the statistics count, five times cheaper to test than text.
    region_bits = models.BigIntegerField(editable=False, default=0)
    member_kind_bits = models.BigIntegerField(editable=False, default=0)
    sector_bits = models.BigIntegerField(editable=False, default=0)
    # Which facts of models/completeness.py the laureate has, a bit each: the home page, the
    # statistics and the list count and sort completeness from it instead of evaluating five
    # subqueries for every laureate. Kept by laureats/derived/.
    known_mask = models.PositiveIntegerField(editable=False, default=0)
    # The lead's kind ("" without a lead) and the number of members entered, for the
    # statistics' breakdowns: a GROUP BY on this table, not a join of its 70,000 memberships.
    lead_kind = models.CharField(editable=False, max_length=30, blank=True, default="")
    consortium_size = models.PositiveIntegerField(editable=False, default=0)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mis à jour le"), auto_now=True)
    # One more at every change of the fiche, its members, sources, sectors or regions
    # (models/versions.py): a save from an older read is refused, never written over it.
    version = version_field()

    objects = LaureateQuerySet.as_manager()
    history = HistoryOfLinks(
        m2m_fields=[sectors, regions],
        excluded_fields=[
            # A counter of writes, not a fact: the change log shows what changed instead.
            "version",
            "search_document",
            "search_vector",
            "region_codes",
            "member_kinds",
            "region_bits",
            "member_kind_bits",
            "sector_bits",
            "known_mask",
            "lead_kind",
            "consortium_size",
        ],
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
            # Every count of the list, its facets and the statistics reads the published rows'
            # ids and these few columns: an index-only scan instead of the whole wide table.
            models.Index(
                fields=[
                    "id",
                    "scope",
                    "status",
                    "region_codes",
                    "member_kinds",
                    "region_bits",
                    "member_kind_bits",
                    "sector_bits",
                    "state_aid_kind",
                    "state_aid",
                    "total_cost",
                    "known_mask",
                    "lead_kind",
                    "consortium_size",
                ],
                condition=Q(is_published=True),
                name="laureate_published_counts_idx",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.acronym})" if self.acronym else self.name

    def get_absolute_url(self):
        return page_url(self, "laureats:laureate-detail")

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
            memberships = [m for m in self.memberships.all() if m.is_lead]
        return memberships[0].organisation if memberships else None
