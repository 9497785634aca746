"""Load and validate the atlas data once; look up industries, clusters, places and sources.

Data layout (a data folder, the shipped one being ``clusteratlas/data``)::

    industries/<industry-id>.yaml   one IndustryFile per industry (industry + its clusters)
    sources/*.yaml                  SourcesFile(s): every source any claim, title or market cites
    taxonomy.yaml                   TaxonomyFile: industry groups (optional)
    registers/<register-id>.yaml    RegisterFile(s): official cluster lists and their entries (optional)
    markets/*.yaml                  MarketsFile(s): wholesale markets and trade fairs (optional)

A register entry either names an existing cluster, which then carries the register as a sourced
:class:`~clusteratlas.model.Title`, or becomes a cluster of its own (its place, names and the title).
A market is attached to every cluster it lists.

Every record is validated by the pydantic models in :mod:`clusteratlas.model`; cross-references (source ids,
industry ids, parents) and uniqueness are checked while loading. Any problem raises
:class:`~clusteratlas.errors.DataValidationError` whose message names the file, the record and the field.
:mod:`clusteratlas.validate` runs every further check (places, vocabulary, sources, figures).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from clusteratlas._cache import once
from clusteratlas._paths import DATA_DIR
from clusteratlas.errors import ClusterNotFound, DataValidationError, IndustryNotFound
from clusteratlas.model import (
    Claim,
    Cluster,
    Industry,
    IndustryFile,
    IndustryGroup,
    Market,
    MarketsFile,
    Register,
    RegisterEntry,
    RegisterFile,
    Source,
    SourcesFile,
    TaxonomyFile,
    Title,
)
from clusteratlas.evidence import cluster_evidence
from clusteratlas.shapes import cluster_summary, market_when, place_shape, tier_shape

class _DuplicateKey(yaml.MarkedYAMLError):
    """A mapping has the same key twice (YAML 1.2 forbids it; PyYAML would keep the last one silently)."""


class _StrictLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's safe loader when PyYAML was built with it (about ten times faster), else the Python one;
    a key repeated in one mapping is an error naming its line (appending ``clusters: []`` to an industry
    file must not drop every cluster of the industry)."""

    def construct_mapping(self, node, deep=False):  # noqa: ANN001 - PyYAML's signature
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, Any] = {}
            for key_node, _ in node.value:
                if key_node.tag == "tag:yaml.org,2002:merge":
                    continue
                key = self.construct_object(key_node, deep=deep)
                try:
                    first = seen.get(key)
                except TypeError:  # an unhashable key: the base class reports it
                    break
                if first is not None:
                    raise _DuplicateKey(
                        "while constructing a mapping", node.start_mark,
                        f"duplicate key {str(key)[:60]!r} (first on line {first.line + 1})", key_node.start_mark)
                seen[key] = key_node.start_mark
        return super().construct_mapping(node, deep=deep)


_StrictLoader.add_constructor("tag:yaml.org,2002:map", _StrictLoader.construct_yaml_map)
_LOADER = _StrictLoader


