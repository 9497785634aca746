"""The one cache policy (clusteratlas._cache): bounded memos, once-only loaders, clear_caches, the disk cache."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time

import pytest

from clusteratlas import _cache
from clusteratlas._cache import BoundedCache, cache_dir, clear_caches, once


def test_bounded_cache_never_grows_past_its_size():
    c = BoundedCache(100)
    for i in range(1000):
        c.set(i, i * i)
    assert len(c) <= 100 and c.get(999) == 999 * 999 and c.get(0) is None
    assert c.get_or_set("k", lambda: 1) == 1 and c.get_or_set("k", lambda: 2) == 1


def test_once_runs_a_loader_once_however_many_threads_ask():
    calls = []

    @once
    def load(x):
        calls.append(x)
        time.sleep(0.05)
        return x * 2

    results = []
    threads = [threading.Thread(target=lambda: results.append(load(3))) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [6] * 8 and calls == [3]
    clear_caches()
    assert load(3) == 6 and calls == [3, 3]


def test_clear_caches_empties_every_bounded_cache():
    c = BoundedCache(10)
    c.set("a", 1)
    clear_caches()
    assert len(c) == 0


def test_cache_folder_from_the_environment(tmp_path, monkeypatch):
    monkeypatch.delenv("CLUSTERATLAS_NO_CACHE", raising=False)
    monkeypatch.setenv("CLUSTERATLAS_CACHE_DIR", str(tmp_path / "c"))
    assert cache_dir() == tmp_path / "c"
    monkeypatch.setenv("CLUSTERATLAS_CACHE_DIR", "off")
    assert cache_dir() is None
    monkeypatch.setenv("CLUSTERATLAS_CACHE_DIR", str(tmp_path / "c"))
    monkeypatch.setenv("CLUSTERATLAS_NO_CACHE", "1")
    assert cache_dir() is None
    monkeypatch.delenv("CLUSTERATLAS_CACHE_DIR")
    monkeypatch.delenv("CLUSTERATLAS_NO_CACHE")
    assert cache_dir().name == "clusteratlas"  # platformdirs' user cache folder


def test_disk_cache_round_trip_corrupt_and_unwritable(tmp_path, monkeypatch):
    monkeypatch.delenv("CLUSTERATLAS_NO_CACHE", raising=False)
    monkeypatch.setenv("CLUSTERATLAS_CACHE_DIR", str(tmp_path / "c"))
    assert _cache.save("thing", "k1", {"a": (1, 2)}) and _cache.load("thing", "k1", dict) == {"a": (1, 2)}
    assert _cache.load("thing", "k1", list) is None  # foreign type
    (tmp_path / "c" / "thing-k1.pickle").write_bytes(b"\x80garbage")
    assert _cache.load("thing", "k1", dict) is None
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("CLUSTERATLAS_CACHE_DIR", str(blocker / "c"))
    assert _cache.save("thing", "k1", {}) is False and _cache.load("thing", "k1", dict) is None


def test_fingerprint_follows_data_and_code(tmp_path):
    code, data = tmp_path / "code.py", tmp_path / "d.yaml"
    code.write_text("x = 1")
    data.write_text("a: 1")
    one = _cache.fingerprint("t", [code], [data], tmp_path)
    data.write_text("a: 2")
    two = _cache.fingerprint("t", [code], [data], tmp_path)
    code.write_text("x = 2")
    assert len({one, two, _cache.fingerprint("t", [code], [data], tmp_path)}) == 3
    assert _cache.fingerprint("t", [code], [], tmp_path) is None  # no data: nothing to key


def test_gazetteer_tables_are_cached_on_disk_and_read_back(tmp_path):
    env = {**os.environ, "CLUSTERATLAS_CACHE_DIR": str(tmp_path / "c")}
    env.pop("CLUSTERATLAS_NO_CACHE", None)
    code = ("import json, clusteratlas.gazetteer._tables as t; built = []; orig = dict(t._BUILDERS); "
            "t._BUILDERS.update({k: (lambda k=k: built.append(k) or orig[k]()) for k in orig}); "
            "from clusteratlas import resolve_place; a = resolve_place('Datang, Zhuji')[0].adcode; "
            "print(json.dumps([a, sorted(set(built))]))")
    first = json.loads(subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,
                                      text=True, timeout=300).stdout)
    second = json.loads(subprocess.run([sys.executable, "-c", code], env=env, check=True, capture_output=True,
                                       text=True, timeout=300).stdout)
    assert first[0] == second[0] == "330681005"
    assert "units" in first[1] and "latin_index" in first[1]
    assert second[1] == []  # every table came from the disk cache
    assert list((tmp_path / "c").glob("gazetteer-units-*.pickle"))


@pytest.mark.parametrize("var", ["CLUSTERATLAS_CACHE_DIR"])
def test_the_test_suite_keeps_its_cache_in_a_temporary_folder(var):
    import tempfile

    assert os.environ[var].startswith(tempfile.gettempdir())
