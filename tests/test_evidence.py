"""What a cluster rests on, and how old its figures are (:mod:`clusteratlas.evidence`)."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from clusteratlas.evidence import (
    EVIDENCE_LEVELS,
    WEAK_LEVELS,
    cluster_evidence,
    figure_age,
    is_stale,
    source_reference,
)
from clusteratlas.model import Claim, Cluster, Source

SOURCES = {sid: SimpleNamespace(kind=kind) for sid, kind in [
    ("seed", "seed"), ("blog-a", "blog"), ("blog-b", "blog"), ("firm", "company"), ("paper", "media"),
    ("notice", "official")]}


def _claim(source: str, confidence: str = "reported", **more) -> dict:
    return {"metric": "firm_count", "value": 10, "unit": "count", "statement": "s", "source": source,
            "confidence": confidence, "period": "2020"} | more


def _cluster(sources: list[str], claims: list[dict] = (), confidence: str = "reported", **more) -> Cluster:
    return Cluster.model_validate({
        "id": "town-socks", "industry": "socks", "name_en": "Town socks", "name_zh": "镇袜业", "role": "notable",
        "description": "test", "sources": sources, "claims": list(claims), "confidence": confidence,
        "place": {"adcode": "330681", "level": "county", "name_zh": "诸暨市", "name_en": "Zhuji City",
                  "lat": 29.71, "lon": 120.24, "coord_source": "test", "coord_precision": "county"}} | more)


@pytest.mark.parametrize("sources,claims,confidence,level", [
    (["seed"], [_claim("seed", "verified")], "verified", "seed-only"),
    (["seed", "blog-a"], [_claim("blog-a", "verified")], "reported", "single-blog"),  # the seed does not count
    (["blog-a"], [], "unverified", "single-blog"),
    (["paper"], [_claim("paper", "unverified")], "unverified", "unverified-only"),
    (["blog-a", "blog-b"], [_claim("blog-b", "verified")], "reported", "weak-sources-only"),
    (["firm", "blog-a"], [], "reported", "weak-sources-only"),
    (["paper"], [_claim("paper", "verified")], "reported", "verified"),
    (["notice"], [_claim("blog-a", "verified"), _claim("paper")], "reported", "reported"),  # verified on a blog only
    (["paper"], [_claim("paper", "unverified")], "reported", "reported"),  # the cluster itself is reported
    (["no-such-source"], [], "reported", "seed-only"),  # an unknown id is no evidence
])
def test_evidence_levels(sources, claims, confidence, level):
    ev = cluster_evidence(_cluster(sources, claims, confidence), SOURCES)
    assert ev["level"] == level
    assert ev["weak"] is (level in WEAK_LEVELS)
    assert ev["note"] and ev["sources"] == len(set(sources) | {c["source"] for c in claims})


def test_titles_and_the_tier_source_count_as_evidence():
    title = {"en": "Sock capital", "source": "paper", "confidence": "verified", "level": "county",
             "issuer": "x", "year": 2010}
    assert cluster_evidence(_cluster(["seed"], titles=[title]), SOURCES)["level"] == "verified"
    tiered = _cluster(["seed"], quality_tier="high", tier_source="notice", tier_statement="s")
    assert cluster_evidence(tiered, SOURCES)["level"] == "reported"
    assert cluster_evidence(tiered, SOURCES)["source_kinds"] == ["official", "seed"]


def test_levels_run_weakest_first():
    assert EVIDENCE_LEVELS[0] == "seed-only" and EVIDENCE_LEVELS[-1] == "verified"
    assert WEAK_LEVELS == set(EVIDENCE_LEVELS[:4])


@pytest.mark.parametrize("period,as_of,age,stale", [
    ("2014", 2026, 12, True), ("2015", 2026, 11, True), ("2016", 2026, 10, False), ("2018-2019", 2026, 7, False),
    ("c. 2011", 2026, 15, True), ("2013-Q2", 2026, 13, True), ("undated", 2026, None, False), (None, 2026, None, False),
    ("2027", 2026, 0, False),
])
def test_figure_age_and_staleness(period, as_of, age, stale):
    claim = Claim.model_validate(_claim("paper", period=period))
    assert figure_age(claim, as_of) == age
    assert is_stale(claim, as_of) is stale


def test_a_statement_without_a_figure_is_never_stale():
    claim = Claim.model_validate(_claim("paper", period="1990") | {"value": None})
    assert figure_age(claim, 2026) == 36 and not is_stale(claim, 2026)


def test_source_reference_keeps_the_copy_apart_from_the_original():
    src = Source(id="cd", publisher="China Daily", title="t", url="https://www.chinadaily.com.cn/a/1.html",
                 read_at="https://mirror.example/a/1.html", kind="media", date="2022-06-02")
    assert source_reference(src) == {"publisher": "China Daily", "date": "2022-06-02",
                                     "original": "https://www.chinadaily.com.cn/a/1.html", "document_no": None,
                                     "read_at": "https://mirror.example/a/1.html"}
