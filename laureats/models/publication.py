"""What the public sees of the rows that name a laureate: those of a published one."""


def of_published_laureates(rows, path="laureate"):
    """Those of `rows` whose laureate (reached by `path`) is published: memberships, sector
    and region links, links to resources, and their histories. A row of an unpublished
    laureate is never shown, counted, searched nor logged (`LaureateQuerySet.published`
    says the same of the laureates themselves)."""
    return rows.filter(**{f"{path}__is_published": True})
