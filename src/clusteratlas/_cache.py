"""One cache policy for the whole package: bounded in-memory caches, once-only loaders, the on-disk cache.

In memory
---------
:class:`BoundedCache` is the only kind of memo the package keeps: a dict with a size limit. Reads take no
lock (a dict look-up is atomic); writes take the cache's lock, and when the cache is full the oldest quarter
of its entries (insertion order) is dropped, so memory stays bounded whatever the input. :func:`once`
memoises a loader (a table, an index) so that it runs once per argument even when many threads ask at the
same time. :func:`clear_caches` empties every cache and forgets every loaded table (tests; after editing
data in a long-running process).

On disk
-------
Built indexes (search, gazetteer) are pickled in the folder :func:`cache_dir` names:
``$CLUSTERATLAS_CACHE_DIR`` when set, else ``platformdirs.user_cache_dir("clusteratlas")`` (on Linux
``$XDG_CACHE_HOME/clusteratlas`` or ``~/.cache/clusteratlas``). ``CLUSTERATLAS_NO_CACHE=1`` (or
``CLUSTERATLAS_CACHE_DIR=off``) turns the disk cache off. Each file's name carries a key made of the package
version, the source of the code that builds the index and the bytes of the data it reads
(:func:`fingerprint`), so new data or new code never reads an old index. Files are written atomically; a
missing, corrupt, foreign or unreadable file, or a folder that cannot be written, only means the index is
built in memory.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import os
import pickle
import threading
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

#: Environment variables: move the disk cache; turn it off.
CACHE_DIR_ENV = "CLUSTERATLAS_CACHE_DIR"
NO_CACHE_ENV = "CLUSTERATLAS_NO_CACHE"
#: Files of one kind (``search-*``, ``gazetteer-*``) kept in the cache folder; older ones are removed.
CACHE_KEEP = 6

_MISSING = object()
_registry: weakref.WeakSet[BoundedCache] = weakref.WeakSet()
_resetters: list[Callable[[], None]] = []
_registry_lock = threading.Lock()


class BoundedCache:
    """A thread-safe memo with at most ``maxsize`` entries.

    Parameters
    ----------
    maxsize : int
        Entries kept; when full, the oldest quarter is dropped before an insertion.
    """

    __slots__ = ("_data", "_lock", "maxsize", "__weakref__")

    def __init__(self, maxsize: int) -> None:
        self.maxsize = max(1, int(maxsize))
        self._data: dict[Any, Any] = {}
        self._lock = threading.Lock()
        with _registry_lock:
            _registry.add(self)

    def get(self, key: Any, default: Any = None) -> Any:
        """The cached value, or ``default``."""
        return self._data.get(key, default)

    def __contains__(self, key: Any) -> bool:
        return key in self._data

    def __len__(self) -> int:
        return len(self._data)

    def set(self, key: Any, value: Any) -> Any:
        """Store ``value`` (evicting the oldest quarter when full) and return it."""
        with self._lock:
            data = self._data
            if key not in data and len(data) >= self.maxsize:
                drop = max(1, self.maxsize // 4)
                for old in list(data)[:drop]:
                    del data[old]
            data[key] = value
        return value

    def get_or_set(self, key: Any, make: Callable[[], Any]) -> Any:
        """The cached value for ``key``, computing and storing it with ``make()`` when absent."""
        value = self._data.get(key, _MISSING)
        if value is _MISSING:
            value = self.set(key, make())
        return value

    def clear(self) -> None:
        """Drop every entry."""
        with self._lock:
            self._data.clear()

    def __getstate__(self) -> dict[str, Any]:  # pickled indexes carry empty caches
        return {"maxsize": self.maxsize}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["maxsize"])


def once(fn: Callable[..., T]) -> Callable[..., T]:
    """Memoise a loader: computed once per argument tuple, under a lock, so concurrent first calls wait for
    one computation instead of each doing it. :func:`clear_caches` forgets the results."""
    results: dict[Any, Any] = {}
    lock = threading.RLock()

    @functools.wraps(fn)
    def wrapper(*args: Any) -> T:
        got = results.get(args, _MISSING)
        if got is not _MISSING:
            return got
        with lock:
            got = results.get(args, _MISSING)
            if got is _MISSING:
                got = results[args] = fn(*args)
        return got

    def reset() -> None:
        with lock:
            results.clear()

    wrapper.cache_clear = reset  # type: ignore[attr-defined]
    with _registry_lock:
        _resetters.append(reset)
    return wrapper


def clear_caches() -> None:
    """Empty every in-memory cache and forget every loaded table and index (the disk cache is kept)."""
    with _registry_lock:
        caches = list(_registry)
        resetters = list(_resetters)
    for cache in caches:
        cache.clear()
    for reset in resetters:
        reset()
    gc.unfreeze()  # what loading froze can be collected again


# -- on disk ---------------------------------------------------------------------------------------------

def cache_dir() -> Path | None:
    """The disk cache folder, or None when the disk cache is off (see the module docstring)."""
    if os.environ.get(NO_CACHE_ENV, "").strip() not in ("", "0"):
        return None
    explicit = os.environ.get(CACHE_DIR_ENV, "").strip()
    if explicit.lower() in ("off", "none", "0"):
        return None
    if explicit:
        return Path(explicit).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("clusteratlas", appauthor=False))


def fingerprint(label: str, code: Iterable[Path], data: Iterable[Path], root: Path | None = None) -> str | None:
    """A key for a cached object: the package version, ``label``, and the bytes of the ``code`` and ``data``
    files (data files are named relative to ``root``). None when a file cannot be read (then nothing is cached).
    """
    from clusteratlas import __version__

    h = hashlib.sha256(f"clusteratlas {__version__} {label}\n".encode())
    try:
        for path in code:
            h.update(path.read_bytes())
        n = 0
        for path in data:
            name = path.relative_to(root).as_posix() if root is not None else path.name
            h.update(f"{name}\0".encode())
            h.update(path.read_bytes())
            h.update(b"\0")
            n += 1
    except (OSError, ValueError):
        return None
    return h.hexdigest()[:32] if n else None


def load(kind: str, key: str | None, expected: type | tuple[type, ...]) -> Any:
    """The object cached as ``{kind}-{key}.pickle``, or None (no key, cache off, missing, corrupt, foreign)."""
    folder = cache_dir()
    if folder is None or not key:
        return None
    path = folder / f"{kind}-{key}.pickle"
    if not path.is_file():
        return None
    gc_was_on = gc.isenabled()
    gc.disable()  # unpickling many small tuples with the cyclic collector running takes several times longer
    obj = None
    try:
        with open(path, "rb") as fh:
            obj = pickle.load(fh)  # our own file, in the user's cache folder
    except Exception:  # noqa: BLE001 - unreadable or damaged: build it instead
        obj = None
    finally:
        if gc_was_on:
            if obj is not None:
                # a loaded table lives as long as the process (or until clear_caches, which unfreezes): keep
                # its objects out of every later collection instead of traversing them again and again
                gc.freeze()
            gc.enable()
    return obj if isinstance(obj, expected) else None


def save(kind: str, key: str | None, obj: Any) -> bool:
    """Write ``obj`` atomically as ``{kind}-{key}.pickle`` and keep the :data:`CACHE_KEEP` newest files of
    that kind. Never raises; False when nothing was written."""
    folder = cache_dir()
    if folder is None or not key:
        return False
    try:
        from clusteratlas.tables import atomic_write

        folder.mkdir(parents=True, exist_ok=True)
        with atomic_write(folder / f"{kind}-{key}.pickle", "wb") as fh:
            pickle.dump(obj, fh, protocol=pickle.HIGHEST_PROTOCOL)
        old = sorted(folder.glob(f"{kind}-*.pickle"), key=_mtime, reverse=True)
        for stale in old[CACHE_KEEP:]:
            stale.unlink(missing_ok=True)
    except Exception:  # noqa: BLE001 - a read-only or full disk, an unpicklable object: stay in memory
        return False
    return True


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:
        return 0.0
