"""Ripley's K (border correction) against R spatstat's ``Kest`` on spatstat's own data sets.

R and the spatstat packages come from Debian (``scripts/install-system-deps.sh``); without them the test
is skipped with a message saying how to install them.
"""

from __future__ import annotations

import shutil
import subprocess

import numpy as np
import pandas as pd
import pytest

from clusteratlas.analytics import ripley_k

pytestmark = pytest.mark.r

DATASETS = ["swedishpines", "cells", "redwood", "japanesepines", "finpines", "longleaf", "amacrine", "lansing",
            "spruces", "bei"]

R_SCRIPT = r"""
suppressMessages({library(spatstat.explore); library(spatstat.data)})
out <- commandArgs(trailingOnly = TRUE)[1]
for (nm in strsplit(commandArgs(trailingOnly = TRUE)[2], ",")[[1]]) {
  X <- unmark(get(nm)); W <- Window(X)
  if (W$type != "rectangle") next
  r <- seq(0, min(diff(W$xrange), diff(W$yrange)) / 4, length.out = 40)
  K <- Kest(X, r = r, correction = "border")
  write.csv(data.frame(x = X$x, y = X$y), file.path(out, paste0(nm, "_pts.csv")), row.names = FALSE)
  write.csv(data.frame(r = K$r, border = K$border, xmin = W$xrange[1], xmax = W$xrange[2],
                       ymin = W$yrange[1], ymax = W$yrange[2]), file.path(out, paste0(nm, "_K.csv")),
            row.names = FALSE)
}
"""


@pytest.fixture(scope="module")
def spatstat_dir(tmp_path_factory):
    if shutil.which("Rscript") is None:
        pytest.skip("R is not installed: run scripts/install-system-deps.sh (Debian: r-base-core, "
                    "r-cran-spatstat.explore, r-cran-spatstat.data) to compare with spatstat")
    out = tmp_path_factory.mktemp("spatstat")
    proc = subprocess.run(["Rscript", "-e", R_SCRIPT, str(out), ",".join(DATASETS)], capture_output=True,
                          text=True, timeout=300, check=False)
    if proc.returncode != 0:
        pytest.skip("R spatstat is not usable (install r-cran-spatstat.explore and r-cran-spatstat.data with "
                    f"scripts/install-system-deps.sh): {proc.stderr.strip().splitlines()[-1:]}")
    return out


@pytest.mark.parametrize("name", DATASETS)
def test_border_k_equals_spatstat(spatstat_dir, name):
    kfile = spatstat_dir / f"{name}_K.csv"
    if not kfile.exists():
        pytest.skip(f"{name}: not a rectangular window in this spatstat version")
    ref = pd.read_csv(kfile)
    pts = pd.read_csv(spatstat_dir / f"{name}_pts.csv")
    window = (ref.xmin[0], ref.ymin[0], ref.xmax[0], ref.ymax[0])
    res = ripley_k(pts.x, pts.y, window=window, radii=ref.r.to_numpy())
    ok = np.isfinite(ref.border.to_numpy())
    np.testing.assert_allclose(res.k[ok], ref.border.to_numpy()[ok], rtol=1e-9, atol=1e-12)
    assert res.n == len(pts) and res.parameters["correction"] == "border"
