"""Coordinates: polygons, reverse geocoding and GCJ-02 / BD-09 conversions."""

from __future__ import annotations

import math
import random

import pytest

from clusteratlas import gazetteer as g
from clusteratlas.errors import BadQueryError, PlaceNotFound

# Points chosen from well-known places (WGS-84, degrees).
BEIJIAO = (22.927, 113.198)  # lat, lon: 北滘镇, 顺德区
XUCHANG = (34.036, 113.852)
URUMQI = (43.825, 87.617)


def test_reverse_geocode_gives_the_three_levels():
    hit = g.reverse_geocode(lat=BEIJIAO[0], lon=BEIJIAO[1])
    assert hit["adcode"] == "440606" and hit["level"] == "county"
    assert hit["province"]["adcode"] == "440000" and hit["prefecture"]["adcode"] == "440600"
    assert hit["county"]["name_zh"] == "顺德区"


def test_reverse_geocode_municipality_and_urumqi():
    assert g.reverse_geocode(lat=39.9087, lon=116.3975)["province"]["adcode"] == "110000"
    hit = g.reverse_geocode(lat=URUMQI[0], lon=URUMQI[1])
    assert hit["prefecture"]["adcode"] == "650100"


@pytest.mark.parametrize("lat,lon", [(35.68, 139.69), (48.85, 2.35), (0.0, 0.0), (15.0, 115.0)])
def test_points_outside_china_give_none(lat, lon):
    assert g.reverse_geocode(lat=lat, lon=lon) is None


@pytest.mark.parametrize("lat,lon", [(float("nan"), 113.0), (22.0, float("inf")), (91.0, 0.0), (0.0, 181.0),
                                     ("x", 1.0), (None, 1.0)])
def test_bad_coordinates_raise_one_error(lat, lon):
    with pytest.raises(BadQueryError):
        g.reverse_geocode(lat=lat, lon=lon)


def test_reverse_geocode_converts_gcj02_and_bd09():
    lon, lat = g.wgs84_to_gcj02(lon=BEIJIAO[1], lat=BEIJIAO[0])
    assert g.reverse_geocode(lat=lat, lon=lon, crs="gcj02")["adcode"] == "440606"
    lon, lat = g.wgs84_to_bd09(lon=BEIJIAO[1], lat=BEIJIAO[0])
    assert g.reverse_geocode(lat=lat, lon=lon, crs="bd09")["adcode"] == "440606"
    with pytest.raises(BadQueryError):
        g.reverse_geocode(lat=22.9, lon=113.2, crs="utm")


def _metres(lon1, lat1, lon2, lat2):
    dy = (lat2 - lat1) * 111_320.0
    dx = (lon2 - lon1) * 111_320.0 * math.cos(math.radians(lat1))
    return math.hypot(dx, dy)


def test_conversions_round_trip_and_offset_size():
    rng = random.Random(3)
    for _ in range(200):
        lon, lat = rng.uniform(98, 122), rng.uniform(20, 45)
        glon, glat = g.wgs84_to_gcj02(lon=lon, lat=lat)
        assert 1 < _metres(lon, lat, glon, glat) < 1500  # the GCJ-02 offset: metres to hundreds of metres
        wlon, wlat = g.gcj02_to_wgs84(lon=glon, lat=glat)
        assert _metres(lon, lat, wlon, wlat) < 1.0
        blon, blat = g.wgs84_to_bd09(lon=lon, lat=lat)
        wlon, wlat = g.bd09_to_wgs84(lon=blon, lat=blat)
        assert _metres(lon, lat, wlon, wlat) < 1.0


def test_gcj02_agrees_with_fast_geocn():
    coord = pytest.importorskip("fast_geocn.coord")
    for lon, lat in [(113.2, 22.9), (116.4, 39.9), (87.6, 43.8)]:
        a = g.wgs84_to_gcj02(lon=lon, lat=lat)
        b = coord.wgs84_to_gcj02(lon, lat)
        assert _metres(*a, *b) < 0.01


def test_bd09_matches_the_published_formula():
    # The widely published GCJ-02 -> BD-09 formula (x_pi = pi * 3000 / 180), reference value from the
    # coordTransform README. (fast-geocn 1.1.3 uses pi instead of x_pi, about 10 m off.)
    lon, lat = g.gcj02_to_bd09(lon=128.543, lat=37.065)
    assert lon == pytest.approx(128.54944656269413, abs=1e-9) and lat == pytest.approx(37.07113427883019, abs=1e-9)


def test_outside_china_is_not_shifted():
    assert g.wgs84_to_gcj02(lon=2.35, lat=48.85) == (2.35, 48.85)
    assert g.gcj02_to_wgs84(lon=2.35, lat=48.85) == (2.35, 48.85)


def test_polygon_contains_by_level():
    lat, lon = BEIJIAO
    assert g.polygon_contains("440000", lon=lon, lat=lat)
    assert g.polygon_contains("440600", lon=lon, lat=lat)
    assert g.polygon_contains("440606", lon=lon, lat=lat)
    assert g.polygon_contains("440606101", lon=lon, lat=lat)  # a township uses its county
    assert not g.polygon_contains("440605", lon=lon, lat=lat)
    assert not g.polygon_contains("411000", lon=lon, lat=lat)
    assert g.polygon_contains("411000", lon=XUCHANG[1], lat=XUCHANG[0])
    assert g.polygon_contains("442000105", lon=113.175, lat=22.615)  # 古镇镇: its parent is a prefecture


def test_polygon_contains_errors():
    with pytest.raises(PlaceNotFound):
        g.polygon_contains("999999", lon=113.0, lat=22.0)
    with pytest.raises(BadQueryError):
        g.polygon_contains("440606", lon=float("nan"), lat=22.0)


def test_new_units_without_polygons_fall_back_to_the_parent():
    # 和康县 (653228) is newer than the polygons: its prefecture's polygon is used
    hotan = g.place_for_adcode("653200")
    assert g.polygon_contains("653228", lon=hotan.lon, lat=hotan.lat)
    # 两江新区 (2025) is drawn from the polygons of the former 江北区 and 渝北区
    assert g.polygon_contains("500157", lon=106.574, lat=29.575)


def test_county_points_lie_in_their_polygons():
    from clusteratlas.gazetteer import _tables as gd

    bad = [c for c, u in gd.units().items() if u.level in (2, 3) and u.coord_src in ("cpca", "polygon")
           and not g.polygon_contains(c, lon=u.lon, lat=u.lat)]
    assert bad == []


def test_township_points_lie_in_their_county_sample():
    from clusteratlas.gazetteer import _tables as gd

    towns = sorted(c for c, u in gd.units().items() if u.level == 4 and u.coord_src == "geonames")
    assert len(towns) > 10_000
    sample = random.Random(11).sample(towns, 400)
    bad = [c for c in sample if not g.polygon_contains(c, lon=gd.units()[c].lon, lat=gd.units()[c].lat)]
    assert bad == []
