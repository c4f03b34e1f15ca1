"""Finding laureates and organisations: what matches a filter (the FilterSets, the one definition
shared by the list, the exports, the API and the statistics), the facets counted from it, the
comparison of laureates, what a fiche does not say yet, the site map, and what every page's
template needs.

May import: models, text. Not views, admin, journal, opendata or statistics.
"""
