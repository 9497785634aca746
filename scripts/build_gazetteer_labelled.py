#!/usr/bin/env python
"""Build (and score) the gazetteer's labelled evaluation set, ``tests/data/places_labelled.tsv``.

Two halves:

* **generated** (seeded): units drawn from the MCA table and written in other scripts and forms —
  traditional characters, pinyin with tone marks, spaced or hyphenated pinyin, tone numbers, English with
  type words and context ("Xintang Town, Zengcheng District, Guangzhou"), full Chinese addresses with a
  road and number, addresses written with short names, upper-case English;
* **hand-written** (:data:`HAND`): hard cases — homonyms told apart by context, former names, market
  and area aliases, misspellings, firm-register addresses, English with context.

Expected codes are looked up from each case's Chinese path in the MCA table (so a typo in a path fails
the build instead of producing a wrong label). Scoring is top-1 at county level: the first candidate's code
must start with the first six digits of the expected code (its whole code above county level).

Usage::

    .venv/bin/python scripts/build_gazetteer_labelled.py            # rewrite the TSV
    .venv/bin/python scripts/build_gazetteer_labelled.py --score    # score the current resolver on it
"""

from __future__ import annotations

import argparse
import random
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
OUT = ROOT / "tests" / "data" / "places_labelled.tsv"
N_GENERATED = 200


