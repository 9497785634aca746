#!/usr/bin/env python
"""Accuracy of :func:`clusteratlas.gazetteer.resolve_address` on a labelled address set (issue 14).

Scores each row as ``tests/data/heldout/README.md`` says: right when the first six digits of the returned
``adcode`` equal ``expected_adcode``; a ``NONE`` row is right when no county- or township-level answer is
returned. Prints the share right overall, on real places, and per kind; ``--wrong`` lists the misses.

Tune on the tuning set only; the held-out set is run once at the end to report the final figure::

    .venv/bin/python benchmarks/gazetteer_addresses.py tests/data/tuning/addresses.tsv --wrong
    .venv/bin/python benchmarks/gazetteer_addresses.py tests/data/heldout/addresses.tsv
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))


def is_right(row: dict, expected: str) -> bool:
    """Whether a geocoded row answers a labelled address (see the module docstring)."""
    got = row.get("adcode") or ""
    if expected == "NONE":
        return row.get("level") not in ("county", "township")
    return got[:6] == expected


def score(path: Path) -> tuple[list[tuple[dict, dict, bool]], Counter, Counter]:
    """``(rows, right by kind, total by kind)`` for one labelled TSV."""
    from clusteratlas.gazetteer import resolve_address

    with path.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    out, right, total = [], Counter(), Counter()
    for r in rows:
        got = resolve_address(r["address"])
        ok = is_right(got, r["expected_adcode"])
        out.append((r, got, ok))
        total[r["kind"]] += 1
        right[r["kind"]] += ok
    return out, right, total


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path)
    ap.add_argument("--wrong", action="store_true", help="list the rows answered wrongly")
    args = ap.parse_args(argv)
    rows, right, total = score(args.path)
    real = [(r, ok) for r, _, ok in rows if r["expected_adcode"] != "NONE"]
    none = [(r, ok) for r, _, ok in rows if r["expected_adcode"] == "NONE"]
    n_ok = sum(ok for _, _, ok in rows)
    print(f"{args.path}: all rows {n_ok}/{len(rows)} ({n_ok / len(rows):.1%}); real places "
          f"{sum(ok for _, ok in real)}/{len(real)} ({sum(ok for _, ok in real) / max(1, len(real)):.1%}); "
          f"non-existent rejected {sum(ok for _, ok in none)}/{len(none)}")
    for kind in sorted(total):
        print(f"  {kind:16s} {right[kind]}/{total[kind]}")
    if args.wrong:
        for r, got, ok in rows:
            if not ok:
                print(f"WRONG [{r['kind']}] {r['address']!r}: expected {r['expected_adcode']} {r['expected_name']}; "
                      f"got {got['adcode']} {got['province']}{got['prefecture'] or ''}{got['county'] or ''}"
                      f"{got['township'] or ''} ({got['status']}, {got['match']}) {got['note'] or ''}")


if __name__ == "__main__":
    main()
