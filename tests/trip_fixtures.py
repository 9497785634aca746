"""A small atlas for the trip planner's tests, generated in code: clusters at their real WGS-84 points,
markets with points, opening hours and fair dates (``markets/``), two equally relevant sock clusters far
apart (for the detour), a cheap one near Shanghai (for the tier wish)."""

from __future__ import annotations

import copy
from pathlib import Path

import yaml

from atlas_fixtures import _place, write_atlas_dir

ZJ = {"adcode": "330000", "level": "province", "name_zh": "浙江省", "name_en": "Zhejiang Province"}
JS = {"adcode": "320000", "level": "province", "name_zh": "江苏省", "name_en": "Jiangsu Province"}
HN = {"adcode": "410000", "level": "province", "name_zh": "河南省", "name_en": "Henan Province"}
JL = {"adcode": "220000", "level": "province", "name_zh": "吉林省", "name_en": "Jilin Province"}
GD = {"adcode": "440000", "level": "province", "name_zh": "广东省", "name_en": "Guangdong Province"}
HB = {"adcode": "130000", "level": "province", "name_zh": "河北省", "name_en": "Hebei Province"}
FJ = {"adcode": "350000", "level": "province", "name_zh": "福建省", "name_en": "Fujian Province"}
SHAOXING = {"adcode": "330600", "level": "prefecture", "name_zh": "绍兴市", "name_en": "Shaoxing City"}
ZHUJI = {"adcode": "330681", "level": "county", "name_zh": "诸暨市", "name_en": "Zhuji City"}
JINHUA = {"adcode": "330700", "level": "prefecture", "name_zh": "金华市", "name_en": "Jinhua City"}
ZHENJIANG = {"adcode": "321100", "level": "prefecture", "name_zh": "镇江市", "name_en": "Zhenjiang City"}
SHANTOU = {"adcode": "440500", "level": "prefecture", "name_zh": "汕头市", "name_en": "Shantou City"}
BAODING = {"adcode": "130600", "level": "prefecture", "name_zh": "保定市", "name_en": "Baoding City"}
ZHONGSHAN = {"adcode": "442000", "level": "prefecture", "name_zh": "中山市", "name_en": "Zhongshan City"}


def _cluster(cid, industry, name_en, name_zh, role, place, **extra):
    return {"id": cid, "industry": industry, "name_en": name_en, "name_zh": name_zh, "role": role,
            "description": f"A test cluster: {name_en}.", "place": place, "sources": ["test-source"], **extra}


def _industry(iid, name_en, name_zh, en, zh):
    return {"id": iid, "name_en": name_en, "name_zh": name_zh, "description": f"{name_en} (test).",
            "terms": {"en": en, "zh": zh}}


