"""The web tests' atlas, generated in code: MINI (tests/atlas_fixtures.py) plus what the web layer must handle:
industry groups, a second wigs cluster to compare, conflicting and unverified claims, titles, markets,
corrections, many clusters for pagination, and hostile strings that must come out escaped."""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

import yaml

_spec = importlib.util.spec_from_file_location("_tests_atlas_fixtures", Path(__file__).parents[1] / "atlas_fixtures.py")
_root = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_root)
MINI, write_atlas_dir, _place = _root.MINI, _root.write_atlas_dir, _root._place

SD = {"adcode": "370000", "level": "province", "name_zh": "山东省", "name_en": "Shandong Province"}
GD = _root.GD
FOSHAN = {"adcode": "440600", "level": "prefecture", "name_zh": "佛山市", "name_en": "Foshan City"}
NANHAI = {"adcode": "440605", "level": "county", "name_zh": "南海区", "name_en": "Nanhai District"}
XSS = '<img src=x onerror="window.__xss=1">'
#: Number of generated sock clusters (besides lishui-socks), for pagination.
N_EXTRA_SOCKS = 30


def _has_description_zh() -> bool:
    from clusteratlas.model import Cluster, Industry

    return "description_zh" in Cluster.model_fields and "description_zh" in Industry.model_fields


def web_spec(source_url: str = "https://example.org/test") -> dict:
    """The web test atlas as a spec for ``write_atlas_dir`` (plus ``taxonomy``, written separately)."""
    spec = copy.deepcopy(MINI)
    spec["sources"]["sources"][0]["url"] = source_url
    spec["sources"]["sources"].append(
        {"id": "hostile-source", "publisher": "Evil <b>Corp</b>", "title": XSS + "title",
         "url": 'https://example.org/"><script>window.__xss=3</script>', "kind": "blog"})
    wigs = spec["industries"]["wigs"]
    wigs["industry"]["parent"] = "light-industry"
    spec["industries"]["socks"]["industry"]["parent"] = "textiles"
    wigs["clusters"][0].update({
        "titles": [{"zh": "中国发制品之都", "en": "Hair Products Capital of China", "issuer": "Test Association",
                    "year": 2010, "source": "test-source"}],
        "markets": [{"name_en": "Xuchang hair market", "name_zh": "许昌发制品市场", "kind": "wholesale market",
                     "source": "test-source", "confidence": "unverified"}],
        "corrections": [{"seed_text": "Xuchang City, Hennan", "corrected": "Xuchang, Henan",
                         "note": "Spelling of the province.", "source": "test-source"}],
        "sources": ["test-source"],
    })
    wigs["clusters"][0]["claims"].append(
        {"metric": "firm_count", "value": 4000, "unit": "count", "statement": "About 4,000 firms.",
         "source": "test-source", "confidence": "unverified"})
    wigs["clusters"].append({
        "id": "juancheng-wigs", "industry": "wigs", "name_en": "Juancheng wigs", "name_zh": "鄄城假发",
        "role": "major", "description": "Hair products in Juancheng.", "quality_tier": "mid", "price_tier": "low",
        "place": _place("371726", "county", "鄄城县", "Juancheng County", 35.56, 115.51,
                        [SD, {"adcode": "371700", "level": "prefecture", "name_zh": "菏泽市",
                              "name_en": "Heze City"}]),
        "claims": [{"metric": "share_of_world_output", "value": 30, "unit": "percent",
                    "statement": "A third of the world's hair goods.", "source": "test-source"}],
    })
    spec["industries"]["toys"] = {
        "industry": {"id": "toys", "name_en": "Toys " + XSS, "name_zh": "玩具", "description": XSS,
                     "terms": {"en": ["toy", "plush toy"], "zh": ["玩具"]}},
        "clusters": [{
            "id": "chenghai-toys", "industry": "toys", "name_en": "Chenghai " + XSS, "name_zh": "澄海玩具",
            "role": "leading", "description": "<script>window.__xss=2</script> toys",
            "place": _place("440515", "county", "澄海区", "Chenghai District", 23.47, 116.76,
                            [GD, {"adcode": "440500", "level": "prefecture", "name_zh": "汕头市",
                                  "name_en": "Shantou City"}]),
            "specialties": [XSS], "claims": [{"metric": "firm_count", "value": 1, "unit": "count",
                                             "statement": XSS, "source": "hostile-source"}],
            "sources": ["hostile-source"],
        }],
    }
    socks = spec["industries"]["socks"]["clusters"]
    for i in range(N_EXTRA_SOCKS):
        socks.append({
            "id": f"town{i:02d}-socks", "industry": "socks", "name_en": f"Town {i:02d} socks",
            "name_zh": f"测试镇{i:02d}袜业", "role": "notable", "description": "A generated sock town.",
            "place": _place(f"440605{i + 200:03d}", "township", f"测试镇{i:02d}", f"Test Town {i:02d}",
                            22.5 + 0.01 * i, 112.0 + 0.01 * i, [GD, FOSHAN, NANHAI]),
        })
    if _has_description_zh():  # Chinese texts, once the data model carries them
        wigs["clusters"][0]["description_zh"] = "许昌是假发之都。"
        wigs["industry"]["description_zh"] = "假发与发制品。"
    spec["taxonomy"] = {"groups": [
        {"id": "light-industry", "name_en": "Light industry", "name_zh": "轻工"},
        {"id": "textiles", "name_en": "Textiles and apparel", "name_zh": "纺织服装"},
    ]}
    return spec


