"""The data release: version, build date, licences and citation — one home, read by every consumer.

A data folder may hold ``release.yaml`` (the shipped one does)::

    version: "2026.12"          # calendar version of the data (YYYY.MM, optionally .N)
    build_date: "2026-12-02"    # fixed in the file, never the clock: exports stay byte-identical
    title, authors, licence: {data: {id, name, url, file}, code: {...}}, citation: "... {version} ..."

The exports (:mod:`clusteratlas.export`), ``/api/v1/meta``, ``/api/v1/about`` and the map's About panel all
read it through :func:`load_release` and :func:`meta_payload`. A folder without ``release.yaml`` (a user's
draft data) gets the shipped licences and citation with the version ``unversioned`` and no build date.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator

from clusteratlas._paths import DATA_DIR
from clusteratlas.errors import DataValidationError

#: The file name of a release description inside a data folder.
RELEASE_FILE = "release.yaml"
#: The version given to a data folder without ``release.yaml``.
UNVERSIONED = "unversioned"


class Licence(BaseModel):
    """A licence: SPDX id, display name, address of its text, and the file in the repository."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: str
    url: str
    file: str | None = None


class Release(BaseModel):
    """One data release (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    version: str
    build_date: str | None = None
    title: str
    authors: str
    licence: dict[str, Licence]
    citation: str

    @field_validator("version")
    @classmethod
    def _check_version(cls, v: str) -> str:
        if v != UNVERSIONED and not re.match(r"^\d{4}\.\d{1,2}(\.\d+)?$", v):
            raise ValueError(f"{v!r} is not a calendar version YYYY.MM or YYYY.MM.N")
        return v

    @field_validator("build_date")
    @classmethod
    def _check_date(cls, v: str | None) -> str | None:
        if v is not None and not re.match(r"^\d{4}-\d{2}-\d{2}$", v):
            raise ValueError(f"{v!r} is not a date YYYY-MM-DD")
        return v

    @field_validator("licence")
    @classmethod
    def _check_licences(cls, v: dict[str, Licence]) -> dict[str, Licence]:
        if "data" not in v or "code" not in v:
            raise ValueError("licence needs both 'data' and 'code'")
        return v

    @property
    def cite_as(self) -> str:
        """The citation with version, build date and year filled in."""
        year = (self.build_date or "")[:4] or "n.d."
        return " ".join(self.citation.format(version=self.version, build_date=self.build_date or "n.d.",
                                             year=year).split())

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: ``version, build_date, title, authors, licence {data, code}, cite_as``."""
        return {"version": self.version, "build_date": self.build_date, "title": self.title,
                "authors": self.authors, "licence": {k: v.model_dump() for k, v in self.licence.items()},
                "cite_as": self.cite_as}


def _read(path: Path) -> Release:
    from clusteratlas.atlas import _read_yaml  # the one YAML reader with one-line errors

    raw = _read_yaml(path)
    if not isinstance(raw, dict):
        raise DataValidationError(f"{path}: expected a mapping at the top level")
    try:
        return Release.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise DataValidationError(f"{path}: field {'.'.join(map(str, err['loc']))}: {err['msg']}") from None


def load_release(data_dir: str | Path | None = None) -> Release:
    """The release of a data folder (the shipped data when None).

    Raises
    ------
    DataValidationError
        ``release.yaml`` is malformed or does not satisfy :class:`Release`.
    """
    folder = DATA_DIR if data_dir is None else Path(data_dir)
    path = folder / RELEASE_FILE
    if path.is_file():
        return _read(path)
    shipped = _read(DATA_DIR / RELEASE_FILE)
    return shipped.model_copy(update={"version": UNVERSIONED, "build_date": None})


def atlas_counts(atlas) -> dict[str, int]:
    """Record counts of a loaded atlas, the same numbers the exports' tables have and ``stats`` reports.

    Keys: ``industries, industry_groups, clusters, claims, titles, sources, markets, registers,
    register_entries``.
    """
    from clusteratlas.coverage import all_markets

    clusters = atlas.clusters.values()
    return {
        "industries": len(atlas.industries),
        "industry_groups": len(atlas.groups),
        "clusters": len(atlas.clusters),
        "claims": sum(len(c.claims) for c in clusters),
        "titles": sum(len(c.titles) for c in clusters),
        "sources": len(atlas.sources),
        "markets": len(all_markets(atlas)),
        "registers": len(atlas.registers),
        "register_entries": sum(len(v) for v in atlas.register_entries.values()),
    }


def meta_payload(atlas) -> dict[str, Any]:
    """What ``/api/v1/meta`` answers: the release of the atlas's data folder and its counts.

    Returns
    -------
    dict
        ``version, build_date, title, authors, licence {data, code}, cite_as, counts``.
    """
    return load_release(atlas.data_dir).as_dict() | {"counts": atlas_counts(atlas)}
