"""WGS-84 helpers: great-circle distances (numbers and arrays), China's bbox, bbox parsing, GCJ-02/BD-09."""

from __future__ import annotations

import math

import numpy as np
import pytest

from clusteratlas.errors import BadQueryError
from clusteratlas.geo import (CHINA_BBOX, EARTH_RADIUS_KM, bd09_to_wgs84, gcj02_to_wgs84, great_circle_km, in_bbox,
                              parse_bbox, wgs84_to_bd09, wgs84_to_gcj02)


def test_great_circle_numbers_and_arrays_agree():
    one = great_circle_km(113.0, 23.0, 120.24, 29.72)
    arr = great_circle_km(np.array([113.0, 0.0]), np.array([23.0, 0.0]), np.array([120.24, 1.0]),
                          np.array([29.72, 0.0]))
    assert isinstance(one, float) and arr[0] == pytest.approx(one)
    assert arr[1] == pytest.approx(2 * math.pi * EARTH_RADIUS_KM / 360)


def test_china_bbox_and_in_bbox():
    assert in_bbox(120.24, 29.72) and not in_bbox(2.35, 48.85)
    mask = in_bbox(np.array([120.0, np.nan, 140.0]), np.array([30.0, 30.0, 30.0]))
    assert mask.tolist() == [True, False, False]
    assert CHINA_BBOX == (73.0, 3.0, 136.0, 54.0)


@pytest.mark.parametrize("text", ["1,2,3", "a,b,c,d", "1,2,nan,4", "200,0,201,1", "10,5,0,6"])
def test_bad_bbox_is_a_one_line_error(text):
    with pytest.raises(BadQueryError):
        parse_bbox(text)


def test_gcj02_and_bd09_round_trip_within_a_metre():
    lon, lat = 120.24243, 29.71118
    glon, glat = wgs84_to_gcj02(lon=lon, lat=lat)
    assert great_circle_km(glon, glat, lon, lat) > 0.1  # the offset is hundreds of metres
    back = gcj02_to_wgs84(lon=glon, lat=glat)
    assert great_circle_km(back[0], back[1], lon, lat) < 0.001
    b = bd09_to_wgs84(**dict(zip(("lon", "lat"), wgs84_to_bd09(lon=lon, lat=lat))))
    assert great_circle_km(b[0], b[1], lon, lat) < 0.001
    assert wgs84_to_gcj02(lon=2.35, lat=48.85) == (2.35, 48.85)  # no offset outside China
