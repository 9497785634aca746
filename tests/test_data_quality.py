"""Data-quality checks over every shipped data file (issue 6).

Each check is a plain function that takes validated pydantic records and returns a list of one-line
problems; the tests run it over ``clusteratlas/data`` and expect no problem, and each check also gets a small
deliberately broken record to prove it can fail.

Checks
------
* duplicate clusters: two clusters with the same industry and the same MCA code (or the same id);
* thin vocabularies: an industry with fewer than 15 distinct product terms (en, zh, zh_hant, pinyin);
* unsourced facts: a claim, title or market whose ``source`` is empty or not a known source id, or a
  cluster without any source for its existence;
* unknown places: a place or ancestor code that is not in the MCA table (vintage 2025-12-31) under the name
  and level the record gives;
* stray points: a WGS-84 point outside the polygon of the place's county (the place's own polygon above
  county level; township polygons are not available);
* ambiguous terms: a product term (case- and spacing-insensitive) that two industries both list, unless a
  disambiguation note exists for it.

The data model has no field for disambiguation notes yet, so notes live in :data:`TERM_NOTES` below and,
when it exists, in ``data/disambiguation.yaml`` (a list of ``{term, industries, note}``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
import yaml

from clusteratlas.model import Claim, Cluster, Industry, IndustryFile, Market, SourcesFile, Title

DATA_DIR = Path(__file__).resolve().parents[1] / "src" / "clusteratlas" / "data"
MIN_TERMS = 15

#: Disambiguation notes for product terms that more than one industry lists: normalised term -> note.
TERM_NOTES: dict[str, str] = {}


# ----------------------------------------------------------------------------------------------- loading
def _yaml(path: Path):
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def load_industry_files(data_dir: Path = DATA_DIR) -> list[IndustryFile]:
    """Every ``industries/*.yaml`` file, validated by the pydantic model."""
    return [IndustryFile.model_validate(_yaml(p)) for p in sorted((data_dir / "industries").glob("*.yaml"))]


def load_source_ids(data_dir: Path = DATA_DIR) -> set[str]:
    """Ids of every source in ``sources/*.yaml``."""
    ids: set[str] = set()
    for p in sorted((data_dir / "sources").glob("*.yaml")):
        ids |= {s.id for s in SourcesFile.model_validate(_yaml(p)).sources}
    return ids


def load_term_notes(data_dir: Path = DATA_DIR) -> dict[str, str]:
    """:data:`TERM_NOTES` plus the notes of ``data/disambiguation.yaml`` when that file exists."""
    notes = {norm_term(k): v for k, v in TERM_NOTES.items()}
    path = data_dir / "disambiguation.yaml"
    if path.exists():
        for entry in _yaml(path) or []:
            if entry.get("note"):
                notes[norm_term(entry["term"])] = entry["note"]
    return notes


# ------------------------------------------------------------------------------------------------ checks
def find_duplicate_clusters(clusters: Iterable[Cluster]) -> list[str]:
    """Clusters sharing an id, or sharing industry and MCA code."""
    problems, ids, places = [], {}, {}
    for c in clusters:
        if c.id in ids:
            problems.append(f"{c.id}: duplicate cluster id")
        ids[c.id] = c
        key = (c.industry, c.place.adcode)
        if key in places:
            problems.append(f"{c.id}: same industry and place ({c.place.adcode}) as {places[key]}")
        else:
            places[key] = c.id
    return problems


def norm_term(term: str) -> str:
    """Case-, hyphen- and spacing-insensitive form of a product term."""
    return re.sub(r"\s+", " ", term.casefold().replace("-", " ")).strip()


def find_thin_industries(industries: Iterable[Industry], minimum: int = MIN_TERMS) -> list[str]:
    """Industries with fewer than ``minimum`` distinct product terms across all four languages."""
    problems = []
    for ind in industries:
        n = len({norm_term(t) for t in ind.terms.all() if t.strip()})
        if n < minimum:
            problems.append(f"{ind.id}: only {n} distinct product terms (need {minimum})")
    return problems


def _cited(c: Cluster) -> list[tuple[str, str]]:
    items: list[tuple[str, Claim | Title | Market]] = [("claim", x) for x in c.claims]
    items += [("title", x) for x in c.titles] + [("market", x) for x in c.markets]
    return [(f"{kind} {getattr(x, 'metric', None) or getattr(x, 'en', None) or getattr(x, 'name_en', '')}",
             x.source) for kind, x in items]


def find_unsourced_facts(clusters: Iterable[Cluster], source_ids: set[str]) -> list[str]:
    """Claims, titles and markets without a known source; clusters without a source for their existence."""
    problems = []
    for c in clusters:
        if not c.sources:
            problems.append(f"{c.id}: no source for the cluster's existence")
        for sid in c.sources:
            if sid not in source_ids:
                problems.append(f"{c.id}: cites unknown source {sid!r}")
        for what, sid in _cited(c):
            if not (sid or "").strip():
                problems.append(f"{c.id}: {what} has no source")
            elif sid not in source_ids:
                problems.append(f"{c.id}: {what} cites unknown source {sid!r}")
    return problems


def find_unknown_places(clusters: Iterable[Cluster], lookup: Callable[[str], tuple[str, str] | None]) -> list[str]:
    """Places and ancestors whose code is not an MCA unit with the given name and level.

    ``lookup(code)`` returns ``(name_zh, level)`` for a current MCA code, else None.
    """
    problems = []
    for c in clusters:
        entries = [(c.place.adcode, c.place.name_zh, c.place.level)]
        entries += [(p.adcode, p.name_zh, p.level) for p in c.place.path]
        for code, name, level in entries:
            official = lookup(code)
            if official is None:
                problems.append(f"{c.id}: code {code} is not in the MCA table")
            elif official != (name, level):
                problems.append(f"{c.id}: code {code} is {official} in the MCA table, not {(name, level)}")
        if c.area:
            problems += [f"{c.id}: area code {a} is not in the MCA table" for a in c.area.adcodes if lookup(a) is None]
    return problems


def find_stray_points(clusters: Iterable[Cluster], contains: Callable[[str, float, float], bool]) -> list[str]:
    """Points outside the polygon of the place's county (own polygon above county level).

    ``contains(code, lon, lat)`` answers for a 6-digit code.
    """
    problems = []
    for c in clusters:
        code = c.place.adcode[:6]
        if not contains(code, c.place.lon, c.place.lat):
            problems.append(f"{c.id}: (lon={c.place.lon}, lat={c.place.lat}) lies outside {code}")
    return problems


def find_ambiguous_terms(industries: Iterable[Industry], notes: dict[str, str]) -> list[str]:
    """Terms (and aliases) listed by two or more industries without a disambiguation note."""
    owners: dict[str, set[str]] = defaultdict(set)
    for ind in industries:
        for t in [*ind.terms.all(), *ind.aliases]:
            if t.strip():
                owners[norm_term(t)].add(ind.id)
    return [f"term {t!r} maps to {sorted(ids)} without a disambiguation note"
            for t, ids in sorted(owners.items()) if len(ids) > 1 and t not in notes]


# ------------------------------------------------------------------------------------------ real lookups
def mca_lookup(code: str) -> tuple[str, str] | None:
    from clusteratlas import gazetteer
    from clusteratlas.errors import PlaceNotFound

    if not gazetteer.is_adcode(code):
        return None
    try:
        p = gazetteer.place_for_adcode(code)
    except PlaceNotFound:
        return None
    return p.name_zh, p.level


def polygon_contains(code: str, lon: float, lat: float) -> bool:
    from clusteratlas import gazetteer

    return gazetteer.polygon_contains(code, lon=lon, lat=lat)


# -------------------------------------------------------------------------------------------- fixtures
@pytest.fixture(scope="module")
def files() -> list[IndustryFile]:
    return load_industry_files()


@pytest.fixture(scope="module")
def clusters(files) -> list[Cluster]:
    return [c for f in files for c in f.clusters]


def _cluster(**changes) -> Cluster:
    base = {
        "id": "hangji-toothbrushes", "industry": "toothbrushes", "name_en": "Hangji toothbrushes", "name_zh": "杭集牙刷",
        "place": {"adcode": "321002101", "level": "township", "name_zh": "杭集镇", "name_en": "Hangji Town",
                  "path": [{"adcode": "320000", "level": "province", "name_zh": "江苏省", "name_en": "Jiangsu Province"},
                           {"adcode": "321000", "level": "prefecture", "name_zh": "扬州市", "name_en": "Yangzhou City"},
                           {"adcode": "321002", "level": "county", "name_zh": "广陵区", "name_en": "Guangling District"}],
                  "lat": 32.36815, "lon": 119.533, "coord_source": "test", "coord_precision": "township"},
        "role": "leading", "description": "test record",
        "claims": [{"metric": "firm_count", "value": 1, "unit": "count", "statement": "s", "source": "src-a"}],
        "sources": ["src-a"],
    }
    for key, value in changes.items():
        if key == "place":
            base["place"] = {**base["place"], **value}
        else:
            base[key] = value
    return Cluster.model_validate(base)


def _industry(iid: str, en: list[str], zh: list[str] | None = None) -> Industry:
    return Industry.model_validate({"id": iid, "name_en": iid, "name_zh": iid, "description": "test",
                                    "terms": {"en": en, "zh": zh or []}})


# ---------------------------------------------------------------------------------- checks on the data
def test_data_has_the_issue_6_coverage(files, clusters):
    assert len(clusters) >= 150, f"{len(clusters)} clusters"
    assert len({f.industry.id for f in files}) >= 60


def test_no_duplicate_clusters(clusters):
    assert find_duplicate_clusters(clusters) == []


def test_every_industry_has_at_least_15_terms(files):
    assert find_thin_industries(f.industry for f in files) == []


def test_every_claim_title_and_market_has_a_known_source(clusters):
    assert find_unsourced_facts(clusters, load_source_ids()) == []


def test_every_place_code_is_in_the_mca_table(clusters):
    assert find_unknown_places(clusters, mca_lookup) == []


def test_every_point_lies_inside_its_county(clusters):
    assert find_stray_points(clusters, polygon_contains) == []


def test_no_term_maps_to_two_industries_without_a_note(files):
    assert find_ambiguous_terms((f.industry for f in files), load_term_notes()) == []


def test_industry_parents_are_taxonomy_groups(files):
    from clusteratlas.model import TaxonomyFile

    groups = {g.id for g in TaxonomyFile.model_validate(_yaml(DATA_DIR / "taxonomy.yaml")).groups}
    assert {"textiles-apparel", "leather-luggage-footwear", "light-industry", "electrical-appliances",
            "electronics-ict"} <= groups
    assert [f.industry.id for f in files if f.industry.parent not in groups] == []


# ------------------------------------------------------------------------ each check can fail (negative)
def test_duplicate_check_catches_same_industry_and_place():
    a = _cluster()
    b = _cluster(id="hangji2-toothbrushes")
    assert find_duplicate_clusters([a]) == []
    assert len(find_duplicate_clusters([a, b])) == 1
    assert len(find_duplicate_clusters([a, a])) == 2  # same id and same place


def test_thin_vocabulary_check_catches_fourteen_terms():
    fourteen = _industry("thin", [f"term {i}" for i in range(14)])
    fifteen = _industry("ok", [f"term {i}" for i in range(15)])
    repeated = _industry("rep", ["Toothbrush", "toothbrush", "tooth-brush", "tooth brush"] + [f"t{i}" for i in range(12)])
    assert find_thin_industries([fifteen]) == []
    assert find_thin_industries([fourteen]) == ["thin: only 14 distinct product terms (need 15)"]
    assert len(find_thin_industries([repeated])) == 1  # 14 distinct once case and spacing are ignored


def test_unsourced_check_catches_missing_and_unknown_sources():
    good = _cluster()
    assert find_unsourced_facts([good], {"src-a"}) == []
    blank = _cluster(claims=[{"metric": "m", "unit": "count", "statement": "s", "source": " "}])
    assert any("has no source" in p for p in find_unsourced_facts([blank], {"src-a"}))
    unknown = _cluster(titles=[{"en": "Some capital", "source": "nowhere"}])
    assert any("unknown source 'nowhere'" in p for p in find_unsourced_facts([unknown], {"src-a"}))
    no_existence = _cluster(sources=[])
    assert any("no source for the cluster" in p for p in find_unsourced_facts([no_existence], {"src-a"}))


def test_place_check_catches_a_code_not_in_the_mca_table():
    table = {"320000": ("江苏省", "province"), "321000": ("扬州市", "prefecture"), "321002": ("广陵区", "county"),
             "321002101": ("杭集镇", "township")}
    assert find_unknown_places([_cluster()], table.get) == []
    bad = _cluster(place={"adcode": "321002999"})
    assert find_unknown_places([bad], table.get) == ["hangji-toothbrushes: code 321002999 is not in the MCA table"]
    renamed = _cluster(place={"name_zh": "杭集街道"})
    assert len(find_unknown_places([renamed], table.get)) == 1


def test_place_check_against_the_real_table():
    bad = _cluster(place={"adcode": "321002999"})
    assert find_unknown_places([bad], mca_lookup) == ["hangji-toothbrushes: code 321002999 is not in the MCA table"]
    assert find_unknown_places([_cluster()], mca_lookup) == []


def test_point_check_catches_a_point_in_another_county():
    assert find_stray_points([_cluster()], polygon_contains) == []
    # a point in Shanghai for a town of Yangzhou
    moved = _cluster(place={"lat": 31.23, "lon": 121.47})
    assert find_stray_points([moved], polygon_contains) == [
        "hangji-toothbrushes: (lon=121.47, lat=31.23) lies outside 321002"]


def test_ambiguity_check_catches_a_shared_term_and_accepts_a_note():
    a = _industry("neckties", ["Tie", "silk tie"])
    b = _industry("cable-ties", ["tie", "zip tie"])
    assert find_ambiguous_terms([a, b], {}) == ["term 'tie' maps to ['cable-ties', 'neckties'] without a disambiguation note"]
    assert find_ambiguous_terms([a, b], {"tie": "necktie unless the query says cable or zip"}) == []
    assert find_ambiguous_terms([a], {}) == []
