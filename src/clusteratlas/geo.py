"""WGS-84 helpers: great-circle distances, China's bounding box and mainland province codes, bbox parsing,
GCJ-02 / BD-09 conversions.

Every function takes and returns longitudes and latitudes in degrees, longitude first; a bbox is
``(west, south, east, north)``. GCJ-02 (the offset used by AMap and Tencent) and BD-09 (Baidu's offset on
top of GCJ-02) follow the widely published formulas (Krasovsky ellipsoid, a = 6378245 m,
e² = 0.00669342162296594323); GCJ-02 → WGS-84 is inverted iteratively (error under 1 m).
"""

from __future__ import annotations

import math
from typing import Any

#: Mean Earth radius in km (IUGG), the sphere of every great-circle distance.
EARTH_RADIUS_KM = 6371.0088
#: Rough bounding box of China (west, south, east, north), WGS-84 degrees: data outside it is an error.
CHINA_BBOX = (73.0, 3.0, 136.0, 54.0)
#: MCA codes (GB/T 2260) of the 31 province-level units of mainland China (Hong Kong 81, Macao 82 and Taiwan 71
#: are not among them).
MAINLAND_PROVINCES = ("110000", "120000", "130000", "140000", "150000", "210000", "220000", "230000", "310000",
                      "320000", "330000", "340000", "350000", "360000", "370000", "410000", "420000", "430000",
                      "440000", "450000", "460000", "500000", "510000", "520000", "530000", "540000", "610000",
                      "620000", "630000", "640000", "650000")
_MAINLAND_PREFIXES = frozenset(code[:2] for code in MAINLAND_PROVINCES)


def is_mainland(adcode: Any) -> bool:
    """Whether an MCA code (6, 9 or 12 digits, any level) lies in mainland China; False for None, Hong Kong
    (81…), Macao (82…), Taiwan (71…) and text that is not a code."""
    text = str(adcode) if adcode is not None else ""
    return text.isdigit() and len(text) >= 6 and text[:2] in _MAINLAND_PREFIXES


#: The box inside which the GCJ-02 offset applies (outside it the formulas return the point unchanged).
GCJ02_BBOX = (72.004, 0.8293, 137.8347, 55.8271)

_A = 6378245.0
_EE = 0.00669342162296594323
_X_PI = math.pi * 3000.0 / 180.0


def great_circle_km(lon1: Any, lat1: Any, lon2: Any, lat2: Any) -> Any:
    """Great-circle (haversine) distance in km between WGS-84 points, on a sphere of :data:`EARTH_RADIUS_KM`.

    Good to about 0.5 % against the ellipsoid.

    Parameters
    ----------
    lon1, lat1, lon2, lat2 : float or array-like
        Degrees. Arrays broadcast (numpy); plain numbers give a float.

    Returns
    -------
    float or numpy.ndarray
        Distance in km.
    """
    if all(isinstance(v, (int, float)) for v in (lon1, lat1, lon2, lat2)):
        p1, p2 = math.radians(lat1), math.radians(lat2)
        a = (math.sin((p2 - p1) / 2) ** 2
             + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2)
        return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(min(1.0, a)))
    import numpy as np

    p1, p2 = np.radians(lat1), np.radians(lat2)
    dl = np.radians(np.asarray(lon2, dtype=float) - np.asarray(lon1, dtype=float))
    a = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


def in_bbox(lon: Any, lat: Any, bbox: tuple[float, float, float, float] = CHINA_BBOX) -> Any:
    """Whether points lie inside ``bbox`` (edges included; NaN is outside). Numbers or numpy arrays."""
    west, south, east, north = bbox
    return (west <= lon) & (lon <= east) & (south <= lat) & (lat <= north)


def parse_bbox(text: str) -> tuple[float, float, float, float]:
    """``"west,south,east,north"`` (WGS-84 degrees) → a tuple of four floats.

    Raises
    ------
    BadQueryError
        Not four finite numbers, out of range, or west > east / south > north.
    """
    from clusteratlas.errors import BadQueryError

    parts = [p.strip() for p in text.split(",")]
    if len(parts) != 4:
        raise BadQueryError(f"bbox must be four numbers west,south,east,north (WGS-84 degrees), not {text[:60]!r}")
    try:
        west, south, east, north = (float(p) for p in parts)
    except ValueError:
        raise BadQueryError(f"bbox must be four numbers west,south,east,north, not {text[:60]!r}") from None
    if not all(math.isfinite(v) for v in (west, south, east, north)):
        raise BadQueryError("bbox values must be finite numbers")
    if not (-180 <= west <= 180 and -180 <= east <= 180 and -90 <= south <= 90 and -90 <= north <= 90):
        raise BadQueryError("bbox out of range: longitudes within ±180, latitudes within ±90")
    if south > north or west > east:
        raise BadQueryError("bbox must have west <= east and south <= north")
    return west, south, east, north


def _delta(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    dlat = (-100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
            + (160.0 * math.sin(y / 12.0 * math.pi) + 320 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0)
    dlon = (300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
            + (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
            + (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
            + (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0)
    radlat = lat / 180.0 * math.pi
    magic = 1 - _EE * math.sin(radlat) ** 2
    sqrtmagic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_A * (1 - _EE)) / (magic * sqrtmagic) * math.pi)
    dlon = (dlon * 180.0) / (_A / sqrtmagic * math.cos(radlat) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(*, lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 → GCJ-02. Returns ``(lon, lat)`` in degrees; points outside :data:`GCJ02_BBOX` are unchanged."""
    if not in_bbox(lon, lat, GCJ02_BBOX):
        return lon, lat
    dlon, dlat = _delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(*, lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 (AMap, Tencent) → WGS-84 by fixed-point iteration. Returns ``(lon, lat)`` in degrees."""
    if not in_bbox(lon, lat, GCJ02_BBOX):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(6):
        glon, glat = wgs84_to_gcj02(lon=wlon, lat=wlat)
        wlon += lon - glon
        wlat += lat - glat
    return wlon, wlat


def gcj02_to_bd09(*, lon: float, lat: float) -> tuple[float, float]:
    """GCJ-02 → BD-09 (Baidu). Returns ``(lon, lat)`` in degrees."""
    z = math.sqrt(lon * lon + lat * lat) + 0.00002 * math.sin(lat * _X_PI)
    theta = math.atan2(lat, lon) + 0.000003 * math.cos(lon * _X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def bd09_to_gcj02(*, lon: float, lat: float) -> tuple[float, float]:
    """BD-09 (Baidu) → GCJ-02. Returns ``(lon, lat)`` in degrees."""
    x, y = lon - 0.0065, lat - 0.006
    z = math.sqrt(x * x + y * y) - 0.00002 * math.sin(y * _X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * _X_PI)
    return z * math.cos(theta), z * math.sin(theta)


def bd09_to_wgs84(*, lon: float, lat: float) -> tuple[float, float]:
    """BD-09 (Baidu) → WGS-84. Returns ``(lon, lat)`` in degrees."""
    glon, glat = bd09_to_gcj02(lon=lon, lat=lat)
    return gcj02_to_wgs84(lon=glon, lat=glat)


def wgs84_to_bd09(*, lon: float, lat: float) -> tuple[float, float]:
    """WGS-84 → BD-09 (Baidu). Returns ``(lon, lat)`` in degrees."""
    glon, glat = wgs84_to_gcj02(lon=lon, lat=lat)
    return gcj02_to_bd09(lon=glon, lat=glat)
