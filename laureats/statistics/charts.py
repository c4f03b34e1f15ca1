"""Charts drawn on the server as inline SVG: horizontal bar charts and the map of the regions.

Python computes the geometry, the templates (`_bar_chart.html`, `_region_map.html`) write the
markup. The charts need no JavaScript, print as they show, and never rely on colour alone: every
bar and every region carries its number as text, and the same rows feed the table beside each
chart, so the two cannot disagree.
"""

import textwrap
from urllib.parse import urlencode

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from .figures import count_text
from .region_map import load_region_map

# Bar charts, in viewBox units. The viewBox is narrow so that, drawn at 100 % of a phone's width
# (about 340 px), a 14-unit label is still about 13 px high; CSS caps the width on large screens.
CHART_WIDTH = 360
LABEL_SIZE = 14
LINE_HEIGHT = 17
LABEL_CHARS = 44  # characters per label line before wrapping, at 14 units a character is ~7
# A row is its label line over a thin bar: 41 units, not 51, so that a 12-row chart is no longer
# a phone screen on its own; the gap between rows stays wider than the one inside a row.
BAR_HEIGHT = 12
BAR_GAP = 3  # between a label and its bar
ROW_GAP = 9
COUNT_ROOM = 64  # right of the longest bar, for its number

# The map's sequential scale (ColorBrewer "Blues"), lightest to darkest. Text on the two light
# shades is dark and on the two dark shades white, each above 4.5:1 contrast.
ZERO_FILL = "#f4f5f8"
SHADES = ["#c6dbef", "#6baed6", "#2171b5", "#08306b"]
LIGHT_TEXT_FROM = 2  # index of the first shade that takes white text


def list_url(active, param, value):
    """The list of laureates with the page's filters, `param` set to this one value."""
    params = [(name, kept) for name, kept in active if name != param]
    if value:
        params.append((param, value))
    url = reverse("laureats:laureate-list")
    return f"{url}?{urlencode(params)}" if params else url


def linked_rows(breakdown, active=()):
    """Rows of a breakdown, each with the URL of its laureates (None when no filter selects
    them, like an unknown scope). Official figures link to the entered laureates of the sector,
    ignoring the page's filters, which do not apply to them."""
    rows = []
    for row in breakdown.rows:
        url = list_url(() if breakdown.official else active, breakdown.param, row.value)
        rows.append(
            {
                "value": row.value,
                "label": row.label,
                "count": row.count,
                "count_text": count_text(row.count, breakdown.unit),
                "laureates": row.laureates,
                "url": url if row.value else None,
            }
        )
    return rows


def zero_note(breakdown, zero_rows):
    """What the chart and its table leave out: "5 filières sans lauréat saisi : ...". The CSV
    keeps every row."""
    if not zero_rows:
        return ""
    return label_value(*zero_parts(breakdown, zero_rows))


def zero_parts(breakdown, zero_rows):
    """The zero note's count ("5 filières sans lauréat saisi") and names, apart: the statistics
    page shows the count and folds the names, which took six phone lines for the map."""
    if not zero_rows:
        return "", ""
    count = len(zero_rows)
    texts = {
        "filieres": lambda: ngettext(
            "%(count)s filière sans lauréat saisi", "%(count)s filières sans lauréat saisi", count
        ),
        "portees": lambda: ngettext(
            "%(count)s portée sans lauréat saisi", "%(count)s portées sans lauréat saisi", count
        ),
        "statuts": lambda: ngettext(
            "%(count)s statut sans lauréat saisi", "%(count)s statuts sans lauréat saisi", count
        ),
        "regions": lambda: ngettext(
            "%(count)s région sans lauréat saisi", "%(count)s régions sans lauréat saisi", count
        ),
        "types-membres": lambda: ngettext(
            "%(count)s type de membre sans organisation saisie",
            "%(count)s types de membre sans organisation saisie",
            count,
        ),
        "types-porteurs": lambda: ngettext(
            "%(count)s type de porteur sans lauréat saisi",
            "%(count)s types de porteur sans lauréat saisi",
            count,
        ),
    }
    text = texts.get(
        breakdown.key,
        lambda: ngettext("%(count)s valeur à zéro", "%(count)s valeurs à zéro", count),
    )()
    names = pgettext("between list items", ", ").join(str(row["label"]) for row in zero_rows)
    return text % {"count": count}, names


