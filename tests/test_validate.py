"""Every data check of :mod:`clusteratlas.validate`: each can fail (a small broken record), and the shipped
data passes the checks that it already meets.

The reference rules (sources, figures) are tested on small records here; the shipped data is held to them by
``test_shipped_data.py`` once it meets them.
"""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml

from clusteratlas import validate as v
from clusteratlas._paths import DATA_DIR
from clusteratlas.atlas import load_atlas
from clusteratlas.model import Cluster, Industry, IndustryFile

# -------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def _cluster(**changes) -> Cluster:
    base = {
        "id": "hangji-toothbrushes", "industry": "toothbrushes", "name_en": "Hangji toothbrushes", "name_zh": "杭集牙刷",
        "place": {"adcode": "321002101", "level": "township", "name_zh": "杭集镇", "name_en": "Hangji Town",
                  "path": [{"adcode": "320000", "level": "province", "name_zh": "江苏省", "name_en": "Jiangsu Province"},
                           {"adcode": "321000", "level": "prefecture", "name_zh": "扬州市", "name_en": "Yangzhou City"},
                           {"adcode": "321002", "level": "county", "name_zh": "广陵区", "name_en": "Guangling District"}],
                  "lat": 32.36815, "lon": 119.533, "coord_source": "test", "coord_precision": "township"},
        "role": "leading", "description": "test record",
        "claims": [{"metric": "firm_count", "value": 1, "unit": "count", "statement": "s", "source": "src-a"}],
        "sources": ["src-a"],
    }
    for key, value in changes.items():
        if key == "place":
            base["place"] = {**base["place"], **value}
        else:
            base[key] = value
    return Cluster.model_validate(base)


def _industry(iid: str, en: list[str], zh: list[str] | None = None) -> Industry:
    return Industry.model_validate({"id": iid, "name_en": iid, "name_zh": iid, "description": "test",
                                    "terms": {"en": en, "zh": zh or []}})


# ---------------------------------------------------------------------------------- checks on the data
def test_data_has_the_issue_6_coverage(atlas):
    assert len(atlas.clusters) >= 150, f"{len(atlas.clusters)} clusters"
    assert len(atlas.industries) >= 60


def test_every_seed_industry_has_at_least_15_terms(atlas):
    # new industries may still be filling their vocabularies: `clusteratlas validate` lists them
    seeds = [atlas.industries[i] for i in ("luggage", "lighting", "small-appliances", "toys", "childrens-clothing",
                                           "eyewear", "wigs", "socks", "fishing-gear", "electronics")]
    assert v.thin_industries(seeds) == []


def test_every_claim_title_and_market_has_a_source(atlas):
    assert v.unsourced_facts(atlas.clusters.values()) == []


def test_every_place_is_in_the_mca_table_with_a_point_inside_its_county(atlas):
    assert v.place_problems(atlas) == []


def test_industry_parents_are_taxonomy_groups(atlas):
    assert {"textiles-apparel", "leather-luggage-footwear", "light-industry", "electrical-appliances",
            "electronics-ict"} <= set(atlas.groups)
    assert [i.id for i in atlas.industries.values() if i.parent not in atlas.groups] == []


def test_validate_runs_every_check_and_counts_problems_by_check(mini_dir):
    report = v.validate_data(mini_dir, check_places=False)
    assert report["checks"] == ["model", "vocabulary", "sources", "figures"]
    assert set(report["problems_by_check"]) == set(report["checks"])
    assert sum(report["problems_by_check"].values()) == len(report["problems"])
    with pytest.raises(Exception, match="no check named"):
        v.validate_data(mini_dir, skip=["nonsense"])


# ------------------------------------------------------------------------ each check can fail (negative)
def test_loader_catches_same_industry_and_place(tmp_path, mini_spec):
    from atlas_fixtures import write_atlas_dir

    clusters = mini_spec["industries"]["wigs"]["clusters"]
    clusters.append({**clusters[0], "id": "xuchang2-wigs"})
    report = v.validate_data(write_atlas_dir(tmp_path / "d", mini_spec), check_places=False)
    assert any("same industry and place" in p for p in report["problems"])


