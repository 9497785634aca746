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

from clusteratlas._text import has_cjk
from clusteratlas.geo import CHINA_BBOX

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
ADCODE_RE = re.compile(r"^(\d{6}|\d{9})$")

Level = Literal["province", "prefecture", "county", "township"]
Confidence = Literal["verified", "reported", "unverified"]
SourceKind = Literal["official", "association", "media", "company", "blog", "research", "seed", "dataset"]
ClusterRole = Literal["leading", "major", "notable"]
ClusterType = Literal["production", "trading market", "mixed"]
RegisterLevel = Literal["national", "provincial", "association"]

#: A claim's period: a year, a month, a span of years, a day, or the explicit mark ``undated``.
PERIOD_RE = re.compile(r"^(c\. )?\d{4}(-\d{2}(-\d{2})?|-Q[1-4]|-H[12])?([-/]\d{4}(-\d{2})?)?$|^undated$")
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
    read_at: str | None = Field(
        default=None,
        description="Address of a copy (repost, mirror, archive) on which the text was actually read, when it "
                    "was not read on the original publisher's page given in `url`. Never the source itself.")
    document_no: str | None = Field(
        default=None,
        description="The issuing number of an official document (工信部企业函〔2023〕3号): it identifies the "
                    "original when the publisher's own page could not be found.")

    @field_validator("url", "read_at")
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
    statement_zh: str | None = Field(
        default=None, description="The statement in Chinese, the same facts in our own words (the map shows it "
                                  "in Chinese).")
    source: str
    confidence: Confidence = "reported"
    note: str | None = None
    figure_id: Slug | None = Field(
        default=None,
        description="Names one figure about a wider scope that several clusters quote (one share for three "
                    "stone towns): claims with the same figure_id count once when shares are added up.")

    @field_validator("statement_zh")
    @classmethod
    def _check_statement_zh(cls, v: str | None) -> str | None:
        if v is not None and not has_cjk(v):
            raise ValueError(f"statement_zh {v[:40]!r} has no Chinese characters")
        return v

    @field_validator("period")
    @classmethod
    def _check_period(cls, v: str | None) -> str | None:
        if v is not None and not PERIOD_RE.match(v):
            raise ValueError(f"{v!r} is not a period: YYYY, YYYY-MM, YYYY-MM-DD, YYYY-Q1, YYYY-H1, a span YYYY-YYYY or YYYY-MM/YYYY-MM, 'c. YYYY', or 'undated'")
        return v

    @property
    def year(self) -> int | None:
        """The last calendar year the figure is about (``2019`` for ``2018-2019``), None when undated."""
        if self.period is None or self.period == "undated":
            return None
        return int(re.findall(r"\d{4}", self.period)[-1])

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
    """An honorific such as 中国袜业之都, or a place on an official register, with who awarded it and when.

    ``level`` is the administrative level of the place the title was awarded to (a county's title belongs on
    a county-level cluster, a town's on the town): ``clusteratlas validate`` rejects a title whose level is
    not the level of the cluster's place. ``register_id`` names the :class:`Register` a title comes from.
    """

    zh: str | None = None
    en: str
    issuer: str | None = None
    programme: str | None = None
    year: int | None = None
    valid_until: int | None = None
    level: Level | None = None
    register_id: Slug | None = None
    source: str
    confidence: Confidence = "reported"
    note: str | None = None


MarketKind = Literal["wholesale market", "distribution centre", "trade fair", "materials market"]


class FairDates(_Model):
    """One edition of a trade fair: first and last day (ISO dates, local time)."""

    start: str
    end: str
    edition: str | None = None
    source: str | None = None

    @field_validator("start", "end")
    @classmethod
    def _check_date(cls, v: str) -> str:
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", v):
            raise ValueError(f"{v!r} is not a date YYYY-MM-DD")
        return v

    @model_validator(mode="after")
    def _check_order(self) -> "FairDates":
        if self.end < self.start:
            raise ValueError(f"a fair cannot end ({self.end}) before it starts ({self.start})")
        return self