#: Hand-written hard cases: (query, Chinese path of the expected unit ('|' = any of these), kind).
HAND: list[tuple[str, str, str]] = [
    # homonyms told apart by context
    ("Chaoyang, Beijing", "北京市/朝阳区", "homonym"),
    ("Chaoyang District, Changchun", "吉林省/长春市/朝阳区", "homonym"),
    ("Chaoyang, Liaoning", "辽宁省/朝阳市", "homonym"),
    ("Chaoyang, Shantou", "广东省/汕头市/潮阳区", "homonym"),
    ("Taizhou, Zhejiang", "浙江省/台州市", "homonym"),
    ("Taizhou, Jiangsu", "江苏省/泰州市", "homonym"),
    ("Jiangbei, Ningbo", "浙江省/宁波市/江北区", "homonym"),
    ("Tongzhou, Beijing", "北京市/通州区", "homonym"),
    ("Tongzhou District, Nantong", "江苏省/南通市/通州区", "homonym"),
    ("Gulou, Fuzhou", "福建省/福州市/鼓楼区", "homonym"),
    ("Gulou District, Nanjing", "江苏省/南京市/鼓楼区", "homonym"),
    ("Gulou, Kaifeng", "河南省/开封市/鼓楼区", "homonym"),
    ("Baiyun, Guangzhou", "广东省/广州市/白云区", "homonym"),
    ("Baiyun District, Guiyang", "贵州省/贵阳市/白云区", "homonym"),
    ("Pinghu, Zhejiang", "浙江省/嘉兴市/平湖市", "homonym"),
    ("Pinghu, Longgang, Shenzhen", "广东省/深圳市/龙岗区/平湖街道", "homonym"),
    ("Pingxiang, Jiangxi", "江西省/萍乡市", "homonym"),
    ("Pingxiang County, Xingtai", "河北省/邢台市/平乡县", "homonym"),
    ("Jianyang, Nanping", "福建省/南平市/建阳区", "homonym"),
    ("Jianyang, Chengdu", "四川省/成都市/简阳市", "homonym"),
    ("Xinhua District, Shijiazhuang", "河北省/石家庄市/新华区", "homonym"),
    ("Xinhua County, Loudi", "湖南省/娄底市/新化县", "homonym"),
    ("Xintang Town, Zengcheng, Guangzhou", "广东省/广州市/增城区/新塘镇", "homonym"),
    ("Xintang, Raoping", "广东省/潮州市/饶平县/新塘镇", "homonym"),
    ("Chang'an District, Xi'an", "陕西省/西安市/长安区", "homonym"),
    ("Xi'an", "陕西省/西安市", "homonym"),
    ("Lishui District, Nanjing", "江苏省/南京市/溧水区", "homonym"),
    ("Guzhen, Zhongshan", "广东省/中山市/古镇镇", "homonym"),
    ("Guzhen County, Bengbu", "安徽省/蚌埠市/固镇县", "homonym"),
    ("Longjiang, Shunde", "广东省/佛山市/顺德区/龙江镇", "homonym"),
    ("Longjiang County, Qiqihar", "黑龙江省/齐齐哈尔市/龙江县", "homonym"),
    ("Yiwu, Jinhua, Zhejiang", "浙江省/金华市/义乌市", "homonym"),
    ("Yiwu County, Hami", "新疆维吾尔自治区/哈密市/伊吾县", "homonym"),
    ("Fuzhou, Jiangxi", "江西省/抚州市", "homonym"),
    ("Fuzhou, Fujian", "福建省/福州市", "homonym"),
    ("Suzhou, Anhui", "安徽省/宿州市", "homonym"),
    ("Suzhou, Jiangsu", "江苏省/苏州市", "homonym"),
    ("Yichun, Heilongjiang", "黑龙江省/伊春市", "homonym"),
    ("Yichun, Jiangxi", "江西省/宜春市", "homonym"),
    ("Jinzhou District, Dalian", "辽宁省/大连市/金州区", "homonym"),
    ("Jinzhou, Liaoning", "辽宁省/锦州市", "homonym"),
    ("Jingzhou, Hubei", "湖北省/荆州市", "homonym"),
    ("Hengli, Dongguan", "广东省/东莞市/横沥镇", "homonym"),
    ("Longgang City, Wenzhou", "浙江省/温州市/龙港市", "homonym"),
    ("Longgang, Shenzhen", "广东省/深圳市/龙岗区", "homonym"),
    ("Taishan, Jiangmen", "广东省/江门市/台山市", "homonym"),
    ("Tai'an, Shandong", "山东省/泰安市", "homonym"),
    ("Guanlan, Shenzhen", "广东省/深圳市/龙华区/观澜街道", "homonym"),
    ("北京市朝阳区建国路88号", "北京市/朝阳区", "homonym"),
    ("长春市朝阳区", "吉林省/长春市/朝阳区", "homonym"),
    ("广州市白云区", "广东省/广州市/白云区", "homonym"),
    ("贵阳市白云区", "贵州省/贵阳市/白云区", "homonym"),
    # cluster towns and counties, English with context
    ("Humen, Dongguan", "广东省/东莞市/虎门镇", "english"),
    ("Dalang Town, Dongguan", "广东省/东莞市/大朗镇", "english"),
    ("Houjie Town, Dongguan", "广东省/东莞市/厚街镇", "english"),
    ("Tangxia, Dongguan", "广东省/东莞市/塘厦镇", "english"),
    ("Zhangmutou, Dongguan", "广东省/东莞市/樟木头镇", "english"),
    ("Xiaolan, Zhongshan", "广东省/中山市/小榄镇", "english"),
    ("Lecong, Shunde", "广东省/佛山市/顺德区/乐从镇", "english"),
    ("Shengze, Suzhou", "江苏省/苏州市/吴江区/盛泽镇", "english"),
    ("Shuitou, Nan'an", "福建省/泉州市/南安市/水头镇", "english"),
    ("Chendai, Jinjiang", "福建省/泉州市/晋江市/陈埭镇", "english"),
    ("Neikeng Town, Jinjiang", "福建省/泉州市/晋江市/内坑镇", "english"),
    ("Wenqiao, Wenling", "浙江省/台州市/温岭市/温峤镇", "english"),
    ("Hangji, Yangzhou", "江苏省/扬州市/广陵区/杭集镇", "english"),
    ("Huangqiao Town, Taixing", "江苏省/泰州市/泰兴市/黄桥镇", "english"),
    ("Shanxiahu, Zhuji", "浙江省/绍兴市/诸暨市/山下湖镇", "english"),
    ("Liushi, Yueqing", "浙江省/温州市/乐清市/柳市镇", "english"),
    ("Puyuan, Tongxiang", "浙江省/嘉兴市/桐乡市/濮院镇", "english"),
    ("Qianku Town, Cangnan", "浙江省/温州市/苍南县/钱库镇", "english"),
    ("Liangnong Town, Ningbo", "浙江省/宁波市/余姚市/梁弄镇", "english"),
    ("Datang Street, Zhuji City, Zhejiang", "浙江省/绍兴市/诸暨市/大唐街道", "english"),
    ("Danyang, Jiangsu", "江苏省/镇江市/丹阳市", "english"),
    ("Yingtan, Jiangxi", "江西省/鹰潭市", "english"),
    ("Weihai, Shandong", "山东省/威海市", "english"),
    ("Luyi County, Zhoukou", "河南省/周口市/鹿邑县", "english"),
    ("Cao County, Heze", "山东省/菏泽市/曹县", "english"),
    ("Anping County, Hengshui", "河北省/衡水市/安平县", "english"),
    ("Qinghe County, Xingtai", "河北省/邢台市/清河县", "english"),
    ("Liuyang, Hunan", "湖南省/长沙市/浏阳市", "english"),
    ("Dehua, Quanzhou", "福建省/泉州市/德化县", "english"),
    ("Anji, Huzhou", "浙江省/湖州市/安吉县", "english"),
    ("Yunhe County, Lishui", "浙江省/丽水市/云和县", "english"),
    ("Xiuyu, Putian", "福建省/莆田市/秀屿区", "english"),
    ("Gaozhou, Maoming", "广东省/茂名市/高州市", "english"),
    ("Yangjiang, Guangdong", "广东省/阳江市", "english"),
    ("Shengzhou, Shaoxing", "浙江省/绍兴市/嵊州市", "english"),
    ("Xingcheng, Huludao", "辽宁省/葫芦岛市/兴城市", "english"),
    ("Donghai County, Lianyungang", "江苏省/连云港市/东海县", "english"),
    ("Keqiao, Shaoxing", "浙江省/绍兴市/柯桥区", "english"),
    ("Haimen, Nantong", "江苏省/南通市/海门区", "english"),
    ("Haining, Jiaxing", "浙江省/嘉兴市/海宁市", "english"),
    ("Changshu, Suzhou", "江苏省/苏州市/常熟市", "english"),
    ("Ningjin County, Dezhou", "山东省/德州市/宁津县", "english"),
    ("Zhecheng, Shangqiu", "河南省/商丘市/柘城县", "english"),
    ("Quyang, Baoding", "河北省/保定市/曲阳县", "english"),
    ("Jingdezhen", "江西省/景德镇市", "english"),
    ("Yuyao, Ningbo", "浙江省/宁波市/余姚市", "english"),
    ("Songgang, Bao'an, Shenzhen", "广东省/深圳市/宝安区/松岗街道", "english"),
    ("Buji, Longgang", "广东省/深圳市/龙岗区/布吉街道", "english"),
    ("Nanshan District, Shenzhen", "广东省/深圳市/南山区", "english"),
    ("Yongjia County, Wenzhou", "浙江省/温州市/永嘉县", "english"),
    ("Yongkang, Jinhua", "浙江省/金华市/永康市", "english"),
    ("Inner Mongolia, Baotou", "内蒙古自治区/包头市", "english"),
    ("Ordos", "内蒙古自治区/鄂尔多斯市", "english"),
    ("Harbin, Heilongjiang", "黑龙江省/哈尔滨市", "english"),
    ("Urumqi", "新疆维吾尔自治区/乌鲁木齐市", "english"),
    ("Lhasa, Tibet", "西藏自治区/拉萨市", "english"),
    ("Hohhot", "内蒙古自治区/呼和浩特市", "english"),
    ("Kashgar", "新疆维吾尔自治区/喀什地区", "english"),
    ("Jiaxing Tongxiang Puyuan", "浙江省/嘉兴市/桐乡市/濮院镇", "english"),
    ("Zhongshan Guzhen", "广东省/中山市/古镇镇", "english"),
    ("Xuchang Henan", "河南省/许昌市", "english"),
    ("Beijiao, Shunde City", "广东省/佛山市/顺德区/北滘镇", "english"),
    ("Pidu, Chengdu", "四川省/成都市/郫都区", "english"),
    ("Changzhi, Shanxi", "山西省/长治市", "english"),
    ("Shan County, Heze", "山东省/菏泽市/单县", "english"),
    ("Guoyang, Bozhou", "安徽省/亳州市/涡阳县", "english"),
    ("Lu'an, Anhui", "安徽省/六安市", "english"),
    ("Yueqing", "浙江省/温州市/乐清市", "english"),
    ("Laoting, Tangshan", "河北省/唐山市/乐亭县", "english"),
    ("Bengbu", "安徽省/蚌埠市", "english"),
    ("Siming, Xiamen", "福建省/厦门市/思明区", "english"),
    ("Yuzhong, Chongqing", "重庆市/渝中区", "english"),
    ("HuaQiangBei", "广东省/深圳市/福田区/华强北街道", "english"),
    ("Hua Qiang Bei, Shen Zhen", "广东省/深圳市/福田区/华强北街道", "english"),
    # former names
    ("Shunde City, Guangdong", "广东省/佛山市/顺德区", "former"),
    ("Chenghai City, Shantou", "广东省/汕头市/澄海区", "former"),
    ("Jimo City, Qingdao", "山东省/青岛市/即墨区", "former"),
    ("萧山市", "浙江省/杭州市/萧山区", "former"),
    ("Xiaoshan City", "浙江省/杭州市/萧山区", "former"),
    ("襄樊", "湖北省/襄阳市", "former"),
    ("Xiangfan, Hubei", "湖北省/襄阳市", "former"),
    ("思茅市", "云南省/普洱市", "former"),
    ("吴江市", "江苏省/苏州市/吴江区", "former"),
    ("Wujiang City, Suzhou", "江苏省/苏州市/吴江区", "former"),
    ("增城市", "广东省/广州市/增城区", "former"),
    ("从化市", "广东省/广州市/从化区", "former"),
    ("番禺市", "广东省/广州市/番禺区", "former"),
    ("花都市", "广东省/广州市/花都区", "former"),
    ("南海市", "广东省/佛山市/南海区", "former"),
    ("三水市", "广东省/佛山市/三水区", "former"),
    ("文登市", "山东省/威海市/文登区", "former"),
    ("大丰市", "江苏省/盐城市/大丰区", "former"),
    ("江都市", "江苏省/扬州市/江都区", "former"),
    ("富阳市", "浙江省/杭州市/富阳区", "former"),
    ("临安市", "浙江省/杭州市/临安区", "former"),
    ("上虞市", "浙江省/绍兴市/上虞区", "former"),
    ("奉化市", "浙江省/宁波市/奉化区", "former"),
    ("海门市", "江苏省/南通市/海门区", "former"),
    ("温岭县", "浙江省/台州市/温岭市", "former"),
    ("义乌县", "浙江省/金华市/义乌市", "former"),
    ("许昌县", "河南省/许昌市/建安区", "former"),
    ("崇文区", "北京市/东城区", "former"),
    ("宣武区", "北京市/西城区", "former"),
    ("卢湾区", "上海市/黄浦区", "former"),
    ("闸北区", "上海市/静安区", "former"),
    ("南汇区", "上海市/浦东新区", "former"),
    ("铜梁县", "重庆市/铜梁区", "former"),
    ("兖州市", "山东省/济宁市/兖州区", "former"),
    ("溧水县", "江苏省/南京市/溧水区", "former"),
    ("宝安县", "广东省/深圳市/宝安区", "former"),
    ("黄岩县", "浙江省/台州市/黄岩区", "former"),
    ("山东省青岛市即墨市", "山东省/青岛市/即墨区", "former"),
    ("重庆市江北区观音桥", "重庆市/两江新区", "former"),
    # aliases, areas, misspellings, exonyms
    ("Xiong'an New Area", "河北省/保定市/雄县|河北省/保定市/容城县|河北省/保定市/安新县", "alias"),
    ("雄安新区", "河北省/保定市/雄县|河北省/保定市/容城县|河北省/保定市/安新县", "alias"),
    ("Baigou New City", "河北省/保定市/高碑店市/白沟镇", "alias"),
    ("Shuibei, Shenzhen", "广东省/深圳市/罗湖区/翠竹街道", "alias"),
    ("Dafen Village, Shenzhen", "广东省/深圳市/龙岗区/布吉街道", "alias"),
    ("Dieshiqiao, Nantong", "江苏省/南通市/海门区/三星镇", "alias"),
    ("China Textile City, Shaoxing", "浙江省/绍兴市/柯桥区/柯桥街道", "alias"),
    ("苏州工业园区", "江苏省/苏州市/虎丘区/娄葑街道", "alias"),
    ("Beirong, Guangdong", "广东省/佛山市/顺德区/北滘镇", "misspelling"),
    ("Beirong (in Shunde City, Guangdong Province)", "广东省/佛山市/顺德区/北滘镇", "misspelling"),
    ("北窖镇", "广东省/佛山市/顺德区/北滘镇", "misspelling"),
    ("Shenzen", "广东省/深圳市", "misspelling"),
    ("Guangzhuo", "广东省/广州市", "misspelling"),
    ("Hangzou", "浙江省/杭州市", "misspelling"),
    ("Quanzhuo, Fujian", "福建省/泉州市", "misspelling"),
    ("Canton", "广东省/广州市", "misspelling"),
    ("Amoy", "福建省/厦门市", "misspelling"),
    ("Swatow", "广东省/汕头市", "misspelling"),
    ("Tsingtao", "山东省/青岛市", "misspelling"),
    ("Peking", "北京市", "misspelling"),
    # addresses (firm-register style), traditional characters
    ("中国广东省东莞市虎门镇虎门大道123号", "广东省/东莞市/虎门镇", "address"),
    ("广东省佛山市顺德区北滘镇美的大道6号", "广东省/佛山市/顺德区/北滘镇", "address"),
    ("浙江省义乌市福田街道商城大道", "浙江省/金华市/义乌市/福田街道", "address"),
    ("浙江省诸暨市大唐镇工业区", "浙江省/绍兴市/诸暨市/大唐街道", "address"),
    ("深圳市福田区华强北路1002号赛格广场", "广东省/深圳市/福田区", "address"),
    ("上海市浦东新区张江镇碧波路", "上海市/浦东新区/张江镇", "address"),
    ("江苏省苏州市吴江区盛泽镇", "江苏省/苏州市/吴江区/盛泽镇", "address"),
    ("福建省晋江市陈埭镇", "福建省/泉州市/晋江市/陈埭镇", "address"),
    ("浙江省温州市永嘉县桥下镇", "浙江省/温州市/永嘉县/桥下镇", "address"),
    ("湖州市吴兴区织里镇珍贝路", "浙江省/湖州市/吴兴区/织里镇", "address"),
    ("江苏省扬州市广陵区杭集镇", "江苏省/扬州市/广陵区/杭集镇", "address"),
    ("河北省保定市高碑店市白沟镇", "河北省/保定市/高碑店市/白沟镇", "address"),
    ("广东省汕头市澄海区", "广东省/汕头市/澄海区", "address"),
    ("地址：浙江省宁波市慈溪市观海卫镇", "浙江省/宁波市/慈溪市/观海卫镇", "address"),
    ("江苏省丹阳市开发区", "江苏省/镇江市/丹阳市", "address"),
    ("浙江台州温岭市温峤镇", "浙江省/台州市/温岭市/温峤镇", "address"),
    ("广东中山古镇", "广东省/中山市/古镇镇", "address"),
    ("廣東省東莞市大朗鎮", "广东省/东莞市/大朗镇", "address"),
    ("廣州市花都區獅嶺鎮", "广东省/广州市/花都区/狮岭镇", "address"),
    ("臺州", "浙江省/台州市", "address"),
    ("乾县", "陕西省/咸阳市/乾县", "address"),
    ("陕西省咸阳市乾县", "陕西省/咸阳市/乾县", "address"),
    ("內蒙古自治區呼和浩特市", "内蒙古自治区/呼和浩特市", "address"),
    ("新疆维吾尔自治区乌鲁木齐市天山区", "新疆维吾尔自治区/乌鲁木齐市/天山区", "address"),
    ("广西南宁市青秀区", "广西壮族自治区/南宁市/青秀区", "address"),
    ("香港", "香港特别行政区", "address"),
    ("四川省成都市郫都区", "四川省/成都市/郫都区", "address"),
    ("河南省许昌市建安区", "河南省/许昌市/建安区", "address"),
    ("杭州市萧山区", "浙江省/杭州市/萧山区", "address"),
    ("浙江省 宁波市 余姚市", "浙江省/宁波市/余姚市", "address"),
    ("广东省，深圳市，龙华区", "广东省/深圳市/龙华区", "address"),
    ("528311 广东省佛山市顺德区北滘镇", "广东省/佛山市/顺德区/北滘镇", "address"),
    ("山东省临沂市兰山区义堂镇", "山东省/临沂市/兰山区/义堂镇", "address"),
    ("河北省沧州市泊头市", "河北省/沧州市/泊头市", "address"),
    ("福建省泉州市石狮市", "福建省/泉州市/石狮市", "address"),
    ("浙江省嘉兴市海宁市许村镇", "浙江省/嘉兴市/海宁市/许村镇", "address"),
]


