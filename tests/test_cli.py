"""The command line as a user runs it: JSON parsed, exit codes checked, never a traceback."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def run(*args: str, input: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusteratlas", *args], capture_output=True, text=True,
                          input=input, timeout=120)


def test_find_json_on_a_data_dir(mini_dir):
    res = run("find", "假髮", "--format", "json", "--data-dir", str(mini_dir))
    assert res.returncode == 0, res.stderr
    rows = json.loads(res.stdout)
    assert rows[0]["cluster_id"] == "xuchang-wigs" and rows[0]["place"]["adcode"] == "411000"


def test_find_nothing_is_empty_array_and_exit_0(mini_dir):
    res = run("find", "weather forecast", "--format", "json", "--data-dir", str(mini_dir))
    assert res.returncode == 0 and json.loads(res.stdout) == []


@pytest.mark.parametrize("query", ["", "x" * 10_000, "wig\x07bell"])
def test_bad_queries_exit_1_with_one_line(mini_dir, query):
    res = run("find", query, "--data-dir", str(mini_dir))
    assert res.returncode == 1
    assert "Traceback" not in res.stderr and len(res.stderr.strip().splitlines()) == 1
    assert res.stdout == ""


def test_usage_error_exits_2():
    res = run("find")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    res = run("find", "wig", "--format", "xml")
    assert res.returncode == 2


def test_show_unknown_id_exits_1(mini_dir):
    res = run("show", "xuchang-wig", "--data-dir", str(mini_dir))
    assert res.returncode == 1 and "did you mean xuchang-wigs" in res.stderr


def test_show_json_has_sources_and_conflicts(mini_dir):
    res = run("show", "xuchang-wigs", "--format", "json", "--data-dir", str(mini_dir))
    d = json.loads(res.stdout)[0]
    assert d["conflicts"] == {"share_of_world_output": [0, 1]}
    assert d["claims"][1]["source_detail"]["publisher"] == "Test Publisher"


def test_formats(mini_dir):
    nd = run("list", "clusters", "--format", "ndjson", "--data-dir", str(mini_dir)).stdout.splitlines()
    assert sorted(json.loads(line)["cluster_id"] for line in nd) == ["lishui-socks", "xuchang-wigs"]
    csv_out = run("find", "socks", "--format", "csv", "--data-dir", str(mini_dir)).stdout.splitlines()
    assert csv_out[0].startswith("cluster_id,") and "lishui-socks" in csv_out[1]
    gj = json.loads(run("find", "socks", "--format", "geojson", "--data-dir", str(mini_dir)).stdout)
    assert gj["features"][0]["geometry"]["coordinates"] == [113.1, 23.2]


def test_export_geojson_and_atomic_out(mini_dir, tmp_path):
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "x.geojson"
    res = run("export", "--format", "geojson", "--out", str(out), "--data-dir", str(mini_dir))
    assert res.returncode == 0, res.stderr
    fc = json.loads(out.read_text("utf-8"))
    props = {f["properties"]["cluster_id"]: f["properties"] for f in fc["features"]}
    assert props["lishui-socks"]["adcode"] == "440605100" and props["lishui-socks"]["name_zh"] == "里水袜业"
    assert [p.name for p in out.parent.iterdir()] == ["x.geojson"]  # no temporary file left


def test_validate_reports_malformed_yaml(mini_dir):
    (mini_dir / "industries" / "wigs.yaml").write_text("industry: [unclosed", encoding="utf-8")
    res = run("validate", str(mini_dir), "--no-places")
    assert res.returncode == 1 and "wigs.yaml" in res.stderr and "Traceback" not in res.stderr


def test_validate_ok(mini_dir):
    res = run("validate", str(mini_dir), "--no-places")
    assert res.returncode == 0 and json.loads(res.stdout)["clusters"] == 2


def test_help_short_flag():
    res = run("find", "-h")
    assert res.returncode == 0 and "Example" in res.stdout
