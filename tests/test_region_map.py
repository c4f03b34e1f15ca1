"""The shipped map of the regions, and the command that regenerates it from the IGN outlines."""

import io
import json
import re

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from laureats.statistics.region_map import REGION_MAP_PATH, load_region_map

SOURCE = settings.BASE_DIR.parent / "shared" / "data" / "regions-france-2018.geojson"
OVERSEAS = {"01", "02", "03", "04", "06"}
PATH_DATA = re.compile(r"^(M-?[\d.]+ -?[\d.]+L(-?[\d.]+ -?[\d.]+ ?)+Z)+$")


def shipped_codes():
    with (settings.BASE_DIR / "fixtures" / "regions.json").open(encoding="utf-8") as fh:
        return {row["pk"]: row["fields"]["name"] for row in json.load(fh)}


def test_shipped_map_has_the_18_regions_by_insee_code():
    data = load_region_map()
    regions = {region["code"]: region for region in data["regions"]}
    assert len(data["regions"]) == 18
    assert {code: region["name"] for code, region in regions.items()} == shipped_codes()
    assert [region["code"] for region in data["regions"]] == sorted(regions)


def test_shipped_map_geometry_fits_its_viewbox():
    data = load_region_map()
    _x, _y, width, height = (float(value) for value in data["viewBox"].split())
    for region in data["regions"]:
        assert PATH_DATA.match(region["path"]), region["code"]
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", region["path"])]
        xs, ys = numbers[0::2], numbers[1::2]
        assert min(xs) >= 0 and min(ys) >= 0
        assert max(xs) <= width and max(ys) <= height
        label_x, label_y = region["label"]
        assert min(xs) <= label_x <= max(xs) and min(ys) <= label_y <= max(ys)


def test_overseas_regions_are_insets_in_their_frames():
    for region in load_region_map()["regions"]:
        assert region["inset"] == (region["code"] in OVERSEAS)
        if region["inset"]:
            x, y, w, h = region["frame"]
            assert x <= region["label"][0] <= x + w and y <= region["label"][1] <= y + h
        else:
            assert region["frame"] is None


def test_shipped_map_credits_its_source():
    assert "IGN – Admin Express COG 2018, Licence Ouverte (Etalab)" in load_region_map()["source"]


def test_command_regenerates_the_shipped_file(tmp_path):
    pytest.importorskip("shapely", minversion="2.1")
    if not SOURCE.is_file():
        pytest.skip(f"source outlines not available at {SOURCE}")
    output = tmp_path / "region_map.json"
    call_command("build_region_map", source=SOURCE, output=output, stdout=io.StringIO())
    assert output.read_bytes() == REGION_MAP_PATH.read_bytes()


def test_command_says_when_the_source_is_missing(tmp_path):
    pytest.importorskip("shapely", minversion="2.1")
    with pytest.raises(CommandError, match="source GeoJSON not found"):
        call_command(
            "build_region_map", source=tmp_path / "absent.geojson", output=tmp_path / "out.json"
        )