def test_thin_vocabulary_check_catches_fourteen_terms():
    fourteen = _industry("thin", [f"term {i}" for i in range(14)])
    fifteen = _industry("ok", [f"term {i}" for i in range(15)])
    repeated = _industry("rep", ["Toothbrush", "toothbrush", "tooth-brush", "tooth brush"] + [f"t{i}" for i in range(12)])
    assert v.thin_industries([fifteen]) == []
    assert v.thin_industries([fourteen]) == ["industry 'thin' field terms: only 14 distinct product terms (need 15)"]
    assert len(v.thin_industries([repeated])) == 1  # 14 distinct once case and spacing are ignored


def test_unsourced_check_catches_missing_sources():
    assert v.unsourced_facts([_cluster()]) == []
    blank = _cluster(claims=[{"metric": "m", "unit": "count", "statement": "s", "source": " "}])
    assert any("has no source" in p for p in v.unsourced_facts([blank]))
    no_existence = _cluster(sources=[])
    assert any("no source for the cluster" in p for p in v.unsourced_facts([no_existence]))


def test_place_check_catches_a_code_a_name_and_a_point():
    assert v.check_cluster_place(_cluster()) is None
    assert "not in the MCA table" in v.check_cluster_place(_cluster(place={"adcode": "321002999"}))
    assert "杭集镇" in v.check_cluster_place(_cluster(place={"name_zh": "杭集街道"}))
    moved = _cluster(place={"lat": 31.23, "lon": 121.47})  # a point in Shanghai for a town of Yangzhou
    assert "outside the polygon of 321002" in v.check_cluster_place(moved)


def test_ambiguity_check_catches_a_shared_term_and_accepts_a_note():
    a = _industry("neckties", ["Tie", "silk tie"])
    b = _industry("cable-ties", ["tie", "zip tie"])
    assert v.ambiguous_terms([a, b], {}) == ["term 'tie' maps to ['cable-ties', 'neckties'] without a disambiguation note"]
    assert v.ambiguous_terms([a, b], {"tie": "necktie unless the query says cable or zip"}) == []
    assert v.ambiguous_terms([a], {}) == []


# ------------------------------------------------------------------ the reference rules on small atlases
def _atlas_with(tmp_path, mini_spec, edit):
    from atlas_fixtures import write_atlas_dir

    edit(mini_spec)
    return load_atlas(write_atlas_dir(tmp_path / "d", mini_spec))


def test_copy_site_as_source_url_is_a_problem(tmp_path, mini_spec):
    def edit(spec):
        spec["sources"]["sources"][0]["url"] = "https://www.copysite.example/news/1.html"

    atlas = _atlas_with(tmp_path, mini_spec, edit)
    (atlas.data_dir / "copy_sites.yaml").write_text(yaml.safe_dump({"domains": [{"domain": "copysite.example"}]}))
    assert any("copy site" in p for p in v.source_problems(atlas))


def test_figure_without_period_is_a_problem(tmp_path, mini_spec):
    def edit(spec):
        for c in spec["industries"]["wigs"]["clusters"]:
            for claim in c.get("claims", []):
                claim.pop("period", None)

    atlas = _atlas_with(tmp_path, mini_spec, edit)
    assert any("needs a period" in p for p in v.period_problems(atlas))


def test_shares_over_100_percent_are_a_problem_unless_one_figure_id(tmp_path, mini_spec):
    def edit(spec):
        base = spec["industries"]["wigs"]["clusters"][0]
        twin = {**base, "id": "juancheng-wigs", "place": {**base["place"], "adcode": "411002"}}
        twin["place"]["name_zh"] = "魏都区"
        spec["industries"]["wigs"]["clusters"].append(twin)
        for c in spec["industries"]["wigs"]["clusters"]:
            c["claims"] = [{"metric": "share_of_world_output", "value": 60, "unit": "percent", "period": "2020",
                            "denominator": "world wigs", "statement": "s", "source": "test-source"}]

    atlas = _atlas_with(tmp_path, mini_spec, edit)
    assert any("adds up to 120" in p for p in v.share_problems(atlas))


