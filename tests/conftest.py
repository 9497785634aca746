"""Shared fixtures. Small atlas folders are generated in code (see atlas_fixtures.py).

The disk cache goes to a temporary folder for the whole run (set before clusteratlas is imported, and
inherited by every CLI subprocess): the tests never write into the user's cache folder.
"""

from __future__ import annotations

import atexit
import copy
import os
import shutil
import tempfile
from pathlib import Path

_CACHE = tempfile.mkdtemp(prefix="clusteratlas-test-cache-")
os.environ["CLUSTERATLAS_CACHE_DIR"] = _CACHE
os.environ.pop("CLUSTERATLAS_NO_CACHE", None)
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

import pytest  # noqa: E402

from atlas_fixtures import MINI, TEST_DATA, write_atlas_dir  # noqa: E402


@pytest.fixture
def mini_dir(tmp_path: Path) -> Path:
    return write_atlas_dir(tmp_path / "data")


@pytest.fixture
def mini_spec() -> dict:
    return copy.deepcopy(MINI)


@pytest.fixture(scope="session")
def test_data() -> Path:
    """``tests/data``: every file a test reads."""
    return TEST_DATA
