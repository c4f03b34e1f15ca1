"""The public documents a laureate's facts come from."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .laureates import Laureate
from .writes import InputModel, InputQuerySet


class Source(InputModel):
    """A public document that states something about a laureate."""

    laureate = models.ForeignKey(Laureate, on_delete=models.CASCADE, related_name="sources")
    title = models.CharField(_("titre"), max_length=255, blank=True)
    url = models.URLField(_("adresse"), max_length=500)

    # Its laureate's completeness follows its writes (laureats/derived/).
    objects = InputQuerySet.as_manager()
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
