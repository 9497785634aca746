"""Which segment of a spaced Chinese title names its product, when the first one only modifies.

Private module: used by :mod:`clusteratlas.match`.

A spaced Chinese title usually names its product first ("汽车刹车片 前片 陶瓷"), and :func:`lead_segment
<clusteratlas.search._title.lead_segment>` finds that segment. Some titles put first what the product is
for, as a Chinese compound does (its head noun comes last): the product a machine, mould or package makes or
holds (锂电池 注液机, 塑料 盆 模具, 化妆品 包装盒), the vehicle a battery or tyre fits (电瓶车 48v 锂电池).
:func:`product_lead` then gives that next segment, when it is, whole, one other industry's term and has such
a head (:data:`ZH_HEAD_ENDINGS`, :data:`ZH_VEHICLE_PARTS`). So does a material lead (花岗岩 墓碑, 牛津布
拉杆箱: :data:`ZH_MATERIAL_ENDINGS`) before a product that the material's industry does not make itself (和田玉
手镯 is jade carving, 纯山羊绒 围巾 cashmere), nor a material for a use (网布 鞋材). Not what the lead is for
(锂电池 电动车, 油漆 家具).
"""

from __future__ import annotations

from clusteratlas._text import has_cjk

#: Endings of a segment naming equipment, a mould or a package: what comes before it is what it makes or holds.
ZH_HEAD_ENDINGS = ("机", "设备", "生产线", "模具", "包装盒", "包装袋", "包装瓶", "包装罐", "包装箱", "包装膜")
#: Endings of a material word: a material lead (花岗岩 墓碑, 牛津布 双肩包) yields to a product that its own
#: industry does not make.
ZH_MATERIAL_ENDINGS = ("岩", "石", "布", "玉", "绒", "棉", "麻", "革", "皮", "钢", "铝", "铜", "木", "竹", "藤", "瓷",
                       "塑料", "玻璃", "硅胶", "橡胶", "亚克力")
#: Endings of a vehicle word (a lead) and of the parts that a lead vehicle word only says they fit.
ZH_VEHICLES = ("车",)
ZH_VEHICLE_PARTS = ("电池", "电瓶", "轮胎", "外胎", "内胎", "充电器", "控制器")


def product_lead(head: str, lead: str | None, index) -> str | None:
    """The segment of ``head`` that names the product: ``lead`` (its lead segment), or the next content
    segment when that one is, whole, the term of an industry the lead does not name and names equipment, a
    mould, a package or a vehicle part, or follows a material that its industry does not make it of (see the
    module docstring). Latin or number segments ("48v") and
    one-character segments between are skipped. A Latin code just before the lead that leads one of the
    terms unlinked by :func:`~clusteratlas.search._index._unlink_latin_led` (PA66 of PA66原料) is kept with it.
    None when ``lead`` is None."""
    if not lead:
        return lead
    segs = head.split()
    try:
        i = segs.index(lead)
    except ValueError:
        return lead
    if i and segs[i - 1].isascii() and has_cjk(lead) and _is_code_of_latin_led(segs[i - 1], index):
        return f"{segs[i - 1]} {lead}"  # "PA66 原料": the code makes the generic word a product (PA66原料)
    nxt = None
    for seg in segs[i + 1:i + 4]:
        if not has_cjk(seg) or len(seg) < 2:
            continue
        nxt = seg
        break
    material = lead.endswith(ZH_MATERIAL_ENDINGS) and not (nxt or "").endswith(("材", "料"))  # 网布 鞋材: a use
    if nxt is None or not (nxt.endswith(ZH_HEAD_ENDINGS) or material
                           or (lead.endswith(ZH_VEHICLES) and nxt.endswith(ZH_VEHICLE_PARTS))):
        return lead
    from clusteratlas.search._rank import _zh_terms, product_hits

    if nxt not in _zh_terms(index):
        return lead
    whole = {h.owner for h in product_hits(nxt, index)[0].values() if h.term == nxt}
    if len(whole) != 1:
        return lead
    first = product_hits(lead, index)[0]
    if whole & first.keys() or not first:
        return lead
    if material and not nxt.endswith(ZH_HEAD_ENDINGS) and _makes(first, nxt, index):
        return lead  # 和田玉 手镯: the material's industry makes the product itself (翡翠手镯 is jade carving)
    return nxt


def _is_code_of_latin_led(word: str, index) -> bool:
    """True when ``word`` is the Latin code of a term whose generic Chinese part matches only with its code."""
    from clusteratlas._text import stem

    codes = index.caches["derived"].get_or_set("latin_led_codes", lambda: frozenset(
        tok for t in getattr(index.industry_voc, "latin_led", ()) for tok in t.tokens))
    return stem(word) in codes


def _makes(first: dict, product: str, index) -> bool:
    """True when an industry of ``first`` has a term that contains the Chinese ``product`` (羊绒围巾 of
    cashmere for 围巾)."""
    voc = index.industry_voc
    return any(voc.terms[i].owner in first for i in voc.cjk_sub.get(product, ()))
