"""``clusteratlas plan`` as a user runs it: JSON and GeoJSON parsed, the calendar file, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from trip_fixtures import write_trip_atlas

TODAY = "2027-01-04"


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusteratlas", *args], capture_output=True, text=True,
                          timeout=180)


@pytest.fixture(scope="module")
def trip_dir(tmp_path_factory):
    return write_trip_atlas(tmp_path_factory.mktemp("tripcli") / "data")


def plan(trip_dir, *args):
    return run("plan", *args, "--data-dir", str(trip_dir), "--today", TODAY)


def test_plan_json(trip_dir):
    res = plan(trip_dir, "socks, wigs, eyeglasses", "--from", "Shanghai", "--days", "4", "--format", "json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert [s["n"] for s in d["stops"]] == list(range(1, len(d["stops"]) + 1))
    assert {i for s in d["stops"] for i in s["items"]} | {lo["item"] for lo in d["left_out"]} == \
        {"socks", "wigs", "eyeglasses"}
    assert d["legs"][0]["from"] == "Shanghai" and d["schedule"]["days"] == 4


def test_plan_items_as_several_arguments_and_options(trip_dir):
    res = plan(trip_dir, "socks", "xuchang-wigs", "--from", "上海", "--to", "Guangzhou", "--tier", "cheap",
               "--modes", "drive,rail", "--format", "json")
    assert res.returncode == 0, res.stderr
    d = json.loads(res.stdout)
    assert d["request"]["items"] == ["socks", "xuchang-wigs"] and d["end"]["name"] == "Guangzhou City"
    assert {leg["mode"] for leg in d["legs"]} <= {"drive", "rail"}
    assert d["stops"][0]["clusters"][0]["cluster_id"] == "yiwu-socks"


def test_plan_geojson_and_ics(trip_dir, tmp_path):
    ics = tmp_path / "trip.ics"
    res = plan(trip_dir, "socks, wigs", "--from", "Shanghai", "--start", "2027-03-09", "--days", "4",
               "--format", "geojson", "--ics", str(ics))
    assert res.returncode == 0, res.stderr
    g = json.loads(res.stdout)
    assert g["type"] == "FeatureCollection" and any(f["geometry"]["type"] == "LineString" for f in g["features"])
    body = ics.read_bytes()
    assert body.startswith(b"BEGIN:VCALENDAR") and b"DTSTART;TZID=Asia/Shanghai:20270309T080000" in body
    assert "Calendar written" in res.stderr
    assert not list(tmp_path.glob("*.tmp*")) and [p.name for p in tmp_path.iterdir()] == ["trip.ics"]


def test_plan_table_shows_legs_stops_and_leads(trip_dir):
    res = plan(trip_dir, "socks, wigs", "--from", "Shanghai", "--days", "3", "--format", "table")
    assert res.returncode == 0, res.stderr
    out = res.stdout
    for text in ("Shanghai →", "Datang", "Xuchang", "Nearest airport", "outside links", "s.1688.com", "Market:",
                 "Days: 3 ="):
        assert text in out, text


@pytest.mark.parametrize("args, text", [
    (("socks", "--from", "Xyzzyqq"), "no place matches"),
    (("zzqx unobtainium", "--from", "Shanghai"), "nothing in the atlas matches"),
    (("socks", "--from", "Shanghai", "--start", "2026-01-01"), "in the past"),
    (("wigs", "--from", "Urumqi", "--days", "1"), "nothing fits"),
    (("socks", "--from", "Shanghai", "--ics", "/tmp/x.ics"), "needs dates"),
    (("socks", "--from", "Shanghai", "--tier", "gold"), "unknown tier"),
])
def test_bad_input_exits_1_with_one_line(trip_dir, args, text):
    res = plan(trip_dir, *args, "--format", "json")
    assert res.returncode == 1, res.stdout
    assert res.stdout == "" and "Traceback" not in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1 and text in res.stderr


def test_usage_errors_exit_2(trip_dir):
    assert plan(trip_dir, "socks").returncode == 2  # --from is required
    assert plan(trip_dir, "socks", "--from", "Shanghai", "--start", "09/03/2027").returncode == 2
    assert plan(trip_dir, "socks", "--from", "Shanghai", "--days", "0").returncode == 2
    assert plan(trip_dir, "socks", "--from", "Shanghai", "--format", "csv").returncode == 2
