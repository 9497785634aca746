#!/usr/bin/env python
"""Add Chinese claim statements (``statement_zh``) to the industry files from a JSON-lines file.

Each input line is ``{"cluster": id, "statement": the English statement exactly as in the data,
"statement_zh": the Chinese}``. The script edits the YAML as text: after each claim's ``statement:`` (and
its continuation lines) it inserts ``statement_zh: "..."`` at the same indent, so the files keep their
layout and comments; a claim that already has a ``statement_zh`` is left alone. Lines whose cluster or
statement is not found are reported and skipped (the statement may have been reworded since).

Usage::

    python scripts/add_statement_zh.py translations.jsonl [--data-dir src/clusteratlas/data]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
CLUSTER_RE = re.compile(r"^- id: (\S+)\s*$")
STATEMENT_RE = re.compile(r"^(\s+)(?:- )?statement: ")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def add_to_file(path: Path, wanted: dict[tuple[str, str], str]) -> set[tuple[str, str]]:
    """Insert the statements of ``wanted`` into one industry file; returns the keys used."""
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    out: list[str] = []
    used: set[tuple[str, str]] = set()
    cluster = None
    i = 0
    while i < len(lines):
        line = lines[i]
        m = CLUSTER_RE.match(line)
        if m:
            cluster = m.group(1)
        s = STATEMENT_RE.match(line)
        if not s or cluster is None:
            out.append(line)
            i += 1
            continue
        key_indent = len(s.group(1)) + (2 if line.lstrip(" ").startswith("- ") else 0)
        j = i + 1
        while j < len(lines) and lines[j].strip() and _indent(lines[j]) > key_indent:
            j += 1
        block = lines[i:j]
        out.extend(block)
        text = "".join(block).replace("- statement:", "  statement:", 1)
        statement = yaml.safe_load(text.strip().replace("\n" + " " * key_indent, "\n"))["statement"]
        has_zh = j < len(lines) and lines[j].lstrip(" ").startswith("statement_zh:") and _indent(lines[j]) == key_indent
        zh = wanted.get((cluster, statement))
        if zh is not None and not has_zh:
            out.append(" " * key_indent + "statement_zh: " + json.dumps(zh, ensure_ascii=False) + "\n")
            used.add((cluster, statement))
        i = j
    if used:
        tmp = path.with_suffix(".tmp")
        tmp.write_text("".join(out), encoding="utf-8")
        tmp.replace(path)
    return used


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("translations", type=Path)
    ap.add_argument("--data-dir", type=Path, default=ROOT / "src" / "clusteratlas" / "data")
    args = ap.parse_args(argv)
    wanted: dict[tuple[str, str], str] = {}
    for n, raw in enumerate(args.translations.read_text(encoding="utf-8").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            rec = json.loads(raw)
            wanted[(rec["cluster"], rec["statement"])] = rec["statement_zh"].strip()
        except (ValueError, KeyError, AttributeError) as exc:
            print(f"line {n}: skipped ({exc})", file=sys.stderr)
    used: set[tuple[str, str]] = set()
    for path in sorted((args.data_dir / "industries").glob("*.yaml")):
        used |= add_to_file(path, wanted)
    missing = set(wanted) - used
    for cluster, statement in sorted(missing):
        print(f"not added (claim not found or already translated): {cluster}: {statement[:60]}", file=sys.stderr)
    print(f"added {len(used)} of {len(wanted)} Chinese statements")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
