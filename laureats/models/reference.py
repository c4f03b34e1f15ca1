"""The reference lists every laureate is classified by: the 18 regions and the sectors."""

from django.db import models
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..ordering import french


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
