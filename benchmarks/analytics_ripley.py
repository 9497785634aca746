"""Benchmark: Ripley's K (border correction) against R spatstat ``Kest`` on the same points, in one run.

Both sides get the same seeded clustered points in the unit square scaled to 100 km, the same 100 radii
up to 5 km; R is called once per repeat (``Kest`` timed inside R with ``system.time``, so R's start-up is
not counted) and clusteratlas is timed in this process (numba compilation excluded: one warm-up call).
Prints medians of ``--repeats`` runs, the time ratio and the largest relative difference of K. dbmss is
timed too (``Khat``, the same border-corrected estimator in dbmss's wrapper around spatstat) when the
R package is installed (``CLUSTERATLAS_R_LIBS``, see ``analytics_common.r_env``); otherwise the line says why
it is skipped.

Run: .venv/bin/python benchmarks/analytics_ripley.py [--n 100000] [--repeats 3]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd
from analytics_common import peak_rss_gb, r_env

from clusteratlas.analytics import ripley_k

R_SCRIPT = r"""
suppressMessages(library(spatstat.explore))
a <- commandArgs(trailingOnly = TRUE)
p <- read.csv(a[1]); r <- as.numeric(strsplit(a[2], ",")[[1]]); side <- as.numeric(a[3])
X <- ppp(p$x, p$y, window = owin(c(0, side), c(0, side)))
t <- system.time(K <- Kest(X, r = r, correction = "border"))[["elapsed"]]
write.csv(data.frame(r = K$r, border = K$border), a[4], row.names = FALSE)
cat(sprintf("%.4f\n", t))
if (requireNamespace("dbmss", quietly = TRUE)) {
  t2 <- system.time(dbmss::Khat(dbmss::wmppp(data.frame(X = p$x, Y = p$y, PointType = "a", PointWeight = 1),
                                              window = owin(c(0, side), c(0, side))), r = r))[["elapsed"]]
  cat(sprintf("dbmss %.4f\n", t2))
} else cat("dbmss missing\n")
"""


def clustered(n: int, side: float, seed: int = 1) -> np.ndarray:
    rng = np.random.default_rng(seed)
    parents = rng.uniform(0, side, (max(n // 100, 2), 2))
    xy = parents[rng.integers(0, len(parents), n)] + rng.normal(0, side / 100, (n, 2))
    return np.clip(xy, 0, side)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=100_000)
    ap.add_argument("--repeats", type=int, default=3)
    a = ap.parse_args()
    side = 100.0
    xy = clustered(a.n, side)
    r = np.linspace(0, 5.0, 100)
    ripley_k(xy[:1000, 0], xy[:1000, 1], window=(0, 0, side, side), radii=r)  # compile / load the cache
    ours = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        res = ripley_k(xy[:, 0], xy[:, 1], window=(0, 0, side, side), radii=r, unit="km")
        ours.append(time.perf_counter() - t0)
    print(f"clusteratlas ripley_k, {a.n:,} clustered points, 100 radii: median {statistics.median(ours):.2f} s "
          f"(runs {', '.join(f'{t:.2f}' for t in ours)}); peak RSS {peak_rss_gb():.2f} GB")
    if shutil.which("Rscript") is None:
        print("spatstat: skipped (R is not installed; scripts/install-system-deps.sh installs it)")
        return
    with tempfile.TemporaryDirectory() as tmp:
        pts, out = Path(tmp) / "pts.csv", Path(tmp) / "K.csv"
        pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1]}).to_csv(pts, index=False)
        theirs, dbmss = [], []
        for _ in range(a.repeats):
            proc = subprocess.run(["Rscript", "-e", R_SCRIPT, str(pts), ",".join(map(repr, r.tolist())), str(side),
                                   str(out)], capture_output=True, text=True, check=False, timeout=3600, env=r_env())
            if proc.returncode != 0:
                print(f"spatstat: skipped ({proc.stderr.strip().splitlines()[-1:]})")
                return
            lines = proc.stdout.split()
            theirs.append(float(lines[0]))
            if "dbmss" in proc.stdout and "missing" not in proc.stdout:
                dbmss.append(float(proc.stdout.split("dbmss")[1].split()[0]))
        ref = pd.read_csv(out)["border"].to_numpy()
    ok = np.isfinite(ref) & (ref > 0)
    rel = float(np.max(np.abs(res.k[ok] - ref[ok]) / ref[ok]))
    ts = statistics.median(theirs)
    print(f"spatstat Kest (border), same points and radii: median {ts:.2f} s (runs "
          f"{', '.join(f'{t:.2f}' for t in theirs)}) -> clusteratlas {ts / statistics.median(ours):.1f}x faster; "
          f"largest relative difference of K {rel:.1e}")
    if dbmss:
        print(f"dbmss Khat: median {statistics.median(dbmss):.2f} s -> clusteratlas "
              f"{statistics.median(dbmss) / statistics.median(ours):.1f}x faster")
    else:
        print("dbmss: skipped (the R package dbmss cannot be loaded: it is not packaged in Debian and CRAN is "
              "not reachable from the project's machines; install it in R and set CLUSTERATLAS_R_LIBS to its library)")


if __name__ == "__main__":
    main()
