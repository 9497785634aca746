"""Word lists of search: function words, stop words, generic title words, service words (data, not code).

Stemmed forms where the list is a :class:`~clusteratlas._text.StemSet` or says so.
"""

from __future__ import annotations

from clusteratlas._text import StemSet, stem

#: Function words: dropped from terms and queries alike (stemmed forms).
FUNCTION_WORDS = frozenset((
    "a", "an", "the", "for", "of", "and", "or", "in", "on", "to", "from", "with", "by", "at", "as", "near",
    "me", "my", "we", "i", "is", "are", "can", "get", "which", "who", "what", "where",
))
#: Words that say nothing about the product in a query ("where to buy X", "X supplier"): they weigh
#: nothing in a query but still complete a term that contains them ("coffee maker", "leather goods"), and
#: terms keep them (stemmed forms; :data:`FUNCTION_WORDS` included).
STOPWORDS = frozenset((
    "a", "an", "the", "for", "of", "and", "or", "in", "on", "to", "from", "with", "by", "at", "as", "near",
    "made", "make", "maker", "china", "chinese", "supplier", "manufactur", "factori", "produc", "vendor",
    "where", "buy", "sourc", "product", "industri", "cluster", "base", "item", "good", "me", "my", "we",
    "best", "top", "i", "need", "want", "find", "who", "what", "is", "are", "can", "get", "which", "town",
    "exporter", "export", "import", "importer", "oem", "odm", "compani", "brand", "distributor", "trader",
    "click", "here", "http", "https", "www", "link",  # web-page words pasted into catalogue cells
))
#: Generic words of product titles (colours, sizes, packaging, marketing): they count for little when they
#: are not vocabulary words themselves.
MODIFIERS = StemSet((
    "new", "hot", "sale", "style", "styles", "fashion", "trendy", "cute", "vintage", "classic", "modern",
    "colour", "color", "black", "white", "red", "blue", "green", "yellow", "pink", "purple", "grey", "gray",
    "brown", "beige", "navy", "orange", "natural", "size", "small", "medium", "large", "big", "mini", "xl",
    "xxl", "inch", "inches", "cm", "mm", "pcs", "pc", "piece", "pieces", "pack", "lot", "bulk", "custom",
    "customized", "customised", "logo", "printed", "print", "free", "shipping", "unisex", "adult", "summer",
    "winter", "spring", "autumn", "season", "gift", "quality", "cheap", "price", "order", "moq", "sample",
    "stock", "long", "short", "thick", "thin", "soft", "light", "heavy", "premium", "durable", "portable",
    "multi", "high", "low", "pair", "pairs", "dozen", "box", "model", "type", "series", "version", "wholesale",
    # what a compatible part claims ("replacement lenses for …", "spare", "universal"), not what it is
    "replacement", "replacements", "spare", "aftermarket", "universal", "upgraded", "genuine", "original",
))
#: Words that ask for a service or information, not a product ("car rental", "phone repair tutorial"):
#: a hit whose term lacks them counts :data:`NON_PRODUCT_FACTOR` of its score.
NON_PRODUCT = StemSet((
    "repair", "repairs", "rental", "rent", "hire", "tutorial", "course", "lesson", "lessons", "job", "jobs",
    "career", "salary", "insurance", "booking", "ticket", "tickets", "news", "weather",
    "forecast", "service", "services", "agent", "agency", "loan", "lawyer", "appointment", "visa",
    "cleaning", "tutoring", "tutor", "haircut", "photographer"))
#: Manufacturing steps before "service" ("SMT service", "CNC machining service"): contract manufacturing is
#: the industry's own product, not a service to a consumer; not "assembly" (furniture assembly). Stemmed.
CONTRACT_STEPS = StemSet(("smt", "pcba", "manufacturing", "machining", "fabrication", "moulding",
                          "molding", "casting", "cnc", "stamping", "welding", "soldering", "prototyping"))
ZH_NON_PRODUCT = ("维修", "教程", "招聘", "租赁", "出租", "保险", "培训", "新闻", "天气", "攻略", "预订", "外卖", "贷款", "陪练", "辅导", "网课",
                  "上门", "代办", "代理记账", "摄影", "旅拍", "中介", "咨询", "家政", "保洁")
#: Characters that make a Chinese service word before them part of a product's name (服务器, 咨询台, 摄影灯).
ZH_PRODUCT_ENDINGS = frozenset("器台灯机包架棚布箱柜车")
NON_PRODUCT_FACTOR = 0.5
#: Chinese words that say nothing about the product (removed from the CJK part of a query).
ZH_STOPWORDS = ("哪里", "哪儿", "在哪", "产地", "产业带", "产业集群", "厂家", "工厂", "供应商", "生产", "批发",
                "采购", "中国", "我要", "买", "的", "货源", "源头", "直销", "代发", "一件")
