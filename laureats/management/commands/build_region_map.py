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

DEFAULT_TOLERANCE = 1.0
# Islands smaller than this (in square viewBox units, i.e. about one pixel at 1:1) cannot be seen
# and only cost bytes; the largest part of a region is always kept.
DEFAULT_MIN_AREA = 1.5

# Lambert-93 (EPSG:2154) on the GRS80 ellipsoid. The false easting/northing are left out because
# the map is translated into the viewBox anyway. WGS 84 and RGF93 differ by far less than a pixel.
_GRS80_A = 6378137.0
_GRS80_E = 0.0818191910428158
_LAT_1, _LAT_2, _LAT_0, _LON_0 = 44.0, 49.0, 46.5, 3.0


def _lcc_m(phi):
    return math.cos(phi) / math.sqrt(1 - (_GRS80_E * math.sin(phi)) ** 2)


def _lcc_t(phi, np=math):
    sin_phi = np.sin(phi)
    return np.tan(math.pi / 4 - phi / 2) / (
        ((1 - _GRS80_E * sin_phi) / (1 + _GRS80_E * sin_phi)) ** (_GRS80_E / 2)
    )


_PHI_1, _PHI_2, _PHI_0 = (math.radians(v) for v in (_LAT_1, _LAT_2, _LAT_0))
_LCC_N = (math.log(_lcc_m(_PHI_1)) - math.log(_lcc_m(_PHI_2))) / (
    math.log(_lcc_t(_PHI_1)) - math.log(_lcc_t(_PHI_2))
)
_LCC_F = _lcc_m(_PHI_1) / (_LCC_N * _lcc_t(_PHI_1) ** _LCC_N)
_LCC_RHO_0 = _GRS80_A * _LCC_F * _lcc_t(_PHI_0) ** _LCC_N


def lambert93(coords):
    """Project an (N, 2) array of lon/lat degrees to Lambert-93 metres (y pointing north)."""
    import numpy as np

    lon = np.radians(coords[:, 0])
    lat = np.radians(coords[:, 1])
    rho = _GRS80_A * _LCC_F * _lcc_t(lat, np) ** _LCC_N
    theta = _LCC_N * (lon - math.radians(_LON_0))
    return np.column_stack((rho * np.sin(theta), _LCC_RHO_0 - rho * np.cos(theta)))


def local_equirectangular(coords, lat_0):
    """Project lon/lat degrees for a small overseas region (a few degrees across at most).

    A conic projection tuned for metropolitan France would skew the tropics; over such small
    extents scaling longitudes by cos(latitude) is accurate to well under a pixel.
    """
    import numpy as np

    return np.column_stack((coords[:, 0] * math.cos(math.radians(lat_0)), coords[:, 1]))


def _fit(geoms, box, padding=0.0):
    """Scale and translate projected geometries (y north) into box (x, y, w, h) of the viewBox.

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

    return [shapely.transform(g, to_box) for g in geoms]


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
    metro = [shapely.transform(regions[code][1], lambert93) for code in metro_codes]
    min_x, min_y, max_x, max_y = shapely.total_bounds(metro)
    metro_width = column_height * (max_x - min_x) / (max_y - min_y)
    metro_x = MARGIN + FRAME_WIDTH + COLUMN_GAP
    width = math.ceil(metro_x + metro_width + MARGIN)
    # The metropolitan regions form one coverage: simplifying them together keeps the shared
    # borders identical on both sides, with no gaps or overlaps between neighbours.
    metro = _fit(metro, (metro_x, MARGIN, metro_width, column_height))
    metro = shapely.coverage_simplify(metro, tolerance)
    placed = {code: (geom, None) for code, geom in zip(metro_codes, metro, strict=True)}

    for index, code in enumerate(OVERSEAS_CODES):
        geom = regions[code][1]
        lat_0 = (geom.bounds[1] + geom.bounds[3]) / 2
        geom = shapely.transform(geom, lambda c, lat_0=lat_0: local_equirectangular(c, lat_0))
        frame = [MARGIN, MARGIN + index * (FRAME_HEIGHT + FRAME_GAP), FRAME_WIDTH, FRAME_HEIGHT]
        (geom,) = _fit([geom], frame, padding=FRAME_PADDING)
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
    return {"source": SOURCE_CREDIT, "viewBox": f"0 0 {width} {height}", "regions": out}


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
