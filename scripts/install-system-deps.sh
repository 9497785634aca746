#!/usr/bin/env bash
# System packages needed by the test suite. Idempotent; runs as root in CI.
# Each block installs only what is missing and skips gracefully when apt is unavailable.
set -u

have_apt() { command -v apt-get >/dev/null 2>&1; }
as_root() { if [ "$(id -u)" = "0" ]; then "$@"; elif command -v sudo >/dev/null 2>&1; then sudo -n "$@"; else return 1; fi; }
missing_pkgs() { for p in "$@"; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done; }
updated=""

# install_missing LABEL CONSEQUENCE PKG... : install the packages not yet installed; on failure say CONSEQUENCE.
install_missing() {
    local label=$1 consequence=$2
    shift 2
    if ! have_apt; then
        echo "install-system-deps: apt-get not available; skipping $label ($consequence)"
        return 0
    fi
    local todo
    todo=$(missing_pkgs "$@")
    if [ -z "$todo" ]; then
        echo "install-system-deps: $label already installed"
        return 0
    fi
    echo "install-system-deps: installing $todo"
    if [ -z "$updated" ]; then
        as_root apt-get update -qq && updated=1
    fi
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $todo \
        || echo "install-system-deps: could not install $todo ($consequence)"
}

# --- analytics: R + spatstat, the reference for Ripley's K (tests/analytics/test_spatstat.py) ---------
# The test skips with a message when Rscript or the spatstat packages are missing.
install_missing "R + spatstat" "R-based tests will be skipped" \
    r-base-core r-cran-spatstat.explore r-cran-spatstat.data r-cran-spatstat.geom

# --- web: headless Chromium + its driver for the browser test (tests/web/test_web_browser.py), CJK fonts for
# the map's Chinese labels, wrk for benchmarks/web_load.py. The browser test skips with a message when
# chromium or chromedriver is missing; the benchmark says how to install wrk.
install_missing "chromium, chromium-driver, fonts and wrk" "the browser test will be skipped" \
    chromium chromium-driver fonts-noto-cjk wrk

exit 0
