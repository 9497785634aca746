#!/usr/bin/env python
"""Fill in the ``place:`` block of every register entry that makes a new cluster.

Usage
-----
    python scripts/fill_register_places.py src/clusteratlas/data/registers/miit-featured-sme-2022.yaml [...]

An entry that makes a new cluster has ``name_en`` and no ``place``; this script writes its place block (MCA
names, path, WGS-84 point with its source and precision) with the same code as ``place_block.py``, in one
process for all entries. Entries that name an existing cluster (no ``name_en``) are left alone. The file is
rewritten in place (keys in the model's order; comments are not kept) and written atomically.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))
import place_block  # noqa: E402  (a sibling script)


class _Dumper(yaml.SafeDumper):
    pass


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    # Codes stay quoted strings ('320581'), as in the hand-written files.
    style = "'" if value.isdigit() else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str)


def fill(path: Path) -> int:
    """Fill the missing place blocks of one register file; returns how many were filled."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    filled = 0
    for entry in doc.get("entries") or []:
        if entry.get("name_en") and not entry.get("place"):
            entry["place"] = place_block.place_block(str(entry["adcode"]))
            filled += 1
    if filled:
        text = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    return filled


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    args = ap.parse_args(argv)
    for path in args.files:
        print(f"{path}: {fill(path)} place blocks filled", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
