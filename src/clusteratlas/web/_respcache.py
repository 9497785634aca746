"""The response cache: every data response serialised once per data version, kept with its gzip form.

The atlas a server holds is read-only, so the bytes of a data response (one that carries an ``ETag``, see
:func:`clusteratlas.web._http.cached`) depend only on the address. :class:`ResponseCache` keeps them, by path
and query string, in a bounded least-recently-used table, together with a gzip copy made once when the body
is at least :data:`GZIP_MIN_BYTES` long. Later requests for the same address are answered from the table
without running the endpoint: the gzip copy when the client accepts it (``Vary: Accept-Encoding``), ``304``
when ``If-None-Match`` names the entity tag. Errors and responses without an entity tag are never kept.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from dataclasses import dataclass

from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: Bodies at least this long (bytes) are also kept gzip-compressed.
GZIP_MIN_BYTES = 1024
#: Bodies longer than this are compressed at level 1 instead of 6 (the first request for them waits less).
GZIP_FAST_ABOVE = 64 * 1024
#: Most entries, and most bytes (identity + gzip), the cache holds per worker.
MAX_ENTRIES = 4096
MAX_BYTES = 96 * 1024**2
_COMPRESSIBLE = ("application/json", "application/geo+json", "text/")
_DROP = {b"content-length", b"content-encoding", b"vary"}


@dataclass(frozen=True)
class _Entry:
    headers: list[tuple[bytes, bytes]]
    body: bytes
    gz: bytes | None
    etag: str

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gz or b"") + 256


def _accepts_gzip(headers: list[tuple[bytes, bytes]]) -> bool:
    for k, v in headers:
        if k == b"accept-encoding":
            for part in v.decode("latin-1").lower().split(","):
                name, _, params = part.strip().partition(";")
                if name.strip() in ("gzip", "*") and params.replace(" ", "") not in ("q=0", "q=0.0", "q=0.00"):
                    return True
    return False


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes | None:
    for k, v in headers:
        if k.lower() == name:
            return v
    return None


class ResponseCache:
    """Pure ASGI middleware caching the GET data responses of ``prefix`` (see the module notes).

    Thread-safe: the table is guarded by a lock (a worker's event loop and any thread pool may share it).
    """

    def __init__(self, app: ASGIApp, prefix: str = "/api/", *, max_entries: int = MAX_ENTRIES,
                 max_bytes: int = MAX_BYTES) -> None:
        self.app, self.prefix = app, prefix
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._table: OrderedDict[tuple[str, bytes], _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self.hits = self.misses = 0

    def _get(self, key: tuple[str, bytes]) -> _Entry | None:
        with self._lock:
            entry = self._table.get(key)
            if entry is not None:
                self._table.move_to_end(key)
                self.hits += 1
            else:
                self.misses += 1
            return entry

    def _put(self, key: tuple[str, bytes], entry: _Entry) -> None:
        if entry.size > self.max_bytes // 4:
            return
        with self._lock:
            old = self._table.pop(key, None)
            if old is not None:
                self._bytes -= old.size
            self._table[key] = entry
            self._bytes += entry.size
            while self._table and (len(self._table) > self.max_entries or self._bytes > self.max_bytes):
                _, gone = self._table.popitem(last=False)
                self._bytes -= gone.size

    def clear(self) -> None:
        """Forget every entry (a new data version)."""
        with self._lock:
            self._table.clear()
            self._bytes = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(self.prefix):
            await self.app(scope, receive, send)
            return
        key = (scope["path"], scope.get("query_string", b""))
        headers = list(scope.get("headers", []))
        entry = self._get(key)
        if entry is None:
            inner = dict(scope, headers=[(k, v) for k, v in headers
                                         if k not in (b"accept-encoding", b"if-none-match")])
            messages: list[Message] = []

            async def capture(message: Message) -> None:
                messages.append(message)

            await self.app(inner, receive, capture)
            entry = self._entry_of(messages)
            if entry is None:  # not a data response: pass it on as it came
                for m in messages:
                    await send(m)
                return
            self._put(key, entry)
        await self._answer(entry, headers, send)

    @staticmethod
    def _entry_of(messages: list[Message]) -> _Entry | None:
        if not messages or messages[0]["type"] != "http.response.start" or messages[0]["status"] != 200:
            return None
        start = messages[0]
        raw = list(start.get("headers", []))
        etag = _header(raw, b"etag")
        if etag is None or _header(raw, b"content-encoding") is not None:
            return None
        body = b"".join(m.get("body", b"") for m in messages[1:] if m["type"] == "http.response.body")
        media = (_header(raw, b"content-type") or b"").decode("latin-1")
        gz = None
        if len(body) >= GZIP_MIN_BYTES and media.startswith(_COMPRESSIBLE):
            # level 6 is as small as level 9 for JSON; above 64 KB level 1 (three times faster, ~15 % larger)
            gz = gzip.compress(body, compresslevel=6 if len(body) <= GZIP_FAST_ABOVE else 1, mtime=0)
            if len(gz) >= len(body):
                gz = None
        kept = [(k, v) for k, v in raw if k.lower() not in _DROP]
        return _Entry(kept, body, gz, etag.decode("latin-1"))

    @staticmethod
    async def _answer(entry: _Entry, request_headers: list[tuple[bytes, bytes]], send: Send) -> None:
        from clusteratlas.web._http import _matches

        inm = _header(request_headers, b"if-none-match")
        extra = [(b"vary", b"Accept-Encoding")] if entry.gz is not None else []
        if inm is not None and _matches(inm.decode("latin-1"), entry.etag):
            keep = [(k, v) for k, v in entry.headers if k.lower() != b"content-type"]
            await send({"type": "http.response.start", "status": 304, "headers": keep + extra})
            await send({"type": "http.response.body", "body": b""})
            return
        if entry.gz is not None and _accepts_gzip(request_headers):
            body, extra = entry.gz, extra + [(b"content-encoding", b"gzip")]
        else:
            body = entry.body
        out = entry.headers + extra + [(b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 200, "headers": out})
        await send({"type": "http.response.body", "body": body})
