"""What changed between two atlas data folders (or two commits of one): for reviewers of data contributions
and for the data changelog (``scripts/data_changelog.py``).

The comparison reads the YAML records as they are written (not through the model), so that two versions
compare even when the model has changed between them: clusters (those of ``industries/*.yaml`` and those a
register entry makes), their fields (nested fields as dotted paths: ``place.lat``, ``titles.0.year``), their
claims, industries, sources, markets and register entries.

Claims have no ids, so the claims of a cluster are paired: identical claims first, then by metric and
source, then by metric, in file order; what stays unpaired is added or removed. A paired claim whose
``value``, ``value_max``, ``bound``, ``unit`` or ``period`` differs is a *corrected figure*.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from clusteratlas.atlas import parse_yaml
from clusteratlas.errors import DataValidationError

#: Claim fields whose change makes a corrected figure.
FIGURE_FIELDS = ("value", "value_max", "bound", "unit", "period")
#: The files a snapshot reads, relative to the data folder.
_PATTERNS = ("industries/", "sources/", "registers/", "markets/")


@dataclass
class Snapshot:
    """The records of one version of the data, keyed by id (raw YAML mappings)."""

    clusters: dict[str, dict] = field(default_factory=dict)
    industries: dict[str, dict] = field(default_factory=dict)
    sources: dict[str, dict] = field(default_factory=dict)
    markets: dict[str, dict] = field(default_factory=dict)
    register_entries: dict[str, dict] = field(default_factory=dict)
    version: str | None = None


def _records(body: Any, key: str) -> list[dict]:
    items = body.get(key) if isinstance(body, Mapping) else None
    return [x for x in items if isinstance(x, Mapping)] if isinstance(items, list) else []


def snapshot_from_files(files: Mapping[str, str], where: str = "") -> Snapshot:
    """A :class:`Snapshot` from ``{relative path: YAML text}`` (paths like ``industries/wigs.yaml``).

    Raises
    ------
    DataValidationError
        A file is not valid YAML (one line naming the file, line and column).
    """
    snap = Snapshot()
    made: dict[str, dict] = {}
    for rel in sorted(files):
        name = f"{where.rstrip('/')}/{rel}" if where else rel
        body = parse_yaml(files[rel], name)
        if rel == "release.yaml" and isinstance(body, Mapping):
            snap.version = str(body.get("version")) if body.get("version") is not None else None
        elif rel.startswith("industries/"):
            ind = body.get("industry") if isinstance(body, Mapping) else None
            if isinstance(ind, Mapping) and ind.get("id"):
                snap.industries[str(ind["id"])] = dict(ind)
            for c in _records(body, "clusters"):
                if c.get("id"):
                    snap.clusters[str(c["id"])] = dict(c)
        elif rel.startswith("sources/"):
            for s in _records(body, "sources"):
                if s.get("id"):
                    snap.sources[str(s["id"])] = dict(s)
        elif rel.startswith("markets/"):
            for m in _records(body, "markets"):
                if m.get("id"):
                    snap.markets[str(m["id"])] = dict(m)
        elif rel.startswith("registers/"):
            reg = body.get("register") if isinstance(body, Mapping) else None
            rid = str(reg.get("id")) if isinstance(reg, Mapping) else Path(rel).stem
            for e in _records(body, "entries"):
                key = f"{rid}: {e.get('name_zh')} -> {e.get('cluster')}"
                snap.register_entries[key] = dict(e)
                if e.get("place") and e.get("name_en") and e.get("cluster"):
                    made[str(e["cluster"])] = {"id": e["cluster"], "industry": e.get("industry"),
                                               "name_en": e["name_en"], "place": e["place"],
                                               "specialties": e.get("specialties", []),
                                               "from_register": rid}
    for cid, c in made.items():
        snap.clusters.setdefault(cid, c)
    return snap


def read_snapshot(data_dir: str | Path) -> Snapshot:
    """The :class:`Snapshot` of a data folder.

    Raises
    ------
    DataValidationError
        The folder is missing or has no ``industries/*.yaml``, or a file is unreadable or not valid YAML.
    """
    root = Path(data_dir).expanduser()
    if not root.is_dir():
        raise DataValidationError(f"{root}: not a folder")
    paths = [p for p in sorted(root.rglob("*.yaml")) if p.relative_to(root).as_posix().startswith(_PATTERNS)]
    if not any(p.relative_to(root).parts[0] == "industries" for p in paths):
        raise DataValidationError(f"{root}: no industries/*.yaml files (is it an atlas data folder?)")
    if (root / "release.yaml").is_file():
        paths.append(root / "release.yaml")
    files = {}
    for p in paths:
        try:
            files[p.relative_to(root).as_posix()] = p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise DataValidationError(f"{p}: cannot read ({getattr(exc, 'strerror', None) or exc})") from None
    return snapshot_from_files(files, where=str(root))


def is_data_file(rel: str) -> bool:
    """Whether a path relative to the data folder is one a snapshot reads."""
    return rel == "release.yaml" or (rel.startswith(_PATTERNS) and rel.endswith(".yaml"))


# -- comparing ---------------------------------------------------------------------------------------------

def _flat(value: Any, prefix: str = "") -> dict[str, Any]:
    if isinstance(value, Mapping):
        out: dict[str, Any] = {}
        for k, v in value.items():
            out.update(_flat(v, f"{prefix}.{k}" if prefix else str(k)))
        return out
    if isinstance(value, list) and any(isinstance(v, (Mapping, list)) for v in value):
        out = {}
        for i, v in enumerate(value):
            out.update(_flat(v, f"{prefix}.{i}"))
        return out
    return {prefix: value}


def _field_changes(old: Mapping, new: Mapping, skip: Iterable[str] = ()) -> dict[str, tuple[Any, Any]]:
    skip = set(skip)
    a = _flat({k: v for k, v in old.items() if k not in skip})
    b = _flat({k: v for k, v in new.items() if k not in skip})
    return {k: (a.get(k), b.get(k)) for k in sorted(set(a) | set(b)) if a.get(k) != b.get(k)}


def pair_claims(old: list[dict], new: list[dict]) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Pair two lists of claims (see the module docstring): ``(changed pairs, removed, added)``."""
    left, right = list(old), list(new)
    for c in list(left):  # identical claims are not changes
        if c in right:
            right.remove(c)
            left.remove(c)
    pairs: list[tuple[dict, dict]] = []
    for key in (lambda c: (c.get("metric"), c.get("source")), lambda c: c.get("metric")):
        for c in list(left):
            match = next((n for n in right if key(n) == key(c)), None)
            if match is not None:
                pairs.append((c, match))
                left.remove(c)
                right.remove(match)
    return pairs, left, right


def _claim_label(c: Mapping) -> str:
    value = c.get("value")
    figure = "" if value is None else f" {value:g}" if isinstance(value, (int, float)) else f" {value}"
    if c.get("value_max") is not None:
        figure += f"-{c['value_max']:g}" if isinstance(c["value_max"], (int, float)) else f"-{c['value_max']}"
    unit = f" {c.get('unit')}" if c.get("unit") else ""
    period = f", {c.get('period')}" if c.get("period") else ""
    return f"{c.get('metric')}{figure}{unit} [{c.get('source')}{period}]"


def diff_snapshots(old: Snapshot, new: Snapshot) -> list[dict[str, Any]]:
    """Every change from ``old`` to ``new`` as flat rows, in a fixed order.

    Each row: ``what`` (cluster, claim, industry, source, market, register entry), ``change`` (added,
    removed, changed), ``id`` (the record; for a claim its cluster), ``claim`` (a claim's label: metric,
    figure, unit, source, period — as it was), ``field`` (dotted path of a changed field), ``old``, ``new``
    (values; None for added/removed records) and ``figure`` (True for a changed figure field of a claim).
    """
    rows: list[dict[str, Any]] = []

    def add(what: str, change: str, rid: str, fld: str | None = None, a: Any = None, b: Any = None,
            claim: str | None = None, figure: bool = False) -> None:
        rows.append({"what": what, "change": change, "id": rid, "claim": claim, "field": fld, "old": a, "new": b,
                     "figure": figure})

    for cid in sorted(set(old.clusters) | set(new.clusters)):
        a, b = old.clusters.get(cid), new.clusters.get(cid)
        if a is None or b is None:
            c = a or b
            add("cluster", "added" if a is None else "removed", cid, None, None, None)
            if a is None:
                for claim in _records(c, "claims"):
                    add("claim", "added", cid, claim=_claim_label(claim))
            continue
        for fld, (x, y) in _field_changes(a, b, skip=("claims",)).items():
            add("cluster", "changed", cid, fld, x, y)
        pairs, removed, added = pair_claims(_records(a, "claims"), _records(b, "claims"))
        for x, y in pairs:
            changes = _field_changes(x, y)
            figure = any(k in FIGURE_FIELDS for k in changes)
            for fld, (u, v) in changes.items():
                add("claim", "changed", cid, fld, u, v, claim=_claim_label(x), figure=figure and fld in FIGURE_FIELDS)
        for x in removed:
            add("claim", "removed", cid, claim=_claim_label(x))
        for y in added:
            add("claim", "added", cid, claim=_claim_label(y))
    for what, a_map, b_map in (("industry", old.industries, new.industries), ("source", old.sources, new.sources),
                               ("market", old.markets, new.markets),
                               ("register entry", old.register_entries, new.register_entries)):
        for rid in sorted(set(a_map) | set(b_map)):
            a, b = a_map.get(rid), b_map.get(rid)
            if a is None or b is None:
                add(what, "added" if a is None else "removed", rid)
                continue
            for fld, (x, y) in _field_changes(a, b).items():
                add(what, "changed", rid, fld, x, y)
    return rows


def diff_folders(old_dir: str | Path, new_dir: str | Path) -> list[dict[str, Any]]:
    """:func:`diff_snapshots` of two data folders.

    Raises
    ------
    DataValidationError
        A folder is missing or not an atlas data folder, or a file is not valid YAML.
    """
    return diff_snapshots(read_snapshot(old_dir), read_snapshot(new_dir))


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts and lists for a changelog: clusters added/removed/changed (ids), figures corrected (one per
    claim: ``{id, claim, changes: {field: [old, new]}}``), claims added/removed, and how many industries, sources, markets and register
    entries were added, removed or changed."""
    out: dict[str, Any] = {"clusters_added": [], "clusters_removed": [], "clusters_changed": [],
                           "figures_corrected": [], "claims_added": 0, "claims_removed": 0, "claims_changed": 0}
    changed_clusters: dict[str, None] = {}
    figures: dict[tuple[str, str], dict[str, Any]] = {}
    counted: set[tuple[str, str]] = set()
    for r in rows:
        if r["what"] == "cluster":
            if r["change"] == "changed":
                changed_clusters[r["id"]] = None
            else:
                out[f"clusters_{r['change']}"].append(r["id"])
        elif r["what"] == "claim":
            key = (r["id"], r["claim"])
            if r["change"] != "changed" or key not in counted:
                out[f"claims_{r['change']}"] += 1
                counted.add(key)
            changed_clusters.setdefault(r["id"], None)
            if r["figure"]:
                figures.setdefault(key, {"id": r["id"], "claim": r["claim"], "changes": {}})["changes"][
                    r["field"]] = [r["old"], r["new"]]
        else:
            key = f"{r['what'].replace(' ', '_')}s_{r['change']}"
            out[key] = out.get(key, 0) + 1
    out["figures_corrected"] = list(figures.values())
    gone = set(out["clusters_added"]) | set(out["clusters_removed"])
    out["clusters_changed"] = [c for c in changed_clusters if c not in gone]
    return out
