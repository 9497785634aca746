"""Marketplace titles (issue 14): one test per failure kind, each from several new examples.

None of these titles is in ``tests/data/heldout/`` or ``tests/data/tuning/``, nor among issue 14's examples.
The held-out figures themselves are asserted in :func:`test_heldout_titles_reach_the_measured_figures`.
"""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from clusteratlas.match import REASON_NOT_COVERED, Matcher, match_file
from clusteratlas.search._title import head_phrase, read_title, reduce_head

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def matcher():
    return Matcher()


IN_SCOPE = [
    pytest.param('2025 New Arrival Hot Sale Women Summer Floral Chiffon Maxi Dress Beach Holiday Boho Long Sleeve S-XXL', 'womens-wear', id="long-noisy-1"),
    pytest.param('Heavy Duty 20V Cordless Drill Driver Kit 2 Batteries Fast Charger 13mm Keyless Chuck LED Light', 'power-tools', id="long-noisy-2",
                 marks=pytest.mark.xfail(strict=True, reason="accessory named after the product wins (fast charger)")),
    pytest.param('Factory Price OEM Custom Logo 5000mAh Portable Power Bank Slim Fast Charging Dual USB Output Gift', 'electronics|lithium-batteries', id="long-noisy-3"),
    pytest.param('跨境爆款 2025新款 不锈钢 保温杯 大容量 男女学生 便携 水杯 316内胆 500ml 送杯套', 'vacuum-flasks', id="long-noisy-4"),
    pytest.param('Pro Series 48 inch Acoustic Classical Guitar Spruce Top Rosewood Fingerboard Beginner Kit Black', 'guitars', id="long-noisy-5"),
    pytest.param('工厂直销 加厚 防滑 PVC 汽车脚垫 全包围 大包围 专车定制 四季通用 易清洗', 'auto-parts', id="long-noisy-6"),
    pytest.param('Premium Loose Leaf Oolong Tea 250g in Gift Tin', 'tea', id="packaging-1"),
    pytest.param('Silver Hoop Earrings 925 Sterling with Velvet Pouch Gift Box', 'jewellery', id="packaging-2"),
    pytest.param('Organic Jasmine Rice 10kg Bag', 'rice', id="packaging-3"),
    pytest.param('LED Filament Bulb E27 6W Warm White 10 Pack Retail Box', 'lighting', id="packaging-4"),
    pytest.param('云南普洱茶 熟茶饼 357克 礼盒装', 'tea', id="packaging-5"),
    pytest.param('螺丝套装 十字沉头自攻螺丝 500只 盒装', 'fasteners', id="packaging-6"),
    pytest.param('Ceramic Coating Spray for Car Paint Protection 500ml', 'paints-coatings|auto-parts', id="incidental-material-1"),
    pytest.param('Bamboo Fiber Bath Towel Set Soft Absorbent 3 Piece', 'home-textiles', id="incidental-material-2"),
    pytest.param('Marble Pattern Phone Case Shockproof Slim Cover', 'electronics', id="incidental-material-3"),
    pytest.param('Leather Office Chair Ergonomic High Back Swivel Executive', 'office-chairs', id="incidental-material-4"),
    pytest.param('真丝印花 围巾 女 春秋 长款 丝巾', 'scarves|silk', id="incidental-material-5"),
    pytest.param('陶瓷刀 厨房 水果刀 白刃 家用 套装', 'knives-scissors', id="incidental-material-6"),
    pytest.param('儿童 纯棉 睡衣 套装 卡通 长袖 家居服', 'childrens-clothing', id="wearer-user-1"),
    pytest.param('Girls Princess Tulle Party Dress Sequin Bow 3-8 Years', 'childrens-clothing', id="wearer-user-2"),
    pytest.param('Dog Winter Coat Fleece Lined Warm Jacket Small Medium Dogs', 'pet-supplies', id="wearer-user-3"),
    pytest.param('宠物 狗狗 卫衣 秋冬 加绒 泰迪 衣服', 'pet-supplies', id="wearer-user-4"),
    pytest.param('Baby Boy Romper Cotton Short Sleeve Bodysuit Newborn 0-12M', 'childrens-clothing', id="wearer-user-5"),
    pytest.param('Electric Toothbrush for Kids Soft Bristles Cartoon 2 Heads', 'toothbrushes', id="wearer-user-6"),
    pytest.param('Replacement Toner Cartridge for HP LaserJet 85A Black High Yield', 'printer-consumables', id="compatibility-1"),
    pytest.param('Front Brake Pads for Honda Civic 2016-2021 Low Dust', 'auto-parts', id="compatibility-2"),
    pytest.param('iPad Air Case for 10.9 inch with Pencil Holder Trifold Stand', 'electronics', id="compatibility-3"),
    pytest.param('适用于华为 手机壳 硅胶 防摔 全包 保护套', 'electronics', id="compatibility-4"),
    pytest.param('兼容佳能 墨盒 PG-845 黑色 彩色 打印机墨盒', 'printer-consumables', id="compatibility-5"),
    pytest.param('LED Headlight Bulbs H4 for Motorcycle 6000K Plug and Play', 'lighting|motorcycles|auto-parts', id="compatibility-6"),
    pytest.param('Wirless Bluetooth Earbuds Noise Cancelling', 'electronics', id="typo-1"),
    pytest.param('Stainles Steel Vaccum Flask 1L', 'vacuum-flasks', id="typo-2"),
    pytest.param('Ladies Handbga Leather Tote', 'luggage', id="typo-3"),
    pytest.param('圣诞树装饰 彩灯 挂件 圣旦节 礼物', 'christmas-decorations', id="typo-4"),
    pytest.param('蓝芽耳机 无线 运动 入耳式 降噪', 'electronics', id="typo-5"),
]


