"""The programme's official figures (62 laureates, 100 M€…), each with where it was published."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from ..text.languages import in_page_language
from .reference import Sector


class ProgrammeFigure(models.Model):
    """An official figure of the programme (62 laureates, 100 M€...), with its sources."""

    # The figure the portal's coverage is measured against ("12 of the 62 announced").
    ANNOUNCED_LAUREATES = "laureates"

    key = models.SlugField(_("clé"), max_length=60, unique=True)
    label = models.CharField(_("libellé"), max_length=200)
    # Its translation, shown on English pages; empty: the French label, marked lang="fr".
    label_en = models.CharField(_("libellé en anglais"), max_length=200, blank=True)
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
    def display_label(self):
        return in_page_language(self.label, self.label_en)

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