def lookup(path: str) -> str:
    """The MCA code of a Chinese path such as 广东省/广州市/增城区/新塘镇 (each level must be a child)."""
    from clusteratlas.gazetteer import _tables as gd

    units = gd.units()
    kids = gd.children()
    parent = ""
    for name in path.split("/"):
        hits = [c for c in kids.get(parent, ()) if units[c].name == name]
        if not hits and parent:  # prefecture-less counties (省直辖) and county-less prefectures
            hits = [c for c in units if units[c].name == name and parent in units[c].path[:-1]]
        if len(hits) != 1:
            raise SystemExit(f"path {path!r}: {name!r} not found (or not unique) under {parent or 'the root'}")
        parent = hits[0]
    return parent


def expected_prefix(code: str) -> str:
    """What the top candidate must start with: the county code for townships, the code's own prefix
    (2 digits for provinces, 4 for prefectures) above."""
    from clusteratlas.gazetteer import _tables as gd

    level = gd.units()[code].level
    return {1: code[:2], 2: code[:4]}.get(level, code[:6])


def generated(seed: int = 20251231) -> list[tuple[str, str, str]]:
    import opencc
    from pypinyin import Style, lazy_pinyin

    from clusteratlas.gazetteer import _tables as gd
    from clusteratlas.gazetteer._names import pinyin_title

    rng = random.Random(seed)
    units = gd.units()
    s2t = opencc.OpenCC("s2t")
    counties = sorted(c for c, u in units.items() if u.level == 3)
    towns = sorted(c for c, u in units.items() if u.level == 4)
    prefs = sorted(c for c, u in units.items() if u.level == 2)
    roads = ["人民路", "工业大道", "建设路", "解放路", "迎宾大道", "科技路"]
    out: list[tuple[str, str, str]] = []

    def path_units(code: str):
        return [units[c] for c in units[code].path]

    def en(u) -> str:
        return u.name_en

    by_stem: dict[tuple[str, ...], list[str]] = {}
    for c, x in units.items():
        by_stem.setdefault(x.pinyin, []).append(c)
    forms = ["traditional", "tones", "spaced", "hyphen", "tone-numbers", "english-context", "address",
             "short-address", "upper", "town-english"]
    i = 0
    while len(out) < N_GENERATED:
        form = forms[i % len(forms)]
        i += 1
        if form in ("address", "short-address", "town-english"):
            code = rng.choice(towns)
        elif form == "upper":
            code = rng.choice(prefs)
        else:
            code = rng.choice(counties)
        u = units[code]
        chain = path_units(code)
        if form != "address" and _shadowed(u, units, by_stem):
            continue  # 岳阳县 in "Yue Yang, Hunan": the prefecture 岳阳市 is the reading anyone would pick
        if form == "traditional":
            q = s2t.convert("".join(p.name for p in chain[1:]))
        elif form == "tones":
            parent = chain[-2] if len(chain) > 1 else None
            q = "".join(lazy_pinyin(u.stem, style=Style.TONE)).capitalize()
            q += f", {parent.name_en}" if parent else ""
        elif form == "spaced":
            q = " ".join(s.capitalize() for s in u.pinyin) + ", " + chain[0].name_en
        elif form == "hyphen":
            q = "-".join(u.pinyin).capitalize() + " " + en(u).split()[-1] + ", " + chain[-2].name_en
        elif form == "tone-numbers":
            q = "".join(lazy_pinyin(u.stem, style=Style.TONE3)) + ", " + chain[0].name_en.replace(" Province", "")
        elif form == "english-context":
            q = ", ".join(p.name_en for p in reversed(chain))
        elif form == "address":
            q = "".join(p.name for p in chain) + rng.choice(roads) + f"{rng.randint(1, 400)}号"
        elif form == "short-address":
            q = "".join(p.stem if p.level < 4 and len(p.stem) >= 2 else p.name for p in chain[1:])
            q += rng.choice(roads) + f"{rng.randint(1, 400)}号"
        elif form == "upper":
            q = pinyin_title(list(u.pinyin)).upper() + ", " + chain[0].name_en.upper()
        else:  # town-english: "X Town, Y County, Z City"
            q = ", ".join(p.name_en for p in reversed(chain[1:]))
        out.append((q, expected_prefix(code), f"generated:{form}"))
    return out


