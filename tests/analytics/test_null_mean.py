"""The cheaper K-density fixed costs (issue 16): pooled null mean, banded kernel sums, envelope ranks,
FFT threads. Each is checked against the slower reference it replaces."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from clusteratlas.analytics import _smooth as S
from clusteratlas.analytics import k_density, load_firms
from clusteratlas.analytics._envelopes import _counts_less_greater
from clusteratlas.analytics._geometry import prepare_points
from clusteratlas.analytics._pairs import pair_histogram


def _sites(n: int):
    """``n`` sites around 300 centres (sd ~10 km) over ~1,000 x 900 km of eastern China, 0.2 % labelled ``a``."""
    rng = np.random.default_rng(5)
    centres = np.column_stack([rng.uniform(110, 120, 300), rng.uniform(25, 33, 300)])
    c = centres[rng.integers(0, 300, n)]
    lon = c[:, 0] + rng.normal(0, 0.1, n)
    lat = c[:, 1] + rng.normal(0, 0.09, n)
    ind = np.where(rng.random(n) < 0.002, "a", "b")
    return load_firms(pd.DataFrame({"industry": ind, "lat": lat, "lon": lon}))


@pytest.fixture(scope="module")
def dense_sites():
    """40,000 sites: dense enough that ``auto`` takes the pooled FFT for the null mean."""
    return _sites(40_000)


@pytest.mark.parametrize("metric", ["equal_area", "great_circle"])
def test_pooled_null_mean_is_within_half_a_percent_of_exact(dense_sites, metric):
    kw = {"max_distance_km": 50, "simulations": 0, "metric": metric, "bandwidth_km": 1.0}
    auto = k_density(dense_sites, "a", **kw)
    exact = k_density(dense_sites, "a", method="exact", **kw)
    assert auto.parameters["mode_null_mean"] == "binned"
    assert auto.parameters["binned_grids"]["null_mean"]["path"] == "fft+exact_near"
    assert exact.parameters["mode_null_mean"] == "exact"
    ne, nb = exact.null_mean, auto.null_mean
    # measured 0.09 % of the peak (0.14 % relative where the null mean exceeds 1 % of its peak)
    assert np.max(np.abs(nb - ne)) <= 0.005 * np.max(ne)
    big = ne > 0.01 * ne.max()
    assert np.max(np.abs(nb[big] / ne[big] - 1)) <= 0.01
    np.testing.assert_array_equal(auto.kd, exact.kd)  # the observed curve is exact in both


def test_null_mean_moments_are_within_1e6_of_all_eight(dense_sites):
    sites = prepare_points(lon=dense_sites.lon[:8000], lat=dense_sites.lat[:8000], metric="great_circle")
    t = np.arange(0.0, 30.5, 0.5)
    h = 0.8
    cutoff, binw = S.histogram_cutoff(t, h), S.moment_bin_width(h)
    nbins = int(np.ceil(cutoff / binw - 1e-9))
    band = S.kernel_band(t, h, binw, nbins)
    full = S.apply_band(pair_histogram(sites, None, cutoff_km=cutoff, binw_km=binw, nmom=S.NMOM, hscale_km=h), band)
    few = S.apply_band(pair_histogram(sites, None, cutoff_km=cutoff, binw_km=binw, nmom=S.NULL_NMOM, hscale_km=h),
                       band)
    assert 0 < np.max(np.abs(few - full)) <= 1e-6 * np.max(full)  # measured 1.5e-7


def _apply_band_reference(mom, band):
    """The previous implementation: gather the band and contract with einsum."""
    width, nmom = band.coef.shape[1], mom.shape[-1]
    full = np.concatenate([mom, np.zeros(mom.shape[:-2] + (width + 1, nmom))], axis=-2)
    idx = np.minimum(band.b0[:, None] + np.arange(width)[None, :], full.shape[-2] - 1)
    return np.einsum("...kjm,kjm->...k", full[..., idx, :], band.coef[:, :, :nmom])


@pytest.mark.parametrize("nmom", [S.NMOM, S.SIM_NMOM])
def test_banded_kernel_sum_equals_the_gathered_einsum(nmom):
    rng = np.random.default_rng(1)
    t = np.arange(0.0, 40.5, 1.0)
    h = 1.3
    binw = S.moment_bin_width(h)
    nbins = int(np.ceil(S.histogram_cutoff(t, h) / binw - 1e-9))
    band = S.kernel_band(t, h, binw, nbins)
    mom = rng.random((3, 2, nbins, nmom))
    got = S.apply_band(mom, band)
    assert got.shape == (3, 2, len(t))
    np.testing.assert_allclose(got, _apply_band_reference(mom, band), rtol=1e-12, atol=0)
    np.testing.assert_allclose(S.apply_band(mom[0, 0], band), got[0, 0], rtol=1e-12, atol=0)


@pytest.mark.parametrize("shape", [(99, 7), (5, 3), (1, 4), (40, 30)])
def test_envelope_ranks_with_ties_equal_searchsorted(shape):
    rng = np.random.default_rng(2)
    sims = rng.integers(0, 4, shape).astype(float)  # many ties
    fast = _counts_less_greater(sims, sims)
    slow = _counts_less_greater(sims, sims.copy())  # not the same object: the per-column searchsorted
    np.testing.assert_array_equal(fast[0], slow[0])
    np.testing.assert_array_equal(fast[1], slow[1])


def test_fft_threads_follow_numba_threads():
    import numba

    from clusteratlas.analytics._binned import _fft_workers

    before = numba.get_num_threads()
    try:
        numba.set_num_threads(1)
        assert _fft_workers() == 1
    finally:
        numba.set_num_threads(before)

