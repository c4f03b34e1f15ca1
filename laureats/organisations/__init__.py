"""Organisations you can trust and who works with whom: likely duplicates and the merge of two
records without losing anything (merge), an organisation's partners and possible partners
(partners), and its co-membership graph drawn on the server as SVG (partner_graph).

May import: models, text, derived (a merge rebuilds the derived columns), csv_format (the
import's folding of names).
"""
