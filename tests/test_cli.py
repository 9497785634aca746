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
    # the fixture's vocabularies are deliberately tiny: every other check must pass
    res = run("validate", str(mini_dir), "--no-places", "--skip", "vocabulary")
    assert res.returncode == 0 and json.loads(res.stdout)["clusters"] == 2
    assert json.loads(res.stdout)["checks"] == ["model", "sources", "figures"]


def test_validate_names_the_thin_vocabularies(mini_dir):
    res = run("validate", str(mini_dir), "--no-places")
    assert res.returncode == 1 and "distinct product terms" in res.stderr and "vocabulary 2" in res.stderr


def test_help_short_flag():
    res = run("find", "-h")
    assert res.returncode == 0 and "Example" in res.stdout


def test_validate_lists_every_problem(tmp_path, mini_spec):
    from atlas_fixtures import write_atlas_dir

    mini_spec["industries"]["wigs"]["clusters"][0]["claims"][0]["source"] = "nowhere"
    mini_spec["industries"]["wigs"]["clusters"][0]["claims"][1]["value"] = 170
    mini_spec["industries"]["socks"]["clusters"][0]["sources"] = ["missing-too"]
    root = write_atlas_dir(tmp_path / "d", mini_spec)
    res = run("validate", str(root), "--no-places", "--skip", "vocabulary")
    assert res.returncode == 1 and "Traceback" not in res.stderr
    errors = [line for line in res.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 2  # the 170 % claim fails its model, so that file's source check is not reached
    assert any("exceed 100 percent" in e for e in errors) and any("missing-too" in e for e in errors)


def test_export_to_a_folder_or_missing_folder_is_one_clear_line(mini_dir, tmp_path):
    res = run("export", "--out", str(tmp_path), "--data-dir", str(mini_dir))
    assert res.returncode == 1 and "is a folder" in res.stderr and "Errno" not in res.stderr
    res = run("export", "--out", str(tmp_path / "no" / "x.geojson"), "--data-dir", str(mini_dir))
    assert res.returncode == 1 and "does not exist" in res.stderr and "Errno" not in res.stderr
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("args", [["list", "clusters", "--format", "json"], ["export"],
                                  ["find", "socks", "--format", "csv"]])
def test_closed_pipe_is_one_line_and_exit_1(mini_dir, args):
    proc = subprocess.Popen([sys.executable, "-m", "clusteratlas", *args, "--data-dir", str(mini_dir)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    proc.stdout.close()  # the reader is gone before the command writes
    err = proc.stderr.read().decode()
    proc.stderr.close()
    assert proc.wait(timeout=120) == 1, err
    assert err.strip().splitlines() == ["Error: the output was closed before everything was written (broken pipe)"]


@pytest.mark.parametrize("args", [["find", "wig", "--industry", "wig"], ["list", "industries", "--parent", "nope"],
                                  ["list", "groups", "--industry", "nope"]])
def test_unknown_industry_or_group_is_an_error(mini_dir, args):
    res = run(*args, "--format", "json", "--data-dir", str(mini_dir))
    assert res.returncode == 1 and res.stdout == "" and "no industry" in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_find_unknown_industry_suggests(mini_dir):
    res = run("find", "wig", "--industry", "wig", "--data-dir", str(mini_dir))
    assert "did you mean wigs" in res.stderr


def test_known_industry_filter_still_works(mini_dir):
    res = run("list", "industries", "--industry", "socks", "--format", "json", "--data-dir", str(mini_dir))
    assert res.returncode == 0 and [r["industry"] for r in json.loads(res.stdout)] == ["socks"]
    res = run("find", "socks", "--industry", "socks", "--format", "json", "--data-dir", str(mini_dir))
    assert res.returncode == 0 and json.loads(res.stdout)[0]["industry"] == "socks"


@pytest.mark.parametrize("args", [["list", "industries"], ["list", "groups"], ["stats"], ["sources"]])
def test_geojson_of_rows_without_points_is_a_usage_error(mini_dir, args):
    res = run(*args, "--format", "geojson", "--data-dir", str(mini_dir))
    assert res.returncode == 2 and res.stdout == "" and "no coordinates" in res.stderr


def test_csv_with_no_rows_still_has_the_header(mini_dir):
    res = run("find", "weather forecast", "--format", "csv", "--data-dir", str(mini_dir))
    header = "cluster_id,industry,place.name,place.name_zh,place.adcode,role,hs_headings,score"
    assert res.returncode == 0 and res.stdout.splitlines() == [header]


def test_version_and_bare_command():
    res = run("--version")
    assert res.returncode == 0 and res.stdout.startswith("clusteratlas 0.")
    res = run()
    assert res.returncode == 0 and "Usage" in res.stdout and "find" in res.stdout


def test_find_table_keeps_ids_and_codes_whole_at_80_columns(mini_dir):
    import os

    res = subprocess.run([sys.executable, "-m", "clusteratlas", "find", "socks", "--format", "table",
                          "--data-dir", str(mini_dir)], capture_output=True, text=True, timeout=120,
                         env={**os.environ, "COLUMNS": "80"}, check=False)
    assert res.returncode == 0 and "lishui-socks" in res.stdout and "440605100" in res.stdout
    assert max(len(line) for line in res.stdout.splitlines()) <= 80


def test_find_table_marks_weakly_sourced_clusters_and_json_stays_as_is(tmp_path, mini_spec):
    import os

    from atlas_fixtures import write_atlas_dir

    from clusteratlas.evidence import WEAK_LEGEND, WEAK_MARK

    mini_spec["sources"]["sources"].append({"id": "a-blog", "publisher": "A sourcing blog", "title": "Socks",
                                           "url": "https://example.org/blog", "date": "2024-01-02",
                                           "kind": "blog"})
    socks = mini_spec["industries"]["socks"]["clusters"][0]
    socks["sources"], socks["tier_source"] = ["a-blog"], "a-blog"  # single-blog: weak
    data = write_atlas_dir(tmp_path / "data", mini_spec)
    env = {**os.environ, "COLUMNS": "120"}
    for query, weak in (("socks", True), ("wig", False)):
        res = subprocess.run([sys.executable, "-m", "clusteratlas", "find", query, "--format", "table",
                              "--data-dir", str(data)], capture_output=True, text=True, timeout=120, env=env,
                             check=False)
        assert res.returncode == 0, res.stderr
        row = next(line for line in res.stdout.splitlines() if ("lishui-socks" if weak else "xuchang-wigs") in line)
        cells = [c.strip() for c in row.strip("│ ").split("│")]
        assert len(cells) == 8 and cells[0] in ("lishui-socks", "xuchang-wigs")  # same columns, id whole
        assert (cells[5] == f"notable {WEAK_MARK}") if weak else (cells[5] == "leading")
        assert (WEAK_LEGEND in res.stdout) is weak
    rows = json.loads(run("find", "socks", "--format", "json", "--data-dir", str(data)).stdout)
    assert rows[0]["role"] == "notable" and set(rows[0]) == {
        "cluster_id", "industry", "name", "name_zh", "score", "place", "role", "hs_headings", "matched"}
