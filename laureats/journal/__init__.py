"""The public change log (/journal/, each fiche's history, the Atom feeds), read from the
django-simple-history records: which rows a page reads (page), how a change reads (entries),
one laureate's timeline (timeline), and the feeds.

May import: models, text, browse (a feed of a search), opendata (a field's label, written once).
"""