def _shadowed(u, units, by_stem) -> bool:
    """True when a unit at the same or a higher level in the same province reads the same in pinyin: the
    generated query (which gives only the province or the parent as context) would be ambiguous."""
    for other in by_stem.get(u.pinyin, ()):
        o = units[other]
        if other != u.code and o.level <= u.level and o.code[:2] == u.code[:2]:
            return True
    return False


def build() -> None:
    rows = generated()
    for query, path, kind in HAND:
        alts = [expected_prefix(lookup(p)) for p in path.split("|")]
        rows.append((query, "|".join(alts), f"hand:{kind}"))
    OUT.parent.mkdir(parents=True, exist_ok=True)
    with OUT.open("w", encoding="utf-8", newline="") as fh:
        fh.write("# Labelled place queries. Columns: query, expected code prefixes ('|' = alternatives; six digits\n"
                 "# = county level), kind. Built by scripts/build_gazetteer_labelled.py (generated half seeded;\n"
                 "# hand-written half from scripts/gazetteer_hand_cases.py). Scored top-1 at county level.\n")
        fh.write("query\texpected\tkind\n")
        for q, e, k in rows:
            fh.write(f"{q}\t{e}\t{k}\n")
    n_gen = sum(1 for r in rows if r[2].startswith("generated"))
    print(f"wrote {OUT} ({len(rows)} rows: {n_gen} generated, {len(rows) - n_gen} hand-written)")


