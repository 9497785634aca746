"""Bulk matching of product lists: one result per product title, in order.

:func:`match_products` takes titles (any iterable) or a table file (CSV/TSV in UTF-8 or GBK/GB18030, XLSX,
Parquet) and finds for each title the industry, its best cluster and place, the score, the HS code that
links them, and a status:

``matched``
    one industry is clearly best;
``ambiguous``
    a second industry's best cluster scores at least :data:`AMBIGUITY_RATIO` of the first's (the runner-up
    is reported);
``no_match``
    nothing reaches the relevance floor (blank cells, numbers, services, unknown products); a title whose
    product no industry makes gets the reason "not covered by the atlas: <head phrase>", and
    :class:`MatchReport` counts those head phrases (``clusteratlas match`` lists them at the end and writes
    them with ``--report``).

A long marketplace title is read for its head (:mod:`clusteratlas.search._title`): compatibility ("for
Toyota", 适用于…), accessories ("with …") and packaging ("50kg bag", 礼盒装) are cut; materials and other
industries' modifiers count less; the lead segment of a spaced Chinese title names the product; a wearer
word (kids, 儿童, dog, 宠物) moves apparel to children's clothing or pet supplies; typos are tried (English
edits, Chinese homophones) only when nothing matched as written. Heads that differ only in codes, sizes
and unknown words share one decision, and a fast path (:mod:`clusteratlas.search._fast`) decides clear
long titles from whole terms before the full ranking.

The ``reason`` column says why a row is ``no_match``, and names any problem with the input line (a blank
line, more or fewer fields than the header, broken quoting), so that no input row is dropped silently.

Each distinct title is matched once (catalogues repeat titles; a bounded cache of :data:`CACHE_SIZE`
titles keeps memory constant), and files are streamed: memory does not grow with the file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any

from clusteratlas._cache import BoundedCache
from clusteratlas.tables import Progress, TableReport

#: A runner-up industry whose best cluster scores at least this share of the best makes a title ambiguous.
AMBIGUITY_RATIO = 0.9
#: Distinct titles remembered.
CACHE_SIZE = 200_000
#: The columns every matched row gains (renamed ``match_<name>`` when the input already has the name).
MATCH_FIELDS = ("industry", "cluster_id", "place_name", "place_name_zh", "adcode", "score", "hs_code",
                "status", "runner_up_industry", "runner_up_cluster_id", "matched_term", "reason")
#: Reasons given for ``no_match``.
REASON_EMPTY = "empty title"
REASON_NO_PRODUCT = "no product named"
REASON_NO_CLUSTER = "no cluster makes it"  # earlier reason, kept for callers; titles now say what is missing
REASON_NOT_COVERED = "not covered by the atlas"
#: A cell holding a spreadsheet formula's text (``=HYPERLINK(…)``, ``=A2&" socks"``): not a title.
REASON_FORMULA = "a spreadsheet formula, not a title"
#: A formula whose shown text (a HYPERLINK's label) was matched instead.
REASON_FORMULA_READ = "a spreadsheet formula: matched the text it shows,"
#: A title whose best cluster scores below this is not covered by the atlas (calibrated on the tuning set
#: ``tests/data/tuning/titles.tsv``; see docs/notes/search-results.md).
TITLE_FLOOR = 0.5
#: Heads at least this long (characters) try the fast path first (:mod:`clusteratlas.search._fast`).
FAST_MIN_CHARS = 12
#: Markers of :meth:`Matcher._decide`: no product words in the head; nothing covers the head.
_NO_PRODUCT, _REJECTED = "no product", "rejected"
#: The values of ``status``.
MATCH_STATUSES = ("matched", "ambiguous", "no_match")


@dataclass(frozen=True)
class ProductMatch:
    """The match of one title; empty fields (None) when ``status`` is ``no_match``."""

    text: str
    status: str
    industry: str | None = None
    cluster_id: str | None = None
    place_name: str | None = None
    place_name_zh: str | None = None
    adcode: str | None = None
    score: float | None = None
    hs_code: str | None = None
    runner_up_industry: str | None = None
    runner_up_cluster_id: str | None = None
    matched_term: str | None = None
    reason: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """All fields as a dict."""
        return asdict(self)

    def values(self) -> tuple:
        """The :data:`MATCH_FIELDS` in order."""
        return tuple(getattr(self, f) for f in MATCH_FIELDS)


@dataclass
class MatchReport(TableReport):
    """What a file match did: counts by status, the input's format and encoding, where the output went,
    and how many distinct titles were matched."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MATCH_STATUSES, 0))
    distinct_titles: int = 0
    #: head phrase -> rows rejected as "not covered by the atlas: <head phrase>"
    not_covered: dict[str, int] = field(default_factory=dict)

    def not_covered_summary(self, limit: int = 10) -> str | None:
        """One line naming the most frequent head phrases the atlas does not cover, or None."""
        if not self.not_covered:
            return None
        top = sorted(self.not_covered.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
        more = len(self.not_covered) - len(top)
        listed = "; ".join(f"{p} ({n})" for p, n in top)
        return (f"Not covered by the atlas: {sum(self.not_covered.values())} rows, {len(self.not_covered)} "
                f"products: {listed}" + (f"; and {more} more" if more > 0 else ""))

    def write_not_covered(self, path: str | Path) -> None:
        """Write the head phrases not covered as a TSV file (``head_phrase``, ``rows``), most frequent first.

        Raises
        ------
        InputFileError
            When the file cannot be written.
        """
        from clusteratlas.errors import InputFileError

        rows = sorted(self.not_covered.items(), key=lambda kv: (-kv[1], kv[0]))
        try:
            from clusteratlas.tables import atomic_write

            with atomic_write(path, "w", encoding="utf-8", newline="") as fh:
                fh.write("head_phrase\trows\n")
                for p, n in rows:
                    fh.write(f"{p}\t{n}\n")
        except OSError as exc:
            raise InputFileError(f"cannot write the report {path}: {exc.strerror or exc}") from None

    def summary(self) -> str:
        """One line for the user."""
        rate = self.rows / self.seconds if self.seconds else 0.0
        c = self.counts
        return (f"Matched {self.rows} rows ({self.distinct_titles} distinct titles) in {self.seconds:.1f} s "
                f"({rate:,.0f} rows/s): {c['matched']} matched, {c['ambiguous']} ambiguous, "
                f"{c['no_match']} no_match" + (f", {c['error']} error (undecodable lines)" if c.get("error") else "")
                + f" -> {self.out or 'stdout'}")


class Matcher:
    """Matches titles against one search index, remembering each distinct title's result.

    Parameters
    ----------
    index : SearchIndex, optional
        Default: the shipped atlas's index (see :func:`clusteratlas.search.get_index`).
    """

    def __init__(self, index=None, *, ambiguity_ratio: float = AMBIGUITY_RATIO,
                 cache_size: int = CACHE_SIZE, title_floor: float = TITLE_FLOOR) -> None:
        if index is None:
            from clusteratlas.search import get_index

            index = get_index()
        self.index = index
        self.ratio = ambiguity_ratio
        self.cache_size = cache_size
        self._cache = BoundedCache(cache_size)
        self._heads = BoundedCache(cache_size)
        self._fast = self._reader = None
        self.distinct = 0
        self.floor = title_floor
        #: head phrase -> titles rejected as not covered by the atlas (distinct titles)
        self.not_covered: dict[str, int] = {}
        voc = index.industry_voc
        from clusteratlas.search._words import MODIFIERS

        self._known = lambda s: s in voc.by_token and s not in MODIFIERS

    def match(self, value: Any) -> ProductMatch:
        """The match of one cell (any value: None, numbers and long text are safe)."""
        hashable = isinstance(value, (str, int, float)) or value is None
        hit = self._cache.get(value) if hashable else None
        if hit is not None:
            return hit
        result = self._match(value)
        if hashable:
            self._cache.set(value, result)
        self.distinct += 1
        return result

    def _match(self, value: Any) -> ProductMatch:
        """A formula cell (:func:`clusteratlas.tables.formula_display`) is read as the text it shows, and is
        never counted as a product the atlas does not cover; any other cell as it is."""
        from clusteratlas.tables import formula_display

        shown = formula_display(value)
        if shown is None:
            result = self._match_text(value)
        else:
            from clusteratlas._text import lenient_query

            result = self._match_text(shown) if shown else None
            raw = lenient_query(value)
            if result is None or result.status == "no_match":
                said = f"; the text it shows, {shown!r}, names no product" if shown else ""
                return ProductMatch(raw, "no_match", reason=REASON_FORMULA + said)
            result = replace(result, text=raw, reason=f"{REASON_FORMULA_READ} {shown!r}")
        if result.reason and result.reason.startswith(_NOT_COVERED_PREFIX):
            phrase = result.reason[len(_NOT_COVERED_PREFIX):]
            self.not_covered[phrase] = self.not_covered.get(phrase, 0) + 1
        return result

    def _match_text(self, value: Any) -> ProductMatch:
        from clusteratlas._text import lenient_query, normalize
        from clusteratlas.search._title import head_phrase, read_title, reduce_head, uncovered_lead, without_claims
        from clusteratlas.search._title import TitleParts, package_lead, without_origin
        from clusteratlas.search._typo import corrected_lead, corrected_title

        raw = lenient_query(value)
        text = normalize(raw) if raw else ""
        if isinstance(value, float) and math.isnan(value):
            text = ""
        if not text:
            return ProductMatch(raw, "no_match", reason=REASON_EMPTY)
        index = self.index
        tp = read_title(without_origin(text), self._known)
        lead = corrected_lead(tp.head, index, self._known)
        if lead:  # "blutooth speaker … bass": the misspelt first word names the product
            tp = TitleParts(tp.text, lead, tp.wearers)
        got = self._fast_decide(tp.head, tp.wearers)  # clear long titles: no need to reduce or cache them
        if got is None:
            got = self._decide(reduce_head(tp.head, index), tp.wearers)
        if isinstance(got, tuple) and " " not in tp.head.strip() and tp.head != text:
            got = self._compound_after_cut(tp.head, text, tp.wearers, got)
        if got is _NO_PRODUCT:
            if tp.head == text:
                return ProductMatch(raw, "no_match", reason=REASON_NO_PRODUCT)  # a place or intent alone
            got = self._decide(reduce_head(text, index), tp.wearers)
        if got is _NO_PRODUCT or got is _REJECTED:
            bare = without_claims(tp.head)  # "replacement lenses for …": the lenses are sold
            if bare:
                got = self._decide(reduce_head(bare, index), tp.wearers)
        if got is _NO_PRODUCT or got is _REJECTED:
            fixed = None if uncovered_lead(tp.head, index) else corrected_title(tp.head, index)
            if fixed:  # typos, only for titles that matched nothing as written
                got = self._decide(fixed, tp.wearers)
        if (got is _NO_PRODUCT or got is _REJECTED) and package_lead(text):
            packed = read_title(without_origin(text), self._known, keep_packaging=True).head
            if packed != tp.head:  # "custom gift box magnetic closure rigid": the package is the product
                got = self._decide(reduce_head(packed, index), tp.wearers)
        if got is _NO_PRODUCT or got is _REJECTED:
            return ProductMatch(raw, "no_match", reason=f"{REASON_NOT_COVERED}: {head_phrase(tp.head)}")
        return ProductMatch(raw, *got)

    def _compound_after_cut(self, head: str, text: str, wearers: tuple[str, ...], got: tuple) -> tuple:
        """``got`` for a one-word head left by a compatibility cut ("paper" of "paper for chinese calligraphy
        xuan"), unless the whole title matches a term of several words that holds that word ("xuan paper",
        "sofa cover"): then the whole title's match, which names the kind of product."""
        from clusteratlas._text import WORD_RE, stem
        from clusteratlas.search._title import reduce_head

        whole = self._decide(reduce_head(text, self.index), wearers)
        if not isinstance(whole, tuple) or not whole[10] or whole[1] == got[1]:
            return got
        words = {stem(w) for w in WORD_RE.findall(whole[10].lower())}
        return whole if len(words) >= 2 and stem(head.strip()) in words else got

    def _fast_decide(self, head: str, wearers: tuple[str, ...]):
        """The fast path's match fields for a long head text (:mod:`clusteratlas.search._fast`), or None."""
        from clusteratlas.search import best_hs_code
        from clusteratlas.search._lead import product_lead
        from clusteratlas.search._title import lead_segment, uncovered_lead

        if len(head) < FAST_MIN_CHARS or uncovered_lead(head, self.index):
            return None
        index = self.index
        if self._fast is None:
            from clusteratlas.search._fast import fast_titles, word_reader

            self._fast, self._reader = fast_titles(index), word_reader(index)
        fh = self._fast.decide(head, wearers, self._reader, product_lead(head, lead_segment(head), index))
        if fh is None or (wearers and fh.industry in _MOVED_BY_WEARER):
            return None  # (food for pets, machines for children: see _for_pet_or_child)
        c = fh.cluster
        return ("matched", fh.industry, c.id, c.place.get("name"), c.place.get("name_zh"), c.place.get("adcode"),
                round(fh.score, 4), best_hs_code(fh.industry, head, index), None, None, fh.term, None)

    def _decide(self, head: str, wearers: tuple[str, ...]):
        """The match fields (after ``text``) for a reduced head text, remembered per (head, wearers):
        titles that differ only in sizes, codes and words unknown to the vocabulary are decided once."""
        key = (head, wearers)
        got = self._heads.get(key)
        if got is None:
            got = self._heads.set(key, self._decide_new(head, wearers))
        return got

    def _decide_new(self, head: str, wearers: tuple[str, ...]):
        from clusteratlas.search import analyse_text, best_hs_code, rank_clusters
        from clusteratlas.search._lead import product_lead
        from clusteratlas.search._title import lead_segment, uncovered_lead, unknown_lead

        index = self.index
        qa = analyse_text(head, index)
        if not qa.hs_code and not qa.product_text:
            return _NO_PRODUCT
        scored = rank_clusters(qa, index, explain=False)
        if scored and not qa.hs_code and not qa.places and (
                scored[0][0] < self.floor or uncovered_lead(head, self.index)
                or (_is_attribute(scored[0][3], index) and unknown_lead(head, self._known))):
            scored = []  # an attribute alone ("carbon fiber" of a tennis racket) does not make a match
        if not scored:
            return _REJECTED
        if not qa.hs_code:  # a place in the title ("苏州 红木") names where, never what
            lead0 = lead_segment(head)
            lead = product_lead(head, lead0, index)
            if lead:
                from clusteratlas.search._rank import product_hits

                first = product_hits(lead, index)[0]
                if lead != lead0 and " " not in lead:  # a later segment that is one industry's whole term: that industry
                    first = {k: h for k, h in first.items() if h.term == lead}
                kept = [s for s in scored if s[1].industry in first]
                if kept:
                    scored = kept  # a spaced Chinese title names its product first: 汽车刹车片 前片 陶瓷
                else:
                    scored = _lead_term(lead, first, index) or scored
        scored = _for_wearer(scored, wearers, index)
        scored = _for_pet_or_child(scored, head, wearers, index)
        score, best, _, m = scored[0]
        runner = next((s for s in scored[1:] if s[1].industry != best.industry), None)
        ambiguous = runner is not None and runner[0] >= self.ratio * score
        if m is not None and m.kind == "hs":
            hs = m.term.split(",")[0]
        else:
            hs = best_hs_code(best.industry, qa.product_text, index)
        return ("ambiguous" if ambiguous else "matched", best.industry, best.id, best.place.get("name"),
                best.place.get("name_zh"), best.place.get("adcode"), round(score, 4), hs,
                runner[1].industry if ambiguous else None, runner[1].id if ambiguous else None,
                m.term if m is not None else None, None)

    def match_many(self, values: Iterable[Any]) -> Iterator[ProductMatch]:
        """One :class:`ProductMatch` per value, in order."""
        match = self.match
        for v in values:
            yield match(v)


def _lead_term(lead: str, first: dict, index) -> list:
    """The ranking of a Chinese lead segment that is, whole, one industry's term and no attribute
    (拉链 in "拉链 金属 铜拉链 牛仔裤": a zip for jeans), or [] — when the full ranking found none of the
    lead's industries, a short term in a long title having scored below the relevance floor."""
    from clusteratlas._text import has_cjk, normalize
    from clusteratlas.search import analyse_text, rank_clusters
    from clusteratlas.search._demote import attribute_terms

    if not has_cjk(lead):
        return []
    attrs = attribute_terms(index)
    whole = [k for k, h in first.items() if normalize(h.term) == lead and (h.owner, h.term) not in attrs]
    if len(whole) != 1:
        return []
    return [s for s in rank_clusters(analyse_text(lead, index), index, explain=False) if s[1].industry == whole[0]]


def _is_attribute(hit, index) -> bool:
    from clusteratlas.search._demote import attribute_terms

    return hit is not None and (hit.owner, hit.term) in attribute_terms(index)


def _for_wearer(scored: list, wearers: tuple[str, ...], index) -> list:
    """Apparel for a wearer (儿童连衣裙, a dog's sweater) moves to the wearer's industry: its best cluster
    first, at the score of the best match."""
    if not wearers or not scored:
        return scored
    from clusteratlas.search._rank import ROLE_WEIGHTS
    from clusteratlas.search._title import WEARER_MOVES

    score, best, parts, m = scored[0]
    for ind in wearers:
        if ind == best.industry or best.industry not in WEARER_MOVES[ind]:
            continue
        clusters = index.by_industry.get(ind)
        if not clusters:
            continue
        top = max(clusters, key=lambda c: (ROLE_WEIGHTS[c.role], c.evidence, c.id))
        return [(score, top, parts, m), *scored]
    return scored


def _moved_by_wearer() -> frozenset[str]:
    from clusteratlas.search._words import PET_FOOD_FROM, TOY_MACHINES_FROM

    return PET_FOOD_FROM | TOY_MACHINES_FROM


_MOVED_BY_WEARER = _moved_by_wearer()


def _for_pet_or_child(scored: list, head: str, wearers: tuple[str, ...], index) -> list:
    """Food for pets is pet food (宠物 羊奶粉: :data:`~clusteratlas.search._words.PET_FOOD_FROM`), a remote-control
    machine for children a toy (儿童 遥控 挖掘机: :data:`~clusteratlas.search._words.TOY_MACHINES_FROM`): the
    target industry's best cluster first, at the score of the best match."""
    if not wearers or not scored:
        return scored
    from clusteratlas.search import _words as w

    best = scored[0][1].industry
    target = None
    if "pet-supplies" in wearers and best in w.PET_FOOD_FROM and (
            w.PET_FOOD_WORDS.intersection(head.split()) or any(z in head for z in w.ZH_PET_FOOD_WORDS)):
        target = "pet-food"
    elif "childrens-clothing" in wearers and best in w.TOY_MACHINES_FROM and any(
            r in head + " " for r in w.REMOTE_CONTROL_WORDS):
        target = "toys"
    clusters = index.by_industry.get(target) if target else None
    if not clusters:
        return scored
    from clusteratlas.search._rank import ROLE_WEIGHTS

    top = max(clusters, key=lambda c: (ROLE_WEIGHTS[c.role], c.evidence, c.id))
    score, _, parts, m = scored[0]
    return [(score, top, parts, m), *scored]


def match_products(source, column: str | None = None, out: str | Path | None = None, *, atlas=None,
                   data_dir: str | Path | None = None, encoding: str | None = None, sheet: str | None = None,
                   progress: Progress | None = None):
    """Match product titles to clusters.

    Parameters
    ----------
    source : iterable of str, or str / Path
        Titles, or a table file (CSV, TSV, XLSX, Parquet; CSV/TSV in UTF-8 or GBK/GB18030, detected).
    column : str
        With a file: the column holding the titles (required).
    out : str or Path, optional
        With a file: where to write the input's columns plus :data:`MATCH_FIELDS`, one row per input row in
        the same order (CSV, TSV, XLSX, Parquet, JSON or NDJSON by extension; written atomically). None or
        ``"-"``: CSV on stdout.
    atlas, data_dir
        Match against this atlas or data folder instead of the shipped one.
    encoding, sheet
        Force the text encoding; pick the XLSX sheet.
    progress : callable, optional
        With a file: ``progress(rows done, total rows or None)``, called as the work goes on (the CLI draws
        its progress bar with it).

    Returns
    -------
    list of ProductMatch
        For an iterable of titles.
    MatchReport
        For a file.

    Raises
    ------
    InputFileError
        Missing or unreadable file, unknown format, missing column.
    """
    from clusteratlas.search import get_index

    index = get_index(atlas, data_dir=data_dir)
    if isinstance(source, (str, Path)):
        from clusteratlas.errors import InputFileError

        if column is None:
            raise InputFileError("matching a file needs the column that holds the product titles (--column)")
        return match_file(source, column, out, index=index, encoding=encoding, sheet=sheet, progress=progress)
    return list(Matcher(index).match_many(source))


def match_file(path: str | Path, column: str, out: str | Path | None = None, *, index=None,
               encoding: str | None = None, sheet: str | None = None, progress: Progress | None = None,
               workers: int | None = None, on_open: Callable[[str], None] | None = None) -> MatchReport:
    """Match the titles in one column of a table file; see :func:`match_products`.

    Built on :func:`clusteratlas.tables.annotate_table`: the input's columns, then :data:`MATCH_FIELDS`
    (renamed ``match_<name>`` when the input has the name), one row per input row, in order.
    ``workers``: processes matching in parallel (default: up to two when the file has more than
    :data:`PARALLEL_ROWS` rows and the machine more than one core); rows still come out in input order
    and memory stays bounded (at most ``2 × workers`` chunks in flight). Workers are forked when the caller
    runs one thread, else started from a forkserver (a script calling this from a multi-threaded program
    needs an ``if __name__ == "__main__":`` guard, as with spawn). ``on_open`` receives one line
    describing the input (format, encoding, columns) once it is open.

    Raises
    ------
    InputFileError
        Missing or unreadable file, unknown format, missing column, unwritable output.
    """
    import os

    from clusteratlas.tables import annotate_table

    if index is None:
        from clusteratlas.search import get_index

        index = get_index()
    report = MatchReport()

    def annotate(chunks):
        n_workers = workers
        if n_workers is None:
            big = report.total_rows is None or report.total_rows > PARALLEL_ROWS
            n_workers = min(2, os.cpu_count() or 1) if big else 1
        yield from _chunks_matched(chunks, column, index, n_workers, report)

    return annotate_table(path, column, out, MATCH_FIELDS, annotate, prefix="match_", statuses=MATCH_STATUSES,
                          report=report, float_fields=("score",), reason_field="reason", encoding=encoding,
                          sheet=sheet, progress=progress, on_open=on_open, chunk_rows=CHUNK_ROWS)


#: Files with more rows than this are matched by two processes (when the machine has two cores).
PARALLEL_ROWS = 20_000
#: Rows per chunk handed to a worker process.
CHUNK_ROWS = 4096


def _chunks_matched(chunks, column: str, index, workers: int, report: MatchReport):
    """``(rows, result tuples)`` per chunk, in input order; in worker processes when ``workers > 1``."""
    if workers <= 1:
        matcher = Matcher(index)
        for rows in chunks:
            values = [matcher.match(_cell(r, column)).values() for r in rows]
            _count_not_covered(values, report)
            yield rows, values
            report.distinct_titles = matcher.distinct
        return
    import multiprocessing as mp
    from collections import deque

    import threading

    methods = mp.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        ctx = mp.get_context("fork")  # one thread: nothing can hold a lock at the fork (the CLI's case)
    elif "forkserver" in methods:
        # forking a process that runs other threads (a web server, a test runner, a thread pool) can copy a
        # lock in its held state and hang the child for ever; a forkserver child starts clean (like spawn,
        # it imports the main module again: scripts need ``if __name__ == "__main__":``)
        ctx = mp.get_context("forkserver")
        ctx.set_forkserver_preload(["clusteratlas.match"])
    else:
        ctx = mp.get_context("spawn")
    known: dict = {}  # results the main process has seen, so that a repeated title is sent out only once
    pending: deque = deque()

    def finish(item):
        rows, values, todo, fut = item
        results = fut.get()
        for v, res in zip(todo, results):
            # a title sent again while an earlier chunk holding it was still out is counted once
            if v not in known:
                report.distinct_titles += 1
            known[v] = res
        if len(known) > CACHE_SIZE:
            known.clear()
            known.update(zip(todo, results))
        out = [known[v] for v in values]
        _count_not_covered(out, report)
        return rows, out

    with ctx.Pool(workers, initializer=_init_worker, initargs=(index,)) as pool:
        for rows in chunks:
            values = [_key(_cell(r, column)) for r in rows]
            todo = list(dict.fromkeys(v for v in values if v not in known))
            pending.append((rows, values, todo, pool.apply_async(_match_chunk, (todo,))))
            if len(pending) >= 2 * workers:
                yield finish(pending.popleft())
        while pending:
            yield finish(pending.popleft())


_REASON_AT = MATCH_FIELDS.index("reason")
_NOT_COVERED_PREFIX = REASON_NOT_COVERED + ": "


def _count_not_covered(values: list[tuple], report: MatchReport) -> None:
    counts = report.not_covered
    for v in values:
        reason = v[_REASON_AT]
        if reason and reason.startswith(_NOT_COVERED_PREFIX):
            phrase = reason[len(_NOT_COVERED_PREFIX):]
            counts[phrase] = counts.get(phrase, 0) + 1


def _cell(row, column: str):
    """The cell to match; None for an undecodable line (its cells hold escaped bytes, not a title)."""
    return None if getattr(row, "error", None) else row.get(column)


def _key(value):
    """A hashable stand-in for a cell (XLSX and Parquet cells may be dates, decimals or bytes)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    return str(value)


_WORKER: Matcher | None = None


def _init_worker(index) -> None:
    global _WORKER
    _WORKER = Matcher(index)


def _match_chunk(values: list) -> list[tuple]:
    return [_WORKER.match(v).values() for v in values]
