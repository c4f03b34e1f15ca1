"""The public pages, for /sitemap.xml and the HTML site map (/plan-du-site/)."""

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Max
from django.urls import Resolver404, resolve, reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from ..models import Laureate, Organisation, Resource

# Pages whose content follows the data: their last change is the data's last change.
DATA_PAGES = [
    ("laureats:home", _("Accueil")),
    ("laureats:laureate-list", _("Les lauréats")),
    ("laureats:organisation-list", _("Les organisations membres")),
    ("laureats:resource-list", _("Productions partagées")),
    ("laureats:to-complete", _("Informations à compléter")),
]
# Pages other parts of the portal provide, listed once their address answers.
OPTIONAL_DATA_PAGES = [
    ("/statistiques/", _("Statistiques")),
    ("/donnees/", _("Données ouvertes et API")),
    ("/journal/", _("Journal des modifications")),
]
OPTIONAL_PAGES = [("/contribuer/", _("Proposer une correction"))]
ABOUT_PAGES = [
    ("laureats:site-map", _("Plan du site")),
    ("laureats:accessibility", _("Accessibilité")),
    ("laureats:legal-notice", _("Mentions légales")),
]


def existing(pages):
    """The (URL name, label) of the pages among `pages` (path, label) that the URLconf serves."""
    found = []
    for path, label in pages:
        # Paths are written in the default language, which has no prefix.
        with translation.override(settings.LANGUAGE_CODE):
            try:
                match = resolve(path)
            except Resolver404:
                continue
        found.append((match.view_name, label))
    return found


def data_pages():
    return DATA_PAGES + existing(OPTIONAL_DATA_PAGES)


def other_pages():
    return existing(OPTIONAL_PAGES) + ABOUT_PAGES


class I18nSitemap(Sitemap):
    # Every page in both languages, each naming the other as its alternate.
    i18n = True
    alternates = True
    x_default = True


class PageSitemap(I18nSitemap):
    def items(self):
        return [name for name, _label in data_pages() + other_pages()]

    def location(self, item):
        return reverse(item)

    def lastmod(self, item):
        # The about pages change with the code, whose dates a deployment does not keep.
        if item not in {name for name, _label in data_pages()}:
            return None
        if not hasattr(self, "_data_changed"):
            dates = [
                Laureate.objects.published().aggregate(last=Max("updated_at"))["last"],
                Organisation.objects.with_published_memberships().aggregate(last=Max("updated_at"))[
                    "last"
                ],
                Resource.objects.published().aggregate(last=Max("updated_at"))["last"],
            ]
            self._data_changed = max((date for date in dates if date), default=None)
        return self._data_changed


class LaureateSitemap(I18nSitemap):
    def items(self):
        return Laureate.objects.published().order_by("slug").only("slug", "updated_at")

    def lastmod(self, laureate):
        return laureate.updated_at


class OrganisationSitemap(I18nSitemap):
    def items(self):
        return (
            Organisation.objects.with_published_memberships()
            .order_by("slug")
            .only("slug", "updated_at")
        )

    def lastmod(self, organisation):
        return organisation.updated_at


class ResourceSitemap(I18nSitemap):
    def items(self):
        return Resource.objects.published().order_by("slug").only("slug", "updated_at")

    def lastmod(self, resource):
        return resource.updated_at


SITEMAPS = {
    "pages": PageSitemap,
    "laureats": LaureateSitemap,
    "organisations": OrganisationSitemap,
    "ressources": ResourceSitemap,
}
