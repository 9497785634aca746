"""Accuracy of bulk ``match`` on a labelled set of marketplace titles (issue 14).

Usage::

    .venv/bin/python benchmarks/match_titles.py [tests/data/tuning/titles.tsv] [--misses]

The set is a TSV with ``title``, ``expected_industry`` (ids separated by ``|``, or ``OUT_OF_SCOPE``),
``kind`` and ``language`` (see ``tests/data/heldout/README.md``). A title is right when ``match`` returns
one of the expected industries; an ``OUT_OF_SCOPE`` title is right when it gets ``no_match``. Printed: the
share of in-scope titles with the right industry, the share of out-of-scope titles rejected, and both by
kind and by language. Tune on ``tests/data/tuning/``; run ``tests/data/heldout/`` only to report.
"""

from __future__ import annotations

import argparse
import csv
import sys
from collections import Counter
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1] / "tests" / "data" / "tuning" / "titles.tsv"


def score(path: Path, *, misses: bool = False) -> dict:
    """Counts of right answers: ``{"in": (right, total), "oos": (right, total), "kind": {...}, "language": {...}}``."""
    from clusteratlas.match import Matcher

    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    m = Matcher()
    right: Counter = Counter()
    total: Counter = Counter()
    for r in rows:
        got = m.match(r["title"])
        exp = r["expected_industry"].split("|")
        oos = exp == ["OUT_OF_SCOPE"]
        ok = got.status == "no_match" if oos else got.industry in exp
        for key in ("oos" if oos else "in", ("kind", r["kind"]), ("language", r["language"])):
            total[key] += 1
            right[key] += ok
        if misses and not ok:
            print(f"MISS\t{r['kind']}\t{r['title']}\t{r['expected_industry']}\t{got.industry}\t{got.status}\t"
                  f"{got.matched_term or got.reason}")
    return {"right": right, "total": total}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--misses", action="store_true", help="print every wrong row")
    args = ap.parse_args(argv)
    res = score(args.path, misses=args.misses)
    right, total = res["right"], res["total"]

    def share(key) -> str:
        return f"{right[key]}/{total[key]} ({right[key] / total[key]:.1%})" if total[key] else "-"

    print(f"{args.path}: in-scope right industry {share('in')}; out-of-scope rejected {share('oos')}; "
          f"all rows {right['in'] + right['oos']}/{total['in'] + total['oos']}")
    for group in ("kind", "language"):
        keys = sorted(k for k in total if isinstance(k, tuple) and k[0] == group)
        print(f"by {group}: " + ", ".join(f"{k[1]} {share(k)}" for k in keys))
    return 0


if __name__ == "__main__":
    sys.exit(main())
