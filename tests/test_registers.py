"""Registers (issue 11): lines listed vs entered, a register's lines, the same through the CLI and the API;
the stats breakdowns; evidence, stale figures, tiers and markets in ``show``, ``find --details`` and the API."""

from __future__ import annotations

import copy
import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

from atlas_fixtures import MINI, MINI_MARKETS, MINI_REGISTERS, write_atlas_dir
from clusteratlas.atlas import load_atlas
from clusteratlas.coverage import coverage_markdown, coverage_stats, register_coverage, register_entries
from clusteratlas.errors import RegisterNotFound

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "clusteratlas", *args], capture_output=True, text=True,
                          timeout=120, env={**__import__("os").environ, "COLUMNS": "200"})


def _spec() -> dict:
    spec = copy.deepcopy(MINI)
    spec["register_files"] = copy.deepcopy(MINI_REGISTERS)
    spec["market_files"] = copy.deepcopy(MINI_MARKETS)
    spec["sources"]["sources"] += [
        {"id": "seed-doc", "publisher": "Seed", "title": "The seed", "kind": "seed"},
        {"id": "daily", "publisher": "A Daily", "title": "Old report", "kind": "media",
         "url": "https://daily.example/2012/1.html", "read_at": "https://mirror.example/2012/1.html",
         "date": "2012-05-01"},
    ]
    socks = spec["industries"]["socks"]["clusters"]
    socks[0]["tier_statement"] = "A sourcing report calls Lishui's socks cheap and basic."
    socks.append({**copy.deepcopy(socks[0]), "id": "dalang-socks", "name_en": "Dalang socks", "name_zh": "大朗袜",
                  "quality_tier": None, "price_tier": None, "tier_source": None, "tier_statement": None,
                  "place": {**socks[0]["place"], "adcode": "441900", "level": "prefecture", "name_zh": "东莞市"},
                  "sources": ["seed-doc"],
                  "claims": [{"metric": "firm_count", "value": 300, "unit": "count", "period": "2012",
                              "statement": "About 300 firms in 2012.", "source": "daily"}]})
    return spec


@pytest.fixture(scope="module")
def ref_dir(tmp_path_factory) -> Path:
    return write_atlas_dir(tmp_path_factory.mktemp("ref") / "data", _spec())


@pytest.fixture(scope="module")
def ref_atlas(ref_dir):
    return load_atlas(ref_dir)


# -------------------------------------------------------------------------------------------- registers
def test_register_coverage_counts_lines_listed_and_entered(ref_atlas):
    (row,) = register_coverage(ref_atlas, as_of=2026)
    assert (row["register_id"], row["listed"], row["entered"], row["clusters"], row["new_clusters"]) == \
        ("test-register", 3, 2, 2, 1)
    assert (row["entries_verified"], row["entries_reported"]) == (1, 1)
    assert row["document_no"] == "测试函〔2023〕1号" and row["url"] == "https://example.org/test"
    assert row["validity"] == "2023–2025 (ended)"
    assert register_coverage(ref_atlas, as_of=2025)[0]["validity"] == "2023–2025"


def test_a_line_naming_two_places_is_one_line_entered(tmp_path):
    spec = _spec()
    entries = spec["register_files"]["test-register"]["entries"]
    entries[0]["name_zh"] = entries[1]["name_zh"]  # one line of the list, entered as two clusters
    (row,) = register_coverage(load_atlas(write_atlas_dir(tmp_path / "d", spec)))
    assert (row["entered"], row["clusters"]) == (1, 2)


def test_register_entries_give_the_list_wording_place_and_where_read(ref_atlas):
    rows = register_entries(ref_atlas, "test-register")
    assert [(r["line"], r["cluster_id"], r["made"]) for r in rows] == [
        ("许昌市假发产业集群", "xuchang-wigs", "title on existing cluster"),
        ("诸暨市袜业产业集群", "zhuji-socks", "new cluster")]
    assert rows[1]["place_zh"] == "诸暨市" and rows[1]["province"] == "Zhejiang Province"
    assert rows[1]["read_at"] == "https://copy.example/list.html" and rows[0]["read_at"] is None
    assert rows[0]["source"] == "test-source"


