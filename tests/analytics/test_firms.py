"""Reading establishment tables: formats, encodings, locations, and the report of unplaced rows."""

from __future__ import annotations

import numpy as np
import pandas as pd
import polars as pl
import pytest

from clusteratlas.analytics import load_firms
from clusteratlas.errors import BadQueryError, DataValidationError, InputFileError

ROWS = pd.DataFrame({"行业": ["袜子", "袜子", "假发"], "纬度": [29.7, 29.71, 34.03], "经度": [120.2, 120.21, 113.85],
                     "员工": [10, 20, 30]})


@pytest.mark.parametrize("fmt", ["csv", "csv-gb18030", "parquet", "pandas", "polars"])
def test_formats(tmp_path, fmt):
    if fmt == "csv":
        src = tmp_path / "f.csv"
        ROWS.to_csv(src, index=False)
    elif fmt == "csv-gb18030":
        src = tmp_path / "f.csv"
        ROWS.to_csv(src, index=False, encoding="gb18030")
    elif fmt == "parquet":
        src = tmp_path / "f.parquet"
        ROWS.to_parquet(src)
    elif fmt == "pandas":
        src = ROWS
    else:
        src = pl.from_pandas(ROWS)
    f = load_firms(src, industry_col="行业", lat_col="纬度", lon_col="经度", weight_col="员工")
    assert f.n == 3 and f.weighted and sorted(f.table["industry"].to_list()) == ["假发", "袜子", "袜子"]
    assert f.table["weight"].sum() == 60


def test_missing_file_and_column(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        load_firms(tmp_path / "none.csv")
    with pytest.raises(InputFileError, match="columns are"):
        load_firms(ROWS, industry_col="industry")
    bad = tmp_path / "f.xlsx"
    bad.write_text("x")
    with pytest.raises(InputFileError, match="unsupported"):
        load_firms(bad)


def test_adcode_fallback_and_region_level():
    df = pd.DataFrame({"industry": ["socks", "socks", "wigs"], "lat": [np.nan, 29.7, np.nan],
                       "lon": [np.nan, 120.2, np.nan], "code": ["330681", "330681", "999999"]})
    f = load_firms(df, adcode_col="code", region_level="prefecture")
    assert f.n == 2 and f.unplaced_summary() == {"location not resolved": 1}
    assert set(f.table["location_source"]) == {"adcode", "latlon"}
    assert set(f.table["region"]) == {"330600"}


def test_out_of_range_rows_are_reported_and_swap_detected():
    df = pd.DataFrame({"industry": ["a"] * 4, "lat": [23.0, 95.0, 24.0, 25.0], "lon": [113.0, 113.0, 114.0, 200.0]})
    f = load_firms(df)
    assert f.unplaced_summary() == {"coordinates out of range": 2}
    swapped = pd.DataFrame({"industry": ["a"] * 3, "lat": [113.0, 114.0, 120.0], "lon": [23.0, 24.0, 30.0]})
    with pytest.raises(DataValidationError, match="swapped"):
        load_firms(swapped)


def test_weights_validation():
    df = pd.DataFrame({"industry": ["a"] * 3, "lat": [23.0] * 3, "lon": [113.0] * 3, "w": [1.0, np.nan, 2.0]})
    f = load_firms(df, weight_col="w")
    assert f.unplaced_summary() == {"missing weight": 1}
    df["w"] = [1.0, np.inf, 2.0]
    with pytest.raises(DataValidationError, match="infinite"):
        load_firms(df, weight_col="w")


def test_unknown_industry_lists_known_ones(demo):
    with pytest.raises(BadQueryError, match="socks"):
        demo.mask("nylon-stockings")


def test_product_text_and_addresses_through_search_and_gazetteer():
    try:
        from clusteratlas import find, resolve_place

        ok = bool(find("假发", limit=1)) and bool(resolve_place("诸暨市", limit=1))
    except Exception:  # noqa: BLE001 - the search / gazetteer modules are optional here
        ok = False
    if not ok:
        pytest.skip("clusteratlas.search / gazetteer not available")
    df = pd.DataFrame({"product": ["假发", "cotton socks", "zzzz qqq"],
                       "addr": ["许昌市建安区", "诸暨市大唐街道", "许昌市"]})
    f = load_firms(df, industry_col="product", industry_from="text", lat_col=None, lon_col=None,
                   address_col="addr", region_level="county")
    assert f.table["industry"].to_list() == ["wigs", "socks"]
    assert f.table["region"].to_list() == ["411003", "330681"]
    assert set(f.table["location_source"]) == {"address"}
    assert f.unplaced_summary() == {"industry text not matched": 1}