@pytest.mark.parametrize("title,expected", IN_SCOPE)
def test_title_finds_the_industry_of_its_head_product(matcher, title, expected):
    got = matcher.match(title)
    assert got.status != "no_match" and got.industry in expected.split("|"), (got.industry, got.matched_term)


OUT_OF_SCOPE = [
    "Bridal Makeup Artist Booking On-Site Trial Included",
    "Accounting and Tax Filing Service for Small Business Monthly",
    "Private Jet Charter One Way Beijing to Hong Kong 8 Seats",
    "羽毛球拍 全碳素 超轻 单拍 进攻型",
    "代理记账 公司注册 小规模 包年",
    "宠物寄养 猫咪 日托 包月 上门喂猫",
    "Yoga Retreat Bali 7 Days All Inclusive Package",
]


@pytest.mark.parametrize("title", OUT_OF_SCOPE)
def test_title_of_a_product_no_industry_makes_is_not_covered(matcher, title):
    got = matcher.match(title)
    assert got.status == "no_match", (got.industry, got.matched_term)
    assert got.reason.startswith(REASON_NOT_COVERED + ": ") and len(got.reason) > len(REASON_NOT_COVERED) + 3


@pytest.mark.parametrize("title,head", [
    ("PU Leather Travel Trolley Suitcase 20 inch with TSA Lock for Women", "pu leather travel trolley suitcase 20 inch"),
    ("Stainless Steel Lunch Box for Kids 3 Compartments", "stainless steel lunch box"),
    ("汽车座椅套 四季通用 适用于丰田 全包", "汽车座椅套 四季通用 全包"),
    ("电磁炉专用锅 不锈钢", "锅 不锈钢"),
    ("Oolong Tea 250g Gift Box", "oolong tea"),
    ("有机大米 5kg 袋装", "有机大米 5kg"),
])
def test_head_text_drops_compatibility_accessories_and_packaging(title, head):
    from clusteratlas._text import normalize
    from clusteratlas.search import get_index

    voc = get_index().industry_voc
    got = read_title(normalize(title), lambda s: s in voc.by_token).head
    assert " ".join(got.split()) == head