def read_labelled(path: Path = OUT) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("query\t"):
            continue
        q, e, k = line.split("\t")
        rows.append((q, e, k))
    return rows


def score(path: Path = OUT, verbose: bool = True) -> float:
    from clusteratlas.gazetteer import resolve_place

    rows = read_labelled(path)
    by_kind: dict[str, list[int]] = {}
    misses = []
    for q, e, k in rows:
        cands = resolve_place(q, limit=3)
        top = cands[0].adcode if cands else ""
        ok = bool(top) and any(top.startswith(x) for x in e.split("|"))
        by_kind.setdefault(k.split(":")[0], []).append(ok)
        if not ok:
            misses.append((q, e, k, [(c.adcode, c.name_zh) for c in cands[:3]]))
    total = sum(sum(v) for v in by_kind.values()) / len(rows)
    if verbose:
        for kind, oks in sorted(by_kind.items()):
            print(f"{kind:10s} {sum(oks)}/{len(oks)} = {sum(oks) / len(oks):.1%}")
        print(f"{'all':10s} {sum(sum(v) for v in by_kind.values())}/{len(rows)} = {total:.1%} top-1 at county level")
        for m in misses:
            print("MISS", *m, sep="\t")
    return total


if __name__ == "__main__":
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--score", action="store_true", help="score the resolver on the current TSV")
    args = ap.parse_args()
    if args.score:
        score()
    else:
        build()
