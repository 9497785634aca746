"""Limits and shared parameters of the API (one place, so the docs and the checks agree)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

#: Longest text query accepted by ``q`` parameters, in characters.
MAX_QUERY_CHARS = 200
#: Largest page (``limit``) of ``/clusters``; default page size.
MAX_PAGE = 500
DEFAULT_PAGE = 100
#: Most results ``/search`` and ``/places`` return.
MAX_RESULTS = 100
#: Largest ``offset``.
MAX_OFFSET = 100_000


async def get_atlas(request: Request):
    """The atlas the app was created with (read-only, shared by every request). A coroutine, so that FastAPI
    calls it on the event loop instead of handing it to a thread (about 1 ms per request under load)."""
    return request.app.state.atlas


Limit = Annotated[int, Query(ge=1, le=MAX_PAGE, description=f"Page size, 1–{MAX_PAGE}.")]
Offset = Annotated[int, Query(ge=0, le=MAX_OFFSET, description="Items to skip.")]
Text = Annotated[str, Query(min_length=1, max_length=MAX_QUERY_CHARS,
                            description=f"Text query, 1–{MAX_QUERY_CHARS} characters.")]
