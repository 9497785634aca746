"""The table schema of the open-data exports: one definition read by the datapackage, SQLite and Parquet writers.

Each :class:`Table` lists its :class:`Column` s (name, type, description, unit, code system), its primary key,
foreign keys, indexes and full-text columns. Types are Frictionless Table Schema types: ``string``,
``integer``, ``number``, ``boolean``. A list in the model (specialties, aliases …) is one ``string`` cell,
items joined by :data:`LIST_SEP`; lists that matter for joins (product terms, HS codes, cluster sources,
markets served) are tables of their own.

References
----------
Frictionless Table Schema, https://specs.frictionlessdata.io/table-schema/
"""

from __future__ import annotations

from dataclasses import dataclass, field

#: Separator of list items held in one cell.
LIST_SEP = "; "

_CONF = "verified (the cited text was read and states it), reported (as a cited source reports it, not checked) " \
        "or unverified (no document states it)"
_MCA = "MCA 行政区划代码 (GB/T 2260 for 6 digits; 9-digit township codes are the MCA's own), vintage 2025-12-31"


@dataclass(frozen=True)
class Column:
    """One column: ``type`` is a Table Schema type; ``unit`` and ``code_system`` only where they apply."""

    name: str
    type: str
    description: str
    unit: str | None = None
    code_system: str | None = None
    required: bool = False
    enum: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Table:
    """A table: columns, primary key, foreign keys ``(columns, table, columns)``, indexes, full-text columns."""

    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...]
    foreign_keys: tuple[tuple[tuple[str, ...], str, tuple[str, ...]], ...] = ()
    indexes: tuple[tuple[str, ...], ...] = ()
    fts: tuple[str, ...] = ()
    column_names: tuple[str, ...] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_names", tuple(c.name for c in self.columns))


def _c(name: str, type_: str, description: str, **kw) -> Column:
    return Column(name, type_, description, **kw)


def _src(name: str = "source_id", what: str = "the record", required: bool = True) -> Column:
    return _c(name, "string", f"Id of the source (sources.source_id) {what} cites.", required=required)


def _conf() -> Column:
    return _c("confidence", "string", f"How far it was checked: {_CONF}.", required=True,
              enum=("verified", "reported", "unverified"))


def _fk(col: str, table: str, ref: str | None = None) -> tuple[tuple[str, ...], str, tuple[str, ...]]:
    return ((col,), table, (ref or col,))


