"""The shared productions (issue 26): what each consortium makes for its whole sector — training
modules, immersive simulations, serious games, platforms, guides — with their licence and access.

A sub-package of the `laureats` app rather than an app of its own: a resource belongs to
laureates and is filed under their sectors, its migration then sits with theirs, and the page
cache, the admin and the history already watch this app.

May import: models, text, browse (the list's filters and facets), opendata, csv_format (the CSV
export), api (its viewsets), views (the list's pagination).
"""