@dataclass(frozen=True)
class Atlas:
    """The validated atlas, held in memory.

    Attributes
    ----------
    industries : dict[str, Industry]
        By industry id, in file-name order.
    clusters : dict[str, Cluster]
        By cluster id.
    sources : dict[str, Source]
        By source id.
    groups : dict[str, IndustryGroup]
        Industry groups (parents) by id; empty when the folder has no taxonomy.yaml.
    data_dir : Path
        The folder the atlas was read from.
    registers : dict[str, Register]
        Official cluster lists by id.
    register_entries : dict[str, list[RegisterEntry]]
        The entries entered so far, by register id, in file order.
    markets : dict[str, Market]
        Markets and fairs from ``markets/*.yaml`` by id (each is also on the clusters it serves).
    """

    industries: dict[str, Industry]
    clusters: dict[str, Cluster]
    sources: dict[str, Source]
    groups: dict[str, IndustryGroup]
    data_dir: Path
    registers: dict[str, Register] = field(default_factory=dict)
    register_entries: dict[str, list[RegisterEntry]] = field(default_factory=dict)
    markets: dict[str, Market] = field(default_factory=dict)
    _by_industry: dict[str, list[Cluster]] = field(default_factory=dict, repr=False)
    _files: dict[str, Path] = field(default_factory=dict, repr=False)
    #: The search index of this atlas, once built (see :mod:`clusteratlas.search._store`).
    _search_index: Any = field(default=None, repr=False, compare=False)

    def file_of(self, cluster_id: str) -> Path:
        """The YAML file a cluster was read from (the data folder when unknown)."""
        return getattr(self, "_files", {}).get(cluster_id, self.data_dir)

    # -- lookups -------------------------------------------------------------------------------------
    def cluster(self, cluster_id: str) -> Cluster:
        """The cluster with this id. Raises :class:`ClusterNotFound` (a LookupError) with suggestions."""
        try:
            return self.clusters[cluster_id]
        except KeyError:
            raise ClusterNotFound(_not_found("cluster", cluster_id, self.clusters)) from None

    def industry(self, industry_id: str) -> Industry:
        """The industry with this id. Raises :class:`IndustryNotFound` (a LookupError) with suggestions."""
        try:
            return self.industries[industry_id]
        except KeyError:
            raise IndustryNotFound(_not_found("industry", industry_id, self.industries)) from None

    def clusters_of(self, industry_id: str) -> list[Cluster]:
        """Clusters of one industry, leading first (role order, then file order)."""
        self.industry(industry_id)
        return list(self._by_industry.get(industry_id, []))

    def clusters_in(self, adcode_prefix: str) -> list[Cluster]:
        """Clusters whose place code starts with ``adcode_prefix`` (``"4406"`` = every cluster in Foshan),
        or whose non-administrative area covers such a code."""
        prefix = adcode_prefix.strip()
        out = []
        for c in self.clusters.values():
            codes = [c.place.adcode, *(c.area.adcodes if c.area else [])]
            if any(code.startswith(prefix) for code in codes):
                out.append(c)
        return out

    def industries_in_group(self, group_id: str) -> list[Industry]:
        """Industries whose parent is ``group_id``."""
        return [i for i in self.industries.values() if i.parent == group_id]

    def source(self, source_id: str) -> Source:
        """The source with this id (KeyError when missing: the loader guarantees every cited id exists)."""
        return self.sources[source_id]

    # -- views ---------------------------------------------------------------------------------------
    def claims_by_metric(self, cluster: Cluster) -> dict[str, list[Claim]]:
        """A cluster's claims grouped by metric: conflicting figures for one metric sit side by side."""
        grouped: dict[str, list[Claim]] = defaultdict(list)
        for claim in cluster.claims:
            grouped[claim.metric].append(claim)
        return dict(grouped)

    def cluster_summary(self, cluster: Cluster) -> dict[str, Any]:
        """The short JSON shape used by listings (:func:`clusteratlas.shapes.cluster_summary`), with the
        evidence the cluster rests on (:func:`clusteratlas.evidence.cluster_evidence`)."""
        return cluster_summary(cluster, evidence=cluster_evidence(cluster, self.sources))

    def cluster_detail(self, cluster: Cluster, as_of: int | None = None) -> dict[str, Any]:
        """Everything known about one cluster, with each claim's source expanded and conflicts grouped.

        Besides the model's fields: ``evidence`` (:func:`clusteratlas.evidence.cluster_evidence`), ``tier``
        (:func:`clusteratlas.shapes.tier_shape` with its ``source_detail``), on each market ``when`` (hours or
        fair dates, :func:`clusteratlas.shapes.market_when`), and on each claim ``age_years`` and ``stale``
        (older than ten years in ``as_of``, default this year; :func:`clusteratlas.evidence.figure_age`).
        """
        from clusteratlas.evidence import current_year, figure_age, is_stale

        as_of = as_of or current_year()
        data = cluster.model_dump(mode="json")
        data["cluster_id"] = data.pop("id")
        data["industry_name"] = self.industries[cluster.industry].name_en
        data["place"] = place_shape(cluster.place) | {k: data["place"][k] for k in
                                               ("code_system", "code_vintage", "coord_source",
                                                "coord_precision", "former_names")}
        for key in ("claims", "titles", "markets"):
            for item in data[key]:
                item["source_detail"] = self.sources[item["source"]].model_dump(mode="json")
        for item, claim in zip(data["claims"], cluster.claims):
            item["age_years"] = figure_age(claim, as_of)
            item["stale"] = is_stale(claim, as_of)
        for item, market in zip(data["markets"], cluster.markets):
            item["when"] = market_when(market)
        tier = tier_shape(cluster)
        if tier is not None and tier["source"] in self.sources:
            tier["source_detail"] = self.sources[tier["source"]].model_dump(mode="json")
        data["tier"] = tier
        data["evidence"] = cluster_evidence(cluster, self.sources)
        data["as_of_year"] = as_of
        data["conflicts"] = conflicting_claims(cluster)
        data["sources"] = [self.sources[s].model_dump(mode="json") for s in cluster.sources]
        return data


