"""Tags for what search engines and link previews read: Open Graph text and JSON-LD."""

import json

from django import template
from django.template.loader_tags import BLOCK_CONTEXT_KEY
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

register = template.Library()

# As django.utils.html.json_script: nothing in the data can close the <script> element.
JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def block_text(context, name):
    """The rendered text of one of this page's blocks, on one line, so that og:title and
    og:description repeat the page's title and description without each template saying them
    twice. Only usable in the template that declares the block (base.html)."""
    block_context = context.render_context.get(BLOCK_CONTEXT_KEY)
    block = block_context.get_block(name) if block_context else None
    if block is None:
        return ""
    # The block's output is already escaped: keep it as is.
    return mark_safe(" ".join(block.render(context).split()))


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
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


@register.simple_tag
def json_ld(data):
    """A JSON-LD script of `data`, built by the view (e.g. /donnees/'s schema.org Dataset)."""
    text = json.dumps(data, ensure_ascii=False).translate(JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))


def organisation_json(organisation, request):
    data = {
        "@type": "Organization",
        "name": organisation.name,
        "url": request.build_absolute_uri(organisation.get_absolute_url()),
    }
    if organisation.siren:
        data["identifier"] = {
            "@type": "PropertyValue",
            "propertyID": "SIREN",
            "value": organisation.siren,
        }
    if organisation.website:
        data["sameAs"] = organisation.website
    return data
