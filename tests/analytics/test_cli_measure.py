"""``clusteratlas measure``: JSON contracts and one-line errors (run in-process through main())."""

from __future__ import annotations

import json

import pandas as pd
import pytest





@pytest.fixture(scope="module")
def firms_csv(tmp_path_factory, demo_df):
    path = tmp_path_factory.mktemp("cli") / "firms.csv"
    demo_df.to_csv(path, index=False)
    return path


def test_kd_json_contract(run_cli, capsys, firms_csv, tmp_path):
    png = tmp_path / "kd.png"
    code, out, err = run_cli(capsys, "measure", "kd", str(firms_csv), "--industry", "socks", "--simulations", "19",
                          "--seed", "2", "--max-distance-km", "40", "--format", "json", "--plot", str(png))
    assert code == 0, err
    d = json.loads(out)
    for key in ("distance_km", "kd", "lower_local", "upper_local", "lower_global", "upper_global"):
        assert isinstance(d[key], list) and len(d[key]) == 41
    assert d["localised"] is True and png.exists()
    _code2, out2, _ = run_cli(capsys, "measure", "kd", str(firms_csv), "--industry", "socks", "--simulations", "19",
                          "--seed", "2", "--max-distance-km", "40", "--format", "json")
    assert json.loads(out2)["upper_global"] == d["upper_global"]


