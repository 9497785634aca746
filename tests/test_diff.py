"""``clusteratlas diff OLD NEW``: clusters and claims added, removed and changed between two data folders."""

from __future__ import annotations

import copy

import pytest
from typer.testing import CliRunner

from atlas_fixtures import MINI, MINI_REGISTERS, write_atlas_dir
from clusteratlas.diff import diff_folders, pair_claims, summarise
from clusteratlas.errors import DataValidationError


@pytest.fixture
def pair(tmp_path):
    spec = copy.deepcopy(MINI | {"register_files": MINI_REGISTERS})
    old = write_atlas_dir(tmp_path / "old", spec)
    wigs = spec["industries"]["wigs"]["clusters"]
    claim = wigs[0]["claims"][0]
    before = claim["value"]
    claim["value"] = before + 7
    wigs[0]["description"] = "A wig city."
    removed = spec["industries"]["socks"]["clusters"].pop()["id"]
    added = copy.deepcopy(wigs[0]) | {"id": "newtown-wigs", "name_en": "Newtown wigs"}
    added["place"] = added["place"] | {"adcode": "411081", "level": "county", "name_zh": "禹州市",
                                       "name_en": "Yuzhou City", "coord_precision": "county"}
    wigs.append(added)
    new = write_atlas_dir(tmp_path / "new", spec)
    return old, new, wigs[0]["id"], claim, before, removed


def test_a_changed_claim_shows_up_with_old_and_new_values(pair):
    old, new, cid, claim, before, removed = pair
    rows = diff_folders(old, new)
    figure = [r for r in rows if r["what"] == "claim" and r["change"] == "changed"]
    assert figure == [{"what": "claim", "change": "changed", "id": cid, "claim": figure[0]["claim"], "field": "value",
                       "old": before, "new": before + 7, "figure": True}]
    assert figure[0]["claim"].startswith(claim["metric"]) and claim["source"] in figure[0]["claim"]
    assert {"what": "cluster", "change": "changed", "id": cid, "claim": None, "field": "description",
            "old": "A wig town.", "new": "A wig city.", "figure": False} in rows
    summary = summarise(rows)
    assert summary["clusters_added"] == ["newtown-wigs"] and summary["clusters_changed"] == [cid]
    assert summary["clusters_removed"] == [removed]
    assert summary["figures_corrected"][0]["changes"] == {"value": [before, before + 7]}


def test_identical_folders_have_no_changes(tmp_path):
    a = write_atlas_dir(tmp_path / "a")
    b = write_atlas_dir(tmp_path / "b")
    assert diff_folders(a, b) == []


def test_claims_pair_identical_then_by_metric_and_source_then_by_metric():
    old = [{"metric": "m", "source": "s", "value": 1}, {"metric": "m", "source": "t", "value": 2},
           {"metric": "k", "source": "s", "value": 3}]
    new = [{"metric": "m", "source": "t", "value": 2}, {"metric": "m", "source": "s", "value": 5},
           {"metric": "z", "source": "s", "value": 9}]
    pairs, removed, added = pair_claims(old, new)
    assert pairs == [(old[0], new[1])] and removed == [old[2]] and added == [new[2]]


def test_bad_input_is_a_one_line_error(tmp_path):
    good = write_atlas_dir(tmp_path / "good")
    with pytest.raises(DataValidationError, match="not a folder"):
        diff_folders(good, tmp_path / "missing")
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataValidationError, match="no industries"):
        diff_folders(tmp_path / "empty", good)
    bad = write_atlas_dir(tmp_path / "bad")
    (bad / "industries" / "wigs.yaml").write_text("industry: [\n", "utf-8")
    with pytest.raises(DataValidationError, match=r"wigs.yaml: line \d+, column \d+: malformed YAML"):
        diff_folders(good, bad)


def test_cli_diff(pair, tmp_path):
    from clusteratlas.cli import build_app

    old, new, cid, claim, before, removed = pair
    runner = CliRunner()
    res = runner.invoke(build_app(), ["diff", str(old), str(new), "--format", "table"])
    assert res.exit_code == 0, res.output
    assert f"~ cluster {cid}" in res.output and "+ cluster newtown-wigs" in res.output
    assert f"- cluster {removed}" in res.output
    assert f"{claim['metric']} {before} percent [{claim['source']}" in res.output
    assert f": value: {before} → {before + 7} (figure corrected)" in res.output
    res = runner.invoke(build_app(), ["diff", str(old), str(new), "--format", "json"])
    assert res.exit_code == 0 and '"figure": true' in res.output


def test_cli_diff_bad_input_exits_1_with_one_line(tmp_path):
    import subprocess
    import sys

    good = write_atlas_dir(tmp_path / "good")
    res = subprocess.run([sys.executable, "-m", "clusteratlas", "diff", str(good), str(tmp_path / "nope")],
                         capture_output=True, text=True)
    assert res.returncode == 1 and res.stderr.count("\n") == 1 and "not a folder" in res.stderr
    (good / "sources" / "main.yaml").write_text("sources: [\n", "utf-8")
    res = subprocess.run([sys.executable, "-m", "clusteratlas", "diff", str(good), str(good)],
                         capture_output=True, text=True)
    assert res.returncode == 1 and res.stderr.startswith("Error: ") and "malformed YAML" in res.stderr
    assert res.stderr.count("\n") == 1
