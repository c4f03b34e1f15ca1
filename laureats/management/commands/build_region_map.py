"""Build the web map of the 18 French regions used by the portal: laureats/statistics/data/region_map.json.

The source outlines come from IGN Admin Express COG 2018 (names and codes INSEE 2018), as converted
and simplified by the open-source france-geojson project, under the Licence Ouverte / Open Licence
(Etalab): reuse is free provided the source is credited, which is why the credit travels inside the
generated file.

The command projects the metropolitan regions with Lambert-93, draws the five overseas regions as
insets stacked in a column on the left, simplifies every outline for a ~700 px wide inline SVG and
writes a small, stable JSON file. It needs ``shapely`` (>= 2.1), a development-only dependency:
the generated file is committed, so the running site never imports shapely.
"""

import json
import math
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ...statistics.region_map import lambert93, local_equirectangular

SOURCE_CREDIT = (
    "IGN \N{EN DASH} Admin Express COG 2018, Licence Ouverte (Etalab), via france-geojson"
)

# Top-to-bottom order of the inset column: INSEE order, the one readers of French maps expect.
OVERSEAS_CODES = ("01", "02", "03", "04", "06")

# Layout, in viewBox units. The height is fixed by the inset column; the metropolitan map is
# scaled to that height, which gives it roughly 590x550 units.
MARGIN = 8
FRAME_WIDTH = 96
FRAME_HEIGHT = 100
FRAME_GAP = 12
FRAME_PADDING = 6
COLUMN_GAP = 16

BOUNDS_MARGIN = 0.1  # degrees

DEFAULT_TOLERANCE = 1.0
# Islands smaller than this (in square viewBox units, i.e. about one pixel at 1:1) cannot be seen
# and only cost bytes; the largest part of a region is always kept.
DEFAULT_MIN_AREA = 1.5


def projected_lambert93(coords):
    """Project an (N, 2) array of lon/lat degrees to Lambert-93 metres (y pointing north), by
    the portal's one definition (region_map.lambert93)."""
    import numpy as np

    return np.column_stack(lambert93(coords[:, 0], coords[:, 1], np=np))


def projected_locally(coords, lat_0):
    """An overseas region's outline, by region_map.local_equirectangular."""
    import numpy as np

    return np.column_stack(local_equirectangular(coords[:, 0], coords[:, 1], lat_0))


def _fit(geoms, box, padding=0.0):
    """Scale and translate projected geometries (y north) into box (x, y, w, h) of the viewBox,
    and the fit that does it (region_map.fitted reads it to place points).

    The result is centred in the box and y is flipped, since SVG y points down.
    """
    import shapely

    min_x, min_y, max_x, max_y = shapely.total_bounds(geoms)
    x, y, w, h = box
    scale = min((w - 2 * padding) / (max_x - min_x), (h - 2 * padding) / (max_y - min_y))
    off_x = x + (w - (max_x - min_x) * scale) / 2
    off_y = y + (h - (max_y - min_y) * scale) / 2

    def to_box(coords):
        out = coords.copy()
        out[:, 0] = off_x + (coords[:, 0] - min_x) * scale
        out[:, 1] = off_y + (max_y - coords[:, 1]) * scale
        return out

    fit = {"min_x": min_x, "max_y": max_y, "scale": scale, "off_x": off_x, "off_y": off_y}
    return [shapely.transform(g, to_box) for g in geoms], fit


def _polygons(geom):
    return list(geom.geoms) if geom.geom_type == "MultiPolygon" else [geom]


def _drop_small_parts(geom, min_area):
    from shapely.geometry import MultiPolygon, Polygon

    parts = sorted(_polygons(geom), key=lambda p: p.area, reverse=True)
    kept = [parts[0]] + [p for p in parts[1:] if p.area >= min_area]
    kept = [
        Polygon(p.exterior, [r for r in p.interiors if Polygon(r).area >= min_area]) for p in kept
    ]
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


