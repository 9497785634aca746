#!/usr/bin/env python
"""Print a YAML ``place:`` block for an MCA code, or check a data folder.

Usage
-----
    python scripts/place_block.py ADCODE [--lat LAT --lon LON --coord-source TEXT
                                          --coord-precision LEVEL] [--indent N]
    python scripts/place_block.py --check DIR [--seed SEED_TXT]

The block comes from the gazetteer (:func:`clusteratlas.gazetteer.place_for_adcode`): ``adcode``,
``level``, ``name_zh`` (as in the MCA table, vintage 2025-12-31), ``name_en``, ``path`` (ancestors, province
first), ``lat``/``lon`` (WGS-84 degrees, the gazetteer's point and its source and precision). A point given
with ``--lat``/``--lon`` is checked against the place's polygon.

``--check DIR`` runs every check of ``clusteratlas validate`` (:func:`clusteratlas.validate.validate_data`)
and looks for runs of nine words copied from the seed document (the digests in
``tests/data/seed_fingerprints.txt``, or the text of ``--seed``). Exit status 1 on any problem.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
FINGERPRINTS = ROOT / "tests" / "data" / "seed_fingerprints.txt"


def place_block(code: str, lat: float | None = None, lon: float | None = None, coord_source: str | None = None,
                coord_precision: str | None = None) -> dict:
    """The ``place:`` mapping for ``code`` (SystemExit with one line for an unknown code or a stray point)."""
    from clusteratlas.errors import PlaceNotFound
    from clusteratlas.gazetteer import place_for_adcode, polygon_contains

    try:
        p = place_for_adcode(code)
    except PlaceNotFound as exc:
        raise SystemExit(f"error: {exc}") from None
    block = {"adcode": p.adcode, "level": p.level, "name_zh": p.name_zh, "name_en": p.name_en,
             "path": [e.model_dump() for e in p.path], "lat": round(p.lat, 5), "lon": round(p.lon, 5),
             "coord_source": p.coord_source, "coord_precision": p.coord_precision}
    if lat is not None and lon is not None:
        if not coord_source:
            raise SystemExit("error: --lat/--lon need --coord-source")
        if not polygon_contains(code, lon=lon, lat=lat):
            print(f"warning: ({lon}, {lat}) is outside the polygon of {code[:6]}", file=sys.stderr)
        block.update(lat=round(lat, 5), lon=round(lon, 5), coord_source=coord_source,
                     coord_precision=coord_precision or p.level)
    return block


def place_yaml(place: dict, indent: int = 0) -> str:
    text = yaml.safe_dump({"place": place}, allow_unicode=True, sort_keys=False, width=1000)
    pad = " " * indent
    return "".join(pad + line if line.strip() else line for line in text.splitlines(True))


def check_dir(data_dir: Path, seed: Path | None) -> int:
    """Validate a data folder and look for copied seed text; print problems; 0 when there are none."""
    from clusteratlas.validate import copied_runs, seed_fingerprints, validate_data

    report = validate_data(data_dir)
    problems = list(report["problems"])
    if seed is not None:
        prints = seed_fingerprints(seed.read_text(encoding="utf-8"))
    else:
        prints = {ln for ln in FINGERPRINTS.read_text(encoding="utf-8").split() if not ln.startswith("#")}
    for path in sorted(data_dir.rglob("*.yaml")):
        for run in copied_runs(path.read_text(encoding="utf-8"), prints):
            problems.append(f"{path}: copies the seed document: {run!r}")
    for problem in problems:
        print("error:", problem)
    print(f"{report['clusters']} clusters in {data_dir}; {len(problems)} problems", file=sys.stderr)
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("adcode", nargs="?", help="6- or 9-digit MCA code")
    ap.add_argument("--lat", type=float)
    ap.add_argument("--lon", type=float)
    ap.add_argument("--coord-source")
    ap.add_argument("--coord-precision", choices=["province", "prefecture", "county", "township", "area"])
    ap.add_argument("--indent", type=int, default=0, help="indent the block by N spaces")
    ap.add_argument("--check", metavar="DIR", help="check a data folder instead")
    ap.add_argument("--seed", type=Path, help="the seed document (default: its digests in tests/data)")
    args = ap.parse_args(argv)
    if args.check:
        return check_dir(Path(args.check), args.seed)
    if not args.adcode:
        ap.error("give an ADCODE or --check DIR")
    if (args.lat is None) != (args.lon is None):
        ap.error("--lat and --lon go together")
    block = place_block(args.adcode, args.lat, args.lon, args.coord_source, args.coord_precision)
    sys.stdout.write(place_yaml(block, args.indent))
    return 0


if __name__ == "__main__":
    sys.exit(main())
