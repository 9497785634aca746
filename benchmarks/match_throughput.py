"""Bulk match throughput on distinct marketplace-style titles, against a BM25 top-1 baseline (issue 14).

Usage::

    .venv/bin/python benchmarks/match_throughput.py [--rows 100000] [--seed 7] [--workers N] [--short]
        [--no-baseline] [--encoding gbk]

``--rows`` distinct titles are generated deterministically from the atlas vocabulary the way Alibaba / 1688
/ Amazon sellers write them: 5–20 words, a product term buried among materials, colours, sizes, counts,
model codes, marketing words, wearer words ("for Kids", 儿童), compatibility ("for Toyota", 适用于…) and
packaging ("gift box", 袋装), in English, Chinese (spaced or run together) or both, with upper case,
typos, full-width letters and traditional characters. (``--short`` makes the old short titles: a term plus
a colour, a size and a pack count.)

The file is written as CSV, then

* matched with :func:`clusteratlas.match.match_file` to a CSV file (the path of ``clusteratlas match``);
* read again and answered by a plain BM25 top-1 baseline in the same process: ``bm25s`` over one document
  per industry (its names and terms), queries tokenised into Latin words and Chinese character bigrams,
  the best industry of each row written to a CSV file.

Printed: rows/s of both and their ratio (``match`` / BM25), the ratio being the figure that stays stable
on a shared machine. Needs ``bm25s`` (extra ``bench``) for the baseline.
"""

from __future__ import annotations

import argparse
import csv
import random
import re
import sys
import tempfile
import time
from pathlib import Path

COLOURS = ["black", "white", "red", "navy blue", "pink", "grey", "gold", "silver", "黑色", "白色", "红色", "藏青",
           "米白", "卡其色"]
MATERIALS = ["stainless steel", "PU leather", "genuine leather", "cotton", "100% cotton", "silicone", "ABS",
             "aluminum alloy", "bamboo", "ceramic", "glass", "nylon", "polyester", "wooden", "plastic",
             "carbon fiber", "不锈钢", "纯棉", "真皮", "硅胶", "铝合金", "实木", "陶瓷", "玻璃", "尼龙"]
SIZES = ["S M L XL", "XXL", "24 inch", "18in", "500ml", "1.5m", "10mm", "20x30cm", "5kg", "3.6米", "42码",
         "大号", "小号", "均码", "M8x30"]
COUNTS = ["2 pcs", "10pcs", "pack of 6", "set of 3", "1 pair", "100 pieces", "4支装", "10个", "一对", "3件套"]
MARKETING = ["2024 new", "hot sale", "factory direct", "wholesale", "high quality", "best seller", "free shipping",
             "OEM ODM", "custom logo", "upgraded", "premium", "新款", "爆款", "工厂直销", "批发", "包邮", "现货",
             "高品质", "跨境热卖", "厂家直供"]
FEATURES = ["waterproof", "portable", "rechargeable", "foldable", "adjustable", "eco friendly", "anti slip",
            "heavy duty", "lightweight", "durable", "防水", "便携", "加厚", "耐磨", "静音", "折叠"]
WEARERS = ["for Women", "for Men", "for Kids", "for Baby", "Unisex", "女", "男", "儿童", "男女通用", "for Pets"]
COMPAT = ["for Toyota", "for iPhone 15", "for Samsung", "Compatible with Bosch", "for Home Office", "适用于丰田",
          "兼容华为", "适用小米", "for Car Truck SUV"]
PACKAGING = ["with Gift Box", "in Storage Bag", "Retail Box", "礼盒装", "袋装", "盒装", "with Carry Case"]
BRANDS = ["ACME", "Zhongda", "Everbright", "HX-200", "YT2023", "Sunny", "QX", "KLM"]


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 6 or not word.isascii() or not word.isalpha():
        return word
    i = rng.randrange(1, len(word) - 2)
    if rng.random() < 0.5:
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    return word[:i] + word[i + 1:]


def _code(rng: random.Random) -> str:
    letters = "ABCDEFGHJKLMNPQRSTUVWXYZ"
    return f"{rng.choice(letters)}{rng.choice(letters)}-{rng.randrange(10, 99999)}"


