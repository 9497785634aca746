"""Marketplace titles, round 4 (issue 14): Chinese homophones that are real words, 花纹 is no look, fit
markers that close a segment, service words after a product, not-covered two-word names, swapped vowels.

New examples of each rule, none of them in ``tests/data/tuning/`` (nor, as far as their author knows, in the
held-out set, which was not read).
"""

from __future__ import annotations

import pytest

from clusteratlas.match import REASON_NOT_COVERED, Matcher
from clusteratlas.search import get_index
from clusteratlas.search._title import read_title, uncovered_lead
from clusteratlas.search._typo import _vowel_swap, _written_word, _zh_homophones, _zh_near_sounds


@pytest.fixture(scope="module")
def matcher():
    return Matcher()


def test_a_homophone_that_is_a_word_as_written_is_no_typo():
    # 坩埚 sounds like 干果 (dried fruit), 演唱 like 验厂 (factory audit): both are words as written
    assert _written_word("石墨坩埚", 2, 4, "干果")
    assert _written_word("演唱会门票", 0, 2, "验厂")
    # a dictionary word reaching across the characters: 卫生间 over 生间 (≠ 生姜)
    assert _written_word("卫生间地垫", 1, 3, "生姜")
    # a real slip of the input method stays a typo
    assert not _written_word("哑玲", 0, 2, "哑铃")


def test_homophone_corrections_skip_words_as_written():
    index = get_index()
    assert "干果" not in _zh_homophones("石墨坩埚", index)
    assert "生姜" not in _zh_near_sounds("卫生间收纳", index)
    assert _zh_near_sounds("哑玲", index) == "哑铃"


@pytest.mark.parametrize("title", ["演唱会 现场 录像 高清", "考研英语 真题 2025"])
def test_titles_that_only_sound_like_a_term_are_not_covered(matcher, title):
    got = matcher.match(title)
    assert got.status == "no_match" and got.reason.startswith(REASON_NOT_COVERED)


def test_two_vowels_one_letter_apart_are_swapped_back():
    voc = get_index().industry_voc
    assert _vowel_swap("bycicle", voc) == "bicycle"
    assert _vowel_swap("pencil", voc) is None  # a word as written: nothing to swap back to


def test_huawen_is_a_pattern_not_a_look():
    assert read_title("铝花纹板 3mm", lambda s: False).head.startswith("铝花纹板")
    assert "木纹" not in read_title("木纹 瓷砖 600x600", lambda s: False).head


@pytest.mark.parametrize("title,kept,cut", [
    ("不锈钢 汤锅 燃气灶电磁炉通用 28cm", "汤锅", "燃气灶"),
    ("单缸 柴油机 风冷 手扶拖拉机 配套", "柴油机", "手扶拖拉机"),
    ("羽绒服 四季通用 加厚", "四季通用", None),
])
def test_a_segment_closed_by_a_fit_marker_names_what_the_product_fits(title, kept, cut):
    head = read_title(title, lambda s: False).head
    assert kept in head
    assert cut is None or cut not in head


def test_a_service_word_after_a_product_segment_is_its_use(matcher):
    assert matcher.match("铝箔餐盒 一次性 外卖打包 500ml").industry == "aluminium-products"
    # a service named first stays a service
    assert matcher.match("钢琴 陪练 一对一 网课").status == "no_match"


@pytest.mark.parametrize("head,covered", [
    ("bottled mineral water 24 bottles", False),
    ("extra virgin olive oil cold pressed", False),
    ("dish soap lemon 1l", False),
    ("mineral water dispenser hot cold", True),
    ("toilet paper holder wall mount", True),
])
def test_two_word_names_of_products_no_industry_makes(head, covered):
    assert uncovered_lead(head) is not covered


@pytest.mark.parametrize("title,expected", [
    ("Aluminum Diamond Plate 3mm Anti Slip Truck Floor", "aluminium-products"),
    ("干贝 瑶柱 大号 500克", "aquatic-products"),
    ("Cabin Air Filter Activated Carbon for Honda CRV", "auto-parts"),
    ("步进电机 57 两相 雕刻机 用", "electric-motors"),
    ("Refractory Castable High Alumina 25kg for Furnace", "industrial-ceramics"),
    ("Digital Vernier Caliper 150mm Stainless", "instruments"),
])
def test_round4_vocabulary_names_real_products(matcher, title, expected):
    assert matcher.match(title).industry == expected


def test_a_negative_term_is_no_place_and_beats_a_bag_of_words(matcher):
    from clusteratlas.search import analyse_text

    # "boxing" is also the pinyin of 博兴; in "boxing gloves" (a negative term of gloves) it is the product
    assert not analyse_text("boxing gloves 16oz", get_index()).places
    assert matcher.match("Boxing Gloves 16oz Gel Padded Training").status == "no_match"
    assert matcher.match("Cowhide Leather Work Gloves Heavy Duty").industry == "gloves"
