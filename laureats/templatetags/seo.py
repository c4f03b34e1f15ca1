"""Tags for what search engines and link previews read: Open Graph text and JSON-LD."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


class CaptureNode(template.Node):
    # Declared so that {% extends %} finds the {% block %} tags inside and lets child
    # templates override them, as anywhere else in base.html.
    child_nodelists = ("nodelist",)

    def __init__(self, nodelist, name):
        self.nodelist = nodelist
        self.name = name

    def render(self, context):
        # The output is already escaped: kept as is, on one line.
        context[self.name] = mark_safe(" ".join(self.nodelist.render(context).split()))
        return ""


@register.tag
def capture(parser, token):
    """{% capture as name %}…{% endcapture %}: renders its content once into a variable, so
    that <title> and og:title, the description and og:description, say the same text without
    each template writing it twice."""
    bits = token.split_contents()
    if len(bits) != 3 or bits[1] != "as":
        raise template.TemplateSyntaxError("Usage : {% capture as nom %}…{% endcapture %}")
    nodelist = parser.parse(("endcapture",))
    parser.delete_first_token()
    return CaptureNode(nodelist, bits[2])


@register.simple_tag(takes_context=True)
def laureate_json_ld(context, laureate):
    """schema.org description of a laureate: the project, its public funding, its members.

    Only what the portal records is said; unknown amounts and websites are left out.
    """
    request = context["request"]
    funder = {"@type": "GovernmentOrganization", "name": _("État français (France 2030)")}
    grant = {
        "@type": "MonetaryGrant",
        "name": "Deffinum — France 2030",
        "description": _(
            "Appel à projets « Dispositifs France Formation Innovante Numérique », "
            "opéré par la Banque des Territoires (Caisse des Dépôts) pour l'État."
        ),
        "funder": funder,
    }
    if laureate.state_aid is not None:
        grant["amount"] = {
            "@type": "MonetaryAmount",
            "currency": "EUR",
            "value": laureate.state_aid,
        }
    data = {
        "@context": "https://schema.org",
        "@type": "Project",
        "name": laureate.name,
        "url": request.build_absolute_uri(laureate.get_absolute_url()),
        "funder": funder,
        "funding": grant,
        "member": [
            organisation_json(membership.organisation, request)
            for membership in laureate.memberships.all()
        ],
        "areaServed": [
            {"@type": "AdministrativeArea", "name": region.name}
            for region in laureate.regions.all()
        ],
    }
    if laureate.acronym:
        data["alternateName"] = laureate.acronym
    if laureate.summary or laureate.description:
        data["description"] = laureate.summary or laureate.description
    if laureate.website:
        data["sameAs"] = laureate.website
    return json_ld(data)


@register.simple_tag
def json_ld(data):
    """A JSON-LD script of `data`: built by a view (e.g. /donnees/'s schema.org Dataset) or by
    the tags here."""
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def organisation_json(organisation, request):
    """schema.org Organization: its register identifiers (SIREN, SIRET, the training body's
    declaration number, the UAI) and where it is, as far as the portal records them."""
    data = {
        "@type": "Organization",
        "name": organisation.name,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
    }
    identifiers = [
        {"@type": "PropertyValue", "propertyID": name, "value": value}
        for name, value in (
            ("SIREN", organisation.siren),
            ("SIRET", organisation.siret),
            ("NDA", organisation.activity_declaration_number),
            ("UAI", organisation.uai),
        )
        if value
    ]
    if identifiers:
        data["identifier"] = identifiers if len(identifiers) > 1 else identifiers[0]
    if organisation.latitude is not None and organisation.longitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": organisation.latitude,
            "longitude": organisation.longitude,
        }
    if organisation.website:
        data["sameAs"] = organisation.website
    return data


@register.simple_tag(takes_context=True)
def organisation_json_ld(context, organisation, memberships):
    """schema.org description of an organisation's page: the organisation, where it is, and the
    published consortia it is a member of (`memberships`, the page's own)."""
    request = context["request"]
    data = {"@context": "https://schema.org", **organisation_json(organisation, request)}
    if organisation.aliases:
        data["alternateName"] = organisation.alias_list()
    address = {"@type": "PostalAddress", "addressCountry": "FR"}
    if organisation.city:
        address["addressLocality"] = organisation.city
    if organisation.postal_code:
        address["postalCode"] = organisation.postal_code
    if organisation.region_id:
        address["addressRegion"] = organisation.region.name
    if len(address) > 2:
        data["address"] = address
    data["memberOf"] = [
        {
            "@type": "Project",
            "name": membership.laureate.name,
            "url": request.build_absolute_uri(membership.laureate.get_absolute_url()),
        }
        for membership in memberships
    ]
    return json_ld(data)


# The licences whose text has an address of its own; the others are named.
LICENCE_URLS = {
    "licence-ouverte-2.0": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/",
    "cc-by": "https://creativecommons.org/licenses/by/4.0/",
    "cc-by-sa": "https://creativecommons.org/licenses/by-sa/4.0/",
    "cc-by-nc": "https://creativecommons.org/licenses/by-nc/4.0/",
}


@register.simple_tag(takes_context=True)
def resource_json_ld(context, resource):
    """schema.org LearningResource: a production shared by laureates, as far as it is entered;
    a licence "looked for and not found" is not one, and is left out like an empty one."""
    request = context["request"]
    data = {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "name": resource.title,
        "url": request.build_absolute_uri(resource.get_absolute_url()),
        "creator": [
            {
                "@type": "Project",
                "name": laureate.name,
                "url": request.build_absolute_uri(laureate.get_absolute_url()),
            }
            for laureate in resource.published_laureates
        ],
    }
    if resource.description:
        data["description"] = resource.description
    if resource.kind:
        data["learningResourceType"] = resource.get_kind_display()
    if resource.audience:
        data["audience"] = [
            {"@type": "EducationalAudience", "educationalRole": str(label)}
            for label in resource.audience_labels
        ]
    if resource.licence in LICENCE_URLS:
        data["license"] = LICENCE_URLS[resource.licence]
    elif resource.licence and resource.licence != resource.Licence.UNKNOWN:
        data["license"] = resource.get_licence_display()
    if resource.language in ("fr", "en"):
        data["inLanguage"] = resource.language
    if resource.url:
        data["sameAs"] = resource.url
    if resource.available_on:
        data["datePublished"] = resource.available_on.isoformat()
    return json_ld(data)
