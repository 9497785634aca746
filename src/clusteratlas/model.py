"""The data model every module and front end shares.

Vocabulary from ``DESIGN.md``: :class:`Industry`, :class:`Place`, :class:`Cluster`, :class:`Claim`,
:class:`Title`, :class:`Source`, :class:`Market`. All models are pydantic v2 models, frozen and strict about
unknown keys (a typo in a YAML file is an error, not a silently dropped field).

Conventions
-----------
* Coordinates are WGS-84 degrees (EPSG:4326); ``lon`` and ``lat`` are always named, never positional.
* Administrative codes are MCA codes (民政部 行政区划代码, GB/T 2260 for 6-digit codes; 9-digit township
  codes are the MCA's own, *not* the statistics bureau's 统计用区划代码). Each :class:`Place` records the
  code system and vintage it uses.
* A figure never lives in a bare field: it is a :class:`Claim` with a source id. Conflicting claims are kept
  side by side.
* ``confidence`` values: ``verified`` (checked against the cited document), ``reported`` (as the cited
  document states it, not independently checked), ``unverified`` (general knowledge, no document cited;
  shown to users as such).
"""

from __future__ import annotations

import re
from typing import Literal

from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator, model_validator

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ADCODE_RE = re.compile(r"^(\d{6}|\d{9})$")

Level = Literal["province", "prefecture", "county", "township"]
Confidence = Literal["verified", "reported", "unverified"]
SourceKind = Literal["official", "association", "media", "company", "blog", "research", "seed", "dataset"]
ClusterRole = Literal["leading", "major", "notable"]
ClusterType = Literal["production", "trading market", "mixed"]
Tier = Literal["low", "mid", "high"]
CoordPrecision = Literal["township", "county", "prefecture", "province", "area"]

#: The code system and vintage every shipped place uses.
MCA_CODE_SYSTEM = "MCA"
MCA_VINTAGE = "2025-12-31"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _slug(value: str) -> str:
    if not SLUG_RE.match(value):
        raise ValueError(f"{value!r} is not a slug (lower-case letters, digits and single hyphens)")
    return value


#: A stable identifier: lower-case ASCII letters and digits joined by single hyphens.
Slug = Annotated[str, AfterValidator(_slug)]


