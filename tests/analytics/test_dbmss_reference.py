"""K-density and the M function against R dbmss (``Kdhat``, ``Mhat``) on the same 400 seeded points.

The points (:func:`points`: 150 weighted establishments of industry ``x`` in three clusters, sd ~11 km,
among 400 over ~250 x 220 km of Guangdong) are projected once, as ``metric="equal_area"`` does (km), and
handed to R as planar coordinates. dbmss is optional: it is not packaged in Debian and CRAN is not reachable from
the project's machines, so the test is skipped, with the reason, unless ``Rscript`` runs and dbmss loads
from R's libraries or from ``CLUSTERATLAS_R_LIBS`` (the R environment of ``benchmarks/analytics_common.py``,
shared with ``benchmarks/analytics_dbmss.py``).

Tolerances: ``Mhat`` counts the same neighbours (``d <= r``) and forms the same ratios, so M agrees to
rounding (relative 1e-9). ``Kdhat`` (exact path, ``Approximate = 0``) smooths with R's ``density()``, a
linearly binned FFT (a grid step of ~0.1 km here, h ~3.9 km) interpolated to ``r``, where we sum the
reflected Gaussian kernel exactly; the gap grows like (step / h)^2: 8.4e-4 relative at most here over
0-40 km (the benchmark saw at most 5.2e-4 at 500-2,000 firms, 0-200 km), tested at 2e-3. dbmss's own
bandwidth rule (``bw.nrd0`` of the pair distances up to ``2 max(r)``) must equal our default to 1e-9.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from clusteratlas.analytics import k_density, load_firms, m_function
from clusteratlas.analytics._geometry import prepare_points

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "benchmarks"))
from analytics_common import DBMSS_PRELUDE, r_env  # noqa: E402

pytestmark = pytest.mark.r

MAX_KM, RADII_M = 40.0, np.arange(1.0, 21.0)


def points() -> pd.DataFrame:
    """400 seeded establishments: 150 of ``x`` around three centres (sd 0.1 degree), weighted, the rest uniform."""
    rng = np.random.default_rng(11)
    n, m = 400, 150
    lon, lat = rng.uniform(112.0, 114.4, n), rng.uniform(22.0, 24.0, n)
    c = rng.integers(0, 3, m)
    lon[:m] = np.array([112.7, 113.3, 113.8])[c] + rng.normal(0, 0.1, m)
    lat[:m] = np.array([22.6, 23.3, 22.9])[c] + rng.normal(0, 0.1, m)
    return pd.DataFrame({"industry": np.where(np.arange(n) < m, "x", "bg"), "lat": lat, "lon": lon,
                         "employment": rng.uniform(0.5, 20, n).round(2)})

R_SCRIPT = DBMSS_PRELUDE + r"""
a <- commandArgs(trailingOnly = TRUE)
p <- read.csv(a[1]); out <- a[2]; h <- as.numeric(a[3])
rk <- as.numeric(strsplit(a[4], ",")[[1]]); rm <- as.numeric(strsplit(a[5], ",")[[1]])
W <- owin(range(p$x) + c(-1e-6, 1e-6), range(p$y) + c(-1e-6, 1e-6))
X <- wmppp(data.frame(X = p$x, Y = p$y, PointType = p$mark, PointWeight = p$w), window = W)
D <- pairdist(X[marks(X)$PointType == "x"]); D <- D[upper.tri(D)]
bw0 <- stats::bw.nrd0(D[D <= 2 * max(rk)])
adj <- h / bw0
Adjustv <- adj  # dbmss 2.9-2.9103's typo: see DBMSS_PRELUDE
K <- Kdhat(X, r = rk, ReferenceType = "x", Weighted = FALSE, Approximate = 0, Adjust = adj)
M <- Mhat(X, r = c(0, rm), ReferenceType = "x")  # Mhat's r must start at 0
write.csv(data.frame(r = K$r, kd = K$Kd), file.path(out, "kd.csv"), row.names = FALSE)
write.csv(data.frame(r = M$r, m = M$M)[-1, ], file.path(out, "m.csv"), row.names = FALSE)
cat(sprintf("BW %.12g\nVERSION %s\n", bw0, as.character(packageVersion("dbmss"))))
"""


@pytest.fixture(scope="module")
def ours():
    firms = load_firms(points(), weight_col="employment")
    kd = k_density(firms, "x", max_distance_km=MAX_KM, step_km=1.0, weighted=False, simulations=0,
                   null_mean=False, metric="equal_area")
    m = m_function(firms, "x", radii_km=RADII_M, weighted=True, metric="equal_area", method="exact")
    pts = prepare_points(lon=firms.lon, lat=firms.lat, metric="equal_area")  # as both functions project
    return {"firms": firms, "kd": kd, "m": m, "xy": pts.xy}


@pytest.fixture(scope="module")
def dbmss(ours, tmp_path_factory):
    if shutil.which("Rscript") is None:
        pytest.skip("R is not installed (scripts/install-system-deps.sh installs it); dbmss is needed too")
    out = tmp_path_factory.mktemp("dbmss")
    firms = ours["firms"]
    pd.DataFrame({"x": ours["xy"][:, 0], "y": ours["xy"][:, 1],
                  "mark": np.where(firms.mask("x"), "x", "other"), "w": firms.weights}).to_csv(
        out / "pts.csv", index=False)
    proc = subprocess.run(["Rscript", "-e", R_SCRIPT, str(out / "pts.csv"), str(out),
                           repr(ours["kd"].parameters["bandwidth_km"]),
                           ",".join(map(repr, ours["kd"].distance_km.tolist())), ",".join(map(repr, RADII_M.tolist()))],
                          capture_output=True, text=True, timeout=120, check=False, env=r_env())
    lines = dict(ln.split(" ", 1) for ln in proc.stdout.strip().splitlines() if " " in ln)
    if "SKIP" in lines:
        pytest.skip(lines["SKIP"])
    assert proc.returncode == 0, f"dbmss loads but the R script failed: {proc.stderr.strip()[-600:]}"
    return {"kd": pd.read_csv(out / "kd.csv"), "m": pd.read_csv(out / "m.csv"), "bw": float(lines["BW"])}


def test_bandwidth_is_dbmss_rule(ours, dbmss):
    assert ours["kd"].parameters["bandwidth_km"] == pytest.approx(dbmss["bw"], rel=1e-9)


def test_k_density_equals_kdhat(ours, dbmss):
    kd = ours["kd"]
    np.testing.assert_allclose(dbmss["kd"]["r"], kd.distance_km, rtol=0, atol=1e-9)
    assert kd.kd.min() > 0.01 * kd.kd.max()  # no near-zero tail: the relative tolerance holds everywhere
    np.testing.assert_allclose(dbmss["kd"]["kd"].to_numpy(), kd.kd, rtol=2e-3)


def test_m_function_equals_mhat(ours, dbmss):
    m = ours["m"]
    np.testing.assert_allclose(dbmss["m"]["r"], m.radius_km, rtol=0, atol=1e-9)
    assert np.all(np.isfinite(m.m)) and m.m.max() > 1.5  # the cluster is concentrated: a non-trivial curve
    np.testing.assert_allclose(dbmss["m"]["m"].to_numpy(), m.m, rtol=1e-9)
