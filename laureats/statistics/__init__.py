"""The big picture: figures computed from the laureates entered, the official figures they are
compared with ("8 annoncés, 0 saisi"), and the charts and region map drawn on the server as SVG.

May import: models, text, browse (the FilterSet, so that a filtered chart counts what the list
shows).
"""