class Source(_Model):
    """A document a claim can be checked against.

    ``url`` is the address that was read (not a search page); ``date`` is the publication date as
    ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``.
    """

    id: Slug
    publisher: str
    title: str
    url: str | None = None
    date: str | None = None
    kind: SourceKind
    language: str | None = None
    note: str | None = None


    @field_validator("url")
    @classmethod
    def _check_url(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^(https?://\S+|\.\./\S+|file:\S+)$", v):
            raise ValueError(f"{v!r} is not an http(s) address or a project-relative path")
        return v

    @field_validator("date")
    @classmethod
    def _check_date(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^\d{4}(-\d{2}(-\d{2})?)?$", v):
            raise ValueError(f"{v!r} is not YYYY, YYYY-MM or YYYY-MM-DD")
        return v


class Claim(_Model):
    """One sourced statement about a cluster.

    ``metric`` names what is measured (``share_of_national_output``, ``share_of_world_output``,
    ``share_of_national_exports``, ``output_value_cny``, ``export_value_cny``, ``firm_count``,
    ``annual_output_units``, ``export_countries`` …). ``value`` is the number as the source states it;
    ``bound`` says whether the source gave it as a floor (``more_than``), ceiling, approximation or exact
    figure; ``value_max`` closes a range (60 to 70 %). ``unit`` is ``percent``, ``cny``, ``count`` or a
    counted thing (``pairs``, ``pieces``, ``sets``). ``scope`` is the geography the figure is about, which may
    differ from the cluster's place (a claim about Zhuji quoted on the Datang cluster).
    """

    metric: str
    value: float | None = None
    value_max: float | None = None
    bound: Literal["exact", "approx", "more_than", "less_than", "range"] = "approx"
    unit: str
    denominator: str | None = None
    period: str | None = None
    scope: str | None = None
    statement: str
    source: str
    confidence: Confidence = "reported"
    note: str | None = None

    @model_validator(mode="after")
    def _check_range(self) -> "Claim":
        if self.value_max is not None and (self.value is None or self.value_max < self.value):
            raise ValueError("value_max needs a value no larger than it")
        signed = any(word in self.metric for word in ("change", "growth"))
        for v in (self.value, self.value_max):
            if v is None:
                continue
            if v != v or v in (float("inf"), float("-inf")):
                raise ValueError("value must be a finite number")
            if not signed and v < 0:
                raise ValueError(f"{self.metric} cannot be negative ({v:g}); only *_change/*_growth metrics can")
            if self.unit == "percent" and not signed and v > 100:
                raise ValueError(f"a share cannot exceed 100 percent ({v:g})")
        if self.bound == "range" and self.value_max is None:
            raise ValueError("bound 'range' needs value_max")
        return self


class Title(_Model):
    """An honorific such as 中国袜业之都, with who awarded it and when."""

    zh: str | None = None
    en: str
    issuer: str | None = None
    programme: str | None = None
    year: int | None = None
    valid_until: int | None = None
    source: str
    confidence: Confidence = "reported"
    note: str | None = None


class Market(_Model):
    """A wholesale market, distribution centre or trade fair serving a cluster."""

    name_en: str
    name_zh: str | None = None
    kind: Literal["wholesale market", "distribution centre", "trade fair", "materials market"]
    note: str | None = None
    source: str
    confidence: Confidence = "reported"


class PathEntry(_Model):
    """One ancestor of a place: its MCA code, level and names."""

    adcode: str
    level: Level
    name_zh: str
    name_en: str


class FormerName(_Model):
    """A name (and code) a place had before, with the years it applied (``until`` exclusive)."""

    name_zh: str
    name_en: str | None = None
    adcode: str | None = None
    since: int | None = None
    until: int | None = None
    source: str | None = None


class Place(_Model):
    """An administrative unit, with its MCA code, names, ancestors and a WGS-84 point.

    ``coord_precision`` says what the point stands for: ``township`` (a point for the town itself),
    ``county`` (the county seat or county point, used when no town point is known), and so on.
    """

    adcode: str
    code_system: Literal["MCA"] = MCA_CODE_SYSTEM
    code_vintage: str = MCA_VINTAGE
    level: Level
    name_zh: str
    name_en: str
    path: list[PathEntry] = Field(default_factory=list)
    lat: float = Field(ge=3.0, le=54.0)
    lon: float = Field(ge=73.0, le=136.0)
    coord_source: str
    coord_precision: CoordPrecision
    former_names: list[FormerName] = Field(default_factory=list)

    @field_validator("adcode")
    @classmethod
    def _check_adcode(cls, v: str) -> str:
        if not ADCODE_RE.match(v):
            raise ValueError(f"{v!r} is not a 6-digit or 9-digit MCA code")
        return v

    @property
    def county_adcode(self) -> str:
        """The 6-digit code of the county-level unit (or of the place itself above county level)."""
        return self.adcode[:6]


class Area(_Model):
    """A named area that is not one administrative unit (雄安新区), and the units it covers."""

    name_en: str
    name_zh: str
    adcodes: list[str]
    note: str


class Correction(_Model):
    """An error in the seed (or another source) and how the atlas corrected it."""

    seed_text: str
    corrected: str
    note: str
    source: str | None = None


class Cluster(_Model):
    """One industry concentrated at one place.

    ``id`` is ``{place-slug}-{industry}`` (``xuchang-wigs``). ``role`` is the cluster's standing within its
    industry as the sources describe it. Tiers are recorded only where a source states them.
    """

    id: Slug
    industry: Slug
    name_en: str
    name_zh: str
    place: Place
    area: Area | None = None
    role: ClusterRole
    cluster_type: ClusterType = "production"
    quality_tier: Tier | None = None
    price_tier: Tier | None = None
    specialties: list[str] = Field(default_factory=list)
    description: str
    export_reach: str | None = None
    markets: list[Market] = Field(default_factory=list)
    titles: list[Title] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    corrections: list[Correction] = Field(default_factory=list)
    terms: list[str] = Field(default_factory=list, description="Extra search terms for this cluster only")
    in_seed: bool = False
    confidence: Confidence = "reported"
    sources: list[str] = Field(default_factory=list, description="Sources for the cluster's existence")


    @model_validator(mode="after")
    def _check_id_form(self) -> "Cluster":
        if not self.id.endswith("-" + self.industry):
            raise ValueError(f"cluster id {self.id!r} must end with '-{self.industry}'")
        return self


class HsCode(_Model):
    """An HS 2022 heading (4 digits) or subheading (6 digits) that covers an industry's products."""

    code: str
    description: str

    @field_validator("code")
    @classmethod
    def _check_code(cls, v: str) -> str:
        v = v.replace(".", "")
        if not re.match(r"^\d{4}(\d{2})?$", v):
            raise ValueError(f"{v!r} is not an HS heading (4 digits) or subheading (6 digits)")
        return v


class Terms(_Model):
    """Product terms in English, simplified and traditional Chinese and pinyin."""

    en: list[str] = Field(default_factory=list)
    zh: list[str] = Field(default_factory=list)
    zh_hant: list[str] = Field(default_factory=list)
    pinyin: list[str] = Field(default_factory=list)

    def all(self) -> list[str]:
        """Every term, all languages together."""
        return [*self.en, *self.zh, *self.zh_hant, *self.pinyin]


class Industry(_Model):
    """A product family. ``id`` is a stable slug (the seed's ten are fixed by DESIGN.md)."""

    id: Slug
    name_en: str
    name_zh: str
    parent: Slug | None = None
    description: str
    aliases: list[str] = Field(default_factory=list)
    terms: Terms = Field(default_factory=Terms)
    negative_terms: list[str] = Field(default_factory=list)
    hs_codes: list[HsCode] = Field(default_factory=list)
    hs_edition: str = "HS 2022"
    gbt4754: list[str] = Field(default_factory=list)
    gbt4754_edition: str = "GB/T 4754-2017"



class IndustryFile(_Model):
    """One YAML file under ``data/``: an industry and its clusters."""

    industry: Industry
    clusters: list[Cluster]


class SourcesFile(_Model):
    """``data/sources.yaml``: every source any claim cites."""

    sources: list[Source]


class IndustryGroup(_Model):
    """A parent of industries (textiles & apparel, light industry …), with GB/T 4754-2017 codes where the
    mapping can be stated with confidence (divisions such as ``18`` = 纺织服装、服饰业)."""

    id: Slug
    name_en: str
    name_zh: str
    gbt4754: list[str] = Field(default_factory=list)
    description: str | None = None


class TaxonomyFile(_Model):
    """``data/taxonomy.yaml``: the industry groups."""

    groups: list[IndustryGroup]
