"""Location quotients, the strong-cluster rule, Hoover / Gini / Herfindahl and Ellison-Glaeser against
hand-computed examples."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusteratlas.analytics import concentration_indices, ellison_glaeser, load_firms, location_quotients
from clusteratlas.analytics.eg import dartboard_moments
from clusteratlas.errors import BadQueryError

# weighted example: region A has x 10, x 30, y 60; region B has x 20, y 80, y 100
WEIGHTED = pd.DataFrame({"industry": ["x", "x", "y", "x", "y", "y"], "region": ["A", "A", "A", "B", "B", "B"],
                         "employment": [10, 30, 60, 20, 80, 100], "lat": 23.0, "lon": 113.0})


def _counts_table():
    """Four regions of ten establishments: x = 8, 3, 1, 4 and y = 2, 7, 9, 6."""
    rows = []
    for region, nx in zip(["R1", "R2", "R3", "R4"], [8, 3, 1, 4], strict=True):
        rows += [("x", region)] * nx + [("y", region)] * (10 - nx)
    df = pd.DataFrame(rows, columns=["industry", "region"])
    df["lat"], df["lon"] = 23.0, 113.0
    return df


def _lq(res, region, industry):
    t = res.table
    return t[(t["region"] == region) & (t["industry"] == industry)].iloc[0]


def test_lq_weighted_by_hand():
    res = location_quotients(load_firms(WEIGHTED, region_col="region", weight_col="employment"), classify=False)
    expect = {("A", "x"): 2.0, ("B", "x"): 0.5, ("A", "y"): 0.75, ("B", "y"): 1.125}
    for (r, i), v in expect.items():
        assert _lq(res, r, i)["lq"] == pytest.approx(v, rel=1e-12)
    counts = location_quotients(load_firms(WEIGHTED, region_col="region"), classify=False)
    assert _lq(counts, "A", "x")["lq"] == pytest.approx(4 / 3) and _lq(counts, "B", "x")["lq"] == pytest.approx(2 / 3)


def test_strong_cluster_rule_by_hand():
    res = location_quotients(load_firms(_counts_table(), region_col="region"), min_firms=1)
    x = {r: _lq(res, r, "x") for r in ["R1", "R2", "R3", "R4"]}
    assert x["R1"]["lq_q75"] == pytest.approx(1.25) and x["R1"]["employment_q25"] == pytest.approx(2.5)
    assert [x[r]["strong"] for r in ["R1", "R2", "R3", "R4"]] == [True, False, False, False]
    assert [x[r]["qualifying"] for r in ["R1", "R2", "R3", "R4"]] == [True, True, False, True]
    y = {r: _lq(res, r, "y") for r in ["R1", "R2", "R3", "R4"]}
    assert [y[r]["strong"] for r in ["R1", "R2", "R3", "R4"]] == [False, False, True, False]
    assert list(res.strong_clusters()["region"]) in (["R1", "R3"], ["R3", "R1"])
    # the absolute minimum size: R1 has 8 firms of x, so with min_firms 9 nothing of x is strong or qualifying
    big = location_quotients(load_firms(_counts_table(), region_col="region"), min_firms=9)
    assert not big.table.query("industry == 'x'")[["strong", "qualifying"]].any().any()
    assert list(big.strong_clusters()["region"]) == ["R3"]


def _wilson(p, n, z=1.959963984540054):
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z / (1 + z * z / n) * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))
    return centre - half, centre + half


def test_lq_interval_by_hand_and_counts():
    # counts: Wilson interval of R1's share of x (8 of 10) over the national share (16 of 40)
    res = location_quotients(load_firms(_counts_table(), region_col="region"), min_firms=1, confidence=0.95)
    r1 = _lq(res, "R1", "x")
    lo, hi = _wilson(0.8, 10)
    assert r1["lq"] == pytest.approx(2.0)
    assert (r1["lq_lower"], r1["lq_upper"]) == pytest.approx((lo / 0.4, hi / 0.4), rel=1e-9)
    assert (r1["establishments"], r1["employment"], r1["region_employment"], r1["industry_employment"],
            r1["total_employment"]) == (8, 8, 10, 16, 40)
    wide = _lq(location_quotients(load_firms(_counts_table(), region_col="region"), min_firms=1,
                                  confidence=0.99), "R1", "x")
    assert wide["lq_lower"] < r1["lq_lower"] and wide["lq_upper"] > r1["lq_upper"]
    # weighted: region A has w = 10, 30, 60 -> effective size 100^2 / 4600; share of x 40 / 100, national 60 / 300
    w = location_quotients(load_firms(WEIGHTED, region_col="region", weight_col="employment"), min_firms=1)
    lo, hi = _wilson(0.4, 100**2 / (10**2 + 30**2 + 60**2))
    assert (_lq(w, "A", "x")["lq_lower"], _lq(w, "A", "x")["lq_upper"]) == pytest.approx((lo * 5, hi * 5))


def test_shrunk_lq_pulls_small_cells_towards_one():
    # 40 regions of 100 firms; industry x has 3 % everywhere, one region has a single firm, of x (LQ huge but
    # tiny) and one has 60 of x among 100 (a real cluster)
    rows = [("x" if k < 3 else "y", f"R{r:02d}") for r in range(40) for k in range(100)]
    rows += [("x", "TINY"), *([("x", "BIG")] * 60), *([("y", "BIG")] * 40)]
    df = pd.DataFrame(rows, columns=["industry", "region"]).assign(lat=23.0, lon=113.0)
    res = location_quotients(load_firms(df, region_col="region"))
    tiny, big = _lq(res, "TINY", "x"), _lq(res, "BIG", "x")
    assert tiny["lq"] > 10 and tiny["lq_shrunk"] < 0.5 * tiny["lq"] and tiny["lq_lower"] < big["lq_lower"]
    assert big["lq_shrunk"] == pytest.approx(big["lq"], rel=0.1)  # 60 firms: little shrinkage
    top = res.top(strong_only=True)
    assert list(top["region"][:1]) == ["BIG"] and "TINY" not in set(top["region"])
    # ranking by the lower bound (default) vs by the LQ
    assert res.top(min_firms=1, limit=1)["region"].iloc[0] == "BIG"
    assert res.top(min_firms=1, rank_by="lq", limit=1)["region"].iloc[0] == "TINY"
    with pytest.raises(BadQueryError, match="rank_by"):
        res.top(rank_by="nope")
    with pytest.raises(BadQueryError, match="confidence"):
        location_quotients(load_firms(df, region_col="region"), confidence=1.5)
    with pytest.raises(BadQueryError, match="min_firms"):
        location_quotients(load_firms(df, region_col="region"), min_firms=0)


def test_hoover_gini_herfindahl_by_hand():
    res = concentration_indices(load_firms(_counts_table(), region_col="region"))
    x = res.table.set_index("industry").loc["x"]
    assert x["hoover"] == pytest.approx(0.25)
    assert x["gini"] == pytest.approx(0.34375)
    assert x["herfindahl_regions"] == pytest.approx(0.3515625)
    assert x["herfindahl_plants"] == pytest.approx(1 / 16)


def test_ellison_glaeser_by_hand():
    res = ellison_glaeser(load_firms(WEIGHTED, region_col="region", weight_col="employment"))
    t = res.table.set_index("industry")
    assert t.loc["x", "G"] == pytest.approx(2 / 9) and t.loc["x", "H"] == pytest.approx(7 / 18)
    assert t.loc["x", "gamma_eg"] == pytest.approx(2 / 11, rel=1e-12)
    assert t.loc["x", "gamma_ms"] == pytest.approx(-7 / 11, rel=1e-12)
    assert t.loc["y", "gamma_eg"] == pytest.approx(-91 / 188, rel=1e-12)
    assert t.loc["y", "gamma_ms"] == pytest.approx(-55 / 188, rel=1e-12)
    assert t.loc["x", "expected_G"] == pytest.approx((4 / 9) * (7 / 18))


def test_ellison_glaeser_needs_weights_and_regions():
    with pytest.raises(BadQueryError, match="plant sizes"):
        ellison_glaeser(load_firms(WEIGHTED, region_col="region"))
    with pytest.raises(BadQueryError, match="region"):
        ellison_glaeser(load_firms(WEIGHTED, weight_col="employment"))


def test_dartboard_moments_match_simulation():
    rng = np.random.default_rng(0)
    x = np.array([0.4, 0.25, 0.15, 0.1, 0.06, 0.04])
    z = rng.uniform(1, 10, 12)
    z /= z.sum()
    reg = rng.choice(6, size=(40000, 12), p=x)
    s = np.zeros((40000, 6))
    np.add.at(s, (np.repeat(np.arange(40000), 12), reg.ravel()), np.tile(z, 40000))
    g = ((s - x) ** 2).sum(1)
    mean, sd = dartboard_moments(list(x), list(z))
    assert g.mean() == pytest.approx(mean, rel=0.02) and g.std() == pytest.approx(sd, rel=0.03)


def test_demo_anchor_counties_are_strong(demo, demo_df):
    res = location_quotients(demo)
    strong = res.strong_clusters()
    planted = demo_df[demo_df["cluster_id"] != ""]
    # each anchor's most common county (point in polygon) is strongly over-represented in its industry, and
    # most are strong clusters (the Q75 rule is relative: in this small table several counties hold almost
    # only planted firms and tie near the top LQ, so a county just below Q75 is not a failure)
    n_strong = 0
    for (cid, ind), g in planted.groupby(["cluster_id", "industry"]):
        county = g["region"].mode()[0]
        row = res.table[(res.table["region"] == county) & (res.table["industry"] == ind)]
        assert len(row) == 1 and row["lq"].iloc[0] > 5, cid
        n_strong += bool(((strong["region"] == county) & (strong["industry"] == ind)).any())
    assert n_strong >= 4


def test_lq_result_rows_and_plot(demo, tmp_path):
    res = location_quotients(demo, industries=["socks"])
    assert set(res.table["industry"]) == {"socks"}
    assert res.rows()[0]["lq"] >= res.rows()[-1]["lq"]
    res.plot(path=tmp_path / "lq.png")
    assert (tmp_path / "lq.png").stat().st_size > 1000


def test_an_industry_the_table_does_not_have_is_an_error_not_an_empty_table():
    import pandas as pd

    from clusteratlas.analytics import load_firms, location_quotients
    from clusteratlas.errors import BadQueryError

    firms = load_firms(pd.DataFrame({"industry": ["a", "a", "b", "b"], "lat": [30.0, 30.1, 31.0, 31.1],
                                     "lon": [120.0, 120.1, 121.0, 121.1], "region": ["r1", "r1", "r2", "r2"]}),
                       region_col="region")
    assert len(location_quotients(firms, industries=["a"]).table) >= 1
    with pytest.raises(BadQueryError, match="'nope' is not in the firm table"):
        location_quotients(firms, industries=["nope"])


def test_background_industries_are_never_strong(demo_df):
    from clusteratlas.analytics.firms import load_firms

    flagged = load_firms(demo_df, region_col="region", weight_col="employment", background_col="background")
    assert flagged.background_industries() == [f"other-{k:02d}" for k in range(1, 31)]
    res = location_quotients(flagged)
    t = res.table
    assert res.parameters["background_industries"] == flagged.background_industries()
    assert not (t["strong"] & t["background"]).any() and not (t["qualifying"] & t["background"]).any()
    assert t.loc[t["background"], "lq"].notna().all()  # still measured, only not classified
    unflagged = location_quotients(load_firms(demo_df, region_col="region", weight_col="employment"))
    assert unflagged.parameters["background_industries"] == [] and not unflagged.table["background"].any()
    # the strong rows of the traded industries are the same with or without the flag
    traded = unflagged.table[~unflagged.table["industry"].str.startswith("other-")]
    assert traded["strong"].sum() == t["strong"].sum()
    from clusteratlas.errors import InputFileError

    with pytest.raises(InputFileError, match="background column 'flag' not found"):
        load_firms(demo_df, region_col="region", background_col="flag")
