"""The web front end: a read-only JSON API under ``/api/v1`` and an offline map page at ``/``.

Use :func:`create_app` (``clusteratlas serve`` runs it with uvicorn).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from clusteratlas.web.app import create_app

        return create_app
    raise AttributeError(f"module 'clusteratlas.web' has no attribute {name!r}")


if TYPE_CHECKING:  # pragma: no cover
    from clusteratlas.web.app import create_app