def test_an_unknown_register_suggests_close_ids(ref_atlas):
    with pytest.raises(RegisterNotFound, match="did you mean test-register"):
        register_entries(ref_atlas, "test-registr")


def test_registers_cli(ref_dir):
    res = run("registers", "--data-dir", str(ref_dir), "--format", "json")
    rows = json.loads(res.stdout)
    assert [(r["register_id"], r["listed"], r["entered"]) for r in rows] == [("test-register", 3, 2)]
    res = run("registers", "test-register", "--data-dir", str(ref_dir), "--format", "csv")
    lines = res.stdout.splitlines()
    assert lines[0].startswith("register_id,line,cluster_id") and len(lines) == 3 and "zhuji-socks" in lines[2]
    table = run("registers", "--data-dir", str(ref_dir), "--format", "table").stdout
    assert "测试函〔2023〕1号" in table and "2023–2025" in table
    bad = run("registers", "nope", "--data-dir", str(ref_dir))
    assert bad.returncode == 1 and bad.stderr.count("\n") == 1 and "no register with id 'nope'" in bad.stderr
    assert run("registers", "--data-dir", str(ref_dir), "--format", "geojson").returncode == 2


def test_the_shipped_registers_are_counted_honestly():
    rows = json.loads(run("registers", "--format", "json").stdout)
    atlas = load_atlas()
    assert len(rows) == len(atlas.registers) >= 10
    for r in rows:
        lines = {e.name_zh for e in atlas.register_entries[r["register_id"]]}
        assert r["entered"] == len(lines) <= r["listed"], r["register_id"]
    miit_sme = [r for r in rows if r["register_id"].startswith("miit-featured-sme-")]
    assert len(miit_sme) == 4 and sum(r["listed"] for r in miit_sme) == 400


# ---------------------------------------------------------------------------------------------- stats
def test_stats_breakdowns_on_a_hand_counted_atlas(ref_atlas):
    s = coverage_stats(ref_atlas, as_of=2026)
    assert (s["clusters"], s["claims"], s["figures"]) == (4, 3, 3)  # xuchang, lishui, dalang, zhuji
    assert (s["claims_on_reference_sources"], s["claims_on_weak_sources"]) == (3, 0)
    assert s["figures_stale"] == 1 and s["figures_undated"] == 0  # dalang's 2012 figure
    assert coverage_stats(ref_atlas, as_of=2032)["figures_stale"] == 3  # 2020 and 2021 are then old too
    assert (s["clusters_seed_only"], s["clusters_single_blog"], s["clusters_unverified_only"]) == (0, 0, 0)
    assert s["clusters_with_sourced_tier"] == 1 and s["clusters_with_tier"] == 1
    assert (s["markets"], s["markets_with_address"], s["markets_with_point"], s["markets_with_hours"]) == \
        (2, 1, 1, 1)
    assert (s["fairs"], s["fairs_with_dates"], s["clusters_with_markets"]) == (1, 1, 1)
    assert s["register_coverage"] == {"test-register": {"entered": 2, "listed": 3}}
    assert (s["register_lines_listed"], s["register_lines_entered"]) == (3, 2)
    assert s["sources_read_on_a_copy"] == 1
    assert s["mainland_provinces_missing"][:2] == ["北京市 Beijing (110000)", "天津市 Tianjin (120000)"]
    assert len(s["mainland_provinces_missing"]) == 31 - 3  # Henan, Guangdong, Zhejiang covered


def test_a_cluster_on_the_seed_alone_is_counted(ref_atlas):
    seeded = ref_atlas.clusters["dalang-socks"].model_copy(update={"claims": []})
    atlas = ref_atlas.__class__(**{**ref_atlas.__dict__, "clusters": {**ref_atlas.clusters,
                                                                        "dalang-socks": seeded}})
    assert coverage_stats(atlas)["clusters_seed_only"] == 1


def test_stats_cli_explains_each_measure(ref_dir):
    s = json.loads(run("stats", "--data-dir", str(ref_dir), "--format", "json").stdout)[0]
    assert s["register_coverage"] == {"test-register": {"entered": 2, "listed": 3}}
    table = run("stats", "--data-dir", str(ref_dir), "--format", "table").stdout
    assert "register test-register" in table and "2 / 3" in table
    assert "the cited page's text was read and states this figure" in table


