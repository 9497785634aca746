"""A small atlas data folder generated in code (shared by tests; no committed fixture files)."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

#: Every file a test reads (labelled sets, development sets, the before/after answers).
TEST_DATA = Path(__file__).resolve().parent / "data"


def _place(adcode, level, zh, en, lat, lon, path):
    return {"adcode": adcode, "level": level, "name_zh": zh, "name_en": en, "lat": lat, "lon": lon,
            "coord_source": "test fixture", "coord_precision": level, "path": path}


GD = {"adcode": "440000", "level": "province", "name_zh": "广东省", "name_en": "Guangdong Province"}
HN = {"adcode": "410000", "level": "province", "name_zh": "河南省", "name_en": "Henan Province"}

MINI = {
    "sources": {"sources": [
        {"id": "test-source", "publisher": "Test Publisher", "title": "A test page",
         "url": "https://example.org/test", "date": "2024-01-02", "kind": "media"},
    ]},
    "industries": {
        "wigs": {
            "industry": {
                "id": "wigs", "name_en": "Wigs", "name_zh": "假发", "description": "Hairpieces.",
                "terms": {"en": ["wig", "hair extensions", "lace front wig"], "zh": ["假发", "发制品"],
                          "zh_hant": ["假髮"], "pinyin": ["jia fa"]},
                "negative_terms": ["hair salon"],
                "hs_codes": [{"code": "6704", "description": "Wigs, false beards"}],
            },
            "clusters": [{
                "id": "xuchang-wigs", "industry": "wigs", "name_en": "Xuchang wigs", "name_zh": "许昌假发",
                "role": "leading", "description": "A wig town.",
                "place": _place("411000", "prefecture", "许昌市", "Xuchang City", 34.03, 113.85, [HN]),
                "claims": [
                    {"metric": "share_of_world_output", "value": 60, "unit": "percent", "bound": "more_than",
                     "statement": "More than 60% of the world market.", "source": "test-source", "period": "2020"},
                    {"metric": "share_of_world_output", "value": 50, "unit": "percent",
                     "statement": "Half of the world market.", "source": "test-source", "period": "2021"},
                ],
                "sources": ["test-source"],
            }],
        },
        "socks": {
            "industry": {
                "id": "socks", "name_en": "Socks", "name_zh": "袜子", "description": "Hosiery.",
                "terms": {"en": ["socks", "hosiery"], "zh": ["袜子", "袜业"], "pinyin": ["wa zi"]},
            },
            "clusters": [{
                "id": "lishui-socks", "industry": "socks", "name_en": "Lishui socks", "name_zh": "里水袜业",
                "role": "notable", "description": "A sock town.", "quality_tier": "low", "price_tier": "low",
                "tier_source": "test-source",
                "place": _place("440605100", "township", "里水镇", "Lishui Town", 23.2, 113.1,
                                [GD, {"adcode": "440600", "level": "prefecture", "name_zh": "佛山市",
                                      "name_en": "Foshan City"},
                                 {"adcode": "440605", "level": "county", "name_zh": "南海区",
                                  "name_en": "Nanhai District"}]),
                "claims": [], "sources": ["test-source"],
            }],
        },
    },
}


def write_atlas_dir(root: Path, spec: dict | None = None) -> Path:
    """Write an atlas data folder from a spec like :data:`MINI` (optional keys ``registers`` and ``markets``:
    file stem → file body; ``copy_sites``: the body of copy_sites.yaml); returns the folder."""
    spec = copy.deepcopy(spec or MINI)
    (root / "industries").mkdir(parents=True, exist_ok=True)
    (root / "sources").mkdir(exist_ok=True)
    (root / "sources" / "main.yaml").write_text(yaml.safe_dump(spec["sources"], allow_unicode=True), "utf-8")
    for ind, body in spec["industries"].items():
        (root / "industries" / f"{ind}.yaml").write_text(yaml.safe_dump(body, allow_unicode=True), "utf-8")
    for folder in ("registers", "markets"):  # optional: {file stem: file body}
        for stem, body in spec.get(folder, {}).items():
            (root / folder).mkdir(exist_ok=True)
            (root / folder / f"{stem}.yaml").write_text(yaml.safe_dump(body, allow_unicode=True), "utf-8")
    if "copy_sites" in spec:
        (root / "copy_sites.yaml").write_text(yaml.safe_dump(spec["copy_sites"], allow_unicode=True), "utf-8")
    return root
