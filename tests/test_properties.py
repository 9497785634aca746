"""Issue 15, item 7: hypothesis properties. Any input to the table reader, the gazetteer's ``resolve_place``
and the query parser gives a result or a typed :class:`~clusteratlas.errors.AtlasError`, never another
exception; the table reader keeps one row per data line. Seeded (derandomize) and bounded."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

hypothesis = pytest.importorskip("hypothesis", reason="hypothesis is in the test extra")
from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from clusteratlas.errors import AtlasError  # noqa: E402

BOUNDED = settings(max_examples=80, deadline=None, derandomize=True, database=None,
                   suppress_health_check=list(HealthCheck))

#: Cells mixing ASCII, CSV syntax, Chinese, control characters and broken UTF-8 / GBK bytes.
_ALPHABET = st.sampled_from([b"a", b"1", b",", b'"', b"\n", b"\r\n", b"\t", b";", b" ", b"\x00", b"\xff",
                             "假发".encode(), "假发".encode("gbk"), "袜".encode("gbk")[:1], "\u2028".encode(),
                             b"\xef\xbb\xbf", b"=SUM(A1)"])
_CONTENT = st.lists(_ALPHABET, max_size=60).map(b"".join)


@BOUNDED
@given(content=_CONTENT, suffix=st.sampled_from([".csv", ".tsv", ".txt", ".xlsx", ".parquet"]),
       encoding=st.sampled_from([None, None, "utf-8", "gb18030", "latin-1"]))
def test_table_reader_any_bytes(content, suffix, encoding):
    from clusteratlas.tables import read_table_stream

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"t{suffix}"
        path.write_bytes(b"title,sku\n" + content)
        try:
            stream = read_table_stream(path, encoding=encoding)
            rows = list(stream)
        except AtlasError:
            return
        assert stream.columns
        if stream.format in ("csv", "tsv"):
            lines = (b"title,sku\n" + content).count(b"\n") + 1
            assert len(rows) <= lines  # one row per data line at most (quoted line breaks join lines)
            for row in rows:
                assert set(row) == set(stream.columns) and all(isinstance(v, str) for v in row.values())
                assert row.error is None or row.problem


@BOUNDED
@given(query=st.one_of(st.text(max_size=80), st.text(alphabet="北京市上海大唐镇诸暨 ,-·'()0123456789Zhuji",
                                                      max_size=40)),
       limit=st.integers(min_value=-2, max_value=50))
def test_resolve_place_any_text(query, limit):
    from clusteratlas.gazetteer import resolve_place

    try:
        found = resolve_place(query, limit=limit)
    except AtlasError:
        return
    assert isinstance(found, list)
    if limit > 0:
        assert len(found) <= limit
    for cand in found:
        d = cand.to_dict()
        assert "adcode" in d and "level" in d


@BOUNDED
@given(query=st.one_of(st.text(max_size=120), st.text(alphabet="wig假髮袜子 socks-HS6704 Yiwu义乌\x00\t\n",
                                                       max_size=60)))
def test_query_parser_any_text(query):
    from clusteratlas.search import find, get_index
    from clusteratlas.search._query import analyse_query

    index = get_index()
    try:
        analyse_query(query, index)
        results = find(query, limit=5)
    except AtlasError:
        return
    assert len(results) <= 5
