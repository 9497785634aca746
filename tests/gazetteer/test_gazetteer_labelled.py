"""The labelled evaluation set (tests/data/places_labelled.tsv): at least 98 % top-1 at county level."""

from __future__ import annotations

from pathlib import Path

from clusteratlas.gazetteer import resolve_place

LABELLED = Path(__file__).resolve().parents[1] / "data" / "places_labelled.tsv"


def _rows():
    out = []
    for line in LABELLED.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#") or line.startswith("query\t"):
            continue
        query, expected, kind = line.split("\t")
        out.append((query, expected.split("|"), kind))
    return out


def test_composition():
    rows = _rows()
    assert len(rows) >= 300
    generated = sum(k.startswith("generated") for _, _, k in rows)
    hand = sum(k.startswith("hand") for _, _, k in rows)
    assert generated >= 150 and hand >= 150
    kinds = {k for _, _, k in rows}
    for kind in ("hand:homonym", "hand:former", "hand:address", "hand:english", "generated:traditional",
                 "generated:tones", "generated:address"):
        assert kind in kinds


def test_top1_at_county_level_is_at_least_98_percent():
    rows = _rows()
    misses = []
    for query, expected, kind in rows:
        found = resolve_place(query, limit=1)
        code = found[0].adcode if found else ""
        if not (code and any(code.startswith(e) for e in expected)):
            misses.append((query, expected, code))
    accuracy = 1 - len(misses) / len(rows)
    assert accuracy >= 0.98, f"{accuracy:.1%}; misses: {misses[:20]}"
