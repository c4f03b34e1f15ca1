"""How text is read and compared: one folding of case, accents and ligatures for stored search
text, queries and sort keys; full-text search pieces; French reading order; names in French and
English.

May import: nothing else of laureats (the models import it).
"""
