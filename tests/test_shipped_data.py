"""The shipped atlas data: schema, ids, MCA codes, coordinates, sources, the seed's places and corrections."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
import yaml

from clusteratlas.validate import check_cluster_place
from clusteratlas._paths import DATA_DIR
from clusteratlas.atlas import load_atlas
from clusteratlas.schema import SCHEMA_DIR, schema_text, schemas

SEED_INDUSTRIES = ["luggage", "lighting", "small-appliances", "toys", "childrens-clothing", "eyewear", "wigs",
                   "socks", "fishing-gear", "electronics"]

# Every place the seed document names, as (industry, Chinese name of the MCA unit or named area).
SEED_PLACES = [
    ("luggage", "狮岭镇"), ("luggage", "番禺区"), ("luggage", "花都区"), ("luggage", "深圳市"), ("luggage", "白沟镇"),
    ("luggage", "平湖市"), ("luggage", "浙江省"), ("luggage", "义乌市"), ("luggage", "海宁市"), ("luggage", "苍南县"),
    ("luggage", "钱库镇"),
    ("lighting", "中山市"), ("lighting", "梁弄镇"), ("lighting", "江门市"), ("lighting", "深圳市"),
    ("lighting", "惠州市"), ("lighting", "常州市"), ("lighting", "烟台市"),
    ("small-appliances", "北滘镇"),
    ("toys", "澄海区"), ("toys", "安海镇"), ("toys", "上海市"), ("toys", "桥下镇"), ("toys", "雄安新区"),
    ("childrens-clothing", "织里镇"), ("childrens-clothing", "东莞市"), ("childrens-clothing", "佛山市"),
    ("childrens-clothing", "即墨区"),
    ("eyewear", "丹阳市"), ("eyewear", "瓯海区"), ("eyewear", "鹰潭市"), ("eyewear", "厦门市"), ("eyewear", "横岗街道"),
    ("wigs", "许昌市"),
    ("socks", "大唐街道"), ("socks", "辽源市"), ("socks", "里水镇"),
    ("fishing-gear", "威海市"), ("fishing-gear", "固安县"), ("fishing-gear", "慈溪市"), ("fishing-gear", "东阳市"),
    ("electronics", "华强北街道"), ("electronics", "深圳市"), ("electronics", "广州市"), ("electronics", "东莞市"),
]


@pytest.fixture(scope="module")
def atlas():
    return load_atlas()


def test_shipped_schema_is_in_sync_with_the_models():
    for name, schema in schemas().items():
        shipped = (SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8")
        assert shipped == schema_text(schema), f"rebuild with: python -m clusteratlas.schema ({name})"


def test_every_data_file_validates_against_the_json_schema():
    kinds = [("industries", "industry-file"), ("sources", "sources-file")]
    n = 0
    for folder, name in kinds:
        schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text("utf-8"))
        for path in sorted((DATA_DIR / folder).glob("*.yaml")):
            jsonschema.validate(yaml.safe_load(path.read_text("utf-8")), schema)
            n += 1
    assert n >= 11


def test_seed_industries_present_with_fixed_ids(atlas):
    assert set(SEED_INDUSTRIES) <= set(atlas.industries)


def test_ids_are_unique_across_files():
    ids = []
    for path in (DATA_DIR / "industries").glob("*.yaml"):
        ids += [c["id"] for c in yaml.safe_load(path.read_text("utf-8"))["clusters"]]
    assert len(ids) == len(set(ids))


def test_every_place_is_an_mca_unit_with_its_name_and_a_point_inside_its_polygon(atlas):
    problems = {c.id: check_cluster_place(c) for c in atlas.clusters.values()}
    assert {k: v for k, v in problems.items() if v} == {}


def test_every_cited_source_exists_and_has_an_address_unless_the_item_is_unverified(atlas):
    for c in atlas.clusters.values():
        for item in (*c.claims, *c.titles, *c.markets):
            src = atlas.sources[item.source]
            assert src.url or src.document_no or item.confidence == "unverified", \
                    f"{c.id}: source {src.id} has no address"
    assert atlas.sources["seed-document"].kind == "seed"


def test_every_figure_is_a_claim_with_a_source(atlas):
    for c in atlas.clusters.values():
        for claim in c.claims:
            assert claim.source and claim.statement


def test_every_seed_place_is_a_cluster_of_its_industry(atlas):
    have = set()
    for c in atlas.clusters.values():
        have.add((c.industry, c.place.name_zh))
        if c.area:
            have.add((c.industry, c.area.name_zh))
    missing = [p for p in SEED_PLACES if p not in have]
    assert missing == []


def test_seed_places_are_in_the_geojson_export(atlas):
    from clusteratlas.shapes import to_geojson
    from clusteratlas.export import export_rows

    fc = to_geojson(export_rows(atlas))
    seeded = {c.id for c in atlas.clusters.values() if c.in_seed}
    exported = {f["properties"]["cluster_id"] for f in fc["features"]}
    assert len(seeded) >= 40 and seeded <= exported
    for f in fc["features"]:
        lon, lat = f["geometry"]["coordinates"]
        assert 73 < lon < 136 and 3 < lat < 54


def _corrections(atlas):
    return {(c.id, corr.seed_text) for c in atlas.clusters.values() for corr in c.corrections}


@pytest.mark.parametrize("seed_text,industry", [
    ("Beirong", "small-appliances"), ("Shunde City", "small-appliances"), ("Chenghai City", "toys"),
    ("glass industry", "eyewear"), ("Xiongan New Area", "toys"), ("Shenzhen City of Guangzhou", "luggage"),
])
def test_seed_errors_are_corrected_with_a_note(atlas, seed_text, industry):
    hits = [c for c in atlas.clusters.values() for corr in c.corrections
            if seed_text.lower() in corr.seed_text.lower() and c.industry == industry]
    assert hits, f"no correction note for {seed_text!r}"


def test_xiongan_is_the_three_baoding_counties(atlas):
    from clusteratlas import gazetteer

    areas = [c.area for c in atlas.clusters.values() if c.area and c.area.name_zh == "雄安新区"]
    assert len(areas) == 1
    names = sorted(gazetteer.place_for_adcode(code).name_zh for code in areas[0].adcodes)
    assert names == ["安新县", "容城县", "雄县"]
    assert all(code.startswith("1306") for code in areas[0].adcodes)


def test_beijiao_is_in_shunde_district(atlas):
    beijiao = [c for c in atlas.clusters.values() if c.place.name_zh == "北滘镇"][0]
    assert beijiao.place.adcode.startswith("440606") and beijiao.place.level == "township"


def test_no_sentence_of_the_seed_is_copied(test_data):
    from clusteratlas.validate import copied_runs

    prints = {ln for ln in (test_data / "seed_fingerprints.txt").read_text("utf-8").split() if not ln.startswith("#")}
    assert len(prints) > 300
    root = Path(__file__).resolve().parents[1]
    offenders = []
    for path in [*root.joinpath("src").rglob("*.yaml"), *root.joinpath("src").rglob("*.py"), root / "README.md"]:
        if path.exists() and copied_runs(path.read_text("utf-8"), prints):
            offenders.append(str(path))
    assert offenders == []


def test_the_copy_check_finds_a_copied_run():
    from clusteratlas.validate import copied_runs, seed_fingerprints

    seed = "Alpha beta gamma delta epsilon zeta eta theta iota kappa lambda. Short one."
    prints = seed_fingerprints(seed)
    assert copied_runs("intro Alpha beta gamma  delta epsilon\nzeta eta theta iota end", prints)
    assert not copied_runs("Alpha beta gamma delta epsilon zeta eta theta", prints)


def test_seed_industries_have_at_least_30_terms(atlas):
    for ind in SEED_INDUSTRIES:
        assert len(atlas.industry(ind).terms.all()) >= 30, ind


def test_shipped_data_meets_the_reference_rules(atlas):
    """Sources (no copy site standing for the original, every fact sourced) and figures (periods, shares that
    fit in 100 %, titles at their level with issuer and year, sourced tiers): see clusteratlas.validate."""
    from clusteratlas.validate import figure_problems, sourcing_problems

    assert sourcing_problems(atlas) == []
    assert figure_problems(atlas) == []


def test_every_shipped_claim_has_its_statement_in_chinese_with_the_same_numbers():
    import re

    from clusteratlas import load_atlas

    atlas = load_atlas()
    claims = [(c.id, x) for c in atlas.clusters.values() for x in c.claims]
    assert len(claims) >= 900
    missing = [cid for cid, x in claims if not x.statement_zh]
    assert not missing, f"{len(missing)} claims without statement_zh, e.g. {missing[:5]}"
    # a year named in the English statement is named in the Chinese one too (a cheap faithfulness check)
    off = [(cid, y) for cid, x in claims for y in re.findall(r"\b(?:19|20)\d\d\b", x.statement)
           if y not in x.statement_zh]
    assert not off, off[:10]


def test_the_shipped_data_passes_every_validate_check():
    """What `clusteratlas validate` runs on the shipped files (all checks, places included): no problem."""
    from clusteratlas import validate as v

    report = v.validate_data(DATA_DIR)
    assert report["places_checked"] and report["problems"] == [], report["problems"][:10]