#: Markets and fairs of ``markets/web.yaml``: points, hours, fair dates, a hostile name.
MARKETS = {"markets": [
    {"id": "xuchang-hair-city", "name_en": "Xuchang International Hair City", "name_zh": "许昌国际发制品城",
     "kind": "wholesale market", "clusters": ["xuchang-wigs"], "address_zh": "河南省许昌市魏都区",
     "address_en": "Weidu District, Xuchang, Henan", "adcode": "411002", "lat": 34.04, "lon": 113.83,
     "coord_source": "test fixture", "sells": ["wigs", "hair extensions"], "opening_hours": "daily 08:00-18:00",
     "source": "test-source", "confidence": "verified"},
    {"id": "wig-fair", "name_en": "China Hair Products Fair", "name_zh": "中国发制品博览会", "kind": "trade fair",
     "clusters": ["xuchang-wigs", "juancheng-wigs"], "address_en": "Xuchang Expo Centre", "adcode": "411000",
     "lat": 34.0, "lon": 113.9, "coord_source": "test fixture", "sells": ["wigs"],
     "fair_dates": [{"start": "2031-09-20", "end": "2031-09-22", "edition": "10th", "source": "test-source"}],
     "recurrence": "every September", "source": "test-source"},
    {"id": "chenghai-toy-market", "name_en": "Chenghai " + XSS + " toy market", "name_zh": "澄海玩具市场",
     "kind": "wholesale market", "clusters": ["chenghai-toys"], "adcode": "440515", "lat": 23.46, "lon": 116.75,
     "coord_source": "test fixture", "sells": ["toys", XSS], "opening_hours": XSS, "source": "hostile-source"},
]}


def write_web_atlas(root: Path, source_url: str = "https://example.org/test") -> Path:
    """Write the web test atlas folder under ``root``; returns the folder."""
    spec = web_spec(source_url)
    taxonomy = spec.pop("taxonomy")
    folder = write_atlas_dir(root, spec)
    (folder / "taxonomy.yaml").write_text(yaml.safe_dump(taxonomy, allow_unicode=True), "utf-8")
    (folder / "markets").mkdir(exist_ok=True)
    (folder / "markets" / "web.yaml").write_text(yaml.safe_dump(MARKETS, allow_unicode=True), "utf-8")
    # toys has no group: the loader checks parents only against known groups
    return folder