def generate_titles(n: int, seed: int = 7, *, short: bool = False) -> list[str]:
    """``n`` distinct marketplace-style titles drawn from the shipped vocabulary (seeded, deterministic)."""
    import opencc

    from clusteratlas.atlas import load_atlas

    s2t = opencc.OpenCC("s2t")
    rng = random.Random(seed)
    atlas = load_atlas()
    inds = sorted(atlas.industries.values(), key=lambda i: i.id)
    pools = [([*i.terms.en, i.name_en], [*i.terms.zh, i.name_zh]) for i in inds]
    out: list[str] = []
    seen: set[str] = set()
    while len(out) < n:
        en_pool, zh_pool = rng.choice(pools)
        lang = rng.random()
        zh = lang < 0.4 and zh_pool
        term = rng.choice(zh_pool if zh else en_pool)
        if short:
            parts = [rng.choice(COLOURS), term, rng.choice(SIZES), rng.choice(COUNTS)]
        else:
            parts = [term]
            extras = [MATERIALS, COLOURS, SIZES, COUNTS, MARKETING, FEATURES, FEATURES, MARKETING, WEARERS,
                      COMPAT, PACKAGING]
            target = rng.randrange(5, 21)
            while sum(len(p.split()) if p.isascii() else 1 for p in parts) < target:
                pool = rng.choice(extras)
                word = rng.choice(pool)
                if lang < 0.4:  # Chinese titles: mostly Chinese words
                    if word.isascii() and rng.random() < 0.7:
                        continue
                elif lang < 0.8 and not word.isascii() and rng.random() < 0.8:
                    continue
                if pool is MATERIALS or pool is FEATURES or pool is COLOURS:
                    parts.insert(rng.randrange(0, len(parts)), word)
                else:
                    parts.append(word)
            if rng.random() < 0.5:
                parts.insert(0, rng.choice(BRANDS))
            parts.append(_code(rng))
        sep = "" if zh and rng.random() < 0.4 else " "
        title = sep.join(parts)
        x = rng.random()
        if x < 0.08:
            title = " ".join(_typo(w, rng) for w in title.split())
        elif x < 0.14:
            title = title.upper()
        elif x < 0.18:
            title = s2t.convert(title)
        elif x < 0.21:
            title = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in title)
        elif x < 0.6:
            title = " ".join(w[:1].upper() + w[1:] for w in title.split(" "))
        if title in seen:
            continue
        seen.add(title)
        out.append(title)
    return out


def write_catalogue(path: Path, titles: list[str], encoding: str = "utf-8") -> None:
    """A CSV with ``sku,title,price`` columns in ``encoding`` (unencodable characters replaced)."""
    with path.open("w", encoding=encoding, errors="replace", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "title", "price"])
        for i, t in enumerate(titles):
            w.writerow([f"SKU{i:07d}", t, f"{(i % 997) / 10:.2f}"])


_LATIN = re.compile(r"[a-z0-9]+")
_CJK = re.compile(r"[\u4e00-\u9fff]+")


def _bm25_tokens(text: str) -> list[str]:
    low = text.lower()
    toks = _LATIN.findall(low)
    for run in _CJK.findall(low):
        toks.extend(run[i:i + 2] for i in range(max(len(run) - 1, 1)))
    return toks


def bm25_baseline(src: Path, out: Path, encoding: str = "utf-8") -> tuple[int, float]:
    """Top-1 industry per row by BM25 (``bm25s``) over one document per industry; ``(rows, seconds)``."""
    import bm25s

    from clusteratlas.atlas import load_atlas

    atlas = load_atlas()
    ids = sorted(atlas.industries)
    docs = []
    for i in ids:
        ind = atlas.industries[i]
        docs.append(" ".join([ind.name_en, ind.name_zh, *ind.aliases, *ind.terms.en, *ind.terms.zh]))
    retriever = bm25s.BM25()
    retriever.index([_bm25_tokens(d) for d in docs], show_progress=False)
    t0 = time.perf_counter()
    with src.open(encoding=encoding, newline="") as fh:
        rows = list(csv.DictReader(fh))
    queries = [_bm25_tokens(r["title"] or "") or ["empty"] for r in rows]
    got, scores = retriever.retrieve(queries, k=1, show_progress=False, n_threads=1)
    with out.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "title", "price", "industry", "score"])
        for r, g, s in zip(rows, got[:, 0], scores[:, 0]):
            w.writerow([r["sku"], r["title"], r["price"], ids[g] if s > 0 else "", f"{s:.3f}"])
    return len(rows), time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--encoding", default="utf-8")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--workers", type=int, default=1, help="processes for match (default 1, as the baseline)")
    ap.add_argument("--short", action="store_true", help="short titles (term, colour, size, count)")
    ap.add_argument("--no-baseline", action="store_true")
    args = ap.parse_args(argv)
    from clusteratlas.match import match_file
    from clusteratlas.search import get_index

    t0 = time.perf_counter()
    index = get_index()
    t_index = time.perf_counter() - t0
    titles = generate_titles(args.rows, args.seed, short=args.short)
    words = sum(len(t.split()) for t in titles) / len(titles)
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "catalogue.csv"
        write_catalogue(src, titles, args.encoding)
        out = Path(tmp) / "matched.csv"
        t1 = time.perf_counter()
        report = match_file(src, "title", out, index=index, workers=args.workers)
        dt = time.perf_counter() - t1
        rate = report.rows / dt
        print(f"titles: {len(titles)} distinct, {words:.1f} space-separated words on average "
              f"({'short' if args.short else 'marketplace-style'}), seed {args.seed}")
        print(f"match: index load {t_index:.3f} s; {report.rows} rows in {dt:.2f} s = {rate:,.0f} rows/s "
              f"(workers {args.workers}); status {report.counts}")
        try:
            import bm25s  # noqa: F401
        except ImportError:
            print("bm25s top-1 baseline: skipped (bm25s is not installed: pip install '.[bench]')")
            args.no_baseline = True
        if not args.no_baseline:
            n, bt = bm25_baseline(src, Path(tmp) / "bm25.csv", args.encoding)
            print(f"bm25s top-1 baseline: {n} rows in {bt:.2f} s = {n / bt:,.0f} rows/s")
            print(f"ratio match / bm25s: {rate / (n / bt):.2f}x")
    return 0


if __name__ == "__main__":
    sys.exit(main())