def test_kd_csv_and_m_json(run_cli, capsys, firms_csv):
    code, out, _ = run_cli(capsys, "measure", "kd", str(firms_csv), "-i", "wigs", "-s", "0", "--max-distance-km", "10",
                        "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("distance_km,kd")
    code, out, _ = run_cli(capsys, "measure", "m", str(firms_csv), "-i", "socks", "--radii", "1,5,10", "--format", "json")
    d = json.loads(out)
    assert code == 0 and d["radius_km"] == [1.0, 5.0, 10.0] and d["m"][0] > 1


def test_lq_eg_hotspots(run_cli, capsys, firms_csv):
    code, out, _ = run_cli(capsys, "measure", "lq", str(firms_csv), "--region-col", "region", "--weight-col",
                        "employment", "--strong-only", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and rows and all(r["strong"] for r in rows)
    code, out, _ = run_cli(capsys, "measure", "eg", str(firms_csv), "--region-col", "region", "--weight-col",
                        "employment", "--format", "json")
    eg = {r["industry"]: r for r in json.loads(out)}
    assert code == 0 and eg["socks"]["gamma_eg"] > eg["other-01"]["gamma_eg"]
    code, out, _ = run_cli(capsys, "measure", "hotspots", str(firms_csv), "-i", "socks", "--region-col", "region",
                        "--simulations", "99", "--seed", "1", "--format", "csv")
    assert code == 0 and "gi_class" in out.splitlines()[0]


def test_lq_strong_only_puts_planted_clusters_first(run_cli, capsys, firms_csv, demo_df, tmp_path):
    png = tmp_path / "lq.png"
    code, out, err = run_cli(capsys, "measure", "lq", str(firms_csv), "--region-col", "region", "--weight-col",
                             "employment", "--strong-only", "-i", "socks", "--format", "json", "--plot", str(png))
    rows = json.loads(out)
    assert code == 0 and rows and png.stat().st_size > 10_000 and "first" in err
    assert all(r["establishments"] >= 10 and r["strong"] for r in rows)
    assert {"region_name", "region_employment", "industry_employment", "lq_lower", "lq_shrunk"} <= set(rows[0])
    planted = demo_df[demo_df["industry"].eq("socks") & demo_df["cluster_id"].ne("")]
    anchor_counties = set(planted.groupby("cluster_id")["region"].agg(lambda s: s.mode()[0]))
    assert rows[0]["region"] in anchor_counties and rows[0]["region_name"]
    lows = [r["lq_lower"] for r in rows]
    assert lows == sorted(lows, reverse=True)
    code, out, _ = run_cli(capsys, "measure", "lq", str(firms_csv), "--region-col", "region", "--min-firms", "100000",
                           "--format", "json")
    assert code == 0 and json.loads(out) == []


def test_demo_data_command(run_cli, capsys, tmp_path):
    out_csv = tmp_path / "demo.csv"
    code, _, err = run_cli(capsys, "measure", "demo-data", str(out_csv), "--seed", "3", "--background", "500",
                        "--per-cluster", "20")
    df = pd.read_csv(out_csv, dtype={"adcode": str, "region": str})
    assert code == 0 and "Wrote" in err and "500 of 30 synthetic background industries" in err
    assert {"firm_id", "industry", "lat", "lon", "adcode", "employment", "cluster_id"} <= set(df.columns)


@pytest.mark.parametrize("args, needle", [
    (["kd", "{csv}"], "--industry"),
    (["kd", "{missing}", "-i", "socks"], "no such file"),
    (["kd", "{csv}", "-i", "nylon", "-s", "0"], "no placed establishment"),
    (["eg", "{csv}", "--region-col", "region"], "plant sizes"),
    (["kd", "{swapped}", "-i", "socks", "-s", "0"], "swapped"),
])
def test_bad_input_is_one_line_exit_1(run_cli, capsys, firms_csv, tmp_path, demo_df, args, needle):
    swapped = tmp_path / "swapped.csv"
    demo_df.rename(columns={"lat": "lon", "lon": "lat"}).to_csv(swapped, index=False)
    args = [a.format(csv=firms_csv, missing=tmp_path / "nope.csv", swapped=swapped) for a in args]
    code, out, err = run_cli(capsys, "measure", *args)
    assert code == 1 and out == ""
    assert needle in err and err.startswith("Error: ") and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize("args, needle", [
    (["--simulations", "1e12"], "--simulations must be a whole number from 0 to 100,000"),
    (["--simulations", "1000000000000"], "--simulations must be a whole number"),
    (["--max-distance-km", "1e6", "-s", "0"], "at most 20,015 km"),
    (["--bandwidth-km", "0.00001", "--max-distance-km", "20000", "--step-km", "5", "-s", "0"], "GiB"),
])
def test_kd_huge_requests_fail_fast_in_one_line(run_cli, capsys, firms_csv, args, needle):
    code, out, err = run_cli(capsys, "measure", "kd", str(firms_csv), "-i", "socks", *args)
    lines = [ln for ln in err.strip().splitlines() if ln.strip()]
    assert code == 1 and out == "" and len(lines) == 1 and needle in lines[0], err


def test_kd_without_simulations_says_not_tested(run_cli, capsys, firms_csv):
    args = ("measure", "kd", str(firms_csv), "-i", "socks", "-s", "0", "--max-distance-km", "10", "--format")
    code, out, err = run_cli(capsys, *args, "json")
    d = json.loads(out)
    assert code == 0 and d["tested"] is False and d["localised"] is False and d["p_value_localised"] is None
    code, out, err = run_cli(capsys, *args, "table")
    assert code == 0 and "Localised: not tested." in err
    code, out, _ = run_cli(capsys, "measure", "kd", str(firms_csv), "-i", "socks", "-s", "9", "--seed", "1",
                           "--max-distance-km", "10", "--format", "json")
    assert code == 0 and json.loads(out)["tested"] is True


@pytest.fixture(scope="module")
def busy_background(tmp_path_factory):
    """Six planted clusters over 20,000 firms of four background industries: without the background flag,
    23 county x background rows pass the (relative) strong rule."""
    from clusteratlas.analytics.demo import DEFAULT_ANCHORS, make_demo_firms

    df = make_demo_firms(DEFAULT_ANCHORS[:6], seed=5, n_background=20_000, background_industries=4,
                         firms_per_cluster=150)
    path = tmp_path_factory.mktemp("busy") / "firms.csv"
    df.to_csv(path, index=False)
    return path, df


def test_lq_strong_only_over_all_industries_leaves_out_background_industries(run_cli, capsys, busy_background):
    path, df = busy_background
    code, out, err = run_cli(capsys, "measure", "lq", str(path), "--region-col", "region", "--weight-col",
                             "employment", "--strong-only", "--format", "json")
    rows = json.loads(out)
    assert code == 0 and rows and "4 background industries" in err and "--strong-only leaves them out" in err
    background = set(df.loc[df["background"], "industry"])
    assert background == {"other-01", "other-02", "other-03", "other-04"}
    assert not background & {r["industry"] for r in rows}
    assert all(r["strong"] and not r["background"] for r in rows)
    planted = df[df["cluster_id"].ne("")]
    counts = planted.groupby(["region", "industry"]).size()
    assert counts[(rows[0]["region"], rows[0]["industry"])] >= 10  # a county of a planted cluster leads
    socks = [r for r in rows if r["industry"] == "socks"]
    anchor_counties = set(planted.groupby("cluster_id")["region"].agg(lambda s: s.mode()[0]))
    assert socks[0]["region"] in anchor_counties  # Datang's county (Zhuji) or another planted sock town


def test_m_without_simulations_says_not_tested(run_cli, capsys, firms_csv):
    args = ("measure", "m", str(firms_csv), "-i", "socks", "--radii", "1,5", "--format")
    code, out, _ = run_cli(capsys, *args, "json")
    d = json.loads(out)
    assert code == 0 and d["tested"] is False and d["concentrated"] is False and d["p_value"] is None
    code, _, err = run_cli(capsys, *args, "table")
    assert code == 0 and "Concentrated: not tested" in err and "Concentrated: no " not in err
    code, out, _ = run_cli(capsys, "measure", "m", str(firms_csv), "-i", "socks", "--radii", "1,5", "-s", "9",
                           "--seed", "1", "--format", "json")
    assert code == 0 and json.loads(out)["tested"] is True
