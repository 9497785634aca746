"""Bulk match throughput on generated product titles.

Usage::

    .venv/bin/python benchmarks/match_throughput.py [--rows 100000] [--encoding gbk] [--seed 7] [--workers N]
        [--distinct 20000]

Titles are generated from the atlas vocabulary with noise a real catalogue has: colours, sizes, pack
counts, model codes, upper case, typos (a swapped or dropped letter), full-width letters, traditional
characters, blank and numeric cells. The file is written, then matched with :func:`clusteratlas.match.match_file`
to a CSV file (the same path as ``clusteratlas match``), and the rows per second are printed (warm index;
the index load is reported separately).
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
import time
from pathlib import Path

COLOURS = ["black", "white", "red", "blue", "pink", "grey", "natural", "gold", "黑色", "白色", "红色", "蓝色"]
SIZES = ["S", "M", "L", "XL", "XXL", "24 inch", "18in", "500ml", "1.5m", "10mm", "大号", "小号", "均码"]
PACKS = ["2 pcs", "10pcs", "pack of 6", "set of 3", "1 pair", "bulk", "wholesale", "新款", "2024 new", "hot sale"]
BRANDS = ["ACME", "Zhongda", "Everbright", "HX-200", "YT2023", "Sunny", "QX"]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 5 or not word.isascii():
        return word
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i + 1:]


def generate_titles(n: int, seed: int = 7) -> list[str]:
    """``n`` noisy catalogue titles drawn from the shipped vocabulary (seeded)."""
    import opencc

    from clusteratlas.atlas import load_atlas

    s2t = opencc.OpenCC("s2t")
    rng = random.Random(seed)
    atlas = load_atlas()
    pools = [[*i.terms.en, *i.terms.zh] for i in atlas.industries.values()]
    out = []
    for _ in range(n):
        r = rng.random()
        if r < 0.01:
            out.append("")
            continue
        if r < 0.02:
            out.append(str(rng.randrange(1, 10**7)))
            continue
        term = rng.choice(rng.choice(pools))
        parts = [term]
        if rng.random() < 0.6:
            parts.insert(0, rng.choice(COLOURS))
        if rng.random() < 0.5:
            parts.append(rng.choice(SIZES))
        if rng.random() < 0.4:
            parts.append(rng.choice(PACKS))
        if rng.random() < 0.3:
            parts.insert(0, rng.choice(BRANDS))
        title = " ".join(parts)
        x = rng.random()
        if x < 0.08:
            title = " ".join(_typo(w, rng) for w in title.split())
        elif x < 0.16:
            title = title.upper()
        elif x < 0.20:
            title = s2t.convert(title)
        elif x < 0.23:
            title = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in title)
        out.append(title)
    return out


def write_catalogue(path: Path, titles: list[str], encoding: str = "utf-8") -> None:
    """A CSV with ``sku,title,price`` columns in ``encoding`` (unencodable characters replaced)."""
    with path.open("w", encoding=encoding, errors="replace", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "title", "price"])
        for i, t in enumerate(titles):
            w.writerow([f"SKU{i:07d}", t, f"{(i % 997) / 10:.2f}"])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--encoding", default="utf-8")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--distinct", type=int, default=None,
                    help="draw the rows from this many distinct titles (default: every row generated anew)")
    ap.add_argument("--workers", type=int, default=None, help="processes (default: as clusteratlas match)")
    args = ap.parse_args(argv)
    from clusteratlas.match import match_file
    from clusteratlas.search import get_index

    t0 = time.perf_counter()
    index = get_index()
    t_index = time.perf_counter() - t0
    titles = generate_titles(args.distinct or args.rows, args.seed)
    if args.distinct:
        rng = random.Random(args.seed)
        titles = [rng.choice(titles) for _ in range(args.rows)]
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "catalogue.csv"
        write_catalogue(src, titles, args.encoding)
        out = Path(tmp) / "matched.csv"
        t1 = time.perf_counter()
        report = match_file(src, "title", out, index=index, workers=args.workers)
        dt = time.perf_counter() - t1
        with out.open(encoding="utf-8", newline="") as fh:
            n_out = sum(1 for _ in csv.reader(fh)) - 1
    print(f"index load {t_index:.3f} s; {report.rows} rows in {dt:.2f} s = {report.rows / dt:,.0f} rows/s "
          f"({report.distinct_titles} distinct titles, {len(set(titles))} distinct in the file, "
          f"encoding {report.encoding}); output rows {n_out}")
    print(f"status: {report.counts}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
