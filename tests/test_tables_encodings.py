"""Issue 15, items 1–2: encodings decided per file with evidence, one bad line never loses the job."""

from __future__ import annotations

import csv
import io
import subprocess
import sys

import pytest

from clusteratlas._encoding import decide_encoding
from clusteratlas.tables import read_table_stream

TITLES = [("真人发假发套", "utf-8"), ("不锈钢保温杯", "gbk"), ("陶瓷茶杯", "utf-8"), ("袜子", "gbk"),
          ("玻璃", "gbk"), ("wig", "utf-8")]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusteratlas", *args], capture_output=True, text=True,
                          timeout=180)


def mixed_file(path, *, bad_line: bool = True, unclosed: bool = True, repeat: int = 1):
    """A CSV whose lines alternate UTF-8 and GBK; optionally one undecodable line and one unclosed quote."""
    parts = [b"sku,title\n"]
    expect = []
    n = 0
    for _ in range(repeat):
        for title, enc in TITLES:
            parts.append(f"{n},{title}\n".encode(enc))
            expect.append((str(n), title, enc))
            n += 1
    if bad_line:
        parts.append(b"900,\xff\xfe\xff\n")
        expect.append(("900", "\\xff\\xfe\\xff", "error"))  # kept, bad bytes escaped
    if unclosed:
        parts.append('901,"unclosed title\n'.encode())
        expect.append(("", "", "unclosed"))
    parts.append(f"902,{'假发'}\n".encode("gbk"))
    expect.append(("902", "假发", "gbk"))
    path.write_bytes(b"".join(parts))
    return expect


def test_mixed_file_is_read_line_by_line_with_notes(tmp_path):
    src = tmp_path / "m.csv"
    expect = mixed_file(src)
    stream = read_table_stream(src, column="title")
    assert stream.decision.mixed and "mixed encodings" in stream.describe()
    rows = list(stream)
    assert len(rows) == len(expect)
    for row, (sku, title, enc) in zip(rows, expect):
        assert (row["sku"], row["title"]) == (sku, title)
        if enc == "gbk":
            assert "decoded as GB18030" in row.problem
        elif enc == "error":
            assert row.error and "cannot be decoded" in row.error
        elif enc == "unclosed":
            assert "never closed" in row.problem and row.error is None
        else:
            assert row.problem is None


def test_small_mixed_file_not_read_as_gbk_or_latin1(tmp_path):
    src = tmp_path / "s.csv"
    src.write_bytes("title\n真人发假发套\n".encode() + "袜子\n".encode("gbk"))
    assert [r["title"] for r in read_table_stream(src)] == ["真人发假发套", "袜子"]


def test_one_gbk_line_among_many_utf8_lines(tmp_path):
    src = tmp_path / "big.csv"
    body = "".join(f"{i},不锈钢保温杯 {i}\n" for i in range(20_000)).encode()
    src.write_bytes(b"sku,title\n" + body + "10000000,袜子\n".encode("gbk") + "x,玻璃\n".encode())
    rows = list(read_table_stream(src))
    assert len(rows) == 20_002
    assert rows[20_000]["title"] == "袜子" and "GB18030" in rows[20_000].problem
    assert rows[-1]["title"] == "玻璃" and rows[-1].problem is None


def test_pure_gbk_file_decided_with_evidence(tmp_path):
    src = tmp_path / "g.csv"
    src.write_bytes("sku,title\n1,真人发假发套\n2,袜子\n".encode("gbk"))
    stream = read_table_stream(src)
    assert stream.encoding == "gb18030" and "charset-normalizer" in stream.describe()
    assert [r["title"] for r in stream] == ["真人发假发套", "袜子"]


def test_utf8_file_decision_and_given_encoding(tmp_path):
    src = tmp_path / "u.csv"
    src.write_bytes("sku,title\n1,真人发假发套\n".encode())
    d = decide_encoding(src, src.read_bytes())
    assert d.encoding == "utf-8-sig" and not d.mixed and "UTF-8" in d.evidence
    src.write_bytes("sku,title\n1,袜子\n2,wig\n".encode("gbk"))
    rows = list(read_table_stream(src, encoding="utf-8"))  # forced: the line it cannot decode is an error row
    assert rows[0].error and "cannot be decoded as UTF-8" in rows[0].error and rows[1]["title"] == "wig"


