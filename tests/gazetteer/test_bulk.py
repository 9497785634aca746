"""Bulk geocoding: resolve_address, geocode_many, the file readers and the CLI (place, geocode)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest

from clusteratlas.errors import InputFileError
from clusteratlas.gazetteer import GEOCODE_FIELDS, geocode_many, resolve_address
from clusteratlas.tables import detect_encoding, read_table_stream

ADDRESSES = [
    "浙江省诸暨市大唐街道某路1号",
    "广东省佛山市顺德区北滘镇美的大道6号",
    "新塘镇",
    "",
    None,
    float("nan"),
    "🙂🙂🙂",
    "x" * 10_000,
    "Datang Town, Zhuji",
    "Mars Colony 7",
]


def run(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "clusteratlas", *args], capture_output=True, text=True,
                          timeout=300, env=env)


def test_resolve_address_rows():
    row = resolve_address("浙江省诸暨市大唐街道某路1号")
    assert list(row) == list(GEOCODE_FIELDS)
    assert row["adcode"] == "330681005" and row["status"] == "matched" and row["level"] == "township"
    assert (row["province"], row["prefecture"], row["county"], row["township"]) == ("浙江省", "绍兴市", "诸暨市",
                                                                                  "大唐街道")
    assert row["precision"] in ("township", "county") and isinstance(row["lat"], float)


def test_geocode_many_one_row_per_input_and_statuses():
    rows = list(geocode_many(ADDRESSES))
    assert len(rows) == len(ADDRESSES)
    status = [r["status"] for r in rows]
    assert status[:3] == ["matched", "matched", "ambiguous"]
    assert status[3:8] == ["not_found"] * 5
    assert rows[8]["adcode"] == "330681005"
    assert status[9] == "not_found"
    assert rows[2]["adcode"] == "440118102" and rows[2]["candidates"] >= 4


def test_geocode_many_repeats_are_independent_copies():
    a, b = geocode_many(["北滘镇", "北滘镇"])
    a["adcode"] = "changed"
    assert b["adcode"] == "440606101"


def test_detect_encoding():
    text = "地址,名称\n广东省佛山市顺德区北滘镇,美的\n"
    assert detect_encoding(text.encode("utf-8")) == "utf-8-sig"
    assert detect_encoding(text.encode("gbk")) == "gb18030"
    assert detect_encoding(text.encode("utf-8")[:-2]) == "utf-8-sig"  # a character cut in two


def _write_csv(path, rows, encoding="utf-8", delimiter=","):
    with path.open("w", encoding=encoding, newline="") as fh:
        w = csv.writer(fh, delimiter=delimiter)
        w.writerow(["id", "address"])
        w.writerows(rows)


def test_read_table_stream_gbk_and_tsv(tmp_path):
    p = tmp_path / "firms.csv"
    _write_csv(p, [(1, "广东省佛山市顺德区北滘镇"), (2, "浙江省诸暨市大唐街道")], encoding="gbk")
    stream = read_table_stream(p, column="address")
    assert stream.encoding == "gb18030" and stream.format == "csv" and stream.columns == ["id", "address"]
    assert [r["address"] for r in stream][1] == "浙江省诸暨市大唐街道"
    t = tmp_path / "firms.tsv"
    _write_csv(t, [(1, "北滘")], delimiter="\t")
    assert list(read_table_stream(t)) == [{"id": "1", "address": "北滘"}]


def test_read_table_stream_errors(tmp_path):
    with pytest.raises(InputFileError, match="no such file"):
        read_table_stream(tmp_path / "missing.csv")
    p = tmp_path / "firms.csv"
    _write_csv(p, [(1, "北滘")])
    with pytest.raises(InputFileError, match="no column 'addr'"):
        read_table_stream(p, column="addr")
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    with pytest.raises(InputFileError, match="empty"):
        read_table_stream(empty)


def test_read_xlsx_and_parquet(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["id", "address"])
    ws.append([1, "广东省佛山市顺德区北滘镇"])
    ws.append([2, None])
    wb.save(tmp_path / "f.xlsx")
    rows = list(read_table_stream(tmp_path / "f.xlsx", column="address"))
    assert rows == [{"id": "1", "address": "广东省佛山市顺德区北滘镇"}, {"id": "2", "address": ""}]
    pa = pytest.importorskip("pyarrow")
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": [1, 2], "address": ["北滘", None]}), tmp_path / "f.parquet")
    stream = read_table_stream(tmp_path / "f.parquet", column="address")
    assert stream.n_rows == 2 and [r["address"] for r in stream] == ["北滘", None]


def test_cli_geocode_writes_one_row_per_input_atomically(tmp_path):
    src = tmp_path / "firms.csv"
    rows = [(i, a if isinstance(a, str) else "") for i, a in enumerate(ADDRESSES)]
    _write_csv(src, rows, encoding="utf-8")
    out = tmp_path / "out.csv"
    res = run("geocode", str(src), "--column", "address", "--output", str(out))
    assert res.returncode == 0, res.stderr
    assert "utf-8" in res.stderr and "Traceback" not in res.stderr
    with out.open(encoding="utf-8", newline="") as fh:
        got = list(csv.DictReader(fh))
    assert len(got) == len(rows)
    assert [g["id"] for g in got] == [str(i) for i, _ in rows]
    assert got[0]["adcode"] == "330681005" and got[0]["status"] == "matched"
    assert got[2]["status"] == "ambiguous" and got[3]["status"] == "not_found"
    assert {"adcode", "name", "name_zh", "level", "lat", "lon", "precision", "status"} <= set(got[0])
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_cli_geocode_gbk_input(tmp_path):
    src = tmp_path / "firms_gbk.csv"
    _write_csv(src, [(1, "广东省佛山市顺德区北滘镇"), (2, "浙江省诸暨市大唐街道")], encoding="gbk")
    res = run("geocode", str(src), "--column", "address")
    assert res.returncode == 0 and "gb18030" in res.stderr, res.stderr
    out = tmp_path / "firms_gbk.geocoded.csv"
    got = list(csv.DictReader(out.open(encoding="utf-8", newline="")))
    assert [g["adcode"] for g in got] == ["440606101", "330681005"]


def test_cli_geocode_ndjson_to_stdout_and_name_clash(tmp_path):
    src = tmp_path / "firms.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["name", "address"])
        w.writerow(["Midea", "广东省佛山市顺德区北滘镇"])
    res = run("geocode", str(src), "-c", "address", "-o", "-", "--format", "ndjson")
    assert res.returncode == 0, res.stderr
    row = json.loads(res.stdout.splitlines()[0])
    assert row["name"] == "Midea" and row["geo_name"] == "Beijiao Town" and row["adcode"] == "440606101"


def test_cli_geocode_bad_input_is_one_line(tmp_path):
    res = run("geocode", str(tmp_path / "missing.csv"), "--column", "address")
    assert res.returncode == 1 and len(res.stderr.strip().splitlines()) == 1 and "Traceback" not in res.stderr
    src = tmp_path / "f.csv"
    _write_csv(src, [(1, "北滘")])
    res = run("geocode", str(src), "--column", "addr")
    assert res.returncode == 1 and "no column 'addr'" in res.stderr and "Traceback" not in res.stderr


def test_cli_place_json_contract():
    res = run("place", "Datang Town, Zhuji", "--format", "json")
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert rows[0]["adcode"] == "330681005"
    for key in ("adcode", "name", "name_zh", "level", "lat", "lon", "path"):
        assert key in rows[0]


def test_cli_place_lists_every_homonym():
    res = run("place", "新塘镇", "--format", "json", "--limit", "50")
    rows = json.loads(res.stdout)
    assert len([r for r in rows if r["name_zh"] == "新塘镇"]) == 4 and all(r["ambiguous"] for r in rows)
    res = run("place", "新塘镇", "--format", "table")
    assert res.returncode == 0 and "ambiguous" in res.stderr and "440118102" in res.stdout


def test_cli_place_nothing_is_empty_array():
    res = run("place", "🙂", "--format", "json")
    assert res.returncode == 0 and json.loads(res.stdout) == []


@pytest.mark.parametrize("args", [["place", ""], ["place", "x" * 10_000], ["place", "wig\x07bell"],
                                  ["place", "--reverse", "nan", "113"], ["place", "--reverse", "95", "113"],
                                  ["place", "北滘", "--reverse", "22.9", "113.2"]])
def test_cli_place_bad_input_is_one_line(args):
    res = run(*args)
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1


def test_cli_reverse():
    res = run("place", "--reverse", "22.927", "113.198", "--format", "json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)[0]["county"]["adcode"] == "440606"
    res = run("place", "--reverse", "35.68", "139.69", "--format", "json")
    assert res.returncode == 0 and json.loads(res.stdout) == []


def test_cli_geocode_out_option_formats_and_bad_extension(tmp_path):
    src = tmp_path / "firms.csv"
    src.write_text("id,address\n1,浙江省诸暨市大唐街道某路1号\n2,台湾省台北市\n", encoding="utf-8")
    res = run("geocode", str(src), "--column", "address", "--out", str(tmp_path / "placed.csv"), "--no-progress")
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader((tmp_path / "placed.csv").open(encoding="utf-8")))
    assert rows[0]["adcode"] == "330681005" and rows[1]["status"] == "not_found" and "MCA" in rows[1]["note"]
    res = run("geocode", str(src), "-c", "address", "-o", str(tmp_path / "g.xlsx"), "--no-progress")
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "g.xlsx").read_bytes()[:2] == b"PK"  # a real workbook, not CSV text
    res = run("geocode", str(src), "-c", "address", "-o", str(tmp_path / "g.txt"), "--no-progress")
    assert res.returncode == 2 and not (tmp_path / "g.txt").exists() and ".txt" in res.stderr
    res = run("geocode", str(src), "-c", "address", "-o", str(tmp_path / "g.csv"), "--format", "ndjson")
    assert res.returncode == 2 and not (tmp_path / "g.csv").exists()