def bar_chart(breakdown, active=(), id_prefix=""):
    """A horizontal bar chart of a breakdown, one labelled bar (a link) per row. Rows at zero
    are left out of the chart and its table, and named in one note instead: a wall of zeros
    hid the few numbers that say something."""
    rows = linked_rows(breakdown, active)
    shown = [row for row in rows if row["count"]]
    top = breakdown.max_count
    longest = CHART_WIDTH - COUNT_ROOM
    y = 0
    for row in shown:
        lines = textwrap.wrap(row["label"], LABEL_CHARS) or [""]
        row["lines"] = [
            {"text": text, "y": y + LABEL_SIZE - 1 + index * LINE_HEIGHT}
            for index, text in enumerate(lines)
        ]
        row["bar_y"] = y + len(lines) * LINE_HEIGHT + BAR_GAP
        width = round(longest * row["count"] / top, 1) if top else 0
        # A non-zero count always shows a sliver, so it never reads as zero.
        row["bar_width"] = max(width, 2) if row["count"] else 0
        row["count_x"] = row["bar_width"] + 6
        row["count_y"] = row["bar_y"] + BAR_HEIGHT - 1
        # The bar's visible words, then its count: the name contains the visible text, as
        # speech input needs ("label in name"); no <title> inside, which would add to it.
        row["aria_label"] = label_value(row["label"], row["count_text"])
        if breakdown.official:
            row["aria_label"] += _(" (chiffre officiel) — voir les lauréats saisis de la filière")
        y = row["bar_y"] + BAR_HEIGHT + ROW_GAP
    chart_id = f"{id_prefix}chart-{breakdown.key}"
    return {
        "id": chart_id,
        "key": breakdown.key,
        "title": breakdown.title,
        "description": _(
            "%(description)s Diagramme en barres horizontales ; les mêmes chiffres figurent "
            "dans le tableau qui l'accompagne."
        )
        % {"description": breakdown.description},
        "breakdown": breakdown,
        # Every row (the CSV's, and each one's link); the chart and its table draw `shown_rows`.
        "rows": rows,
        "shown_rows": shown,
        "width": CHART_WIDTH,
        "track_width": longest,
        "height": max(y - ROW_GAP, 1),
        "bar_height": BAR_HEIGHT,
        "empty": not shown,
        "zero_note": zero_note(breakdown, [row for row in rows if not row["count"]]),
        "zero_parts": zero_parts(breakdown, [row for row in rows if not row["count"]]),
    }


def shade_bins(top, classes=4):  # one class per shade of SHADES
    """Up to `classes` ranges of counts (low, high) covering 1..top, each at least one wide."""
    if top <= 0:
        return []
    if top <= classes:
        return [(count, count) for count in range(1, top + 1)]
    bins, low = [], 1
    for index in range(1, classes + 1):
        high = round(top * index / classes)
        if high >= low:
            bins.append((low, high))
            low = high + 1
    return bins


def bin_shades(count):
    """The shade index of each of `count` bins, spread over the scale from light to dark."""
    if count == 1:
        return [LIGHT_TEXT_FROM]
    last = len(SHADES) - 1
    return [round(index * last / (count - 1)) for index in range(count)]


def label_value(label, value):
    # French puts a space before the colon, English does not: the separator is translated.
    return f"{label}{pgettext('between a label and its value', ' : ')}{value}"


def range_text(low, high):
    if low == high:
        return ngettext("%(count)s lauréat", "%(count)s lauréats", low) % {"count": low}
    return _("%(low)s à %(high)s lauréats") % {"low": low, "high": high}


