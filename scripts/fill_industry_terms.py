#!/usr/bin/env python
"""Fill an industry file's traditional-Chinese and pinyin terms from its simplified-Chinese terms.

Usage
-----
    python scripts/fill_industry_terms.py src/clusteratlas/data/industries/power-batteries.yaml [...]

For every term in ``industry.terms.zh`` missing from ``zh_hant`` (OpenCC s2t) or ``pinyin`` (pypinyin,
toneless, syllables separated by spaces, 女/绿 as nv/lv), the converted form is appended; duplicates are
dropped and order kept. Written atomically; comments are not kept. Check polyphones by eye afterwards.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

import opencc
import yaml
from pypinyin import Style, lazy_pinyin

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fill_register_places import _Dumper  # noqa: E402


def fill(path: Path) -> tuple[int, int]:
    """Fill one file; returns (traditional terms added, pinyin terms added)."""
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    terms = doc["industry"].setdefault("terms", {})
    zh = terms.get("zh") or []
    conv = opencc.OpenCC("s2t")
    hant = list(terms.get("zh_hant") or [])
    pinyin = list(terms.get("pinyin") or [])
    added = [0, 0]
    for t in zh:
        th = conv.convert(t)
        if th not in hant:
            hant.append(th)
            added[0] += 1
        py = " ".join(lazy_pinyin(t, style=Style.NORMAL, v_to_u=False)).replace("ü", "v")
        if py not in pinyin:
            pinyin.append(py)
            added[1] += 1
    terms["zh_hant"], terms["pinyin"] = hant, pinyin
    text = yaml.dump(doc, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=120)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)
    return added[0], added[1]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("files", nargs="+", type=Path)
    for path in ap.parse_args(argv).files:
        t, p = fill(path)
        print(f"{path}: {t} traditional, {p} pinyin terms added", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