def _fmt(value):
    # One decimal is a tenth of a pixel at 1:1; "12" rather than "12.0" saves bytes.
    text = f"{value:.1f}"
    if text.endswith(".0"):
        text = text[:-2]
    return "0" if text == "-0" else text


def _ring_path(ring):
    points = []
    for x, y in ring.coords[:-1]:
        point = (_fmt(x), _fmt(y))
        if not points or points[-1] != point:
            points.append(point)
    while len(points) > 1 and points[-1] == points[0]:
        points.pop()
    if len(points) < 3:
        return ""
    head, *rest = points
    return f"M{head[0]} {head[1]}L" + " ".join(f"{x} {y}" for x, y in rest) + "Z"


def _svg_path(geom):
    import shapely

    # Shells and holes wound in opposite directions, so the default nonzero fill rule cuts holes.
    geom = shapely.orient_polygons(geom)
    return "".join(
        _ring_path(ring)
        for polygon in _polygons(geom)
        for ring in (polygon.exterior, *polygon.interiors)
    )


def _label_point(geom):
    from shapely.ops import polylabel

    # The pole of inaccessibility of the main part, not the centroid: a count label there stays
    # inside the region and as far as possible from its borders (Bretagne's islands, Guadeloupe).
    largest = max(_polygons(geom), key=lambda p: p.area)
    point = polylabel(largest, tolerance=0.5)
    return [float(_fmt(point.x)), float(_fmt(point.y))]


def build(source_path, tolerance=DEFAULT_TOLERANCE, min_area=DEFAULT_MIN_AREA):
    """Return the region map dict built from the GeoJSON at source_path. Needs shapely >= 2.1."""
    import shapely
    from shapely.geometry import shape

    with open(source_path, encoding="utf-8") as fh:
        features = json.load(fh)["features"]
    regions = {
        f["properties"]["code"]: (f["properties"]["nom"], shape(f["geometry"])) for f in features
    }
    missing = [code for code in OVERSEAS_CODES if code not in regions]
    if missing:
        raise ValueError(f"overseas regions missing from the source: {', '.join(missing)}")

    column_height = len(OVERSEAS_CODES) * FRAME_HEIGHT + (len(OVERSEAS_CODES) - 1) * FRAME_GAP
    height = column_height + 2 * MARGIN

    metro_codes = sorted(code for code in regions if code not in OVERSEAS_CODES)
    metro_bounds = shapely.total_bounds([regions[code][1] for code in metro_codes])
    metro = [shapely.transform(regions[code][1], projected_lambert93) for code in metro_codes]
    min_x, min_y, max_x, max_y = shapely.total_bounds(metro)
    metro_width = column_height * (max_x - min_x) / (max_y - min_y)
    metro_x = MARGIN + FRAME_WIDTH + COLUMN_GAP
    width = math.ceil(metro_x + metro_width + MARGIN)
    # The metropolitan regions form one coverage: simplifying them together keeps the shared
    # borders identical on both sides, with no gaps or overlaps between neighbours.
    metro, metro_fit = _fit(metro, (metro_x, MARGIN, metro_width, column_height))
    projection = {"metro": {**metro_fit, "bounds": _degrees(metro_bounds)}, "insets": []}
    metro = shapely.coverage_simplify(metro, tolerance)
    placed = {code: (geom, None) for code, geom in zip(metro_codes, metro, strict=True)}

    for index, code in enumerate(OVERSEAS_CODES):
        geom = regions[code][1]
        bounds = geom.bounds
        lat_0 = (geom.bounds[1] + geom.bounds[3]) / 2
        geom = shapely.transform(geom, lambda c, lat_0=lat_0: projected_locally(c, lat_0))
        frame = [MARGIN, MARGIN + index * (FRAME_HEIGHT + FRAME_GAP), FRAME_WIDTH, FRAME_HEIGHT]
        (geom,), fit = _fit([geom], frame, padding=FRAME_PADDING)
        projection["insets"].append(
            {"code": code, "lat_0": lat_0, **fit, "bounds": _degrees(bounds)}
        )
        placed[code] = (shapely.coverage_simplify(geom, tolerance), frame)

    out = []
    for code in sorted(placed):
        geom, frame = placed[code]
        geom = _drop_small_parts(geom, min_area)
        out.append(
            {
                "code": code,
                "name": regions[code][0],
                "path": _svg_path(geom),
                "label": _label_point(geom),
                "inset": frame is not None,
                "frame": frame,
            }
        )
    return {
        "source": SOURCE_CREDIT,
        "viewBox": f"0 0 {width} {height}",
        "regions": out,
        "projection": projection,
    }