def conflicting_claims(cluster: Cluster) -> dict[str, list[int]]:
    """Metric → indexes of claims that disagree: same metric, unit, denominator and period kind, different
    figures. Figures in different units (frames vs lenses) or of different things are not a conflict."""
    groups: dict[tuple, list[int]] = defaultdict(list)
    for i, c in enumerate(cluster.claims):
        if c.value is None:
            continue
        groups[(c.metric, c.unit, (c.denominator or "").strip().lower())].append(i)
    out: dict[str, list[int]] = {}
    for (metric, _, _), idx in groups.items():
        figures = {(cluster.claims[i].value, cluster.claims[i].value_max, cluster.claims[i].bound) for i in idx}
        if len(idx) > 1 and len(figures) > 1:
            out.setdefault(metric, []).extend(idx)
    return {m: sorted(v) for m, v in out.items()}


def _not_found(kind: str, key: str, known: Iterable[str]) -> str:
    from rapidfuzz import process

    best = process.extract(str(key), list(known), limit=3, score_cutoff=60)
    hint = f"; did you mean {', '.join(b[0] for b in best)}?" if best else ""
    return f"no {kind} with id {str(key)[:80]!r}{hint}"


# -- loading -----------------------------------------------------------------------------------------

def read_yaml(path: str | Path) -> Any:
    """Read one YAML file of a data folder, safely.

    Only a regular file is read (a FIFO, device, socket or folder is refused, also behind a symlink), of at
    most :data:`clusteratlas._safefile.MAX_BYTES` ``["yaml"]`` (32 MiB), as UTF-8, with the safe loader;
    a key repeated within one mapping is an error (PyYAML would otherwise keep the last one silently).

    Raises
    ------
    DataValidationError
        One line naming the file (and the line, for malformed YAML and duplicate keys).
    """
    from clusteratlas._safefile import open_regular

    path = Path(path)
    try:
        with open_regular(path, "yaml", DataValidationError) as fh:
            text = fh.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DataValidationError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise DataValidationError(f"{path}: cannot read ({exc.strerror})") from None
    return parse_yaml(text, path)


