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
    """Write an atlas data folder from a spec like :data:`MINI` (optional keys ``register_files`` and
    ``market_files``: file stem → file body; ``copy_sites``: the body of copy_sites.yaml); returns the folder."""
    spec = copy.deepcopy(spec or MINI)
    (root / "industries").mkdir(parents=True, exist_ok=True)
    (root / "sources").mkdir(exist_ok=True)
    (root / "sources" / "main.yaml").write_text(yaml.safe_dump(spec["sources"], allow_unicode=True), "utf-8")
    for ind, body in spec["industries"].items():
        (root / "industries" / f"{ind}.yaml").write_text(yaml.safe_dump(body, allow_unicode=True), "utf-8")
    for folder in ("registers", "markets"):  # optional: {file stem: file body} under register_files, market_files
        for stem, body in spec.get(f"{folder[:-1]}_files", {}).items():
            (root / folder).mkdir(exist_ok=True)
            (root / folder / f"{stem}.yaml").write_text(yaml.safe_dump(body, allow_unicode=True), "utf-8")
    if "copy_sites" in spec:
        (root / "copy_sites.yaml").write_text(yaml.safe_dump(spec["copy_sites"], allow_unicode=True), "utf-8")
    return root


ZJ = {"adcode": "330000", "level": "province", "name_zh": "浙江省", "name_en": "Zhejiang Province"}
SHAOXING = {"adcode": "330600", "level": "prefecture", "name_zh": "绍兴市", "name_en": "Shaoxing City"}

#: A register of three lines, two entered: one names the existing xuchang-wigs (a title on it), one makes a
#: new cluster (zhuji-socks). For ``MINI | {"register_files": MINI_REGISTERS}``.
MINI_REGISTERS = {"test-register": {
    "register": {"id": "test-register", "name_en": "Test featured clusters", "name_zh": "测试特色产业集群",
                 "programme": "测试特色产业集群", "issuer": "Test Ministry", "level": "national", "year": 2023,
                 "document_no": "测试函〔2023〕1号", "listed": 3, "valid_from": 2023, "valid_until": 2025,
                 "source": "test-source"},
    "entries": [
        {"name_zh": "许昌市假发产业集群", "adcode": "411000", "industry": "wigs", "cluster": "xuchang-wigs",
         "confidence": "verified"},
        {"name_zh": "诸暨市袜业产业集群", "adcode": "330681", "industry": "socks", "cluster": "zhuji-socks",
         "name_en": "Zhuji socks", "read_at": "https://copy.example/list.html",
         "place": _place("330681", "county", "诸暨市", "Zhuji City", 29.71, 120.24, [ZJ, SHAOXING])},
    ],
}}

#: A wholesale market with address, point and hours, and a dated fair, both serving lishui-socks.
MINI_MARKETS = {"test-markets": {"markets": [
    {"id": "lishui-sock-market", "name_en": "Lishui sock market", "name_zh": "里水袜业市场",
     "kind": "wholesale market", "clusters": ["lishui-socks"], "address_en": "Lishui Town, Nanhai, Foshan",
     "address_zh": "广东省佛山市南海区里水镇", "adcode": "440605100", "lat": 23.2, "lon": 113.1,
     "coord_source": "test fixture", "sells": ["socks"], "opening_hours": "daily 08:00-18:00",
     "source": "test-source", "confidence": "verified"},
    {"id": "lishui-sock-fair", "name_en": "Lishui sock fair", "kind": "trade fair", "clusters": ["lishui-socks"],
     "fair_dates": [{"start": "2024-05-10", "end": "2024-05-12", "edition": "3rd"}],
     "recurrence": "every May", "source": "test-source"},
]}}
