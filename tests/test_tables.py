"""The one reader and the one writer (clusteratlas.tables): permissions, output-path checks, ragged CSV, safe
XLSX cells, the format registry."""

from __future__ import annotations

import json
import os
import stat

import pytest

from clusteratlas.errors import InputFileError
from clusteratlas.tables import (
    TableWriter,
    atomic_write,
    check_output_path,
    read_table_stream,
    table_format_for,
)


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_atomic_write_gives_the_permissions_open_would(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_write(tmp_path / "a.txt") as fh:
            fh.write("x")
        with open(tmp_path / "b.txt", "w") as fh:
            fh.write("x")
    finally:
        os.umask(old)
    assert _mode(tmp_path / "a.txt") == _mode(tmp_path / "b.txt") == 0o644


def test_atomic_write_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    target = tmp_path / "a.txt"
    target.write_text("old")
    target.chmod(0o640)
    with atomic_write(target) as fh:
        fh.write("new")
    assert target.read_text() == "new" and _mode(target) == 0o640


def test_check_output_path_names_the_problem_in_one_line(tmp_path):
    with pytest.raises(InputFileError, match="is a folder"):
        check_output_path(tmp_path)
    with pytest.raises(InputFileError, match=r"folder .*missing.* does not exist"):
        check_output_path(tmp_path / "missing" / "x.csv")
    (tmp_path / "file").write_text("")
    with pytest.raises(InputFileError, match="is not a folder"):
        check_output_path(tmp_path / "file" / "x.csv")
    assert check_output_path(tmp_path / "x.csv") == tmp_path / "x.csv"
    assert check_output_path("-") is None and check_output_path(None) is None


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere")
def test_check_output_path_unwritable_folder(tmp_path):
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        with pytest.raises(InputFileError, match="is not writable"):
            check_output_path(ro / "x.csv")
    finally:
        ro.chmod(0o700)


def test_atomic_write_to_a_folder_is_a_clear_oserror_and_leaves_no_temporary_file(tmp_path):
    (tmp_path / "sub").mkdir()
    with pytest.raises(OSError, match="is a folder") as info, atomic_write(tmp_path / "sub") as fh:
        fh.write("x")
    assert "Errno" not in str(info.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub"] and not list((tmp_path / "sub").iterdir())


def test_a_folder_as_input_is_named_so(tmp_path):
    with pytest.raises(InputFileError, match="is a folder, not a file"):
        read_table_stream(tmp_path)


def test_csv_keeps_every_line_and_names_its_problems(tmp_path):
    src = tmp_path / "c.csv"
    src.write_text('sku,title\n1,wig\n\n2,socks,extra\n3\n4,"abc"def\n5,glass\n\n', encoding="utf-8")
    rows = list(read_table_stream(src))
    assert [r["sku"] for r in rows] == ["1", "", "2", "3", "", "5"]  # trailing blank line dropped
    problems = [r.problem for r in rows]
    assert problems[0] is None and problems[5] is None
    assert problems[1] == "line 3 is blank"
    assert "line 4 has 3 fields" in problems[2] and "extra" in problems[2] and rows[2]["title"] == "socks"
    assert "line 5 has 1 fields" in problems[3] and rows[3]["title"] == ""
    assert "line 6" in problems[4] and "malformed" in problems[4]


def test_csv_unclosed_quote_keeps_its_row_naming_the_line(tmp_path):
    src = tmp_path / "c.csv"
    src.write_text('sku,title\n1,wig\n2,"unclosed\n3,socks\n', encoding="utf-8")
    rows = list(read_table_stream(src))
    assert [r["sku"] for r in rows] == ["1", "", "3"]
    assert "line 3: a quoted field opened on this line is never closed" in rows[1].problem


def test_one_column_csv_blank_line_is_a_blank_cell(tmp_path):
    src = tmp_path / "c.csv"
    src.write_text("title\nwig\n\nsocks\n", encoding="utf-8")
    rows = list(read_table_stream(src))
    assert [r["title"] for r in rows] == ["wig", "", "socks"] and all(r.problem is None for r in rows)


@pytest.mark.parametrize("name,fmt", [("a.csv", "csv"), ("a.TSV", "tsv"), ("a.xlsx", "xlsx"),
                                      ("a.parquet", "parquet"), ("a.json", "json"), ("a.ndjson", "ndjson"),
                                      ("a.jsonl", "ndjson"), ("a.geojson", "geojson"), ("-", "csv"),
                                      (None, "csv")])
def test_output_format_by_extension(name, fmt):
    assert table_format_for(name) == fmt


@pytest.mark.parametrize("name", ["a.txt", "a.xls", "matched"])
def test_unknown_output_extension_is_an_error(name):
    with pytest.raises(InputFileError, match="cannot tell the output format"):
        table_format_for(name)


def test_json_and_ndjson_writers(tmp_path):
    for name in ("o.json", "o.ndjson"):
        with TableWriter(tmp_path / name, ["a", "score"], float_columns=("score",)) as w:
            w.write(["x", "0.5"])
            w.write(["", None])
        text = (tmp_path / name).read_text("utf-8")
        rows = json.loads(text) if name.endswith(".json") else [json.loads(x) for x in text.splitlines()]
        assert rows == [{"a": "x", "score": 0.5}, {"a": None, "score": None}]
    with TableWriter(tmp_path / "empty.json", ["a"]):
        pass
    assert json.loads((tmp_path / "empty.json").read_text("utf-8")) == []


def test_xlsx_cells_are_values_never_formulas(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    evil = "=cmd|' /C calc'!A0"
    with TableWriter(tmp_path / "o.xlsx", ["=title", "score"], float_columns=("score",)) as w:
        w.write([evil, 0.5])
        w.write(["+SUM(A1:A2)", None])
        w.write(["bell\x07", 1])
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx").active
    cells = [c for row in ws.iter_rows() for c in row]
    assert all(c.data_type != "f" for c in cells)
    assert ws["A1"].value == "=title" and ws["A2"].value == evil and ws["A2"].data_type == "s"
    assert ws["A4"].value == "bell" and ws["B2"].value == 0.5


def test_one_writer_for_every_format_nested_rows_and_points(tmp_path):
    import io
    import json

    from clusteratlas.tables import output_formats, write_rows

    assert {"csv", "tsv", "json", "ndjson", "geojson", "xlsx", "parquet"} <= set(output_formats().values())
    rows = [{"id": "a", "place": {"lat": 29.7, "lon": 120.2, "path": [{"adcode": "330000"}]}}, {"id": "b"}]
    buf = io.StringIO()
    write_rows(rows, buf, "geojson")
    fc = json.loads(buf.getvalue())
    assert [f["geometry"]["coordinates"] for f in fc["features"]] == [[120.2, 29.7]]  # b has no point
    buf = io.StringIO()
    write_rows(rows, buf, "json")
    assert json.loads(buf.getvalue()) == rows  # nesting kept
    buf = io.StringIO()
    write_rows(rows, buf, "csv")
    assert buf.getvalue().splitlines()[0] == "id,place.lat,place.lon,place.path"
    with pytest.raises(InputFileError, match="stdout"):
        TableWriter(None, ["a"], fmt="parquet")


@pytest.mark.parametrize("cell, shown", [
    ('=HYPERLINK("http://example.com/x","click")', "click"),
    ("'=hyperlink(\"u\"; \"纯棉袜子 男\")", "纯棉袜子 男"),  # escaped by our CSV writer, locale separator
    ('=HYPERLINK("u", "say ""hi"" wig")', 'say "hi" wig'),
    ('=HYPERLINK("http://example.com/x")', ""), ('=A2&" socks"', ""), ("=SUM(A1:A3)", ""), ("=$B$2", ""),
    ("=== SALE === socks", None), ("= socks", None), ("socks =A1", None), ("wig", None), (3, None), (None, None),
])
def test_formula_display(cell, shown):
    from clusteratlas.tables import formula_display

    assert formula_display(cell) == shown