def test_title_without_level_issuer_or_year_is_a_problem():
    class A:
        clusters = {"c": _cluster(titles=[{"en": "Capital of toothbrushes", "source": "src-a"}])}

        def file_of(self, cid):
            return Path("x.yaml")

    found = v.title_problems(A())
    assert any(".level" in p for p in found) and any(".issuer" in p for p in found) and any(".year" in p for p in found)


def test_tier_without_its_source_is_a_problem():
    class A:
        clusters = {"c": _cluster(quality_tier="high")}
        sources = {"src-a": None}

        def file_of(self, cid):
            return Path("x.yaml")

    assert any("tier needs the source" in p for p in v.tier_problems(A()))


# -------------------------------------------- the reference rules: what passes beside what fails (issue 11)
def test_read_on_a_copy_needs_the_original_address_or_a_document_number(tmp_path, mini_spec):
    def edit(spec):
        src = spec["sources"]["sources"][0]
        src.pop("url")
        src["read_at"] = "https://www.copysite.example/news/1.html"

    atlas = _atlas_with(tmp_path, mini_spec, edit)
    found = v.source_problems(atlas)
    assert len(found) == 1 and "neither the original address nor the document number" in found[0]
    assert "'test-source'" in found[0]
    with_number = atlas.sources["test-source"].model_copy(update={"document_no": "测试函〔2023〕1号"})
    atlas.sources["test-source"] = with_number
    assert v.source_problems(atlas) == []
    with_original = with_number.model_copy(update={"document_no": None, "url": "https://publisher.example/1"})
    atlas.sources["test-source"] = with_original
    assert v.source_problems(atlas) == []


def test_a_copy_site_as_read_at_beside_the_original_passes(tmp_path, mini_spec):
    def edit(spec):
        spec["sources"]["sources"][0]["read_at"] = "https://www.copysite.example/news/1.html"
        spec["copy_sites"] = {"domains": [{"domain": "copysite.example", "note": "test"}]}

    atlas = _atlas_with(tmp_path, mini_spec, edit)
    assert v.source_problems(atlas) == []
    moved = atlas.sources["test-source"].model_copy(update={"url": "https://news.copysite.example/1.html"})
    atlas.sources["test-source"] = moved  # a sub-domain of a copy site is a copy site too
    assert ["copysite.example is a copy site" in p for p in v.source_problems(atlas)] == [True]


def test_the_undated_mark_passes_the_period_check(tmp_path, mini_spec):
    def edit(spec):
        claims = spec["industries"]["wigs"]["clusters"][0]["claims"]
        claims[0]["period"] = "undated"
        claims[1].pop("period")

    atlas = _atlas_with(tmp_path, mini_spec, edit)
    found = v.period_problems(atlas)
    assert len(found) == 1 and "claims.1.period" in found[0]


def _two_wig_towns(spec, value, figure_ids=(None, None), periods=("2020", "2020")):
    base = spec["industries"]["wigs"]["clusters"][0]
    twin = {**base, "id": "weidu-wigs", "place": {**base["place"], "adcode": "411002", "name_zh": "魏都区"}}
    spec["industries"]["wigs"]["clusters"].append(twin)
    for c, fid, period in zip(spec["industries"]["wigs"]["clusters"], figure_ids, periods):
        c["claims"] = [{"metric": "share_of_world_output", "value": value, "unit": "percent", "period": period,
                        "denominator": "world wigs", "statement": "s", "source": "test-source"}
                       | ({"figure_id": fid} if fid else {})]


@pytest.mark.parametrize("figure_ids,periods,value,bad", [
    ((None, None), ("2020", "2020"), 60, True),  # 120 % of one whole
    (("henan-wigs", "henan-wigs"), ("2020", "2020"), 60, False),  # one figure about Henan quoted twice
    ((None, None), ("2020", "2021"), 60, False),  # different periods are different wholes
    ((None, None), ("2020", "2020"), 50, False),  # exactly 100 %
])
def test_share_sums(tmp_path, mini_spec, figure_ids, periods, value, bad):
    atlas = _atlas_with(tmp_path, mini_spec, lambda s: _two_wig_towns(s, value, figure_ids, periods))
    assert bool(v.share_problems(atlas)) is bad


