"""Every link and control's accessible name contains its visible text (axe's experimental
label-content-name-mismatch rule, "label-in-name" in Lighthouse), on the pages with charts."""

import pytest
from django.core.management import call_command

from laureats.models import Laureate, ProgrammeFigure, Sector

from ..factories import OrganisationFactory, make_laureate

RULE = "label-content-name-mismatch"


@pytest.fixture
def charted(transactional_db):
    """Enough laureates that every chart has bars, some with labels over two lines."""
    call_command("loaddata", "regions", "sectors", verbosity=0)
    ProgrammeFigure.objects.create(key="laureates", label="Lauréats", value=62)
    health = Sector.objects.get(slug="sante-social")
    building = Sector.objects.get(slug="transversal")
    for number, status in enumerate(Laureate.Status.values):
        make_laureate(
            name=f"Projet {number}",
            sectors=[health, building],
            regions=["53"],
            status=status,
            scope=Laureate.Scope.INTERREGIONAL,
            lead=OrganisationFactory(kind="opco", region_id="84"),
        )


def label_in_name_problems(page):
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "rule", "values": [RULE]},
            "rules": {RULE: {"enabled": True}},
            "resultTypes": ["violations"],
        },
    )
    return [
        f"{node['html'][:160]}"
        for violation in results.response["violations"]
        for node in violation["nodes"]
    ]


@pytest.mark.parametrize("path", ["/", "/statistiques/", "/laureats/", "/laureats/projet-0/"])
def test_accessible_names_contain_the_visible_text(page, charted, path):
    page.goto(path)
    assert page.locator("a").count() > 10
    problems = label_in_name_problems(page)
    assert not problems, "\n".join(problems)
