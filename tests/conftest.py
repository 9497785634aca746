"""Shared fixtures. Small atlas folders are generated in code (see atlas_fixtures.py)."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest

from atlas_fixtures import MINI, SHARED, write_atlas_dir


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    return write_atlas_dir(tmp_path / "data")


@pytest.fixture
def mini_spec() -> dict:
    return copy.deepcopy(MINI)


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    return SHARED