class Market(_Model):
    """A wholesale market, distribution centre or trade fair serving one or more clusters.

    Markets live in ``data/markets/*.yaml`` with an ``id`` and the ``clusters`` they serve (older data may
    still nest them under a cluster without an id). ``lat``/``lon`` are WGS-84 degrees, placed with the
    project's own gazetteer or a cited page; ``coord_source`` says which. ``opening_hours`` is the source's
    statement in plain English ("daily 08:30-17:00"); ``fair_dates`` lists dated editions of a fair and
    ``recurrence`` its usual rhythm ("every April and October").
    """

    id: Slug | None = None
    name_en: str
    name_zh: str | None = None
    kind: MarketKind
    clusters: list[Slug] = Field(default_factory=list)
    address_zh: str | None = None
    address_en: str | None = None
    adcode: str | None = None
    lat: float | None = Field(default=None, ge=CHINA_BBOX[1], le=CHINA_BBOX[3])
    lon: float | None = Field(default=None, ge=CHINA_BBOX[0], le=CHINA_BBOX[2])
    coord_source: str | None = None
    sells: list[str] = Field(default_factory=list)
    opening_hours: str | None = None
    fair_dates: list[FairDates] = Field(default_factory=list)
    recurrence: str | None = None
    website: str | None = None
    note: str | None = None
    source: str
    confidence: Confidence = "reported"

    @model_validator(mode="after")
    def _check_point(self) -> "Market":
        if (self.lat is None) != (self.lon is None):
            raise ValueError("lat and lon go together")
        if self.lat is not None and not self.coord_source:
            raise ValueError("a point needs coord_source")
        if self.adcode is not None and not ADCODE_RE.match(self.adcode):
            raise ValueError(f"{self.adcode!r} is not a 6-digit or 9-digit MCA code")
        return self


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
    lat: float = Field(ge=CHINA_BBOX[1], le=CHINA_BBOX[3])
    lon: float = Field(ge=CHINA_BBOX[0], le=CHINA_BBOX[2])
    coord_source: str
    coord_precision: CoordPrecision
    former_names: list[FormerName] = Field(default_factory=list)
    nbs_code: str | None = Field(
        default=None,
        description="The National Bureau of Statistics' 12-digit 统计用区划代码 for the same unit (a different code "
                    "system from MCA's: 440606101 is 北滘镇 in MCA, another town in NBS).")
    nbs_vintage: str | None = None

    @field_validator("nbs_code")
    @classmethod
    def _check_nbs(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^\d{12}$", v):
            raise ValueError(f"{v!r} is not a 12-digit NBS statistical division code")
        return v

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
    tier_source: str | None = Field(default=None, description="Source id stating the quality/price tier")
    tier_statement: str | None = Field(default=None, description="What the tier source says, in our words")
    tier_confidence: Confidence = "reported"
    specialties: list[str] = Field(default_factory=list)
    description: str
    description_zh: str | None = Field(default=None, description="The description in Chinese, in our own words")
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
    description_zh: str | None = Field(default=None, description="The description in Chinese, in our own words")
    aliases: list[str] = Field(default_factory=list)
    terms: Terms = Field(default_factory=Terms)
    negative_terms: list[str] = Field(default_factory=list)
    hs_codes: list[HsCode] = Field(default_factory=list)
    hs_edition: str = "HS 2022"
    gbt4754: list[str] = Field(default_factory=list)
    gbt4754_edition: str = "GB/T 4754-2017"



class Register(_Model):
    """An official list of clusters: MIIT's featured SME clusters by batch, the national advanced
    manufacturing clusters, CNTAC's textile clusters, a province's list.

    ``listed`` is how many entries the list itself has (the denominator of "entered vs listed");
    ``source`` is the id of the notice that published the list (its original page).
    """

    id: Slug
    name_en: str
    name_zh: str
    programme: str
    issuer: str
    level: RegisterLevel
    year: int
    batch: str | None = None
    document_no: str | None = None
    province: str | None = Field(default=None, description="6-digit MCA code of the province of a provincial list")
    listed: int = Field(ge=1)
    valid_from: int | None = None
    valid_until: int | None = None
    source: str
    note: str | None = None


class RegisterEntry(_Model):
    """One entry of a register: a place (MCA adcode), an industry and the list's own wording.

    ``cluster`` is the id of the atlas cluster the entry is: an existing cluster (the entry adds a sourced
    :class:`Title` to it) or a new one made from the entry, which then needs ``place`` and ``name_en``.
    ``read_at`` is the page the entry was read on when that is not the list's own page (a news report
    naming a province's entries, say).
    """

    name_zh: str = Field(description="The entry exactly as the list words it (常熟市电子氟材料产业集群)")
    adcode: str
    industry: Slug
    cluster: Slug
    name_en: str | None = None
    place: Place | None = None
    description: str | None = None
    description_zh: str | None = None
    specialties: list[str] = Field(default_factory=list)
    read_at: str | None = None
    source: str | None = Field(default=None, description="Source id, when the entry was read in a document "
                                                         "other than the register's own notice")
    confidence: Confidence = "reported"
    note: str | None = None

    @field_validator("adcode")
    @classmethod
    def _check_adcode(cls, v: str) -> str:
        if not ADCODE_RE.match(v):
            raise ValueError(f"{v!r} is not a 6-digit or 9-digit MCA code")
        return v

    @field_validator("read_at")
    @classmethod
    def _check_read_at(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^https?://\S+$", v):
            raise ValueError(f"{v!r} is not an http(s) address")
        return v

    @model_validator(mode="after")
    def _check_place(self) -> "RegisterEntry":
        if self.place is not None and self.place.adcode != self.adcode:
            raise ValueError(f"place.adcode {self.place.adcode} differs from adcode {self.adcode}")
        if not self.cluster.endswith("-" + self.industry):
            raise ValueError(f"cluster id {self.cluster!r} must end with '-{self.industry}'")
        return self


class RegisterFile(_Model):
    """``data/registers/<register-id>.yaml``: one register and the entries entered so far."""

    meta: Register = Field(alias="register")
    entries: list[RegisterEntry] = Field(default_factory=list)


class MarketsFile(_Model):
    """``data/markets/*.yaml``: wholesale markets and trade fairs, each linked to the clusters it serves."""

    markets: list[Market]


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
