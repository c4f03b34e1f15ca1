"""A fiche's citation as a file, for reference managers (Zotero, JabRef, Pandoc)."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_safe

from ..models import Laureate
from ..opendata.citation import Citation

FORMATS = {
    "bib": ("application/x-bibtex; charset=utf-8", "bibtex"),
    "json": ("application/vnd.citationstyles.csl+json; charset=utf-8", "csl_json"),
}


@require_safe
def citation_file(request, slug, extension):
    laureate = get_object_or_404(
        Laureate.objects.published().only("slug", "name", "acronym", "updated_at"), slug=slug
    )
    citation = Citation(laureate, request.build_absolute_uri(laureate.get_absolute_url()))
    content_type, attribute = FORMATS[extension]
    response = HttpResponse(getattr(citation, attribute) + "\n", content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{citation.key}.{extension}"'
    return response