# Region names printed on the map, in viewBox units: ~12 px high at the 600 px or more a desktop
# draws it at; CSS shows them only there (a phone has the list beside the map).
NAME_SIZE = 14
NAME_LINE = 15
NAME_CHARS = 13  # "Auvergne-" over "Rhône-Alpes"
NAME_ABOVE_COUNT = 19  # from the count's centre to the baseline of the name's last line


def name_lines(name, shape):
    """The region's name as lines of text on the map: above its count on the mainland, at the
    foot of its frame for an overseas region (whose count is at the island)."""
    lines = textwrap.wrap(name, NAME_CHARS) or [name]
    if len(lines) > 2:
        lines = textwrap.wrap(name, NAME_CHARS + 3)
    if shape["inset"] and shape["frame"]:
        x, top, width, height = shape["frame"]
        x, last = x + width / 2, top + height - 6
    else:
        x, last = shape["label"][0], shape["label"][1] - NAME_ABOVE_COUNT
    first = last - (len(lines) - 1) * NAME_LINE
    return x, [
        {"text": text, "y": round(first + index * NAME_LINE, 1)} for index, text in enumerate(lines)
    ]


def region_map(breakdown, active=(), id_prefix=""):
    """The map of the 18 regions shaded by `breakdown`'s counts, with its legend.

    Every region is a link to its laureates with its name and count as accessible name, and a
    `data-count`; a count label is drawn on each region so the shade is never the only clue.
    """
    geometry = load_region_map()
    rows = {row["value"]: row for row in linked_rows(breakdown, active)}
    bins = shade_bins(breakdown.max_count)
    shades = bin_shades(len(bins)) if bins else []
    legend = [{"fill": ZERO_FILL, "text": _("aucun lauréat")}]
    legend += [
        {"fill": SHADES[shade], "text": range_text(low, high)}
        for (low, high), shade in zip(bins, shades, strict=True)
    ]
    regions = []
    for shape in geometry["regions"]:
        row = rows.get(shape["code"]) or {
            "value": shape["code"],
            "label": shape["name"],
            "count": 0,
            "count_text": count_text(0, breakdown.unit),
            "url": list_url(active, breakdown.param, shape["code"]),
        }
        count = row["count"]
        shade = next(
            (
                shade
                for (low, high), shade in zip(bins, shades, strict=True)
                if low <= count <= high
            ),
            None,
        )
        name_x, names = name_lines(str(row["label"]), shape)
        regions.append(
            {
                **row,
                "name_x": name_x,
                "name_lines": names,
                "code": shape["code"],
                "path": shape["path"],
                "label_x": shape["label"][0],
                "label_y": shape["label"][1],
                "inset": shape["inset"],
                "frame": shape["frame"],
                "fill": ZERO_FILL if shade is None else SHADES[shade],
                "light_text": shade is not None and shade >= LIGHT_TEXT_FROM,
                "aria_label": label_value(row["label"], row["count_text"]),
            }
        )
    regions_by_code = {region["code"]: region for region in regions}
    ordered = [regions_by_code[row.value] for row in breakdown.rows if row.value in regions_by_code]
    width, height = geometry["viewBox"].split()[2:]
    return {
        "id": f"{id_prefix}region-map",
        "key": breakdown.key,
        "title": breakdown.title,
        "view_box": geometry["viewBox"],
        "width": width,
        "height": height,
        "source": geometry["source"],
        "regions": regions,
        "frames": [region for region in regions if region["inset"]],
        "legend": legend,
        "breakdown": breakdown,
        # The table keeps the breakdown's order (by name); the SVG draws in INSEE code order,
        # every region. The table, like the bar charts', leaves the zeros to a note.
        "rows": ordered,
        "shown_rows": [region for region in ordered if region["count"]],
        "zero_note": zero_note(breakdown, [region for region in ordered if not region["count"]]),
        "zero_parts": zero_parts(breakdown, [region for region in ordered if not region["count"]]),
    }