def _degrees(bounds):
    """A region's (west, south, east, north) in degrees, widened by a tenth of a degree (about
    10 km): an organisation on the coast or an islet dropped by the simplification still falls
    inside, and no two regions' bounds meet."""
    west, south, east, north = (float(value) for value in bounds)
    return [
        round(west - BOUNDS_MARGIN, 4),
        round(south - BOUNDS_MARGIN, 4),
        round(east + BOUNDS_MARGIN, 4),
        round(north + BOUNDS_MARGIN, 4),
    ]


def dump(data):
    """Serialise the map the same way every time, so a rebuild gives a byte-identical file."""
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = (
        "Regenerate laureats/statistics/data/region_map.json, the inline-SVG map of the 18 French regions "
        "(metropolitan France in Lambert-93, overseas regions as insets), from the IGN Admin "
        "Express COG 2018 outlines (Licence Ouverte / Etalab, via france-geojson). "
        "Needs shapely >= 2.1 (development dependency)."
    )
    # A pure file-to-file build: it touches neither the database nor the URLs, so it should work
    # even while the rest of the project is half configured.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument(
            "--source",
            type=Path,
            default=settings.BASE_DIR.parent / "shared" / "data" / "regions-france-2018.geojson",
            help="GeoJSON of the regions, WGS 84, with properties 'code' and 'nom' "
            "(default: %(default)s)",
        )
        parser.add_argument(
            "--output",
            type=Path,
            default=settings.BASE_DIR / "laureats" / "statistics" / "data" / "region_map.json",
            help="JSON file to write (default: %(default)s)",
        )
        parser.add_argument(
            "--tolerance",
            type=float,
            default=DEFAULT_TOLERANCE,
            help="simplification tolerance in viewBox units (default: %(default)s)",
        )
        parser.add_argument(
            "--min-area",
            type=float,
            default=DEFAULT_MIN_AREA,
            help="drop islands and holes smaller than this, in square viewBox units "
            "(default: %(default)s)",
        )

    def handle(self, *args, source, output, tolerance, min_area, **options):
        try:
            import shapely
        except ImportError as exc:
            raise CommandError(
                "build_region_map needs shapely, a development dependency: "
                "pip install 'shapely>=2.1'"
            ) from exc
        if not hasattr(shapely, "coverage_simplify"):
            raise CommandError(
                f"build_region_map needs shapely >= 2.1, found {shapely.__version__}"
            )
        # call_command() passes options through without argparse's type conversion.
        source, output = Path(source), Path(output)
        if not source.is_file():
            raise CommandError(f"source GeoJSON not found: {source}")

        try:
            data = build(source, tolerance=tolerance, min_area=min_area)
        except (ValueError, KeyError) as exc:
            raise CommandError(f"cannot build the map from {source}: {exc}") from exc

        text = dump(data)
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(text, encoding="utf-8")
        size = len(text.encode("utf-8"))
        self.stdout.write(
            self.style.SUCCESS(
                f"Wrote {output} ({size / 1024:.1f} KB, {len(data['regions'])} regions, "
                f"viewBox {data['viewBox']})"
            )
        )
