"""The reference lists every laureate is classified by: the 18 regions and the sectors."""

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..text.languages import in_page_language
from ..text.ordering import french
from .writes import InputModel, InputQuerySet


class Region(InputModel):
    """One of the 18 French regions, keyed by its official INSEE code."""

    code = models.CharField(_("code INSEE"), max_length=2, primary_key=True)
    name = models.CharField(_("nom"), max_length=100, unique=True)
    name_en = models.CharField(
        _("nom en anglais"),
        max_length=100,
        blank=True,
        help_text=_("Le nom en usage en anglais (« Brittany »), montré sur les pages anglaises."),
    )

    # Its laureates' derived columns follow its writes (laureats/derived/).
    objects = InputQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = [french("name")]
        verbose_name = _("région")
        verbose_name_plural = _("régions")

    def __str__(self):
        return self.name

    @property
    def display_name(self):
        """Its name in the page's language (laureats/text/languages.py)."""
        return in_page_language(self.name, self.name_en)

    def natural_key(self):
        return (self.code,)


class SectorQuerySet(InputQuerySet):
    def with_published_counts(self):
        """Each sector with the number of published laureates filed under it."""
        # The published ids from their partial index: a join to the laureates read the whole
        # wide table for `is_published` (30 ms at 10,000 laureates).
        laureates = self.model.laureates.rel.related_model  # laureates.py imports this module
        published = laureates.objects.published().values("pk")
        return self.annotate(
            published_count=Count("laureates", filter=Q(laureates__in=published))
        ).order_by(french("name"))  # Meta.ordering does not apply to a GROUP BY query.


class Sector(InputModel):
    """A "filière": the trade a laureate digitalises training for, or "Transversal"."""

    name = models.CharField(_("nom"), max_length=120, unique=True)
    name_en = models.CharField(
        _("nom en anglais"),
        max_length=120,
        blank=True,
        help_text=_("Sa traduction, montrée sur les pages anglaises ; vide : le nom français."),
    )
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

    @property
    def display_name(self):
        """Its name in the page's language (laureats/text/languages.py)."""
        return in_page_language(self.name, self.name_en)

    def natural_key(self):
        return (self.slug,)