def test_shipped_stats_cover_the_mainland():
    s = json.loads(run("stats", "--format", "json").stdout)[0]
    assert s["provinces"] >= 31 and s["mainland_provinces_missing"] == []
    assert s["claims_on_reference_sources"] + s["claims_on_weak_sources"] == s["claims"]
    assert 0 < s["share_verified"] < 1 and s["register_lines_entered"] <= s["register_lines_listed"]


# -------------------------------------------------------------------------------- the README generator
def test_coverage_markdown_has_the_register_table(ref_atlas):
    md = coverage_markdown(ref_atlas, as_of=2026)
    assert md.startswith("Counted in 2026 by `clusteratlas stats`")
    assert ("| Test featured clusters (`test-register`) | Test Ministry | 2023 | 3 | 2 | 2 | 测试函〔2023〕1号; "
            "[original](https://example.org/test) |") in md
    assert "| figures undated / older than 10 years (of 3) | 0 / 1 |" in md


def _update_readme():
    spec = importlib.util.spec_from_file_location("update_readme", ROOT / "scripts" / "update_readme.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_update_readme_check_fails_on_a_stale_copy_and_rewrites_it(tmp_path):
    mod = _update_readme()
    readme = tmp_path / "README.md"
    text = (ROOT / "README.md").read_text("utf-8")
    year = mod.stated_year(text)
    assert year is not None and mod.main(["--check", str(ROOT / "README.md")]) == 0
    n = len(load_atlas().clusters)
    assert f"**{n} clusters**" in text
    readme.write_text(text.replace(f"**{n} clusters**", f"**{n + 1} clusters**"), "utf-8")
    assert mod.main(["--check", str(readme)]) == 1
    assert mod.main([str(readme)]) == 0 and mod.main(["--check", str(readme)]) == 0
    assert f"**{n} clusters**" in readme.read_text("utf-8")


def test_the_readme_register_rows_are_the_registers_of_the_data():
    text = (ROOT / "README.md").read_text("utf-8")
    for r in register_coverage(load_atlas()):
        assert f"(`{r['register_id']}`) | {r['issuer']} | {r['year']} | {r['listed']} | {r['entered']} |" in text


# ------------------------------------------------------------------- show, find --details, the API
def test_show_json_has_evidence_tier_and_stale_figures(ref_dir):
    d = json.loads(run("show", "dalang-socks", "--data-dir", str(ref_dir), "--format", "json").stdout)[0]
    assert d["evidence"]["level"] == "reported" and d["evidence"]["weak"] is False
    (claim,) = d["claims"]
    assert claim["stale"] is True and claim["age_years"] == d["as_of_year"] - 2012
    assert claim["source_detail"]["read_at"] == "https://mirror.example/2012/1.html"
    lishui = json.loads(run("show", "lishui-socks", "--data-dir", str(ref_dir), "--format", "json").stdout)[0]
    assert lishui["tier"]["statement"].startswith("A sourcing report") and lishui["tier"]["quality"] == "low"
    assert lishui["tier"]["source_detail"]["publisher"] == "Test Publisher"


def test_show_table_prints_evidence_age_copy_tier_and_markets(ref_dir):
    out = run("show", "dalang-socks", "--data-dir", str(ref_dir), "--format", "table").stdout
    assert "Evidence: reported" in out and "years old" in out
    assert "https://daily.example/2012/1.html; read at: https://mirror.example/2012/1.html" in out
    out = run("show", "lishui-socks", "--data-dir", str(ref_dir), "--format", "table").stdout
    assert "Tier: quality low, price low" in out and "A sourcing report calls" in out
    assert "address: Lishui Town, Nanhai, Foshan / 广东省佛山市南海区里水镇 (lat 23.20000, lon 113.10000" in out
    assert "hours: daily 08:00-18:00" in out and "dates: 2024-05-10–2024-05-12 (3rd); every May" in out


def test_show_table_says_when_a_cluster_rests_on_the_seed_alone(tmp_path):
    spec = _spec()
    spec["industries"]["socks"]["clusters"][1]["claims"] = []
    out = run("show", "dalang-socks", "--data-dir", str(write_atlas_dir(tmp_path / "d", spec)), "-f", "table").stdout
    assert "Evidence: seed-only — Rests on the seed document alone" in out


def test_find_details_give_tier_and_markets(ref_dir):
    rows = json.loads(run("find", "socks", "--details", "--data-dir", str(ref_dir), "-f", "json").stdout)
    lishui = next(r for r in rows if r["cluster_id"] == "lishui-socks")
    assert lishui["tier"]["source_ref"]["original"] == "https://example.org/test"
    assert [(m["id"], m["when"]) for m in lishui["markets"]] == [
        ("lishui-sock-market", "daily 08:00-18:00"), ("lishui-sock-fair", "2024-05-10–2024-05-12 (3rd); every May")]
    plain = json.loads(run("find", "socks", "--data-dir", str(ref_dir), "-f", "json").stdout)
    assert "markets" not in plain[0] and "evidence" not in plain[0]  # the contract's keys only, without --details
    table = run("find", "socks", "--details", "--data-dir", str(ref_dir), "-f", "table").stdout
    assert "Lishui sock market" in table and "daily 08:00-18:00" in table and "tier: quality low" in table


def test_api_registers_and_evidence(ref_atlas):
    pytest.importorskip("fastapi")
    from fastapi.testclient import TestClient

    from clusteratlas.web import create_app

    with TestClient(create_app(ref_atlas), raise_server_exceptions=False) as client:
        body = client.get("/api/v1/registers").json()
        assert body["total"] == 1 and body["items"][0]["entered"] == 2
        one = client.get("/api/v1/registers/test-register").json()
        assert one["register_id"] == "test-register" and [i["cluster_id"] for i in one["items"]] == \
            ["xuchang-wigs", "zhuji-socks"]
        r = client.get("/api/v1/registers/test-registr")
        assert r.status_code == 404 and r.json()["error"]["code"] == "register_not_found"
        assert "test-register" in r.json()["error"]["message"]
        detail = client.get("/api/v1/clusters/dalang-socks").json()
        assert detail["claims"][0]["stale"] is True and detail["evidence"]["level"] == "reported"
        items = client.get("/api/v1/clusters?industry=socks").json()["items"]
        assert {i["cluster_id"]: i["evidence"]["weak"] for i in items} == \
            {"lishui-socks": False, "dalang-socks": False, "zhuji-socks": False}


def test_shipped_clusters_on_the_seed_alone_say_so_in_every_summary():
    atlas = load_atlas()
    seed_ids = {s.id for s in atlas.sources.values() if s.kind == "seed"}
    flagged = 0
    for c in atlas.clusters.values():
        cited = {*c.sources, *(x.source for x in (*c.claims, *c.titles)), *([c.tier_source] if c.tier_source else [])}
        evidence = atlas.cluster_summary(c)["evidence"]
        assert (evidence["level"] == "seed-only") == (cited <= seed_ids), c.id
        flagged += evidence["level"] == "seed-only"
    assert flagged == coverage_stats(atlas)["clusters_seed_only"]


def test_fill_register_places_script_writes_the_gazetteer_place_block(tmp_path):
    import subprocess
    import sys
    from pathlib import Path

    import yaml

    reg = tmp_path / "r.yaml"
    reg.write_text("register:\n  id: x\nentries:\n- name_zh: 义乌市饰品产业集群\n  adcode: '330782'\n"
                   "  name_en: Yiwu jewellery\n", encoding="utf-8")
    script = Path(__file__).resolve().parents[1] / "scripts" / "fill_register_places.py"
    out = subprocess.run([sys.executable, str(script), str(reg)], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    place = yaml.safe_load(reg.read_text(encoding="utf-8"))["entries"][0]["place"]
    assert place["adcode"] == "330782" and place["name_zh"] == "义乌市" and place["level"] == "county"
    assert place["path"][-1]["adcode"] == "330700" and 28.5 < place["lat"] < 29.9 and 119.5 < place["lon"] < 120.6
