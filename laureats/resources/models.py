"""A shared production of one or more laureates, and the public documents that name it.

Unknown stays empty: every descriptive field may be blank, and the pages show "non renseigné"."""

import re

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, OuterRef, Prefetch, Q
from django.db.models.lookups import GreaterThan
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..models.facet_bits import sector_bit, sector_mask
from ..models.history import HistoryOfLinks
from ..models.laureates import Laureate
from ..models.publication import of_published_laureates
from ..models.reference import Sector
from ..models.validators import validate_web_address
from ..models.versions import version_field
from ..models.writes import InputModel, InputQuerySet
from ..text.ordering import french
from .fields import ChoiceListField
from .links import FORBIDDEN_BY_ROBOTS

# France Compétences' two registers: the national one (RNCP) and the specific one (RS).
CERTIFICATION_CODE = re.compile(r"(RNCP|RS)\d{1,6}")
# Spaces, commas, semicolons, or "|" as the exports join lists.
CERTIFICATION_SEPARATOR = re.compile(r"[\s,;|]+")


def certification_codes(text):
    return [code for code in CERTIFICATION_SEPARATOR.split(text or "") if code]


def validate_certifications(text):
    wrong = [code for code in certification_codes(text) if not CERTIFICATION_CODE.fullmatch(code)]
    if wrong:
        raise ValidationError(
            _(
                "« %(codes)s » : un code de certification s'écrit RNCP suivi de chiffres "
                "(RNCP34567) ou RS suivi de chiffres (RS5678), séparés par des espaces."
            ),
            code="certification_format",
            params={"codes": ", ".join(wrong)},
        )


class ResourceQuerySet(InputQuerySet):
    # Its bulk writes announce themselves (models/writes.py): the derived-data owner
    # (laureats/derived/) rebuilds the search text of the rows they touched.

    def published(self):
        return self.filter(is_published=True)

    def in_title_order(self):
        return self.order_by(french("title"), "pk")

    def with_laureates(self):
        """Prefetches what a card shows: its published laureates with their sectors (the
        resource's sectors when it names none, `Resource.shown_sectors`), and its own sectors."""
        laureates = Laureate.objects.published().prefetch_related("sectors").in_name_order()
        return self.prefetch_related(
            "sectors",
            Prefetch(
                "laureates",
                queryset=laureates.only("name", "acronym", "slug"),
                to_attr="published_laureates",
            ),
        )

    def for_list(self):
        return self.published().with_laureates()

    def for_detail(self):
        return self.published().with_laureates().prefetch_related("sources")

    def of_laureate_page(self):
        """What the laureate's page lists of its productions."""
        return self.published().in_title_order().only("title", "slug", "kind", "status")

    def in_sectors(self, slugs):
        """Filed under any of these sectors: its own, or, when it names none, its published
        laureates'."""
        ids = list(Sector.objects.filter(slug__in=slugs).values_list("pk", flat=True))
        # No sector known is no resource, not every one (an OAI set of a sector since gone).
        return self.filter(in_sectors(ids)) if ids else self.none()


def in_sectors(sector_ids):
    """The condition of `ResourceQuerySet.in_sectors`, for a filter or a count: filed under any
    of these sectors (ids), its own or, when it names none, its published laureates'. Read from
    `sector_bits` (one bit test); a sector past the bits (facet_bits.SECTOR_BITS) from the
    tables, slower and never wrong."""
    if not sector_ids:
        # An empty Q() would match every row: none of no sectors is none at all.
        return Q(pk__in=[])
    with_bits = [pk for pk in sector_ids if sector_bit(pk) is not None]
    condition = (
        Q(GreaterThan(F("sector_bits").bitand(sector_mask(with_bits)), 0)) if with_bits else Q()
    )
    others = [pk for pk in sector_ids if sector_bit(pk) is None]
    if others:
        own = Resource.sectors.through.objects.filter(resource_id=OuterRef("pk"))
        inherited = of_published_laureates(
            Resource.laureates.through.objects.filter(
                resource_id=OuterRef("pk"), laureate__sectors__in=others
            )
        )
        condition |= Q(Exists(own.filter(sector__in=others))) | (
            ~Q(Exists(own)) & Q(Exists(inherited))
        )
    return condition


