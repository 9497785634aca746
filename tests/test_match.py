"""Bulk matching: match_products, the table readers and writers, and ``clusteratlas match``."""

from __future__ import annotations

import csv
import json
import os
import random
import subprocess
import sys

import pytest

from clusteratlas.errors import InputFileError
from clusteratlas.match import MATCH_FIELDS, Matcher, match_file, match_products

TITLES = ["Lace Front Wig Human Hair 24 inch", "", "12345", "不锈钢保温杯 500ml", "women running shoes", "6704",
          "weather forecast", "假髮 黑色", "x" * 5000, "ＳＯＣＫＳ 10 pairs", "phone case", None, "glass"]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusteratlas", *args], capture_output=True, text=True,
                          timeout=600, env={**os.environ, "COLUMNS": "200"}, check=False)


def _write_csv(path, titles, encoding="utf-8", delimiter=","):
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(["sku", "title"])
        for i, t in enumerate(titles):
            w.writerow([f"S{i}", "" if t is None else t])


def _read_csv(path):
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_match_products_on_titles_one_result_each_in_order():
    got = match_products(TITLES)
    assert len(got) == len(TITLES)
    status = [g.status for g in got]
    assert got[0].industry == "wigs" and got[0].cluster_id == "xuchang-wigs" and got[0].adcode == "411000"
    assert got[0].hs_code.startswith("6704")
    assert status[1] == status[2] == status[6] == status[8] == status[11] == "no_match"
    assert got[3].industry == "vacuum-flasks" and got[4].industry == "footwear"
    assert got[5].industry == "wigs" and got[5].hs_code == "6704"
    assert got[7].industry == "wigs" and got[9].industry == "socks" and got[12].industry == "flat-glass"
    assert all(s in ("matched", "ambiguous", "no_match") for s in status)


def test_ambiguous_titles_name_the_runner_up():
    m = Matcher(ambiguity_ratio=0.0)  # every second industry counts
    got = m.match("pet toys")
    assert got.status == "ambiguous" and got.runner_up_industry not in (None, got.industry)
    glass = Matcher().match("glass")
    assert (glass.status, glass.industry, glass.runner_up_industry) == ("ambiguous", "flat-glass", "eyewear")
    assert glass.runner_up_cluster_id.endswith("-eyewear")
    assert Matcher().match("lace front wig").runner_up_industry is None


def test_repeated_titles_are_matched_once():
    m = Matcher()
    for _ in range(3):
        m.match("socks")
        m.match("wig")
    assert m.distinct == 2


@pytest.mark.parametrize("encoding,expected", [("utf-8", "utf-8-sig"), ("gbk", "gb18030"), ("gb18030", "gb18030")])
def test_csv_in_utf8_or_gbk_keeps_columns_and_order(tmp_path, encoding, expected):
    src = tmp_path / "cat.csv"
    titles = [t for t in TITLES if t is None or t.encode(encoding, "ignore").decode(encoding) == t]
    _write_csv(src, titles, encoding=encoding)
    out = tmp_path / "out.csv"
    report = match_file(src, "title", out, workers=1)
    assert report.encoding == expected and report.encoding_detected and report.rows == len(titles)
    rows = _read_csv(out)
    assert [r["sku"] for r in rows] == [f"S{i}" for i in range(len(titles))]
    assert list(rows[0]) == ["sku", "title", *MATCH_FIELDS]
    assert rows[0]["industry"] == "wigs" and rows[1]["status"] == "no_match"


def test_tsv_xlsx_and_parquet_in_and_out(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    titles = ["wig", "socks", "", "眼镜"]
    tsv = tmp_path / "cat.tsv"
    _write_csv(tsv, titles, delimiter="\t")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["sku", "title"])
    for i, t in enumerate(titles):
        ws.append([i, t or None])
    wb.save(tmp_path / "cat.xlsx")
    pq.write_table(pa.table({"sku": list(range(4)), "title": [t or None for t in titles]}), tmp_path / "cat.parquet")
    for name in ("cat.tsv", "cat.xlsx", "cat.parquet"):
        for out_name in ("o.csv", "o.tsv", "o.xlsx", "o.parquet"):
            out = tmp_path / out_name
            match_file(tmp_path / name, "title", out, workers=1)
            if out_name == "o.parquet":
                table = pq.read_table(out).to_pydict()
                industries, status = table["industry"], table["status"]
                assert isinstance(table["score"][0], float)
            elif out_name == "o.xlsx":
                rows = list(openpyxl.load_workbook(out, read_only=True).active.iter_rows(values_only=True))
                head = list(rows[0])
                industries = [r[head.index("industry")] for r in rows[1:]]
                status = [r[head.index("status")] for r in rows[1:]]
            else:
                with out.open(encoding="utf-8", newline="") as fh:
                    rows = list(csv.DictReader(fh, delimiter="\t" if out_name.endswith("tsv") else ","))
                industries = [r["industry"] or None for r in rows]
                status = [r["status"] for r in rows]
            assert industries == ["wigs", "socks", None, "eyewear"], (name, out_name)
            assert status[2] == "no_match"


