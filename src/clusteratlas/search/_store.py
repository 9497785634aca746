"""Where search indexes are kept: in memory per atlas and per data folder, and on disk between processes.

An index built for an :class:`~clusteratlas.atlas.Atlas` object is kept on that object (so it lives and dies
with the atlas); indexes of data folders are kept in a small bounded memo by resolved path. On disk, the
index of a data folder is pickled through :mod:`clusteratlas._cache` under a key made of the package
version, the source of every module that shapes the index and the bytes of every data file the atlas
reads, so an edited file or new code builds a new index. A cold ``clusteratlas find`` therefore reads one
pickle and no YAML.
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from clusteratlas import _cache
from clusteratlas._cache import BoundedCache
from clusteratlas._paths import DATA_DIR, PACKAGE_DIR
from clusteratlas._text import remember_stems
from clusteratlas.search._index import SearchIndex, build_index

#: Bump when the index layout or the scoring data change.
INDEX_FORMAT = 13
#: Source files whose code shapes the index (part of the disk-cache key).
INDEX_CODE = tuple(PACKAGE_DIR / name for name in (
    "search/_index.py", "search/_vocab.py", "search/_words.py", "_text.py", "model.py", "atlas.py", "shapes.py"))
#: Data folders whose indexes are kept in memory at once.
FOLDERS_KEPT = 8

_by_folder = BoundedCache(FOLDERS_KEPT)
_lock = threading.RLock()


def data_files(data_dir: Path) -> list[Path]:
    """Every file the atlas loader reads in ``data_dir``, in a stable order."""
    files: list[Path] = []
    for sub in ("industries", "sources", "registers", "markets"):
        files += sorted((data_dir / sub).glob("*.yaml"))
    files += [p for p in (data_dir / "taxonomy.yaml", data_dir / "copy_sites.yaml") if p.is_file()]
    return files


def data_key(data_dir: Path) -> str | None:
    """The disk-cache key of the index of ``data_dir``; None when the folder cannot be read."""
    if not data_dir.is_dir():
        return None
    return _cache.fingerprint(f"search index {INDEX_FORMAT}", INDEX_CODE, data_files(data_dir), data_dir)


def _loaded(index: SearchIndex) -> SearchIndex:
    remember_stems(index.stems)  # a cold search then needs no stemmer for vocabulary words
    return index


def index_for_data_dir(data_dir: str | Path | None) -> SearchIndex:
    """The index of a data folder (the shipped one when None): from memory, else from the disk cache when
    fresh, else built from the validated atlas and cached.

    Raises
    ------
    DataValidationError
        Invalid data.
    """
    folder = Path(data_dir).expanduser().resolve() if data_dir is not None else DATA_DIR
    got = _by_folder.get(str(folder))
    if got is not None:
        return got
    with _lock:  # one build per folder, however many threads ask
        got = _by_folder.get(str(folder))
        if got is not None:
            return got
        key = data_key(folder)
        index = _cache.load("search", key, SearchIndex)
        if index is None:
            from clusteratlas.atlas import load_atlas  # pydantic and YAML only when the index must be built

            index = build_index(load_atlas(data_dir))
            _cache.save("search", key, index)
        return _by_folder.set(str(folder), _loaded(index))


def index_for_atlas(atlas: Any) -> SearchIndex:
    """The index of a loaded atlas, kept on the atlas object: the cached one of its data folder when that has
    the same industries and clusters, else built."""
    got = getattr(atlas, "_search_index", None)
    if got is not None:
        return got
    with _lock:
        got = getattr(atlas, "_search_index", None)
        if got is not None:
            return got
        data_dir = getattr(atlas, "data_dir", None)
        key = data_key(Path(data_dir)) if data_dir is not None else None
        fp = (tuple(atlas.industries), tuple(atlas.clusters))
        index = _cache.load("search", key, SearchIndex)
        if index is None or index.fingerprint != fp:
            index = build_index(atlas)
            _cache.save("search", key, index)
        index.atlas = atlas
        object.__setattr__(atlas, "_search_index", _loaded(index))
        return index