TABLES: tuple[Table, ...] = (
    Table("industry_groups", "Parents of industries (textiles & apparel, light industry …).", (
        _c("group_id", "string", "Stable slug of the group.", required=True),
        _c("name_en", "string", "Name in English.", required=True),
        _c("name_zh", "string", "Name in simplified Chinese.", required=True),
        _c("gbt4754", "string", "GB/T 4754-2017 industry divisions the group maps to, '; '-separated.",
           code_system="GB/T 4754-2017"),
        _c("description", "string", "What the group covers."),
    ), ("group_id",), fts=("name_en", "name_zh")),
    Table("industries", "Product families (wigs, socks, eyewear …).", (
        _c("industry_id", "string", "Stable slug of the industry.", required=True),
        _c("group_id", "string", "The industry group (industry_groups.group_id)."),
        _c("name_en", "string", "Name in English.", required=True),
        _c("name_zh", "string", "Name in simplified Chinese.", required=True),
        _c("description", "string", "What the industry makes, in our own words.", required=True),
        _c("description_zh", "string", "The description in Chinese, in our own words."),
        _c("aliases", "string", "Other names, '; '-separated."),
        _c("negative_terms", "string", "Terms that must not match this industry, '; '-separated."),
        _c("gbt4754", "string", "GB/T 4754-2017 classes, '; '-separated.", code_system="GB/T 4754-2017"),
    ), ("industry_id",), (_fk("group_id", "industry_groups"),), (("group_id",),), ("name_en", "name_zh", "aliases")),
    Table("industry_terms", "Product terms of each industry in English, simplified and traditional Chinese and "
                            "pinyin (what search matches).", (
        _c("industry_id", "string", "The industry (industries.industry_id).", required=True),
        _c("language", "string", "en, zh (simplified), zh_hant (traditional) or pinyin.", required=True,
           enum=("en", "zh", "zh_hant", "pinyin")),
        _c("term", "string", "The product term.", required=True),
    ), ("industry_id", "language", "term"), (_fk("industry_id", "industries"),), (("term",),), ("term",)),
    Table("industry_hs_codes", "HS headings and subheadings covering each industry's products.", (
        _c("industry_id", "string", "The industry (industries.industry_id).", required=True),
        _c("hs_code", "string", "HS heading (4 digits) or subheading (6 digits), no dots.", required=True,
           code_system="HS 2022 (the industry's hs_edition)"),
        _c("hs_edition", "string", "HS edition of the code.", required=True),
        _c("description", "string", "What the heading covers.", required=True),
    ), ("industry_id", "hs_code"), (_fk("industry_id", "industries"),), (("hs_code",),)),
    Table("places", "Administrative units the clusters sit in, and their ancestors.", (
        _c("adcode", "string", "Administrative code.", required=True, code_system=_MCA),
        _c("code_system", "string", "Code system of adcode (MCA).", required=True),
        _c("code_vintage", "string", "Date of the code list adcode is taken from (YYYY-MM-DD).", required=True),
        _c("level", "string", "province, prefecture, county or township.", required=True,
           enum=("province", "prefecture", "county", "township")),
        _c("name_zh", "string", "Official name in simplified Chinese.", required=True),
        _c("name_en", "string", "Name in English.", required=True),
        _c("parent_adcode", "string", "The unit one level up (places.adcode).", code_system=_MCA),
        _c("path_en", "string", "Ancestors, top down, ' / '-separated (English)."),
        _c("nbs_code", "string", "The statistics bureau's 12-digit code for the same unit (a different code "
                                 "system).", code_system="NBS 统计用区划代码"),
        _c("nbs_vintage", "string", "Vintage of nbs_code."),
    ), ("adcode",), (_fk("parent_adcode", "places", "adcode"),), (("parent_adcode",), ("level",)),
        ("name_zh", "name_en")),
    Table("place_former_names", "Names and codes a place had before.", (
        _c("adcode", "string", "The place (places.adcode).", required=True, code_system=_MCA),
        _c("seq", "integer", "Order within the place, from 1.", required=True),
        _c("name_zh", "string", "The former name in Chinese.", required=True),
        _c("name_en", "string", "The former name in English."),
        _c("former_adcode", "string", "The code the place had under that name.", code_system=_MCA),
        _c("since", "integer", "First year the name applied.", unit="year"),
        _c("until", "integer", "Year the name stopped applying (exclusive).", unit="year"),
        _c("source", "string", "Where the change is recorded (free text)."),
    ), ("adcode", "seq"), (_fk("adcode", "places"),)),
    Table("sources", "Documents that claims, titles, markets and clusters cite.", (
        _c("source_id", "string", "Stable slug of the source.", required=True),
        _c("publisher", "string", "The original publisher.", required=True),
        _c("title", "string", "Title of the document.", required=True),
        _c("url", "string", "Address of the original document (a URL)."),
        _c("date", "string", "Publication date: YYYY, YYYY-MM or YYYY-MM-DD."),
        _c("kind", "string", "official, association, media, company, blog, research, seed or dataset.",
           required=True),
        _c("language", "string", "Language of the document (BCP 47)."),
        _c("document_no", "string", "Issuing number of an official document (工信部企业函〔2023〕3号)."),
        _c("read_at", "string", "Address of the copy the text was read on, when not the original."),
        _c("note", "string", "Notes on the source."),
    ), ("source_id",), (), (("kind",),), ("publisher", "title")),
    Table("clusters", "One industry concentrated at one place; the point is WGS-84.", (
        _c("cluster_id", "string", "Stable id {place-slug}-{industry}.", required=True),
        _c("industry_id", "string", "The industry (industries.industry_id).", required=True),
        _c("name_en", "string", "Name in English.", required=True),
        _c("name_zh", "string", "Name in simplified Chinese.", required=True),
        _c("adcode", "string", "The place (places.adcode).", required=True, code_system=_MCA),
        _c("lat", "number", "Latitude of the cluster's point.", unit="degree (WGS-84, EPSG:4326)", required=True),
        _c("lon", "number", "Longitude of the cluster's point.", unit="degree (WGS-84, EPSG:4326)", required=True),
        _c("coord_precision", "string", "What the point stands for: township, county, prefecture, province or "
                                        "area.", required=True),
        _c("coord_source", "string", "How the point was placed.", required=True),
        _c("area_name_en", "string", "A named area that is not one administrative unit (雄安新区), English."),
        _c("area_name_zh", "string", "The area's name in Chinese."),
        _c("area_adcodes", "string", "Units the area covers, '; '-separated.", code_system=_MCA),
        _c("role", "string", "Standing within the industry as the sources describe it.", required=True,
           enum=("leading", "major", "notable")),
        _c("cluster_type", "string", "production, trading market or mixed.", required=True),
        _c("quality_tier", "string", "low, mid or high, where a source states it."),
        _c("price_tier", "string", "low, mid or high, where a source states it."),
        _src("tier_source_id", "the tier", required=False),
        _c("tier_statement", "string", "What the tier source says, in our words."),
        _c("specialties", "string", "Products the cluster is known for, '; '-separated."),
        _c("terms", "string", "Extra search terms for this cluster, '; '-separated."),
        _c("description", "string", "The cluster, in our own words.", required=True),
        _c("description_zh", "string", "The description in Chinese, in our own words."),
        _c("export_reach", "string", "Where the cluster exports to, as sources state it."),
        _c("in_seed", "boolean", "Whether the project's seed document lists the cluster.", required=True),
        _conf(),
    ), ("cluster_id",), (_fk("industry_id", "industries"), _fk("adcode", "places"),
                         _fk("tier_source_id", "sources", "source_id")),
        (("industry_id",), ("adcode",), ("role",)), ("name_en", "name_zh", "specialties", "terms")),
    Table("cluster_sources", "Sources for the existence of each cluster.", (
        _c("cluster_id", "string", "The cluster (clusters.cluster_id).", required=True),
        _src(what="for the cluster's existence"),
    ), ("cluster_id", "source_id"), (_fk("cluster_id", "clusters"), _fk("source_id", "sources")),
        (("source_id",),)),
    Table("claims", "Sourced figures about clusters; conflicting figures are kept side by side.", (
        _c("claim_id", "string", "{cluster_id}/{seq}.", required=True),
        _c("cluster_id", "string", "The cluster (clusters.cluster_id).", required=True),
        _c("seq", "integer", "Order within the cluster, from 1.", required=True),
        _c("metric", "string", "What is measured (share_of_national_output, output_value_cny, firm_count …).",
           required=True),
        _c("value", "number", "The figure as the source states it, in `unit`.", unit="see unit"),
        _c("value_max", "number", "Upper end of a range, in `unit`.", unit="see unit"),
        _c("bound", "string", "exact, approx, more_than, less_than or range.", required=True),
        _c("unit", "string", "Unit of value: percent, cny, count or a counted thing (pairs, pieces …).",
           required=True),
        _c("denominator", "string", "The whole a share is of."),
        _c("period", "string", "What time the figure is about: YYYY, YYYY-MM, a span, 'c. YYYY' or undated."),
        _c("year", "integer", "Last calendar year of period (empty when undated).", unit="year"),
        _c("scope", "string", "Geography the figure is about when it differs from the cluster's place."),
        _c("statement", "string", "What the source says, in our own words.", required=True),
        _c("statement_zh", "string", "The statement in Chinese (same facts, our own words); empty when not yet written."),
        _src(what="for the figure"),
        _conf(),
        _c("figure_id", "string", "One figure about a wider scope quoted on several clusters (counts once)."),
        _c("note", "string", "Notes on the claim."),
    ), ("claim_id",), (_fk("cluster_id", "clusters"), _fk("source_id", "sources")),
        (("cluster_id",), ("source_id",), ("metric",))),
    Table("registers", "Official lists of clusters (MIIT featured SME clusters, provincial lists …).", (
        _c("register_id", "string", "Stable slug of the list.", required=True),
        _c("name_en", "string", "Name in English.", required=True),
        _c("name_zh", "string", "Name in Chinese.", required=True),
        _c("programme", "string", "The programme the list belongs to.", required=True),
        _c("issuer", "string", "Who issued it.", required=True),
        _c("level", "string", "national, provincial or association.", required=True),
        _c("year", "integer", "Year of the list.", unit="year", required=True),
        _c("batch", "string", "Batch of the list."),
        _c("document_no", "string", "Issuing number of the notice."),
        _c("province", "string", "Province of a provincial list.", code_system=_MCA),
        _c("listed", "integer", "Entries in the list itself.", unit="count", required=True),
        _c("valid_from", "integer", "First year of validity.", unit="year"),
        _c("valid_until", "integer", "Last year of validity.", unit="year"),
        _src(what="as the list's notice"),
        _c("note", "string", "Notes on the list."),
    ), ("register_id",), (_fk("source_id", "sources"),)),
    Table("register_entries", "Entries of the registers entered so far, each tied to an atlas cluster.", (
        _c("register_id", "string", "The register (registers.register_id).", required=True),
        _c("seq", "integer", "Order within the register file, from 1.", required=True),
        _c("name_zh", "string", "The entry exactly as the list words it.", required=True),
        _c("adcode", "string", "The entry's place.", required=True, code_system=_MCA),
        _c("industry_id", "string", "The industry (industries.industry_id).", required=True),
        _c("cluster_id", "string", "The atlas cluster the entry is (clusters.cluster_id).", required=True),
        _c("read_at", "string", "Page the entry was read on, when not the list's own."),
        _src(what="when the entry was read elsewhere than the register's notice", required=False),
        _conf(),
        _c("note", "string", "Notes on the entry."),
    ), ("register_id", "seq"), (_fk("register_id", "registers"), _fk("industry_id", "industries"),
                                _fk("cluster_id", "clusters"), _fk("source_id", "sources")),
        (("cluster_id",),), ("name_zh",)),
    Table("titles", "Honorifics (中国袜业之都) and register listings held by clusters.", (
        _c("title_id", "string", "{cluster_id}/{seq}.", required=True),
        _c("cluster_id", "string", "The cluster (clusters.cluster_id).", required=True),
        _c("seq", "integer", "Order within the cluster, from 1.", required=True),
        _c("zh", "string", "The title in Chinese."),
        _c("en", "string", "The title in English.", required=True),
        _c("issuer", "string", "Who awarded it."),
        _c("programme", "string", "The programme it belongs to."),
        _c("year", "integer", "Year awarded.", unit="year"),
        _c("valid_until", "integer", "Last year of validity.", unit="year"),
        _c("level", "string", "Administrative level of the place it was awarded to."),
        _c("register_id", "string", "The register it comes from (registers.register_id)."),
        _src(what="for the title"),
        _conf(),
        _c("note", "string", "Notes on the title."),
    ), ("title_id",), (_fk("cluster_id", "clusters"), _fk("register_id", "registers"), _fk("source_id", "sources")),
        (("cluster_id",), ("register_id",)), ("zh", "en")),
    Table("markets", "Wholesale markets, distribution centres and trade fairs; points are WGS-84.", (
        _c("market_id", "string", "Stable id (older markets nested under one cluster: {cluster_id}/{name_en}).",
           required=True),
        _c("name_en", "string", "Name in English.", required=True),
        _c("name_zh", "string", "Name in Chinese."),
        _c("kind", "string", "wholesale market, distribution centre, trade fair or materials market.",
           required=True),
        _c("address_zh", "string", "Address in Chinese."),
        _c("address_en", "string", "Address in English."),
        _c("adcode", "string", "Administrative unit of the address.", code_system=_MCA),
        _c("lat", "number", "Latitude.", unit="degree (WGS-84, EPSG:4326)"),
        _c("lon", "number", "Longitude.", unit="degree (WGS-84, EPSG:4326)"),
        _c("coord_source", "string", "How the point was placed."),
        _c("sells", "string", "What it sells, '; '-separated."),
        _c("opening_hours", "string", "Opening hours as the source states them (local time, UTC+8)."),
        _c("recurrence", "string", "Usual rhythm of a fair."),
        _c("website", "string", "Its website."),
        _src(what="for the market"),
        _conf(),
        _c("note", "string", "Notes on the market."),
    ), ("market_id",), (_fk("source_id", "sources"),), (("kind",),), ("name_en", "name_zh", "sells")),
    Table("market_clusters", "Which clusters each market serves.", (
        _c("market_id", "string", "The market (markets.market_id).", required=True),
        _c("cluster_id", "string", "The cluster (clusters.cluster_id).", required=True),
    ), ("market_id", "cluster_id"), (_fk("market_id", "markets"), _fk("cluster_id", "clusters")),
        (("cluster_id",),)),
    Table("fair_dates", "Dated editions of trade fairs (local dates, UTC+8).", (
        _c("market_id", "string", "The fair (markets.market_id).", required=True),
        _c("seq", "integer", "Order within the fair, from 1.", required=True),
        _c("start", "string", "First day, YYYY-MM-DD.", required=True),
        _c("end", "string", "Last day, YYYY-MM-DD.", required=True),
        _c("edition", "string", "Edition (the 135th …)."),
        _src(what="for the dates", required=False),
    ), ("market_id", "seq"), (_fk("market_id", "markets"), _fk("source_id", "sources"))),
    Table("corrections", "Errors in the seed document (or another source) and how the atlas corrected them.", (
        _c("cluster_id", "string", "The cluster (clusters.cluster_id).", required=True),
        _c("seq", "integer", "Order within the cluster, from 1.", required=True),
        _c("seed_text", "string", "The text as the seed (or source) had it.", required=True),
        _c("corrected", "string", "What the atlas holds instead.", required=True),
        _c("note", "string", "Why.", required=True),
        _src(what="for the correction", required=False),
    ), ("cluster_id", "seq"), (_fk("cluster_id", "clusters"), _fk("source_id", "sources"))),
)

#: Tables by name.
BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}