def test_input_column_names_are_kept_apart(tmp_path):
    src = tmp_path / "cat.csv"
    src.write_text("industry,status\nsocks,new\n", encoding="utf-8")
    match_file(src, "industry", tmp_path / "o.csv", workers=1)
    row = _read_csv(tmp_path / "o.csv")[0]
    assert row["industry"] == "socks" and row["match_industry"] == "socks" and row["status"] == "new"
    assert row["match_status"] == "matched"


def test_parallel_workers_give_the_same_rows(tmp_path):
    src = tmp_path / "cat.csv"
    rng = random.Random(1)
    # repeated titles spread over many chunks, so a title is often out in two chunks at once
    titles = [f"{rng.choice(TITLES[:11])} model {rng.randrange(1500)}" for _ in range(20000)]
    _write_csv(src, titles)
    one = match_file(src, "title", tmp_path / "one.csv", workers=1)
    report = match_file(src, "title", tmp_path / "two.csv", workers=2)
    assert report.rows == 20000
    assert (tmp_path / "one.csv").read_bytes() == (tmp_path / "two.csv").read_bytes()
    assert report.distinct_titles == one.distinct_titles == len(set(titles))


def test_file_errors_are_input_file_errors(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        match_products(tmp_path / "missing.csv", "title")
    src = tmp_path / "cat.csv"
    _write_csv(src, ["wig"])
    with pytest.raises(InputFileError, match="no column 'titel'"):
        match_products(src, "titel")
    with pytest.raises(InputFileError, match="column"):
        match_products(str(src))


def test_cli_match_to_stdout_reports_encoding(tmp_path):
    src = tmp_path / "cat.csv"
    _write_csv(src, ["wig", "袜子"], encoding="gbk")
    res = run("match", str(src), "--column", "title")
    assert res.returncode == 0, res.stderr
    assert "gb18030 (detected)" in res.stderr and "Traceback" not in res.stderr
    rows = list(csv.DictReader(res.stdout.splitlines()))
    assert [r["industry"] for r in rows] == ["wigs", "socks"]


def test_cli_match_bad_input_is_one_line(tmp_path):
    res = run("match", str(tmp_path / "missing.csv"), "--column", "title")
    assert res.returncode == 1 and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    src = tmp_path / "cat.csv"
    _write_csv(src, ["wig"])
    res = run("match", str(src), "--column", "nope")
    assert res.returncode == 1 and "no column 'nope'" in res.stderr and "Traceback" not in res.stderr


@pytest.mark.slow
def test_cli_match_100k_gbk_rows_in_order_without_traceback(tmp_path):
    rng = random.Random(4)
    words = ["假发", "袜子", "lace front wig", "socks", "sunglasses", "拉杆箱", "LED灯", "玩具", "钓鱼竿", "保温杯"]
    src = tmp_path / "catalogue_gbk.csv"
    n = 100_000
    with src.open("w", encoding="gbk", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["sku", "title", "note"])
        for i in range(n):
            r = rng.random()
            if r < 0.05:
                title = ""
            elif r < 0.10:
                title = str(rng.randrange(10**9))
            elif r < 0.11:
                title = "长" * 5000
            else:
                title = f"{rng.choice(words)} {rng.randrange(100)}号 {rng.choice(['黑色', 'red', '大号', ''])}"
            w.writerow([i, title, "备注" if i % 7 else ""])
    out = tmp_path / "matched.csv"
    res = run("match", str(src), "--column", "title", "--out", str(out), "--no-progress")
    assert res.returncode == 0, res.stderr[-2000:]
    assert "Traceback" not in res.stderr and "gb18030" in res.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader)
        sku = header.index("sku")
        count = 0
        for i, row in enumerate(reader):
            assert row[sku] == str(i)
            count += 1
    assert count == n
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    json.dumps(header)


def test_every_input_line_gives_a_row_and_problems_are_reported(tmp_path):
    src = tmp_path / "cat.csv"
    src.write_text("sku,title\n1,wig\n\n2,socks,extra\n3,glass\n", encoding="utf-8")
    report = match_file(src, "title", tmp_path / "o.csv", workers=1)
    rows = _read_csv(tmp_path / "o.csv")
    assert [r["sku"] for r in rows] == ["1", "", "2", "3"] and report.rows == 4
    assert rows[0]["reason"] == "" and rows[0]["status"] == "matched"
    assert rows[1]["status"] == "no_match" and "line 3 is blank" in rows[1]["reason"]
    assert rows[2]["industry"] == "socks" and "line 4 has 3 fields" in rows[2]["reason"]
    assert report.problems == 2 and "line 4" in report.problem_summary()
    res = run("match", str(src), "--column", "title", "--no-progress")
    assert res.returncode == 0 and "line 3 is blank" in res.stderr and "line 4 has 3 fields" in res.stderr


