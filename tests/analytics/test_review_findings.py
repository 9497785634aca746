"""Regression tests for the new-user review of the concentration analytics (one or more per finding)."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from clusteratlas.analytics import ellison_glaeser, k_density, load_firms, location_quotients, make_demo_firms
from clusteratlas.analytics._regions import county_codes
from clusteratlas.analytics.demo import Anchor, _place_label
from clusteratlas.errors import BadQueryError, DataValidationError
from clusteratlas.gazetteer import reverse_geocode

#: 虎门镇 (Humen, Dongguan 441900): children's clothing, close to the Nansha (440115) shore across the river.
HUMEN = Anchor("childrens-clothing", 22.8146, 113.6731, "441900", "humen-childrens-clothing")
#: 乐从镇 (Lecong, Shunde 440606): furniture, next to the Chancheng (440604) boundary.
LECONG = Anchor("furniture", 22.9606, 113.0950, "440606", "lecong-furniture")




@pytest.fixture(scope="module")
def humen_df() -> pd.DataFrame:
    return make_demo_firms([HUMEN, LECONG], seed=3, n_background=3000, firms_per_cluster=400)


@pytest.fixture(scope="module")
def firms_csv(tmp_path_factory, demo_df):
    path = tmp_path_factory.mktemp("review") / "firms.csv"
    demo_df.to_csv(path, index=False)
    return path


# 1. demo regions by point in polygon ------------------------------------------------------------------

def test_demo_regions_agree_with_the_gazetteer(humen_df):
    sample = humen_df.sample(400, random_state=1)
    for r in sample.itertuples():
        hit = reverse_geocode(lat=r.lat, lon=r.lon)
        assert hit is not None, (r.lat, r.lon)  # nothing at sea or abroad
        assert hit["adcode"] == r.region == r.adcode, (r.firm_id, hit["adcode"], r.region)
    # every point, not only the sample, is inside some county polygon
    assert (county_codes(humen_df["lon"].to_numpy(), humen_df["lat"].to_numpy()) != None).all()


def test_humen_firms_are_labelled_dongguan_not_nansha(humen_df):
    humen = humen_df[humen_df["cluster_id"] == "humen-childrens-clothing"]
    assert len(humen) == 400  # points drawn into the sea were re-drawn, not dropped
    assert (humen["region"] == "441900").mean() > 0.6
    res = location_quotients(load_firms(humen_df, region_col="region", weight_col="employment"))
    strong = res.strong_clusters()
    pairs = set(zip(strong["region"], strong["industry"], strict=True))
    assert ("441900", "childrens-clothing") in pairs
    # Nansha, across the river, receives the Gaussian's tail (some 60 of the 400 planted firms) and may be
    # strong too, but Humen's Dongguan leads the ranking
    assert strong[strong["industry"] == "childrens-clothing"]["region"].iloc[0] == "441900"
    # in this toy economy (3,000 background firms) furniture's LQ saturates at ~7.5 in counties holding only
    # furniture, so the relative Q75 rule may pass none; the ranking by the lower bound still leads with Lecong
    ranked = res.top(names=False)
    assert ranked[ranked["industry"] == "furniture"]["region"].iloc[0] == "440606"


def test_demo_place_labels():
    assert _place_label("441900").startswith("东莞市 Dongguan")
    assert "南沙区" in _place_label("440115") and "广州市" in _place_label("440115")
    assert _place_label("999999") == ""


def test_county_codes_outside_and_nan():
    codes = county_codes(np.array([113.67, 120.0, np.nan]), np.array([22.81, 10.0, 30.0]))
    assert codes[0] == "441900" and codes[1] is None and codes[2] is None


@pytest.mark.slow
def test_run_demo_headline_shows_places_and_explains_background(tmp_path, capsys):
    from clusteratlas.analytics.demo import run_demo

    out = run_demo(tmp_path, simulations=19, industry="socks")
    assert capsys.readouterr().out == ""  # the library prints nothing: the summary comes back
    text = "\n".join(out["summary"])
    assert "synthetic background" in text and "other-01" in text
    assert all(row["place"] for row in out["strong_clusters"])
    pairs = {(row["region"], row["industry"]) for row in out["strong_clusters"]}
    assert ("440115", "childrens-clothing") not in pairs and ("440604", "furniture") not in pairs


# 2. kd table: significant digits and the summary -------------------------------------------------------

def test_kd_table_shows_significant_digits_and_summary(run_cli, capsys, firms_csv):
    code, out, err = run_cli(capsys, "measure", "kd", str(firms_csv), "--industry", "socks", "--simulations", "19",
                          "--seed", "1", "--max-distance-km", "5", "--format", "table")
    assert code == 0, err
    assert "Gamma =" in err and "Localised: yes" in err and "p(above the null somewhere) = " in err
    # null_mean is of order 1e-4 per km: it must not print as 0
    assert "e-0" in out or "0.000" in out
    cells = [c.strip() for line in out.splitlines() for c in line.split("│")[1:-1]]
    assert cells and not any(c == "0" for c in cells[1:])


# 3. EG: a single-plant industry is n/a and last ------------------------------------------------------

def test_eg_single_plant_industry_is_na_and_last():
    df = pd.DataFrame({"industry": ["solo"] + ["a"] * 6 + ["b"] * 6,
                       "region": ["r1"] + ["r1", "r1", "r1", "r2", "r2", "r3"] + ["r2", "r3", "r3", "r1", "r2", "r3"],
                       "lat": 23.0, "lon": 113.0, "employment": [50.0] + [10.0] * 12})
    res = ellison_glaeser(load_firms(df, region_col="region", weight_col="employment"))
    t = res.table
    assert t["industry"].iloc[-1] == "solo"
    solo = t[t["industry"] == "solo"].iloc[0]
    assert solo["localisation"] == "n/a" and pd.isna(solo["gamma_eg"])
    assert set(t["localisation"].iloc[:-1]) <= {"high", "moderate", "low"}


# 4. coordinates outside China ------------------------------------------------------------------------

def test_all_points_outside_china_is_an_error(demo_df):
    with pytest.raises(DataValidationError, match="lies in China"):
        load_firms(demo_df.assign(lat=demo_df["lat"] * 0 + 60.0))
    with pytest.raises(DataValidationError, match="lies in China"):
        load_firms(demo_df.assign(lat=-demo_df["lat"]))


def test_shifted_latitudes_are_unplaced_and_warned(demo_df):
    with pytest.warns(UserWarning, match="outside China's county polygons"):
        f = load_firms(demo_df.assign(lat=demo_df["lat"] + 20.0), weight_col="employment")
    summary = f.unplaced_summary()
    assert any(k.startswith("outside China") for k in summary)
    assert any("outside every county polygon" in n for n in f.notes)


def test_clean_data_has_no_notes(demo):
    assert demo.notes == () and demo.unplaced.height == 0


def test_kd_cli_warns_about_shifted_points(run_cli, capsys, demo_df, tmp_path):
    path = tmp_path / "shifted.csv"
    demo_df.assign(lat=demo_df["lat"] + 20.0).to_csv(path, index=False)
    code, _out, err = run_cli(capsys, "measure", "kd", str(path), "-i", "socks", "-s", "0", "--max-distance-km", "5",
                           "--format", "json")
    assert code == 0
    assert "outside China" in err and "WARNING" in err


# 5. CLI messages name the flags; library messages only the parameters ------------------------------

def test_messages_name_flags(run_cli, capsys, firms_csv, demo):
    code, _, err = run_cli(capsys, "measure", "lq", str(firms_csv))
    assert code == 1 and "--region-col" in err and "--region-level" in err
    one = pd.DataFrame({"industry": ["x", "x", "y"], "lat": [23.0, 23.0, 23.1], "lon": [113.0, 113.0, 113.1]})
    with pytest.raises(DataValidationError, match="bandwidth_km") as info:
        k_density(one, "x", simulations=0)
    assert "--" not in str(info.value)
    with pytest.raises(BadQueryError, match="bandwidth_km") as info:
        k_density(demo, "socks", simulations=0, bandwidth_km=-1.0)
    assert "--bandwidth" not in str(info.value)


# 6. output paths checked before any work ------------------------------------------------------------

@pytest.mark.parametrize("kind", ["folder", "missing-parent"])
def test_plot_path_checked_before_computing(run_cli, capsys, firms_csv, tmp_path, kind, monkeypatch):
    import clusteratlas.analytics.kdensity as kdm

    def boom(*a, **k):  # the measure must not even start
        raise AssertionError("computed before checking --plot")

    monkeypatch.setattr(kdm, "k_density", boom)
    target = tmp_path if kind == "folder" else tmp_path / "no" / "such" / "kd.png"
    code, out, err = run_cli(capsys, "measure", "kd", str(firms_csv), "--industry", "socks", "--plot", str(target))
    assert code == 1 and out == "" and err.startswith("Error: ") and err.count("\n") == 1


def test_demo_data_output_path_checked(run_cli, capsys, tmp_path):
    code, _, err = run_cli(capsys, "measure", "demo-data", str(tmp_path))
    assert code == 1 and err.startswith("Error: ") and err.count("\n") == 1
    code, _, err = run_cli(capsys, "measure", "demo-data", str(tmp_path / "missing" / "x.csv"))
    assert code == 1 and err.startswith("Error: ")


def test_eg_json_has_na(run_cli, capsys, tmp_path):
    df = pd.DataFrame({"industry": ["solo", "a", "a", "a", "b", "b"], "region": ["r1", "r1", "r2", "r2", "r1", "r2"],
                       "lat": 23.0, "lon": 113.0, "employment": [5.0, 1, 2, 3, 4, 5]})
    path = tmp_path / "f.csv"
    df.to_csv(path, index=False)
    code, out, err = run_cli(capsys, "measure", "eg", str(path), "--region-col", "region", "--weight-col",
                          "employment", "--format", "json")
    assert code == 0, err
    rows = json.loads(out)
    assert rows[-1]["industry"] == "solo" and rows[-1]["localisation"] == "n/a"


def test_kd_without_simulations_says_not_tested(run_cli, capsys, firms_csv):
    code, _out, err = run_cli(capsys, "measure", "kd", str(firms_csv), "--industry", "socks", "--simulations", "0",
                              "--seed", "1", "--max-distance-km", "5", "--format", "table")
    assert code == 0, err
    assert "Localised: not tested." in err and "Localised: no." not in err


def test_plot_format_follows_the_suffix_and_an_unknown_one_is_refused_before_any_work(run_cli, capsys, firms_csv,
                                                                                       tmp_path):
    code, _out, err = run_cli(capsys, "measure", "kd", str(firms_csv), "--industry", "socks", "--simulations", "0",
                              "--plot", str(tmp_path / "kd.txt"))
    assert code == 1 and "use a .png, .svg or .pdf file" in err and not (tmp_path / "kd.txt").exists()
    code, _out, err = run_cli(capsys, "measure", "kd", str(firms_csv), "--industry", "socks", "--simulations", "0",
                              "--max-distance-km", "5", "--plot", str(tmp_path / "kd.svg"))
    assert code == 0, err
    assert (tmp_path / "kd.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
