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
    nothing reaches the relevance floor (blank cells, numbers, services, unknown products).

The ``reason`` column says why a row is ``no_match``, and names any problem with the input line (a blank
line, more or fewer fields than the header, broken quoting), so that no input row is dropped silently.

Each distinct title is matched once (catalogues repeat titles; a bounded cache of :data:`CACHE_SIZE`
titles keeps memory constant), and files are streamed: memory does not grow with the file.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
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
REASON_NO_CLUSTER = "no cluster makes it"
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
                 cache_size: int = CACHE_SIZE) -> None:
        if index is None:
            from clusteratlas.search import get_index

            index = get_index()
        self.index = index
        self.ratio = ambiguity_ratio
        self.cache_size = cache_size
        self._cache = BoundedCache(cache_size)
        self.distinct = 0

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
        from clusteratlas._text import lenient_query, normalize
        from clusteratlas.search import analyse_text, best_hs_code, rank_clusters

        raw = lenient_query(value)
        text = normalize(raw) if raw else ""
        if isinstance(value, float) and math.isnan(value):
            text = ""
        if not text:
            return ProductMatch(raw, "no_match", reason=REASON_EMPTY)
        index = self.index
        qa = analyse_text(text, index)
        if not qa.hs_code and not qa.product_text:
            return ProductMatch(raw, "no_match", reason=REASON_NO_PRODUCT)  # a place or intent alone
        scored = rank_clusters(qa, index, explain=False)
        if not scored:
            return ProductMatch(raw, "no_match", reason=REASON_NO_CLUSTER)
        score, best, _, m = scored[0]
        runner = next((s for s in scored[1:] if s[1].industry != best.industry), None)
        ambiguous = runner is not None and runner[0] >= self.ratio * score
        if m is not None and m.kind == "hs":
            hs = m.term.split(",")[0]
        else:
            hs = best_hs_code(best.industry, qa.product_text, index)
        return ProductMatch(
            text=raw, status="ambiguous" if ambiguous else "matched", industry=best.industry,
            cluster_id=best.id, place_name=best.place.get("name"), place_name_zh=best.place.get("name_zh"),
            adcode=best.place.get("adcode"), score=round(score, 4), hs_code=hs,
            runner_up_industry=runner[1].industry if ambiguous else None,
            runner_up_cluster_id=runner[1].id if ambiguous else None,
            matched_term=m.term if m is not None else None,
        )

    def match_many(self, values: Iterable[Any]) -> Iterator[ProductMatch]:
        """One :class:`ProductMatch` per value, in order."""
        match = self.match
        for v in values:
            yield match(v)


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
    and memory stays bounded (at most ``2 × workers`` chunks in flight). ``on_open`` receives one line
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
            yield rows, [matcher.match(r.get(column)).values() for r in rows]
            report.distinct_titles = matcher.distinct
        return
    import multiprocessing as mp
    from collections import deque

    ctx = mp.get_context("fork") if "fork" in mp.get_all_start_methods() else mp.get_context()
    known: dict = {}  # results the main process has seen, so that a repeated title is sent out only once
    pending: deque = deque()

    def finish(item):
        rows, values, todo, fut = item
        results, distinct = fut.get()
        report.distinct_titles += distinct
        for v, res in zip(todo, results):
            known[v] = res
        if len(known) > CACHE_SIZE:
            known.clear()
            known.update(zip(todo, results))
        return rows, [known[v] for v in values]

    with ctx.Pool(workers, initializer=_init_worker, initargs=(index,)) as pool:
        for rows in chunks:
            values = [_key(r.get(column)) for r in rows]
            todo = list(dict.fromkeys(v for v in values if v not in known))
            pending.append((rows, values, todo, pool.apply_async(_match_chunk, (todo,))))
            if len(pending) >= 2 * workers:
                yield finish(pending.popleft())
        while pending:
            yield finish(pending.popleft())


def _key(value):
    """A hashable stand-in for a cell (XLSX and Parquet cells may be dates, decimals or bytes)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    return str(value)


_WORKER: Matcher | None = None


def _init_worker(index) -> None:
    global _WORKER
    _WORKER = Matcher(index)


def _match_chunk(values: list) -> tuple[list[tuple], int]:
    before = _WORKER.distinct
    return [_WORKER.match(v).values() for v in values], _WORKER.distinct - before
