"""The search index store: kept per atlas and per folder, on disk keyed by the data, rebuilt when stale or
damaged, never needed for correctness."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from clusteratlas import _cache
from clusteratlas._cache import clear_caches
from clusteratlas.atlas import load_atlas
from clusteratlas.search import _store as si
from clusteratlas.search._index import SearchIndex
from clusteratlas.search import find, get_index


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("CLUSTERATLAS_CACHE_DIR", str(folder))
    monkeypatch.delenv("CLUSTERATLAS_NO_CACHE", raising=False)
    return folder


def test_key_changes_with_the_data(mini_dir):
    before = si.data_key(mini_dir)
    path = mini_dir / "industries" / "wigs.yaml"
    path.write_text(path.read_text("utf-8").replace("lace front wig", "lace front wigs"), "utf-8")
    assert si.data_key(mini_dir) != before


def test_built_index_is_cached_and_read_back(mini_dir, cache):
    first = si.index_for_data_dir(mini_dir)
    files = list(cache.glob("search-*.pickle"))
    assert len(files) == 1 and first.atlas is not None
    assert si.index_for_data_dir(mini_dir) is first  # kept in memory
    clear_caches()
    second = si.index_for_data_dir(mini_dir)
    assert second.atlas is None  # came from the disk cache, without loading YAML
    assert second.fingerprint == first.fingerprint
    assert [r.cluster_id for r in find("假髮", data_dir=mini_dir)] == ["xuchang-wigs"]


def test_damaged_cache_file_is_ignored_and_rebuilt(mini_dir, cache):
    si.index_for_data_dir(mini_dir)
    path = next(cache.glob("search-*.pickle"))
    path.write_bytes(b"not a pickle")
    clear_caches()
    index = si.index_for_data_dir(mini_dir)
    assert index.atlas is not None and index.clusters
    assert _cache.load("search", si.data_key(mini_dir.resolve()), SearchIndex) is not None


def test_no_cache_setting_writes_nothing(mini_dir, cache, monkeypatch):
    monkeypatch.setenv("CLUSTERATLAS_NO_CACHE", "1")
    clear_caches()
    si.index_for_data_dir(mini_dir)
    assert not cache.exists() or not list(cache.iterdir())


def test_an_atlas_object_reuses_a_cached_index_only_when_it_matches(mini_dir, cache):
    si.index_for_data_dir(mini_dir)
    atlas = load_atlas(mini_dir)
    index = si.index_for_atlas(atlas)
    assert index.atlas is atlas and index.fingerprint == (tuple(atlas.industries), tuple(atlas.clusters))
    assert get_index(atlas) is get_index(atlas)


def test_invalid_data_dir_is_a_one_line_error(tmp_path):
    from clusteratlas.errors import DataValidationError

    with pytest.raises(DataValidationError):
        find("wig", data_dir=tmp_path)


def test_find_with_a_warm_cache_loads_neither_yaml_nor_pydantic(tmp_path):
    env = {**os.environ, "CLUSTERATLAS_CACHE_DIR": str(tmp_path / "c")}
    code = ("import sys, json; import clusteratlas.search as s; r = s.find('wig'); "
            "print(json.dumps([r[0].cluster_id, 'yaml' in sys.modules, 'pydantic' in sys.modules, "
            "'clusteratlas.atlas' in sys.modules]))")
    subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, timeout=120)
    out = subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True, text=True,
                         timeout=120)
    assert json.loads(out.stdout) == ["xuchang-wigs", False, False, False]


def test_an_unwritable_cache_folder_builds_in_memory(mini_dir, tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("CLUSTERATLAS_CACHE_DIR", str(blocker / "cache"))
    clear_caches()
    assert [r.cluster_id for r in find("wig", data_dir=mini_dir)] == ["xuchang-wigs"]


def test_an_atlas_keeps_its_own_index_and_frees_it_with_itself(mini_dir, cache):
    import gc
    import weakref

    atlas = load_atlas(mini_dir)
    index = get_index(atlas)
    ref = weakref.ref(index)
    assert atlas._search_index is index
    del atlas, index
    gc.collect()
    assert ref() is None  # no module-level memo keeps an atlas's index alive
