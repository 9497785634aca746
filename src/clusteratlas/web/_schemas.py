"""Response shapes of the API, for the OpenAPI document (the routers return pre-serialised bytes, so these
models document the contract; they do not re-validate each answer). Extra keys may be added in later
versions; none listed here is removed or renamed within ``/api/v1``."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class _Open(BaseModel):
    model_config = ConfigDict(extra="allow")


class PathEntry(_Open):
    adcode: str
    level: str
    name_zh: str
    name_en: str


class PlaceOut(_Open):
    """A place in the DESIGN.md shape; ``lat``/``lon`` are WGS-84 degrees."""

    adcode: str
    name: str
    name_zh: str
    level: str
    lat: float | None
    lon: float | None
    path: list[dict[str, Any]] = Field(default_factory=list)


class Evidence(_Open):
    """What a cluster rests on (:func:`clusteratlas.evidence.cluster_evidence`)."""

    level: str = Field(description="seed-only, single-blog, unverified-only, weak-sources-only, reported or "
                                   "verified (weakest first).")
    weak: bool = Field(description="True for the first four levels: show the cluster as a lead, not a fact.")
    note: str = Field(description="One plain-English sentence saying what the level means.")
    sources: int = Field(description="Distinct sources behind the cluster, its claims, titles and tier.")
    source_kinds: list[str]


class ClusterSummary(_Open):
    cluster_id: str
    industry: str
    name: str
    name_zh: str
    role: str
    cluster_type: str
    quality_tier: str | None
    price_tier: str | None
    confidence: str
    adcode: str
    place: PlaceOut
    evidence: Evidence
    score: float | None = Field(None, description="Only with `q`: the search score.")


class ClusterPage(_Open):
    items: list[ClusterSummary]
    total: int = Field(description="Clusters matching the filters (all pages).")
    limit: int
    offset: int
    next: str | None = Field(description="Address of the next page, or null.")
    prev: str | None = Field(description="Address of the previous page, or null.")


class ClusterDetail(_Open):
    """Everything about one cluster: the model's fields plus ``industry_name``, ``source_detail`` on each
    claim, title and market (``url`` the original, ``read_at`` the copy the text was read on), ``conflicts``
    (metric → indexes into ``claims``), ``sources``, ``evidence``, ``tier`` and, on each claim, ``age_years``
    and ``stale`` (the figure's period ended more than ten years before ``as_of_year``)."""

    cluster_id: str
    industry: str
    industry_name: str
    name_en: str
    name_zh: str
    place: PlaceOut
    role: str
    description: str
    claims: list[dict[str, Any]]
    conflicts: dict[str, list[int]]
    titles: list[dict[str, Any]]
    markets: list[dict[str, Any]]
    corrections: list[dict[str, Any]]
    sources: list[dict[str, Any]]
    evidence: Evidence
    tier: dict[str, Any] | None = Field(description="quality, price, statement, source, confidence, "
                                                    "source_detail; null when no tier is recorded.")
    as_of_year: int = Field(description="The year figure ages (`claims[].age_years`) are counted to.")


class IndustryRow(_Open):
    industry: str
    name: str
    name_zh: str
    parent: str | None
    parent_name: str | None
    parent_name_zh: str | None
    clusters: int
    hs: list[str]
    description: str
    description_zh: str | None = Field(None, description="Chinese description, when written.")


class GroupRow(_Open):
    group: str
    name: str
    name_zh: str | None
    industries: list[str]


class IndustryList(_Open):
    items: list[IndustryRow]
    total: int
    groups: list[GroupRow]


class IndustryDetail(_Open):
    industry: str
    id: str
    name_en: str
    name_zh: str
    parent: str | None
    description: str
    hs_codes: list[dict[str, Any]]
    clusters: list[ClusterSummary]


class Comparison(_Open):
    industry: str | None = Field(description="The industry compared (null for a set across industries).")
    name: str
    name_zh: str
    metrics: list[str]
    clusters: list[dict[str, Any]] = Field(description="Summaries plus specialties, titles, markets (count) and "
                                                       "figures: metric → claims.")
    ids: list[str]
    distances_km: list[list[float]] = Field(description="Great-circle km between clusters[i] and clusters[j].")
    distance_method: str


class SearchResults(_Open):
    query: str
    items: list[dict[str, Any]] = Field(description="Elements of `clusteratlas find --format json`, best first.")
    total: int


class PlaceResults(_Open):
    query: str
    items: list[PlaceOut]


class ReverseResults(_Open):
    lat: float
    lon: float
    items: list[PlaceOut]


class MarketOut(_Open):
    """A wholesale market or trade fair; ``lat``/``lon`` WGS-84 degrees (null without a point)."""

    market_id: str
    name_en: str
    name_zh: str | None
    kind: str
    clusters: list[str]
    cluster_names: list[dict[str, Any]]
    address_zh: str | None
    address_en: str | None
    adcode: str | None
    lat: float | None
    lon: float | None
    coord_source: str | None
    sells: list[str]
    opening_hours: str | None
    fair_dates: list[dict[str, Any]]
    recurrence: str | None
    source: str
    source_detail: dict[str, Any]
    confidence: str
    score: float | None = Field(None, description="Only with `q`: how well the name matches, 0–1.")


class MarketList(_Open):
    items: list[MarketOut]
    total: int
    limit: int
    offset: int


class LabelOut(_Open):
    adcode: str
    level: str
    name_zh: str
    name_en: str
    lat: float
    lon: float


class LabelResults(_Open):
    bbox: list[float]
    zoom: float
    levels: list[str]
    items: list[LabelOut]
    truncated: bool


class Leads(_Open):
    cluster_id: str
    product: str | None
    items: list[dict[str, Any]] = Field(description="{site, site_name, query, language, url, outside: true}")
    notice: str


class Meta(_Open):
    """The data release (``release.yaml`` of the data folder) and the counts of every exported table."""

    version: str = Field(description="Calendar version of the data (YYYY.MM), or `unversioned`.")
    build_date: str | None = Field(description="Build date of the data release (YYYY-MM-DD), fixed in the file.")
    title: str
    authors: str
    licence: dict[str, dict[str, str | None]] = Field(description="`data` (CC BY 4.0) and `code` (MIT).")
    cite_as: str
    counts: dict[str, int]


class About(_Open):
    name: str
    version: str
    data_version: str = Field(description="Calendar version of the data release (as /api/v1/meta).")
    build_date: str | None = Field(default=None, description="Build date of the data release.")
    data_fingerprint: str | None = Field(default=None, description="12 hex digits over the data files' bytes.")
    counts: dict[str, int]
    licence: dict[str, dict[str, str | None]] = Field(description="`data` (CC BY 4.0) and `code` (MIT).")
    cite_as: str
    credits: list[dict[str, str]]
    features: dict[str, bool] = Field(description="Optional parts that answer: leads, plan, labels.")
    exports: dict[str, str]


class RegisterRow(_Open):
    """One register: ``listed`` lines in the list itself, ``entered`` lines in the atlas."""

    register_id: str
    name: str
    name_zh: str
    programme: str
    issuer: str
    level: str
    year: int
    listed: int
    entered: int
    clusters: int
    source: str = Field(description="Source id of the notice that published the list.")
    url: str | None = Field(description="The list's original address.")
    read_at: str | None = Field(description="The copy the list was read on, when not the original.")
    document_no: str | None = Field(description="The notice's issuing number.")
    validity: str


class RegisterList(_Open):
    items: list[RegisterRow]
    total: int


class RegisterLine(_Open):
    register_id: str
    line: str = Field(description="The line as the list words it.")
    cluster_id: str
    industry: str
    adcode: str
    place: str | None
    place_zh: str | None
    confidence: str
    read_at: str | None


class RegisterDetail(RegisterRow):
    """The register's row (as in the listing) with its lines entered so far."""

    items: list[RegisterLine]
    total: int