#: Chinese title words that count for little (they shorten the query length that coverage is measured on).
ZH_MODIFIERS = ("新款", "爆款", "现货", "包邮", "定制", "订制", "工厂店", "跨境", "外贸", "韩版", "时尚", "高档",
                "品牌", "正品", "热卖", "厂", "款", "式", "大码", "小号", "男女", "通用", "套装")

#: Products no atlas industry makes, whose name in the lead of a title means "not covered" even when an
#: attribute matches ("tennis racket carbon fiber", "英短蓝猫 幼猫 活体 … 疫苗齐全"): live animals, sports
#: rackets, cement, household detergents (from the tuning set's out-of-scope rows). Stemmed English forms;
#: Chinese substrings.
NOT_COVERED = StemSet(("puppy", "puppies", "kitten", "kittens", "racket", "racquet", "cement", "detergent",
                       "detergents", "cookbook", "cookbooks", "textbook", "textbooks", "paperback", "ebook"))
#: Two-word names of such products (stems), when no equipment word follows ("mineral water", not "mineral
#: water dispenser"): bottled water, cakes, cooking oils, dish soap and toilet paper.
NOT_COVERED_PHRASES = frozenset((stem(a), stem(b)) for a, b in (
    ("mineral", "water"), ("spring", "water"), ("bottled", "water"), ("sparkling", "water"), ("birthday", "cake"),
    ("olive", "oil"), ("sunflower", "oil"), ("cooking", "oil"), ("vegetable", "oil"), ("canola", "oil"),
    ("peanut", "oil"), ("dish", "soap"), ("toilet", "paper"), ("toilet", "tissue"), ("facial", "tissue")))
#: Words after such a phrase that make it what the product is for.
NOT_COVERED_PHRASE_USES = StemSet(("bottle", "bottles", "dispenser", "filter", "purifier", "pump", "machine",
                                   "cooler", "heater", "tank", "stand", "topper", "toppers", "mould", "mold",
                                   "sprayer", "press", "expeller", "refinery", "extraction", "holder", "holders"))
#: ... and books, tickets, phone credit (话费充值 is no phone) and cooking oils (花生油 is no peanut).
ZH_NOT_COVERED = ("活体", "幼猫", "幼犬", "球拍", "水泥", "洗衣液", "洗衣粉", "洗洁精", "洗衣凝珠", "矿泉水", "纯净水",
                  "饮用水", "书籍", "图书", "绘本", "小说", "教辅", "门票", "话费", "充值", "生日蛋糕",
                  "食用油", "花生油", "菜籽油", "大豆油", "玉米油", "调和油", "橄榄油")

#: Industries whose product is itself a service (shipping, inspection, recycling collection, sourcing at a
#: market, software development): the words of :data:`SERVICE_SELF_WORDS` in a title ask for their product.
SERVICE_INDUSTRIES = frozenset(("logistics-services", "testing-certification", "resource-recycling",
                                "small-commodities", "software"))
#: Service words that such an industry's titles use for what it sells ("inspection service", "sourcing agent",
#: 认证 咨询, 回收 上门); not "repair", "rental", "course" or "job".
SERVICE_SELF_WORDS = frozenset(("service", "services", "agent", "agents", "agency", "咨询", "上门", "代办", "中介"))
#: Words of lessons and trips ("tea ceremony class", "tea tasting tour"), service words like
#: :data:`NON_PRODUCT`; not "class" before a number (a rating: "safety vest class 2").
LESSON_WORDS = frozenset(("class", "classes", "tour", "tours"))

#: Foods that a pet word makes pet food (宠物 羊奶粉 is milk powder for pets), and the pet words that do it
#: (not 狗 or "dog" alone: 热狗, "hot dog").
PET_FOOD_FROM = frozenset(("dairy-products", "aquatic-products", "dried-fruits-nuts", "vegetables", "rice",
                           "fresh-fruit", "coconut-products", "potato-products", "edible-fungi"))
PET_FOOD_WORDS = frozenset(("pet", "pets"))
ZH_PET_FOOD_WORDS = ("宠物", "狗狗", "猫咪", "幼猫", "幼犬", "成猫", "成犬", "犬用", "猫用")
#: Machines and vehicles that a child word with a remote-control word makes toys (儿童 遥控 挖掘机).
TOY_MACHINES_FROM = frozenset(("construction-machinery", "farm-machinery", "mining-machinery", "cranes-hoists",
                               "material-handling-equipment", "motorcycles", "shipbuilding", "aircraft-parts",
                               "rail-transit-equipment", "robots", "engines"))
REMOTE_CONTROL_WORDS = ("遥控", "rc ", "remote control")
