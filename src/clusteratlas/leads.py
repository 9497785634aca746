"""Supplier leads: outside links that open a supplier search for a product in a place.

For a cluster (or any place) and a product, :func:`supplier_leads` builds the addresses of searches on four
sites that list suppliers: 1688 (Alibaba's domestic wholesale site, in Chinese), Made-in-China.com and
Alibaba.com (export B2B sites, in English) and Open Supply Hub (an open map of production facilities).

The addresses are built from the query text only: **nothing is fetched**, nothing is checked, and the atlas
vouches for no result those sites show. Every lead says so (``outside: True`` and :data:`LEADS_NOTICE`).
The query formats are those the sites' own search boxes produce; a site may change them at any time.

The place in a query is the most specific name a seller would write: a town for a town cluster (大唐 for
Datang socks), the county-level city or county otherwise (诸暨, Danyang), and the prefecture for a city
district (a Shenzhen district → 深圳), without administrative suffixes (市, 县, 区, City, District …).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

__all__ = ["Lead", "LEADS_NOTICE", "SITES", "supplier_leads", "leads_for_cluster", "lead_place_names", "product_names"]

#: Said wherever leads are shown.
LEADS_NOTICE = ("Outside links: each opens a search on another site, built from the product and the place. "
                "clusteratlas fetches nothing from these sites and vouches for no result they show.")

#: site id -> (display name, language of the query, search address, fixed parameters, query parameter).
#: Formats as the sites' own search forms produce them (1688 takes UTF-8 when told ``charset=utf8``).
SITES: dict[str, tuple[str, str, str, dict[str, str], str]] = {
    "1688": ("1688.com (阿里巴巴批发)", "zh", "https://s.1688.com/selloffer/offer_search.htm",
             {"charset": "utf8"}, "keywords"),
    "made-in-china": ("Made-in-China.com", "en", "https://www.made-in-china.com/productdirectory.do",
                      {"subaction": "hunt", "style": "b", "mode": "and", "code": "0", "comProvince": "nolimit",
                       "order": "0"}, "word"),
    "alibaba": ("Alibaba.com", "en", "https://www.alibaba.com/trade/search", {}, "SearchText"),
    "open-supply-hub": ("Open Supply Hub", "en", "https://opensupplyhub.org/facilities", {"countries": "CN"},
                        "q"),
}

_EN_SUFFIX = re.compile(r"\s+(subdistrict|township|town|city|county|district|province|autonomous county|"
                        r"autonomous prefecture|prefecture|banner|new area)$", re.IGNORECASE)
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass(frozen=True)
class Lead:
    """One outside link.

    Attributes
    ----------
    site : str
        Site id, a key of :data:`SITES`.
    site_name : str
        The site's name.
    query : str
        The words searched for (place and product).
    language : str
        ``zh`` or ``en``: the language of the query.
    url : str
        The search address (nothing is fetched by clusteratlas).
    """

    site: str
    site_name: str
    query: str
    language: str
    url: str

    def to_dict(self) -> dict[str, Any]:
        """``{site, site_name, query, language, url, outside: True}``."""
        return {"site": self.site, "site_name": self.site_name, "query": self.query, "language": self.language,
                "url": self.url, "outside": True}


def _short_en(name: str) -> str:
    prev = None
    while prev != name:
        prev, name = name, _EN_SUFFIX.sub("", name.strip())
    return name


def _short_zh(name: str) -> str:
    from clusteratlas.search._index import strip_zh_suffix

    return strip_zh_suffix(name)


def lead_place_names(place: Any) -> tuple[str, str]:
    """``(english, chinese)`` short names of the place a seller would name, for a search query.

    Parameters
    ----------
    place : Place or dict
        A :class:`clusteratlas.model.Place` or the place dict of the JSON outputs (``level``, ``name`` or
        ``name_en``, ``name_zh``, ``path`` of ancestors with ``level``, ``name_en``, ``name_zh``).

    Returns
    -------
    tuple of str
        A town for a township, the county-level unit otherwise, the prefecture when that unit is a city
        district; suffixes (市, 县, 区, City, District …) removed.
    """
    get = place.get if isinstance(place, dict) else (lambda k, d=None: getattr(place, k, d))
    level = get("level")
    name_en = get("name_en") or get("name") or ""
    name_zh = get("name_zh") or ""
    path = [p if isinstance(p, dict) else p.model_dump() for p in (get("path") or [])]
    if level == "county" and name_zh.endswith("区"):
        pref = next((p for p in path if p.get("level") == "prefecture"), None)
        if pref:
            name_en, name_zh = pref["name_en"], pref["name_zh"]
    return _short_en(name_en), _short_zh(name_zh)


def supplier_leads(*, product_en: str, product_zh: str, place_en: str = "", place_zh: str = "") -> list[Lead]:
    """Outside search links for a product in a place, one per site of :data:`SITES`.

    Parameters
    ----------
    product_en, product_zh : str
        The product in English (Made-in-China, Alibaba, Open Supply Hub) and in Chinese (1688).
    place_en, place_zh : str
        Short place names (see :func:`lead_place_names`); empty for a search without a place.

    Returns
    -------
    list of Lead
        In the order of :data:`SITES`. The addresses are built, never fetched.

    Examples
    --------
    >>> supplier_leads(product_en="socks", product_zh="袜子", place_en="Zhuji", place_zh="诸暨")[0].query
    '诸暨 袜子'
    """
    out = []
    for site, (name, lang, base, fixed, key) in SITES.items():
        words = [place_zh, product_zh] if lang == "zh" else [product_en, place_en]
        query = " ".join(w.strip() for w in words if w and w.strip())
        params = {key: query} | fixed if site == "1688" else fixed | {key: query}
        out.append(Lead(site=site, site_name=name, query=query, language=lang, url=f"{base}?{urlencode(params)}"))
    return out


def product_names(industry: Any, product: str | None = None) -> tuple[str, str]:
    """``(english, chinese)`` product words for a query: the buyer's own words in their language, the
    industry's first product term in the other (its name when it has no terms)."""
    terms = getattr(industry, "terms", None)
    en = (terms.en[0] if terms and terms.en else industry.name_en)
    zh = (terms.zh[0] if terms and terms.zh else industry.name_zh)
    if product and product.strip():
        if _CJK.search(product):
            zh = product.strip()
        else:
            en = product.strip()
    return en, zh


def leads_for_cluster(atlas: Any, cluster: Any, product: str | None = None) -> list[Lead]:
    """Outside search links for a cluster's product at the cluster's place.

    Parameters
    ----------
    atlas : Atlas
        The atlas the cluster belongs to (for its industry's product terms).
    cluster : Cluster or str
        A cluster or its id.
    product : str, optional
        The buyer's own words for the product ("lace front wig", "假发"); default: the industry's first term.

    Returns
    -------
    list of Lead

    Raises
    ------
    ClusterNotFound
        When ``cluster`` is an id the atlas does not have.
    """
    if isinstance(cluster, str):
        cluster = atlas.cluster(cluster)
    en, zh = product_names(atlas.industry(cluster.industry), product)
    place_en, place_zh = lead_place_names(cluster.place)
    return supplier_leads(product_en=en, product_zh=zh, place_en=place_en, place_zh=place_zh)
