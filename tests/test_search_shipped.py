"""Search on the shipped atlas: the development query set and the issue's own examples."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from clusteratlas import find


def _dev_rows(shared_dir):
    rows = []
    for line in (shared_dir / "eval" / "dev_queries.tsv").read_text("utf-8").splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        query, industry = parts[0], parts[1]
        prefixes = [p for p in (parts[2].split("|") if len(parts) > 2 else []) if p]
        rows.append((query, industry, prefixes))
    return rows


def pytest_generate_tests(metafunc):
    if "dev_row" in metafunc.fixturenames:
        from conftest import SHARED

        rows = _dev_rows(SHARED)
        metafunc.parametrize("dev_row", rows, ids=[r[0] for r in rows])


def test_dev_query(dev_row):
    query, industry, prefixes = dev_row
    results = find(query, limit=10)
    if industry == "-":
        assert results == [], [r.cluster_id for r in results]
        return
    assert results, "no result"
    assert results[0].industry == industry
    if prefixes:
        top3 = [r.place["adcode"] for r in results[:3]]
        assert any(code.startswith(p) for code in top3 for p in prefixes), top3


@pytest.mark.parametrize("query", ["wig", "假发", "假髮", "jiafa", "wigs", "hair extensions", "Xuchang wigs"])
def test_issue_examples_find_xuchang_first(query):
    assert find(query)[0].cluster_id == "xuchang-wigs"


def test_datang_place_query():
    assert find("Datang")[0].cluster_id == "datang-socks"


def test_cli_find_wig_json_first_is_xuchang():
    res = subprocess.run([sys.executable, "-m", "clusteratlas", "find", "wig", "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)[0]["cluster_id"] == "xuchang-wigs"