def test_unclosed_quote_keeps_its_row_and_the_rest(tmp_path):
    src = tmp_path / "c.csv"
    src.write_text('sku,title\n1,wig\n2,"unclosed\n3,socks\n4,"ok, quoted"\n', encoding="utf-8")
    rows = list(read_table_stream(src))
    assert [r["sku"] for r in rows] == ["1", "", "3", "4"]
    assert rows[1].problem.startswith("line 3") and "row left empty" in rows[1].problem
    assert rows[3]["title"] == "ok, quoted" and rows[3].problem is None
    src.write_text('sku,title\n1,wig\n2,"unclosed\n3,socks\n', encoding="utf-8")
    rows = list(read_table_stream(src))
    assert [r["sku"] for r in rows] == ["1", "", "3"] and "never closed" in rows[1].problem


def test_multiline_quoted_field_still_works(tmp_path):
    src = tmp_path / "c.csv"
    src.write_text('sku,title\n1,"two\nlines"\n2,socks\n', encoding="utf-8")
    rows = list(read_table_stream(src))
    assert rows[0]["title"] == "two\nlines" and rows[1]["title"] == "socks"


@pytest.mark.parametrize("command,column_check", [("match", "industry"), ("geocode", "status")])
def test_mixed_file_through_the_cli(tmp_path, command, column_check):
    src = tmp_path / "m.csv"
    expect = mixed_file(src)
    out = tmp_path / f"out-{command}.csv"
    res = run(command, str(src), "--column", "title", "--out", str(out))
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr
    assert "mixed encodings: UTF-8 and GB18030" in res.stderr  # the decision is reported
    rows = list(csv.DictReader(io.StringIO(out.read_text("utf-8"))))
    assert len(rows) == len(expect)  # one output row per input row
    for row, (sku, title, enc) in zip(rows, expect):
        assert (row["sku"], row["title"]) == (sku, title)
        if enc == "error":
            assert row["status"] == "error"
    if command == "match":
        by_title = {r["title"]: r for r in rows}
        assert by_title["不锈钢保温杯"]["industry"] == "vacuum-flasks"
        assert by_title["袜子"]["industry"] == "socks"
        assert "decoded as GB18030" in by_title["袜子"]["reason"]
    assert column_check in rows[0]


@pytest.mark.parametrize("lines", [
    [b"caf\xe9 chairs", b"plastic chairs"],                      # Latin-1 among ASCII (was read as cp1006)
    # (Cyrillic cp1251 is not tried: its byte pairs are valid GBK and can read as Chinese characters)
    ["wig".encode(), b"\xe0\xa1\xe2 Kl\xe4der", "袜子".encode()],  # one Latin-1 line in a UTF-8 file
])
def test_lines_neither_utf8_nor_chinese_become_error_rows_never_a_guessed_code_page(tmp_path, lines):
    src = tmp_path / "odd.csv"
    src.write_bytes(b"title\n" + b"\n".join(lines) + b"\n")
    rows = list(read_table_stream(src, column="title"))
    assert len(rows) == len(lines)
    for raw, row in zip(lines, rows):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            assert row.error and ("neither UTF-8 nor Chinese" in row.error or "cannot be decoded" in row.error)
            assert row["title"] == raw.decode("utf-8", "backslashreplace")  # kept, bad bytes escaped
        else:
            assert row["title"] == text and row.error is None


def test_an_undecodable_line_keeps_its_bytes_escaped_and_a_stray_quote_swallows_nothing(tmp_path):
    src = tmp_path / "bad.csv"
    src.write_bytes(b'sku,title,price\n1,wig,3\n2,\xff\x80"bad,line,5,6\n3,socks,4\n')
    rows = list(read_table_stream(src))
    assert [r["sku"] for r in rows] == ["1", "2", "3"]
    bad = rows[1]
    assert bad.error and "cannot be decoded" in bad.error and "kept as" in bad.error
    assert bad["title"] == '\\xff\\x80"bad' and bad["price"] == "line,5,6"
    assert rows[2]["title"] == "socks" and rows[2].error is None
    d = decide_encoding(src, src.read_bytes())
    assert "no code page is guessed" in d.evidence and "--encoding" in d.evidence