def test_wearer_words_are_read_in_english_and_chinese():
    from clusteratlas._text import normalize

    assert read_title(normalize("Toddler Girls Party Dress"), lambda s: False).wearers == ("childrens-clothing",)
    assert read_title(normalize("狗狗衣服 冬季"), lambda s: False).wearers == ("pet-supplies",)
    assert read_title(normalize("Womens Party Dress"), lambda s: False).wearers == ()


def test_head_phrase_keeps_the_product_words():
    assert head_phrase("private jet charter one way 8 seats") == "private jet charter one"
    assert head_phrase("2024 new hot sale 考研英语 真题") == "考研英语 真题"


def test_reduced_heads_share_one_decision_for_codes_and_unknown_words():
    from clusteratlas.search import get_index

    index = get_index()
    a = reduce_head("acme hx 200 cordless drill 20v kit red", index)
    b = reduce_head("zhongda qx 77 cordless drill 18v kit red", index)
    assert a == b and "cordless drill" in a
    m = Matcher()
    one = m._decide(a, ())
    assert one[1] == "power-tools" and m._decide(b, ()) is one  # decided once, remembered for the other
    assert m.match("ACME HX-200 Cordless Drill 20V Kit Red").industry == "power-tools"


def test_match_file_reports_the_products_not_covered(tmp_path):
    src = tmp_path / "c.csv"
    with src.open("w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["title"])
        for t in ["Yoga Retreat Bali 7 Days", "Yoga Retreat Bali 7 Days", "Lace Front Wig 24 inch",
                  "Private Jet Charter One Way"]:
            w.writerow([t])
    report = match_file(src, "title", tmp_path / "out.csv", workers=1)
    assert report.not_covered == {"yoga retreat bali days": 2, "private jet charter one": 1}
    assert "yoga retreat bali days (2)" in report.not_covered_summary()
    report.write_not_covered(tmp_path / "nc.tsv")
    rows = (tmp_path / "nc.tsv").read_text(encoding="utf-8").splitlines()
    assert rows[0] == "head_phrase\trows" and rows[1] == "yoga retreat bali days\t2"


def _score(path: Path) -> tuple[float, float, Counter]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    m = Matcher()
    right = Counter()
    for r in rows:
        got = m.match(r["title"])
        exp = r["expected_industry"].split("|")
        if exp == ["OUT_OF_SCOPE"]:
            right["oos", got.status == "no_match"] += 1
        else:
            right["in", got.industry in exp] += 1
    in_rate = right["in", True] / (right["in", True] + right["in", False])
    oos_rate = right["oos", True] / (right["oos", True] + right["oos", False])
    return in_rate, oos_rate, right


def test_heldout_titles_reach_the_measured_figures():
    """The final figures of tests/data/heldout/README.md (measured once; this guards against regressions)."""
    in_rate, oos_rate, counts = _score(DATA / "heldout" / "titles.tsv")
    assert in_rate >= HELDOUT_IN_SCOPE and oos_rate >= HELDOUT_OUT_OF_SCOPE, counts


#: Measured once on the held-out titles at the end of the issue 14 title work (86.8 % and 93.1 %, see
#: tests/data/heldout/README.md), once after the second pass over all 187 industries (88.9 % and 93.1 %) and
#: once after the third pass on compatibility titles and typos (91.0 % and 93.1 %,
#: docs/notes/search-results.md), rounded down: short of the issue's 97 % and 95 %.
HELDOUT_IN_SCOPE, HELDOUT_OUT_OF_SCOPE = 0.90, 0.93


# Issue 15 (a fresh user's wrong answers): trade words, 定制 and Chinese service words.
TRADE_WORD_TITLES = [
    pytest.param("wholesale 钓鱼竿", "fishing-gear", id="trade-1"),
    pytest.param("wholesale 瑜伽垫 加厚", "fitness-equipment", id="trade-2"),
]


@pytest.mark.parametrize("title,expected", TRADE_WORD_TITLES)
def test_trade_word_is_no_product(matcher, title, expected):
    got = matcher.match(title)
    assert got.status != "no_match" and got.industry == expected, (got.industry, got.matched_term)


@pytest.mark.parametrize("title", ["定制", "定制 logo", "私人定制 刻字"])
def test_custom_made_alone_names_no_product(matcher, title):
    got = matcher.match(title)
    assert got.industry != "shirts", (got.industry, got.matched_term)


def test_custom_made_shirt_is_still_a_shirt(matcher):
    assert matcher.match("衬衫定制 男士").industry == "shirts"


@pytest.mark.parametrize("title", ["婚纱摄影套餐 旅拍 三亚", "儿童摄影 全家福 套餐 北京", "留学咨询 中介 服务", "房产中介 二手房 服务"])
def test_chinese_service_words_mark_services(matcher, title):
    got = matcher.match(title)
    assert got.status == "no_match" and got.reason.startswith(REASON_NOT_COVERED), (got.industry, got.matched_term)


def test_a_service_word_that_starts_a_product_name_is_no_service(matcher):
    assert matcher.match("咨询台 办公家具").industry == "furniture"  # 咨询台: a reception desk


def test_a_bundle_and_a_covered_service_stay_matched(matcher):
    # 套餐 (a set) and 服务 are no service words of their own: the atlas covers service industries
    assert matcher.match("圣诞树 1.2米 发光 套餐").industry == "christmas-decorations"


COLOUR_NAME_TITLES = [
    pytest.param("pearl white car paint", "paints-coatings", id="colour-1"),
    pytest.param("Car Touch Up Paint Pen Pearl White", "paints-coatings", id="colour-2"),
    pytest.param("珍珠白 汽车漆 补漆笔", "paints-coatings", id="colour-3"),
    pytest.param("玫瑰金 手机壳 硅胶", "electronics", id="colour-4"),
    pytest.param("Rose Gold Stainless Steel Watch Women", "clocks-watches", id="colour-5"),
]


@pytest.mark.parametrize("title,expected", COLOUR_NAME_TITLES)
def test_colour_name_is_an_attribute_not_the_product(matcher, title, expected):
    got = matcher.match(title)
    assert got.status != "no_match" and got.industry == expected, (got.industry, got.matched_term)


def test_colour_names_leave_the_head_text():
    assert read_title("ivory white ceramic vase", lambda s: False).head.split() == ["ceramic", "vase"]
    assert read_title("香槟金 门把手", lambda s: False).head.split() == ["门把手"]
    assert read_title("white pearl necklace", lambda s: False).head == "white pearl necklace"


FEATURE_ADJECTIVE_TITLES = [
    pytest.param("waterproof electric bicycle", "electric-bicycles", id="feature-1"),
    pytest.param("新款 silicone electric bicycle", "electric-bicycles", id="feature-2"),
    pytest.param("Foldable Waterproof Electric Bicycle 48V", "electric-bicycles", id="feature-3"),
    pytest.param("Breathable Rechargeable Electric Toothbrush", "toothbrushes", id="feature-4"),
]


@pytest.mark.parametrize("title,expected", FEATURE_ADJECTIVE_TITLES)
def test_feature_adjectives_do_not_make_a_product_not_covered(matcher, title, expected):
    got = matcher.match(title)
    assert got.status != "no_match" and got.industry == expected, (got.industry, got.matched_term)


@pytest.mark.parametrize("query", ["camping tent", "camping tarp", "dengue"])
def test_an_english_word_is_no_pinyin_of_one_character_of_a_term(query):
    from clusteratlas._text import CJK_RUN_RE
    from clusteratlas.search import find

    got = [(r.industry, r.matched) for r in find(query)]
    # "ping" of "camping" is no 屏 of OLED屏, "deng" of "dengue" no 灯 of LED灯
    assert not any(m and len("".join(CJK_RUN_RE.findall(m))) == 1 for _, m in got), got


@pytest.mark.parametrize("title", [
    "2024 PU Leather Travel Trolley Suitcase 20 inch TSA Lock",
    "ABS Carry On Luggage 20 inch Combination Lock",
    "Aluminium Trolley Case 24 inch Password Lock",
])
def test_a_feature_after_the_size_is_no_rival_product(matcher, title):
    got = matcher.match(title)  # the lock is a feature of the suitcase: not even a close runner-up
    assert (got.status, got.industry, got.runner_up_industry) == ("matched", "luggage", None), got


# Issue 14, second pass (tuning titles over all 187 industries): new examples of each rule, none of them in
# tests/data/tuning/ (nor, as far as their author knows, in the held-out set, which was not read).
SECOND_PASS_TITLES = [
    # "X free" says what the product lacks, "X plated/dried/painted" how it was made: neither names it
    pytest.param("BPA Free Sports Water Bottle 750ml Leakproof", "vacuum-flasks", id="free-1"),
    pytest.param("Nickel Plated Brass Door Hinges 4 inch 6 Pack", "locks", id="process-1"),
    pytest.param("Kiln Dried Oak Boards 25mm Rough Sawn", "timber", id="process-2"),
    # the industry's own term runs across the next one; a number keeps two terms apart
    pytest.param("Genuine Freshwater Pearl Bracelet Baroque 8mm Elastic", "freshwater-pearls", id="own-term-1"),
    pytest.param("Wireless Keyboard 104 Keys Quiet Typing Full Size", "electronics", id="number-gap-1"),
    pytest.param("Grand Piano 88 Keys Polished Ebony Used", "pianos", id="number-gap-2"),
    # a service word right before an industry's term is the product's use; "recipe" is a flavour
    pytest.param("外卖打包袋 塑料 手提 加厚 100个", "packaging", id="service-use-1"),
    pytest.param("Cat Food Chicken Recipe Indoor Adult Cats 3kg Bag", "pet-food", id="service-use-2"),
    # "A B 通用": what a pot works with; a lead segment that is one industry's whole term
    pytest.param("蒸锅 不锈钢 三层 加厚 电磁炉 燃气灶 通用", "kitchenware", id="tongyong-1"),
    pytest.param("拉链 树脂 5号 羽绒服 外套 开尾 双开", "buttons", id="lead-term-1"),
    # a not-covered word after a product segment (food for puppies); a place does not override the lead
    pytest.param("狗粮 幼犬 小型犬 泰迪 比熊 2.5kg", "pet-food", id="after-product-1"),
    pytest.param("琵琶 苏州 红木 专业演奏 成人 初学", "folk-instruments", id="place-lead-1"),
]


@pytest.mark.parametrize("title,expected", SECOND_PASS_TITLES)
def test_second_pass_title_rules(matcher, title, expected):
    got = matcher.match(title)
    assert got.status != "no_match" and got.industry == expected, (got.industry, got.matched_term)


@pytest.mark.parametrize("title", ["Sugar Free Mints Peppermint 12 Tins", "Laundry Detergent Liquid Lavender Scent 3L",
                                   "洗洁精 家用 柠檬 1.5kg 2瓶 去油", "宠物 幼犬 活体 柴犬 纯种"])
def test_second_pass_titles_not_covered(matcher, title):
    got = matcher.match(title)
    assert got.status == "no_match" and got.reason.startswith(REASON_NOT_COVERED), (got.industry, got.matched_term)


@pytest.mark.parametrize("title,head", [
    ("BPA-Free Water Bottle 750ml", "water bottle 750ml"),
    ("Cotton Socks Free Shipping", "cotton socks free shipping"),
    ("Freeze Dried Strawberries 100g", "strawberries 100g"),
    ("蒸锅 燃气灶 电磁炉 通用", "蒸锅"),
    ("汽车座椅套 四季通用", "汽车座椅套 四季通用"),
])
def test_head_text_drops_free_process_and_tongyong(title, head):
    from clusteratlas._text import normalize

    got = read_title(normalize(title), lambda s: False).head
    assert " ".join(got.split()) == head


@pytest.mark.parametrize("title", ["click here", "=HYPERLINK(\"http://x\",\"click\")", "www link"])
def test_web_page_words_are_no_product(matcher, title):
    # "click" was read as a typo of "clock" (a fresh user's catalogue had such cells)
    assert matcher.match(title).industry is None
