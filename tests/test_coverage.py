"""Coverage (issue 6): counts, sources listing, per-industry queries, the README table kept in sync."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from clusteratlas import find, load_atlas
from clusteratlas.coverage import coverage_stats, source_usage

ROOT = Path(__file__).resolve().parents[1]
ROLE_ORDER = {"leading": 0, "major": 1, "notable": 2}


def test_stats_on_a_hand_counted_atlas(mini_dir):
    s = coverage_stats(load_atlas(mini_dir))
    assert (s["clusters"], s["industries"], s["provinces"], s["claims"]) == (2, 2, 2, 2)
    assert s["claims_reported"] == 2 and s["share_verified"] == 0.0 and s["township_clusters"] == 1


def test_sources_count_their_citations(mini_dir):
    rows = source_usage(load_atlas(mini_dir))
    assert rows == [{"source_id": "test-source", "publisher": "Test Publisher", "title": "A test page",
                     "date": "2024-01-02", "kind": "media", "url": "https://example.org/test", "read_at": None,
                     "document_no": None, "claims": 2, "titles": 0, "markets": 0, "clusters": 2}]


def test_shipped_atlas_reaches_the_coverage_goal():
    res = subprocess.run([sys.executable, "-m", "clusteratlas", "stats", "--format", "json"],
                         capture_output=True, text=True, timeout=120)
    s = json.loads(res.stdout)[0]
    # issue 11's goals: >= 600 clusters, >= 150 industries, all 31 mainland provinces
    assert s["clusters"] >= 600 and s["industries"] >= 150
    assert s["provinces"] == 31 and s["mainland_provinces_missing"] == []
    # depth: a sourced quality/price tier on >= 60 clusters; >= 100 markets and fairs with address and point
    assert s["clusters_with_sourced_tier"] >= 60
    assert s["markets_with_address"] >= 100 and s["markets_with_point"] >= 100
    assert 0 < s["share_verified"] <= 1


def test_every_industry_has_a_group_and_every_group_is_defined():
    atlas = load_atlas()
    assert all(i.parent in atlas.groups for i in atlas.industries.values())


def _industry_queries():
    atlas = load_atlas()
    for ind in atlas.industries.values():
        yield pytest.param(ind.id, ind.name_en, id=f"{ind.id}-en")
        yield pytest.param(ind.id, ind.name_zh, id=f"{ind.id}-zh")


@pytest.mark.parametrize("industry,query", list(_industry_queries()))
def test_industry_name_query_returns_its_leading_cluster_first(industry, query):
    atlas = load_atlas()
    clusters = atlas.clusters_of(industry)
    best = min(ROLE_ORDER[c.role] for c in clusters)
    leaders = {c.id for c in clusters if ROLE_ORDER[c.role] == best}
    results = find(query, limit=3)
    assert results and results[0].cluster_id in leaders, [r.cluster_id for r in results]


def test_readme_coverage_table_is_generated_from_the_data():
    res = subprocess.run([sys.executable, str(ROOT / "scripts" / "update_readme.py"), "--check"],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr


def test_cli_filters_by_parent_group():
    res = subprocess.run([sys.executable, "-m", "clusteratlas", "list", "industries", "--parent",
                          "textiles-apparel", "--format", "json"], capture_output=True, text=True, timeout=120)
    rows = json.loads(res.stdout)
    assert {"socks", "childrens-clothing"} <= {r["industry"] for r in rows}
    assert all(r["parent"] == "textiles-apparel" for r in rows)


@pytest.mark.parametrize("query, industries", [
    ("solar panels", {"solar-pv"}),
    ("丝巾", {"silk", "scarves"}),
    ("electric bicycles", {"electric-bicycles"}),
    ("mattresses", {"mattresses"}),
    ("drones", {"drones"}),
])
def test_issue_11_buyer_queries_return_a_sourced_cluster_of_that_product_first(query, industries):
    """Issue 11: each query's first result is a cluster of that product resting on more than the seed or a blog."""
    from clusteratlas.evidence import cluster_evidence

    atlas = load_atlas()
    first = find(query, atlas=atlas, limit=1)[0]
    assert first.industry in industries, (query, first.cluster_id)
    ev = cluster_evidence(atlas.clusters[first.cluster_id], atlas.sources)
    assert not ev["weak"] and ev["level"] in ("verified", "reported"), (first.cluster_id, ev["level"])