def test_no_match_rows_say_why():
    got = match_products(["", "weather forecast"])
    assert got[0].reason == "empty title" and got[1].status == "no_match" and got[1].reason


def test_cli_match_output_format_follows_the_extension(tmp_path):
    src = tmp_path / "cat.csv"
    _write_csv(src, ["wig", "=cmd|' /C calc'!A0"])
    res = run("match", str(src), "--column", "title", "--out", str(tmp_path / "m.json"))
    assert res.returncode == 0, res.stderr
    rows = json.loads((tmp_path / "m.json").read_text("utf-8"))
    assert rows[0]["industry"] == "wigs" and isinstance(rows[0]["score"], float)
    res = run("match", str(src), "--column", "title", "--out", str(tmp_path / "m.ndjson"))
    assert json.loads((tmp_path / "m.ndjson").read_text("utf-8").splitlines()[1])["sku"] == "S1"


def test_cli_match_unknown_extension_is_a_usage_error_before_reading(tmp_path):
    res = run("match", str(tmp_path / "missing.csv"), "--column", "title", "--out", str(tmp_path / "m.txt"))
    assert res.returncode == 2 and "output format" in res.stderr and not (tmp_path / "m.txt").exists()


def test_cli_match_bad_output_place_fails_first_in_one_line(tmp_path):
    src = tmp_path / "cat.csv"
    _write_csv(src, ["wig"])
    res = run("match", str(src), "--column", "title", "--out", str(tmp_path))
    assert res.returncode == 1 and "is a folder" in res.stderr and "Errno" not in res.stderr
    assert "Reading" not in res.stderr  # nothing was read
    res = run("match", str(src), "--column", "title", "--out", str(tmp_path / "no" / "m.csv"))
    assert res.returncode == 1 and "does not exist" in res.stderr and "Errno" not in res.stderr
    res = run("match", str(tmp_path), "--column", "title")
    assert res.returncode == 1 and "is a folder, not a file" in res.stderr


def test_unclosed_quote_keeps_its_row_in_xlsx_match(tmp_path):
    import subprocess
    import sys

    import openpyxl

    src = tmp_path / "bad.csv"
    src.write_text('id,title\n1,wig\n2,socks\n3,"broken ""quote\n4,x\n', encoding="utf-8")
    out = tmp_path / "out.xlsx"
    res = subprocess.run([sys.executable, "-m", "clusteratlas", "match", str(src), "--column", "title",
                          "--out", str(out)], capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert "never closed" in res.stderr and "Traceback" not in res.stderr and "Exception ignored" not in res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv", "out.xlsx"]  # no temporary file left
    rows = list(openpyxl.load_workbook(out, read_only=True).worksheets[0].iter_rows(values_only=True))
    assert [r[0] for r in rows] == ["id", "1", "2", None, "4"]
    assert "never closed" in rows[3][-1]


def test_report_never_overwrites_the_input_or_the_output_and_skips_undecodable_rows(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(b"title\nwig\n\xff\xfe bad\nquantum insurance policy\n")
    before = src.read_bytes()
    out = tmp_path / "out.csv"
    for target, what in ((src, "input file"), (out, "--out file")):
        res = run("match", str(src), "-c", "title", "--out", str(out), "--report", str(target))
        assert res.returncode == 1 and f"is the {what}" in res.stderr and "Traceback" not in res.stderr
        assert src.read_bytes() == before
    rep = tmp_path / "r.tsv"
    res = run("match", str(src), "-c", "title", "--out", str(out), "--report", str(rep))
    assert res.returncode == 0, res.stderr
    lines = rep.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "head_phrase\trows" and len(lines) == 2 and "xff" not in lines[1]
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["status"] for r in rows] == ["matched", "error", "no_match"]


def test_formula_cells_are_read_as_their_text_and_never_reported_as_missing_products(tmp_path):
    src = tmp_path / "cat.csv"
    _write_csv(src, ['=HYPERLINK("http://example.com/item/123","click")', "cotton socks",
                     '=HYPERLINK("http://example.com/a";"Lace Front Wig 24 inch")',
                     '=HYPERLINK("http://example.com/b")', '=A2&" socks"', "Yoga Retreat Bali 7 Days"])
    res = run("match", str(src), "--column", "title", "--report", str(tmp_path / "nc.tsv"))
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(res.stdout.splitlines()))
    assert [r["status"] for r in rows] == ["no_match", "matched", "matched", "no_match", "no_match", "no_match"]
    assert rows[2]["industry"] == "wigs" and "formula" in rows[2]["reason"]
    assert all(rows[i]["reason"].startswith("a spreadsheet formula, not a title") for i in (0, 3, 4))
    assert "hyperlink" not in res.stderr.lower()
    report = (tmp_path / "nc.tsv").read_text(encoding="utf-8").splitlines()
    assert report == ["head_phrase\trows", "yoga retreat bali days\t1"]
