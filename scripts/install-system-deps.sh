#!/usr/bin/env bash
# System packages needed by the test suite. Idempotent; runs as root in CI.
# Each block installs only what is missing and skips gracefully when apt is unavailable.
set -u

have_apt() { command -v apt-get >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = "0" ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi; }
missing_pkgs() { for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done; }

# --- analytics: R + spatstat, the reference for Ripley's K (tests/analytics/test_spatstat.py) ---------
# The test skips with a message when Rscript or the spatstat packages are missing.
R_PKGS="r-base-core r-cran-spatstat.explore r-cran-spatstat.data r-cran-spatstat.geom"
if have_apt; then
    todo=$(missing_pkgs $R_PKGS)
    if [ -n "$todo" ]; then
        echo "install-system-deps: installing $todo"
        { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends $todo; } \
            || echo "install-system-deps: could not install $todo (R-based tests will be skipped)"
    else
        echo "install-system-deps: R + spatstat already installed"
    fi
else
    echo "install-system-deps: apt-get not available; skipping R + spatstat (R-based tests will be skipped)"
fi

# --- web: headless Chromium + its driver for the browser test (tests/web/test_web_browser.py), CJK fonts for
# the map's Chinese labels, wrk for benchmarks/web_load.py. The browser test skips with a message when
# chromium or chromedriver is missing; the benchmark says how to install wrk.
WEB_PKGS="chromium chromium-driver fonts-noto-cjk wrk"
if have_apt; then
    todo=$(missing_pkgs $WEB_PKGS)
    if [ -n "$todo" ]; then
        echo "install-system-deps: installing $todo"
        { as_root apt-get update -qq && as_root env DEBIAN_FRONTEND=noninteractive \
            apt-get install -y -qq --no-install-recommends $todo; } \
            || echo "install-system-deps: could not install $todo (the browser test will be skipped)"
    else
        echo "install-system-deps: chromium, chromium-driver, fonts and wrk already installed"
    fi
else
    echo "install-system-deps: apt-get not available; skipping chromium (the browser test will be skipped)"
fi