class Resource(InputModel):
    """Something a consortium makes for its whole sector, which others may reuse."""

    class Kind(models.TextChoices):
        ELEARNING = "module-elearning", _("module e-learning")
        IMMERSIVE = "simulation-immersive", _("simulation immersive (VR/AR)")
        SERIOUS_GAME = "jeu-serieux", _("jeu sérieux")
        MOOC = "mooc", _("MOOC")
        PLATFORM = "plateforme", _("plateforme ou logiciel")
        GUIDE = "guide", _("guide ou référentiel")
        VIDEO = "video", _("vidéo")
        OTHER = "autre", _("autre")

    class Audience(models.TextChoices):
        APPRENTICES = "apprentis", _("apprentis")
        JOBSEEKERS = "demandeurs-emploi", _("demandeurs d'emploi")
        EMPLOYEES = "salaries", _("salariés")
        TRAINERS = "formateurs", _("formateurs")
        OTHERS = "autres", _("autres publics")

    class Licence(models.TextChoices):
        ETALAB = "licence-ouverte-2.0", _("Licence Ouverte 2.0 (Etalab)")
        CC_BY = "cc-by", _("CC BY")
        CC_BY_SA = "cc-by-sa", _("CC BY-SA")
        CC_BY_NC = "cc-by-nc", _("CC BY-NC")
        FREE_SOFTWARE = "libre", _("licence libre de logiciel")
        PROPRIETARY = "proprietaire", _("propriétaire")
        # Looked for and not found in the sources, unlike an empty field (not entered).
        UNKNOWN = "inconnue", _("inconnue (les sources n'en disent rien)")

    class Access(models.TextChoices):
        PUBLIC = "public", _("public")
        ON_REQUEST = "sur-demande", _("sur demande")
        MEMBERS = "membres", _("membres du consortium seulement")

    class Status(models.TextChoices):
        PLANNED = "prevue", _("prévue")
        AVAILABLE = "disponible", _("disponible")
        WITHDRAWN = "retiree", _("retirée")

    class Language(models.TextChoices):
        FRENCH = "fr", _("français")
        ENGLISH = "en", _("anglais")
        # ISO 639-2's code for several languages.
        SEVERAL = "mul", _("plusieurs langues")

    title = models.CharField(_("titre"), max_length=255)
    slug = models.SlugField(_("identifiant d'URL"), max_length=120, unique=True)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices, blank=True)
    description = models.TextField(_("description courte"), max_length=1000, blank=True)
    laureates = models.ManyToManyField(
        Laureate,
        related_name="resources",
        verbose_name=_("lauréats"),
        help_text=_("Le ou les consortiums qui la produisent."),
    )
    sectors = models.ManyToManyField(
        Sector,
        related_name="resources",
        blank=True,
        verbose_name=_("filières"),
        help_text=_("Vide : les filières de ses lauréats, suivies quand elles changent."),
    )
    audience = ChoiceListField(_("publics"), options=Audience.choices)
    certifications = models.CharField(
        _("certifications préparées"),
        max_length=255,
        blank=True,
        validators=[validate_certifications],
        help_text=_("Codes RNCP ou RS séparés par des espaces : RNCP34567 RS5678."),
    )
    licence = models.CharField(_("licence"), max_length=30, choices=Licence.choices, blank=True)
    access = models.CharField(_("accès"), max_length=20, choices=Access.choices, blank=True)
    url = models.URLField(
        _("adresse"), max_length=500, blank=True, validators=[validate_web_address]
    )
    language = models.CharField(_("langue"), max_length=3, choices=Language.choices, blank=True)
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, blank=True)
    available_on = models.DateField(
        _("date de mise à disposition"),
        null=True,
        blank=True,
        help_text=_("Publiée ou prévue, selon son état."),
    )
    is_published = models.BooleanField(_("publiée"), default=True)
    # Derived: the bits (models/facet_bits.py) of the sectors it is filed under, its own or,
    # when it names none, its published laureates', kept by laureats/derived/: the sector
    # facet filters and counts by one bit test, as the laureates' does.
    sector_bits = models.BigIntegerField(editable=False, default=0)
    # Made by `generate_synthetic` for benchmarks and scale tests only, never in the real data.
    is_synthetic = models.BooleanField(_("synthétique"), default=False, editable=False)
    # What `check_resource_links` last saw at `url` (never a web request): when it looked, the
    # HTTP status (empty for a timeout or a refusal), why it failed, and when it last worked.
    link_checked_at = models.DateTimeField(
        _("lien vérifié le"), null=True, blank=True, editable=False
    )
    link_status = models.PositiveSmallIntegerField(
        _("statut HTTP du lien"), null=True, blank=True, editable=False
    )
    link_error = models.CharField(_("problème du lien"), max_length=255, blank=True, editable=False)
    link_working_at = models.DateTimeField(
        _("lien vu fonctionner le"), null=True, blank=True, editable=False
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("mise à jour le"), auto_now=True)
    # What `q` searches, folded: kept by laureats/derived/ (columns.py says from what).
    search_text = models.TextField(editable=False, blank=True, default="")
    # A save from an older read is refused, never written over a newer one (models/versions.py).
    version = version_field()

    objects = ResourceQuerySet.as_manager()
    history = HistoryOfLinks(
        m2m_fields=[laureates, sectors],
        excluded_fields=[
            "search_text",
            "sector_bits",
            "version",
            "link_checked_at",
            "link_status",
            "link_error",
            "link_working_at",
        ],
        history_change_reason_field=models.TextField(null=True),
    )

    class Meta:
        ordering = [french("title")]
        verbose_name = _("production partagée")
        verbose_name_plural = _("productions partagées")

    def __str__(self):
        return self.title

    def save(self, *args, **kwargs):
        # One space apart, whatever separated them (the validator allows commas): as the import
        # writes them, so that an export given back compares equal.
        self.certifications = " ".join(certification_codes(self.certifications))
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("laureats:resource-detail", kwargs={"slug": self.slug})

    @property
    def shown_sectors(self):
        """Its own sectors, or its published laureates' when it names none (prefetched by
        `with_laureates`)."""
        own = list(self.sectors.all())
        if own:
            return own
        seen = {}
        for laureate in self.published_laureates:
            for sector in laureate.sectors.all():
                seen[sector.pk] = sector
        return sorted(seen.values(), key=lambda sector: sector.name)

    @property
    def sectors_are_inherited(self):
        return not self.sectors.all()

    @property
    def audience_labels(self):
        return self._meta.get_field("audience").labels(self.audience)

    @property
    def certification_list(self):
        return certification_codes(self.certifications)

    @property
    def link_state(self):
        """What the page says of the link from `check_resource_links`' last look: "" when it
        never looked, "working", "forbidden" (the site's robots.txt forbids looking), or
        "failing"."""
        if self.link_checked_at is None or not self.url:
            return ""
        if not self.link_error:
            return "working"
        return "forbidden" if self.link_error == FORBIDDEN_BY_ROBOTS else "failing"


class ResourceSource(models.Model):
    """A public document that names a resource or states one of its facts."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("titre"), max_length=255, blank=True)
    url = models.URLField(_("adresse"), max_length=500, validators=[validate_web_address])
    history = HistoricalRecords()

    class Meta:
        ordering = ["resource", "id"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")
        constraints = [
            # The admin's inline refuses the same document twice for one resource.
            models.UniqueConstraint(
                fields=["resource", "url"], name="resource_source_unique_per_resource"
            )
        ]

    def __str__(self):
        return self.title or self.url