def _title_atlas(*titles, level="township"):
    class A:
        clusters = {"c": _cluster(titles=list(titles))}

        def file_of(self, cid):
            return Path("x.yaml")

    return A()


def test_a_title_on_the_wrong_level_is_a_problem():
    county_title = {"zh": "中国牙刷之都", "en": "Toothbrush capital", "level": "county", "issuer": "CLIC", "year": 2003,
                    "source": "src-a"}
    found = v.title_problems(_title_atlas(county_title))  # the test cluster is the township 杭集镇
    assert len(found) == 1 and "a county title (中国牙刷之都) on a township cluster" in found[0]
    assert v.title_problems(_title_atlas(county_title | {"level": "township"})) == []
    listed = county_title | {"register_id": "test-register"}  # register titles take the place's level
    assert v.title_problems(_title_atlas(listed)) == []


def test_a_tier_citing_an_unknown_source_is_a_problem():
    class A:
        clusters = {"c": _cluster(quality_tier="high", tier_source="nowhere")}
        sources = {"src-a": None}

        def file_of(self, cid):
            return Path("x.yaml")

    assert any("unknown source 'nowhere'" in p for p in v.tier_problems(A()))
    A.clusters = {"c": _cluster(quality_tier="high", tier_source="src-a")}
    assert v.tier_problems(A()) == []


def test_more_register_lines_than_the_list_has_is_a_problem(tmp_path, mini_spec):
    from atlas_fixtures import MINI_REGISTERS

    def edit(spec):
        spec["register_files"] = copy.deepcopy(MINI_REGISTERS)
        spec["register_files"]["test-register"]["register"]["listed"] = 1

    atlas = _atlas_with(tmp_path, mini_spec, edit)
    assert v.register_problems(atlas) == ["registers: record 'test-register' field listed: 2 lines entered but "
                                          "the list has 1"]
    atlas.registers["test-register"] = atlas.registers["test-register"].model_copy(update={"listed": 2})
    assert v.register_problems(atlas) == []


def test_validate_data_reports_the_reference_rules_under_their_checks(tmp_path, mini_spec):
    def edit(spec):
        spec["sources"]["sources"][0].pop("url")
        spec["sources"]["sources"][0]["read_at"] = "https://copy.example/1"
        spec["industries"]["wigs"]["clusters"][0]["claims"][0].pop("period")

    _atlas_with(tmp_path, mini_spec, edit)
    report = v.validate_data(tmp_path / "d", check_places=False)
    assert report["problems_by_check"]["sources"] == 1 and report["problems_by_check"]["figures"] == 1


def test_a_claim_may_carry_a_chinese_statement_and_it_must_be_chinese():
    from pydantic import ValidationError

    from clusteratlas.model import Claim

    base = {"metric": "firm_count", "value": 3, "unit": "count", "period": "2020", "statement": "Three firms.",
            "source": "s"}
    assert Claim(**base, statement_zh="有三家企业。").statement_zh == "有三家企业。"
    assert Claim(**base).statement_zh is None
    with pytest.raises(ValidationError, match="no Chinese characters"):
        Claim(**base, statement_zh="Three firms.")


def test_nothing_is_verified_on_a_source_nobody_can_locate(tmp_path, mini_spec):
    def edit(spec):
        spec["industries"]["wigs"]["clusters"][0]["claims"][0]["confidence"] = "verified"

    atlas = _atlas_with(tmp_path, mini_spec, edit)
    verified = [(c.id, x) for c in atlas.clusters.values() for x in c.claims
                if x.source == "test-source" and x.confidence == "verified"]
    assert verified and v.source_problems(atlas) == []
    atlas.sources["test-source"] = atlas.sources["test-source"].model_copy(update={"url": None})
    found = v.source_problems(atlas)
    assert found and all("no address, no copy read and no document number" in p for p in found)
    assert any(f"'{verified[0][0]}' field claims" in p for p in found)
    numbered = atlas.sources["test-source"].model_copy(update={"document_no": "测试函〔2023〕1号"})
    atlas.sources["test-source"] = numbered
    assert v.source_problems(atlas) == []
