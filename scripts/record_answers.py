#!/usr/bin/env python
"""Record the answers of the labelled search and gazetteer sets, to compare code before and after a change.

Usage
-----
    python scripts/record_answers.py OUT.json [--data-commit REV]
    python scripts/record_answers.py --compare BEFORE.json AFTER.json

The record holds, for every query of ``tests/data/queries_labelled.tsv``, ``queries_holdout.tsv`` and
``dev_queries.tsv``, the top ten results of :func:`clusteratlas.find` (cluster id and score) and the
:func:`clusteratlas.match_products` row; for every query of ``places_labelled.tsv`` and ``dev_places.tsv``,
the top ten candidates of :func:`clusteratlas.resolve_place` (adcode, score, match, ambiguous) and the
bulk-geocoding row of :func:`clusteratlas.gazetteer.resolve_address`.

The atlas data keeps changing while code moves, so ``--data-commit`` reads the atlas YAML of one git
revision (extracted to a temporary folder with ``git archive``) instead of the checkout's: two records of
the same revision differ only where the code answers differently. Only the public API is used, so the
script runs unchanged on both sides of a refactoring. ``--compare`` prints the differences and exits 1 when
there are any.
"""

from __future__ import annotations

import argparse
import io
import json
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data"
SEARCH_SETS = ("queries_labelled.tsv", "queries_holdout.tsv", "dev_queries.tsv")
PLACE_SETS = ("places_labelled.tsv", "dev_places.tsv")


def _queries(name: str) -> list[str]:
    out = []
    for line in (DATA / name).read_text(encoding="utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        query = line.split("\t")[0]
        if query == "query":
            continue
        out.append(query)
    return out


def _data_dir_at(rev: str, into: Path) -> Path:
    """The atlas YAML of git revision ``rev`` (industries, sources, registers, markets, taxonomy, copy sites)."""
    blob = subprocess.run(["git", "-C", str(ROOT), "archive", rev, "src/clusteratlas/data"], check=True,
                          capture_output=True).stdout
    with tarfile.open(fileobj=io.BytesIO(blob)) as tar:
        tar.extractall(into, filter="data")
    return into / "src" / "clusteratlas" / "data"


def record(data_dir: Path | None) -> dict:
    """Every answer of the labelled sets, as plain JSON."""
    import clusteratlas
    from clusteratlas.gazetteer import resolve_address

    out: dict = {"search": {}, "match": {}, "places": {}, "geocode": {}}
    for name in SEARCH_SETS:
        queries = _queries(name)
        out["search"][name] = {q: [[r.cluster_id, r.score] for r in clusteratlas.find(q, limit=10, data_dir=data_dir)]
                               for q in queries}
        rows = clusteratlas.match_products(queries, data_dir=data_dir)
        out["match"][name] = {q: m.to_dict() for q, m in zip(queries, rows)}
    for name in PLACE_SETS:
        queries = _queries(name)
        out["places"][name] = {q: [[c.adcode, c.score, c.match, c.ambiguous] for c in clusteratlas.resolve_place(q)]
                               for q in queries}
        out["geocode"][name] = {q: resolve_address(q) for q in queries}
    return out


def compare(before: dict, after: dict) -> list[str]:
    """One line per answer that differs (or is missing on one side)."""
    diffs = []
    for part in sorted((set(before) | set(after)) - {"meta"}):
        for name in sorted(set(before.get(part, {})) | set(after.get(part, {}))):
            b, a = before.get(part, {}).get(name, {}), after.get(part, {}).get(name, {})
            for q in sorted(set(b) | set(a)):
                if b.get(q) != a.get(q):
                    diffs.append(f"{part} {name} {q!r}: {json.dumps(b.get(q), ensure_ascii=False)} -> "
                                 f"{json.dumps(a.get(q), ensure_ascii=False)}")
    return diffs


def _count(rec: dict) -> int:
    return sum(len(v) for key, part in rec.items() if key != "meta" for v in part.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", nargs="?", type=Path, help="where to write the record (JSON)")
    parser.add_argument("--data-commit", help="read the atlas YAML of this git revision")
    parser.add_argument("--compare", nargs=2, type=Path, metavar=("BEFORE", "AFTER"))
    args = parser.parse_args(argv)
    if args.compare:
        before, after = (json.loads(p.read_text(encoding="utf-8")) for p in args.compare)
        diffs = compare(before, after)
        print("\n".join(diffs) if diffs else f"identical: {_count(before)} answers")
        return 1 if diffs else 0
    if args.out is None:
        parser.error("give OUT.json or --compare BEFORE AFTER")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = _data_dir_at(args.data_commit, Path(tmp)) if args.data_commit else None
        rec = record(data_dir)
    rec["meta"] = {"data_commit": args.data_commit}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(rec, ensure_ascii=False, indent=0, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{_count(rec)} answers -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