def parse_yaml(text: str, name: str | Path) -> Any:
    """YAML text parsed with the safe loader; :class:`DataValidationError` naming ``name``, line and column
    (one line) when it is malformed."""
    try:
        return yaml.load(text, Loader=_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        kind = "duplicate key" if isinstance(exc, _DuplicateKey) else "malformed YAML"
        if isinstance(exc, _DuplicateKey):
            raise DataValidationError(f"{name}:{where}: {problem}") from None
        raise DataValidationError(f"{name}:{where}: {kind} ({problem})") from None


_read_yaml = read_yaml


def _first_error(path: Path, exc: ValidationError, records: list[Any] | None = None) -> DataValidationError:
    """One readable line: file, record id (when the location points into a list of records), field."""
    err = exc.errors()[0]
    loc = list(err["loc"])
    record = ""
    if records is not None and len(loc) >= 2 and isinstance(loc[1], int):
        idx = loc[1]
        rec = records[idx] if idx < len(records) else None
        rid = rec.get("id") if isinstance(rec, dict) else None
        record = f" record {rid!r}" if rid else f" record #{idx + 1}"
    field_path = ".".join(str(p) for p in loc)
    more = f" (+{len(exc.errors()) - 1} more)" if len(exc.errors()) > 1 else ""
    return DataValidationError(f"{path}:{record} field {field_path}: {err['msg']}{more}")


def load_atlas(data_dir: str | Path | None = None) -> Atlas:
    """Load and validate an atlas data folder (the shipped data when ``data_dir`` is None).

    The shipped atlas is read once per process and cached; a user folder is read on every call.

    Raises
    ------
    DataValidationError
        When a file is unreadable, malformed, or fails the model or a cross-reference check; the message
        names the file, the record and the field.
    """
    if data_dir is None:
        return _load_default()
    return _load(Path(data_dir))


@once
def _load_default() -> Atlas:
    return _load(DATA_DIR)


class _Problems:
    """Raise on the first problem (loading), or collect them all (``clusteratlas validate``)."""

    def __init__(self, collect: bool) -> None:
        self.collect = collect
        self.items: list[str] = []

    def __call__(self, message: str) -> None:
        if not self.collect:
            raise DataValidationError(message)
        self.items.append(message)

    def parse(self, model: Any, path: Path, list_key: str | None) -> Any:
        """The validated file, or None after reporting why it is not valid."""
        try:
            raw = _read_yaml(path)
            if not isinstance(raw, dict):
                raise DataValidationError(
                    f"{path}: expected a mapping at the top level, got {type(raw).__name__}")
            try:
                return model.model_validate(raw)
            except ValidationError as exc:
                records = raw.get(list_key) if list_key and isinstance(raw.get(list_key), list) else None
                if not self.collect:
                    raise _first_error(path, exc, records) from None
                for err in exc.errors()[:50]:
                    one = ValidationError.from_exception_data(exc.title, [err])  # type: ignore[list-item]
                    self(str(_first_error(path, one, records)))
                return None
        except DataValidationError as exc:
            self(str(exc))
            return None


def _load(data_dir: Path, problems: _Problems | None = None) -> Atlas:
    fail = problems or _Problems(collect=False)
    data_dir = data_dir.expanduser()
    if not data_dir.is_dir():
        raise DataValidationError(f"{data_dir}: not a folder")
    ind_dir = data_dir / "industries"
    industry_files = sorted(ind_dir.glob("*.yaml")) if ind_dir.is_dir() else []
    if not industry_files:
        raise DataValidationError(f"{data_dir}: no industries/*.yaml files")

    sources: dict[str, Source] = {}
    src_dir = data_dir / "sources"
    for path in sorted(src_dir.glob("*.yaml")) if src_dir.is_dir() else []:
        sf: SourcesFile | None = fail.parse(SourcesFile, path, "sources")
        for s in sf.sources if sf else []:
            if s.id in sources:
                fail(f"{path}: record {s.id!r} field id: duplicate source id")
            sources[s.id] = s

    groups: dict[str, IndustryGroup] = {}
    tax_path = data_dir / "taxonomy.yaml"
    if tax_path.exists():
        tf: TaxonomyFile | None = fail.parse(TaxonomyFile, tax_path, "groups")
        for g in tf.groups if tf else []:
            if g.id in groups:
                fail(f"{tax_path}: record {g.id!r} field id: duplicate group id")
            groups[g.id] = g

    industries: dict[str, Industry] = {}
    clusters: dict[str, Cluster] = {}
    by_industry: dict[str, list[Cluster]] = {}
    places_seen: dict[tuple[str, str], str] = {}
    files: dict[str, Path] = {}
    order = {"leading": 0, "major": 1, "notable": 2}
    for path in industry_files:
        f: IndustryFile | None = fail.parse(IndustryFile, path, "clusters")
        if f is None:
            continue
        ind = f.industry
        if path.stem != ind.id:
            fail(f"{path}: field industry.id: {ind.id!r} does not match the file name")
        if ind.id in industries:
            fail(f"{path}: field industry.id: duplicate industry {ind.id!r}")
        if groups and ind.parent and ind.parent not in groups:
            fail(f"{path}: field industry.parent: unknown group {ind.parent!r}")
        industries[ind.id] = ind
        for c in f.clusters:
            where = f"{path}: record {c.id!r}"
            if c.industry != ind.id:
                fail(f"{where} field industry: {c.industry!r} in the file of {ind.id!r}")
            if c.id in clusters:
                fail(f"{where} field id: duplicate cluster id")
            key = (c.industry, c.place.adcode)
            if key in places_seen and not c.area:
                fail(f"{where} field place.adcode: same industry and place as {places_seen[key]!r}")
            places_seen[key] = c.id
            for message in _source_problems(where, c, sources):
                fail(message)
            clusters[c.id] = c
            files[c.id] = path
    registers, entries = _load_registers(data_dir, fail, industries, clusters, sources, files, places_seen)
    markets = _load_markets(data_dir, fail, clusters, sources, files)
    for c in clusters.values():
        by_industry.setdefault(c.industry, []).append(c)
    for ind_id in by_industry:
        by_industry[ind_id].sort(key=lambda c: order[c.role])
    return Atlas(industries=industries, clusters=clusters, sources=sources, groups=groups,
                 data_dir=data_dir, registers=registers, register_entries=entries, markets=markets,
                 _by_industry=by_industry, _files=files)


#: The role a cluster made from a register entry takes: a national list is national standing.
_REGISTER_ROLE = {"national": "major", "provincial": "notable", "association": "notable"}


def _register_title(reg: Register, entry: RegisterEntry, level: str) -> Title:
    return Title(zh=reg.name_zh, en=reg.name_en, issuer=reg.issuer, programme=reg.programme, year=reg.year,
                 valid_until=reg.valid_until, level=level, register_id=reg.id,
                 source=entry.source or reg.source, confidence=entry.confidence,
                 note=f"Listed as {entry.name_zh}" + (f"; read at {entry.read_at}" if entry.read_at else ""))


def _load_registers(data_dir: Path, fail: "_Problems", industries: dict[str, Industry],
                    clusters: dict[str, Cluster], sources: dict[str, Source], files: dict[str, Path],
                    places_seen: dict[tuple[str, str], str]
                    ) -> tuple[dict[str, Register], dict[str, list[RegisterEntry]]]:
    """Read ``registers/*.yaml``; attach each entry to its cluster as a Title, or make the cluster."""
    registers: dict[str, Register] = {}
    entries: dict[str, list[RegisterEntry]] = {}
    reg_dir = data_dir / "registers"
    for path in sorted(reg_dir.glob("*.yaml")) if reg_dir.is_dir() else []:
        rf: RegisterFile | None = fail.parse(RegisterFile, path, "entries")
        if rf is None:
            continue
        reg = rf.meta
        if reg.id in registers:
            fail(f"{path}: field register.id: duplicate register {reg.id!r}")
            continue
        if reg.source not in sources:
            fail(f"{path}: field register.source: unknown source {reg.source!r}")
        registers[reg.id] = reg
        entries[reg.id] = list(rf.entries)
        for i, e in enumerate(rf.entries):
            where = f"{path}: entry {e.name_zh!r}"
            if e.industry not in industries:
                fail(f"{where} field entries.{i}.industry: unknown industry {e.industry!r}")
                continue
            if e.source and e.source not in sources:
                fail(f"{where} field entries.{i}.source: unknown source {e.source!r}")
                continue
            existing = clusters.get(e.cluster)
            if existing is not None:
                if existing.industry != e.industry:
                    fail(f"{where} field entries.{i}.industry: cluster {e.cluster!r} is of {existing.industry!r}")
                    continue
                title = _register_title(reg, e, existing.place.level)
                clusters[e.cluster] = existing.model_copy(update={"titles": [*existing.titles, title]})
                continue
            if e.place is None or not e.name_en:
                fail(f"{where} field entries.{i}.cluster: {e.cluster!r} is not in the atlas; give place and "
                     "name_en to make it from the entry")
                continue
            key = (e.industry, e.adcode)
            if key in places_seen:
                fail(f"{where} field entries.{i}.cluster: {places_seen[key]!r} already has this industry and "
                     f"place; name it as the cluster")
                continue
            name_zh = e.name_zh.removesuffix("产业集群").removesuffix("集群") or e.name_zh
            description = e.description or (
                f"{e.place.name_en} ({e.place.name_zh}) is on the {reg.name_en} ({reg.issuer}, {reg.year}) "
                f"as {e.name_zh}.")
            description_zh = e.description_zh or (
                f"{e.place.name_zh}列入{reg.name_zh}（{reg.issuer}，{reg.year}年），名单表述为“{e.name_zh}”。")
            try:
                cluster = Cluster(
                    id=e.cluster, industry=e.industry, name_en=e.name_en, name_zh=name_zh, place=e.place,
                    role=_REGISTER_ROLE[reg.level], specialties=e.specialties, description=description,
                    description_zh=description_zh,
                    titles=[_register_title(reg, e, e.place.level)], confidence=e.confidence,
                    sources=[e.source or reg.source])
            except ValidationError as exc:
                fail(f"{where}: {exc.errors()[0]['msg']}")
                continue
            places_seen[key] = cluster.id
            clusters[cluster.id] = cluster
            files[cluster.id] = path
    return registers, entries


def _load_markets(data_dir: Path, fail: "_Problems", clusters: dict[str, Cluster], sources: dict[str, Source],
                  files: dict[str, Path]) -> dict[str, Market]:
    """Read ``markets/*.yaml`` and attach each market to the clusters it lists."""
    markets: dict[str, Market] = {}
    mk_dir = data_dir / "markets"
    for path in sorted(mk_dir.glob("*.yaml")) if mk_dir.is_dir() else []:
        mf: MarketsFile | None = fail.parse(MarketsFile, path, "markets")
        for m in mf.markets if mf else []:
            where = f"{path}: record {m.id or m.name_en!r}"
            if not m.id:
                fail(f"{where} field id: a market in markets/ needs an id")
                continue
            if m.id in markets:
                fail(f"{where} field id: duplicate market id")
                continue
            if m.source not in sources:
                fail(f"{where} field source: unknown source {m.source!r}")
            if not m.clusters:
                fail(f"{where} field clusters: name the clusters the market serves")
            markets[m.id] = m
            for cid in m.clusters:
                c = clusters.get(cid)
                if c is None:
                    fail(f"{where} field clusters: unknown cluster {cid!r}")
                    continue
                # the full record replaces a name-only mention of the same market on the cluster
                kept = [x for x in c.markets if x.id or not _same_market(x, m)]
                clusters[cid] = c.model_copy(update={"markets": [*kept, m]})
    return markets


def _same_market(mention: Any, record: Any) -> bool:
    """True when a cluster's name-only market ``mention`` names the market of ``record`` (same Chinese
    name, or the same English name, case aside, or the mention's English name inside the record's)."""
    if mention.name_zh and mention.name_zh == record.name_zh:
        return True
    a, b = mention.name_en.strip().lower(), record.name_en.strip().lower()
    return bool(a) and (a == b or a in b)


def _source_problems(where: str, c: Cluster, sources: dict[str, Source]) -> list[str]:
    out = []
    for key in ("claims", "titles", "markets"):
        for i, item in enumerate(getattr(c, key)):
            if item.source not in sources:
                out.append(f"{where} field {key}.{i}.source: unknown source {item.source!r}")
    for i, corr in enumerate(c.corrections):
        if corr.source and corr.source not in sources:
            out.append(f"{where} field corrections.{i}.source: unknown source {corr.source!r}")
    for i, src in enumerate(c.sources):
        if src not in sources:
            out.append(f"{where} field sources.{i}: unknown source {src!r}")
    return out
