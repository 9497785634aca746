"""Screenshots of the map over the shipped atlas for the README: each view, in English and Chinese, at desktop
(1440×900) and phone (390×844) size, taken offline in Debian's chromium (every outside address blocked).

Run from the repository root (needs the test extra and chromium: ``scripts/install-system-deps.sh``)::

    .venv/bin/python tests/web/screenshots.py [--out docs/screenshots] [--only cluster]

Each view is opened from its address (the same address a user would share), so the pictures show what a
shared link shows. The PNGs are reduced to a 256-colour palette to keep them small.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))

from test_web_browser import _why_skip, chromium, outside, requested_urls, serve_app, wait_for, wait_ready  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
#: view → (URL fragment without lang, element that shows the view is ready). Map positions differ per size.
VIEWS = {
    "search": ({"desktop": "q=socks&view=results", "phone": "q=socks&view=results"}, "#panel article.results"),
    "cluster": ({"desktop": "view=cluster&cluster=datang-socks&map=9/29.7200/120.1000",
                 "phone": "view=cluster&cluster=datang-socks&map=9/29.5500/120.2400"},
                '#panel article.cluster[data-cluster-id="datang-socks"]'),
    "compare": ({"desktop": "industry=eyewear&view=compare", "phone": "industry=eyewear&view=compare"},
                '#panel article.compare[data-industry="eyewear"]'),
    "trip": ({size: "view=trip&trip_items=socks,%20wigs,%20eyeglasses&trip_from=Shanghai&trip_days=4"
              for size in ("desktop", "phone")}, "#trip-result .trip-summary"),
}


def shrink(path: Path) -> None:
    """Re-save a screenshot as a 256-colour palette PNG (a few hundred KB at most)."""
    from PIL import Image

    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def take(out: Path, only: set[str] | None = None) -> list[Path]:
    from clusteratlas.web import create_app

    written = []
    with serve_app(create_app()) as base, chromium() as driver:
        for size_name, (w, h) in SIZES.items():
            driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                                   {"width": w, "height": h, "deviceScaleFactor": 1, "mobile": w < 800})
            for view, (frags, ready) in VIEWS.items():
                if only and view not in only:
                    continue
                for lang in ("en", "zh"):
                    driver.get("about:blank")  # a new document: the last page's rewritten address is not reused
                    driver.get(f"{base}/#lang={lang}&{frags[size_name]}")
                    wait_ready(driver)
                    wait_for(driver, ready)
                    time.sleep(1.2)  # place names and tooltips settle
                    path = out / f"{view}-{lang}-{size_name}.png"
                    driver.save_screenshot(str(path))
                    shrink(path)
                    written.append(path)
                    print(f"wrote {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}", file=sys.stderr)
        bad = outside(requested_urls(driver), {urlsplit(base).netloc})
        if bad:
            raise SystemExit(f"outside requests: {bad}")
    return written


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    ap.add_argument("--only", action="append", choices=sorted(VIEWS), help="only this view (repeatable)")
    args = ap.parse_args()
    reason = _why_skip()
    if reason:
        sys.exit(reason)
    args.out.mkdir(parents=True, exist_ok=True)
    take(args.out, set(args.only) if args.only else None)


if __name__ == "__main__":
    main()
