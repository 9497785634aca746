"""Readers for the gazetteer's cross-system tables (read directly: the gazetteer code is not involved)."""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pytest

import clusteratlas

DATA = Path(clusteratlas.__file__).parent / "data" / "gazetteer"
#: the npm archives fetched by scripts/build_gazetteer_extras.py, when they are present
INPUTS = Path(__file__).resolve().parents[2] / "build" / "gazetteer-inputs"


def read_table(name: str) -> list[dict]:
    with gzip.open(DATA / name, "rt", encoding="utf-8", newline="") as fh:
        return list(csv.DictReader((line for line in fh if not line.startswith("#")), delimiter="\t",
                                   quoting=csv.QUOTE_NONE))


@pytest.fixture(scope="session")
def crosswalk() -> list[dict]:
    return read_table("nbs_townships.tsv.gz")


@pytest.fixture(scope="session")
def zones() -> list[dict]:
    return read_table("dev_zones.tsv.gz")


@pytest.fixture(scope="session")
def successions() -> list[dict]:
    return read_table("successions.tsv.gz")


@pytest.fixture(scope="session")
def mca() -> dict[str, dict]:
    """The MCA table (2025-12-31) as units.tsv.gz ships it: code -> row."""
    return {r["code"]: r for r in read_table("units.tsv.gz")}


@pytest.fixture(scope="session")
def sources() -> dict:
    return json.loads((DATA / "SOURCES.json").read_text(encoding="utf-8"))