TRIP = {
    "sources": {"sources": [
        {"id": "test-source", "publisher": "Test Publisher", "title": "A test page",
         "url": "https://example.org/test", "date": "2024-01-02", "kind": "media"},
    ]},
    "industries": {
        "socks": {"industry": _industry("socks", "Socks", "袜子", ["socks", "sock", "hosiery"], ["袜子", "袜"]),
                  "clusters": [
                      _cluster("datang-socks", "socks", "Datang socks", "大唐袜业", "leading",
                               _place("330681005", "township", "大唐街道", "Datang Subdistrict", 29.7188, 120.2423,
                                      [ZJ, SHAOXING, ZHUJI])),
                      _cluster("liaoyuan-socks", "socks", "Liaoyuan socks", "辽源袜业", "leading",
                               _place("220400", "prefecture", "辽源市", "Liaoyuan City", 42.8880, 125.1437, [JL])),
                      _cluster("yiwu-socks", "socks", "Yiwu socks", "义乌袜业", "notable",
                               _place("330782", "county", "义乌市", "Yiwu City", 29.3093, 120.0704, [ZJ, JINHUA]),
                               price_tier="low", quality_tier="low", tier_source="test-source",
                               tier_statement="Low-priced socks (test)."),
                  ]},
        "wigs": {"industry": _industry("wigs", "Wigs", "假发", ["wig", "wigs", "hair extensions"], ["假发"]),
                 "clusters": [_cluster("xuchang-wigs", "wigs", "Xuchang wigs", "许昌假发", "leading",
                                       _place("411000", "prefecture", "许昌市", "Xuchang City", 34.0357, 113.8523,
                                              [HN]))]},
        "eyewear": {"industry": _industry("eyewear", "Eyewear", "眼镜", ["eyewear", "glasses", "eyeglasses"],
                                          ["眼镜"]),
                    "clusters": [
                        _cluster("danyang-eyewear", "eyewear", "Danyang eyewear", "丹阳眼镜", "leading",
                                 _place("321181", "county", "丹阳市", "Danyang City", 31.9913, 119.6063,
                                        [JS, ZHENJIANG])),
                        _cluster("xiamen-eyewear", "eyewear", "Xiamen eyewear", "厦门眼镜", "notable",
                                 _place("350200", "prefecture", "厦门市", "Xiamen City", 24.4798, 118.0894, [FJ])),
                    ]},
        "luggage": {"industry": _industry("luggage", "Luggage", "箱包", ["luggage", "suitcase", "bags"], ["箱包"]),
                    "clusters": [_cluster("baigou-luggage", "luggage", "Baigou luggage", "白沟箱包", "leading",
                                          _place("130684106", "township", "白沟镇", "Baigou Town", 39.1236,
                                                 116.0168, [HB, BAODING]))]},
        "toys": {"industry": _industry("toys", "Toys", "玩具", ["toys", "toy"], ["玩具"]),
                 "clusters": [_cluster("chenghai-toys", "toys", "Chenghai toys", "澄海玩具", "leading",
                                       _place("440515", "county", "澄海区", "Chenghai District", 23.4660, 116.7560,
                                              [GD, SHANTOU]))]},
        "lighting": {"industry": _industry("lighting", "Lighting", "灯饰", ["lighting", "lamps", "chandelier"],
                                           ["灯饰", "灯具"]),
                     "clusters": [_cluster("guzhen-lighting", "lighting", "Guzhen lighting", "古镇灯饰", "leading",
                                           _place("442000105", "township", "古镇镇", "Guzhen Town", 22.6100,
                                                  113.1900, [GD, ZHONGSHAN]))]},
    },
    "markets": {"markets": [
        {"id": "datang-sock-market", "name_en": "Datang light-textile socks market", "name_zh": "大唐轻纺袜业城",
         "kind": "wholesale market", "clusters": ["datang-socks"], "address_zh": "浙江省诸暨市大唐街道",
         "lat": 29.7250, "lon": 120.2400, "coord_source": "test fixture", "sells": ["socks", "yarn"],
         "opening_hours": "daily 07:30-17:00", "source": "test-source"},
        {"id": "datang-hosiery-expo", "name_en": "Datang hosiery expo", "name_zh": "大唐袜业博览会",
         "kind": "trade fair", "clusters": ["datang-socks"], "recurrence": "every March (test)",
         "fair_dates": [{"start": "2027-03-10", "end": "2027-03-12", "edition": "2027"},
                        {"start": "2027-10-01", "end": "2027-10-03", "edition": "autumn 2027"}],
         "source": "test-source"},
        {"id": "xuchang-hair-market", "name_en": "Xuchang hair products market", "name_zh": "许昌发制品市场",
         "kind": "wholesale market", "clusters": ["xuchang-wigs"], "source": "test-source"},
    ]},
}


def write_trip_atlas(root: Path, spec: dict | None = None) -> Path:
    """Write the trip test atlas (industries, sources, markets) under ``root``; returns ``root``."""
    spec = copy.deepcopy(spec or TRIP)
    write_atlas_dir(root, spec)
    (root / "markets").mkdir(exist_ok=True)
    (root / "markets" / "test.yaml").write_text(yaml.safe_dump(spec["markets"], allow_unicode=True), "utf-8")
    return root
