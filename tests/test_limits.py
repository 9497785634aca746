import threading

import pytest

from clusteratlas import _limits


def test_parse_size_units():
    assert _limits.parse_size("512M") == 512 * 1024**2
    assert _limits.parse_size("2.5G") == int(2.5 * 1024**3)
    assert _limits.parse_size("1000") == 1000
    for bad in ("", "-1G", "lots", "0"):
        with pytest.raises(ValueError):
            _limits.parse_size(bad)


def test_check_memory_uses_the_context_budget(monkeypatch):
    monkeypatch.delenv("CLUSTERATLAS_MAX_MEMORY", raising=False)
    token = _limits.set_max_memory("1M")
    try:
        _limits.check_memory(1000, "a small array")
        with pytest.raises(_limits.ResourceLimitError, match="over the memory budget of 0.0 GiB; use fewer points"):
            _limits.check_memory(2 * 1024**2, "a big array", "use fewer points")
    finally:
        _limits._budget.reset(token)


def test_env_budget_and_thread_isolation(monkeypatch):
    monkeypatch.setenv("CLUSTERATLAS_MAX_MEMORY", "3G")
    assert _limits.max_memory_bytes() == 3 * 1024**3
    seen = {}

    def worker():
        _limits.set_max_memory("1K")
        seen["thread"] = _limits.max_memory_bytes()

    t = threading.Thread(target=worker)
    t.start(); t.join()
    assert seen["thread"] == 1024
    assert _limits.max_memory_bytes() == 3 * 1024**3
