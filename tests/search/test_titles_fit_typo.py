"""Marketplace titles, third pass (issue 14): compatibility titles, typos, a material after the product,
contract manufacturing services.

New examples of each rule, none of them in ``tests/data/tuning/`` (nor, as far as their author knows, in the
held-out set, which was not read).
"""

from __future__ import annotations

import pytest

from clusteratlas.match import REASON_NOT_COVERED, Matcher
from clusteratlas.search._title import read_title
from clusteratlas.search._typo import _likely_typo, _near_syllables, _zh_near_sounds


@pytest.fixture(scope="module")
def matcher():
    return Matcher()


THIRD_PASS_TITLES = [
    # a Chinese fit marker that opens the title: the product follows the brand and model
    pytest.param("适用于华为P60手机壳 磨砂 防摔 软壳", "electronics", id="fit-zh-1"),
    pytest.param("适用本田雅阁刹车片 前片 陶瓷 静音", "auto-parts", id="fit-zh-2"),
    pytest.param("适配小米手环8表带 硅胶 运动 替换", "clocks-watches", id="fit-zh-3"),
    # "replacement" / "spare": what the part claims, not what it is
    pytest.param("Spare Propellers for DJI Air 3 Low Noise 4 Pairs", "drones", id="claim-1"),
    pytest.param("Replacement Lenses for Ray-Ban Aviator Polarized", "eyewear", id="claim-2"),
    # English typos: a doubled letter, a sound-alike letter
    pytest.param("Portable Bluetooth Speakker Waterproof Outdoor", "electronics", id="typo-en-1"),
    pytest.param("Ergonomic Offise Chair Mesh Back Lumbar", "office-chairs", id="typo-en-2"),
    # Chinese typos: one character of a term that sounds alike
    pytest.param("雨撒 晴雨两用 黑胶 折叠 防晒", "umbrellas", id="typo-zh-1"),
    pytest.param("茶业 安吉白茶 明前 250g", "tea", id="typo-zh-2"),
    pytest.param("哑玲 女士 瘦手臂 一对 2公斤", "fitness-equipment", id="typo-zh-3"),
    # an English material right after the product describes it
    pytest.param("Screen Protector Tempered Glass for iPad Air 5 Bubble Free", "electronics", id="material-after-1"),
    # a manufacturing step before "service": contract manufacturing
    pytest.param("SMT Service PCB Assembly Low Volume Turnkey", "printed-circuit-boards", id="contract-1"),
    # "all weather" asks for no weather forecast
    pytest.param("All Weather Floor Mats Heavy Duty Rubber Front and Rear", "auto-parts", id="all-weather-1"),
]


@pytest.mark.parametrize("title,expected", THIRD_PASS_TITLES)
def test_third_pass_title_rules(matcher, title, expected):
    got = matcher.match(title)
    assert got.status != "no_match" and got.industry == expected, (got.industry, got.matched_term, got.reason)


@pytest.mark.parametrize("title", ["Furniture Assembly Service Wardrobe Same Day", "纯净水 饮用水 550ml 24瓶 整箱"])
def test_third_pass_titles_not_covered(matcher, title):
    got = matcher.match(title)
    assert got.status == "no_match" and got.reason.startswith(REASON_NOT_COVERED), (got.industry, got.matched_term)


def test_a_fit_marker_inside_a_segment_still_cuts_what_it_fits():
    tp = read_title("汽车刹车片 陶瓷 适用于丰田", lambda s: False)
    assert "丰田" not in tp.head and "刹车片" in tp.head
    tp = read_title("适用于iphone15手机壳 透明", lambda s: False)
    assert tp.head.startswith("手机壳")


@pytest.mark.parametrize("word,fix,typo", [("fense", "fence", True), ("wallett", "wallet", True),
                                          ("mouse", "house", False), ("charter", "charger", False),
                                          ("match", "watch", False), ("knif", "knife", True)])
def test_english_typo_shapes(word, fix, typo):
    assert _likely_typo(word, fix) is typo


@pytest.mark.parametrize("a,b,near", [("shua", "shuan", True), ("sa", "san", True), ("zhen", "zheng", True),
                                      ("jia", "ji", False), ("si", "ji", False), ("bai", "bao", False)])
def test_fuzzy_pinyin_syllables(a, b, near):
    assert _near_syllables(a, b) is near


@pytest.mark.parametrize("word", ["食材", "农家", "手撕", "家庭装", "白菜"])
def test_real_words_are_not_corrected_into_terms(matcher, word):
    assert _zh_near_sounds(word, matcher.index) == word
