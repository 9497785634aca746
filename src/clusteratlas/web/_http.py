"""HTTP plumbing: cached data responses (ETag, Cache-Control), request limits and security headers.

Data responses are serialised once, hashed (BLAKE2b) into a weak ``ETag``, and answered with
``304 Not Modified`` when the client already holds that version (``If-None-Match``). The atlas is read-only
for the life of the process, so the same address always gives the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

#: ``Cache-Control`` of data responses (the data changes only when the server restarts with new data).
DATA_CACHE_CONTROL = "public, max-age=300"
#: Longest accepted path + query string, in bytes (percent-encoded). Longer → 414 uri_too_long.
MAX_TARGET_BYTES = 4096
#: Methods the read-only server answers.
READ_METHODS = frozenset({"GET", "HEAD"})

#: The page and the API load nothing from outside the server (the optional online tile layer excepted).
CSP = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
       "img-src 'self' data: https://tile.openstreetmap.org; connect-src 'self'; font-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")
#: The map page's policy: as :data:`CSP`, but any site may frame the page (the embed snippet). The page is
#: read-only (nothing a framing site could trick a visitor into changing), so framing it is harmless.
PAGE_CSP = CSP.replace("frame-ancestors 'none'", "frame-ancestors *")
SECURITY_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", CSP.encode()),
]


def etag_of(body: bytes) -> str:
    """A weak entity tag for ``body`` (weak because gzip may re-encode the bytes in transit)."""
    return 'W/"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    bare = etag.removeprefix("W/")
    return any(t.strip().removeprefix("W/") == bare for t in if_none_match.split(","))


def cached(request: Request, body: bytes, media_type: str, headers: dict[str, str] | None = None) -> Response:
    """``body`` with ``ETag`` and ``Cache-Control``, or an empty 304 when ``If-None-Match`` matches."""
    etag = etag_of(body)
    hdrs = {"ETag": etag, "Cache-Control": DATA_CACHE_CONTROL} | (headers or {})
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=hdrs)
    return Response(body, media_type=media_type, headers=hdrs)


def json_bytes(payload: Any) -> bytes:
    """Compact UTF-8 JSON (non-ASCII kept as is)."""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")


def data_response(request: Request, payload: Any) -> Response:
    """A cached JSON data response."""
    return cached(request, json_bytes(payload), "application/json")


def control_characters(scope: Scope) -> str | None:
    """The name of the first parameter (or ``path``) holding a control character (``\\x00``–``\\x1f`` but tab,
    line feed and carriage return, and ``\\x7f``), the rule of :func:`clusteratlas._text.clean_query`,
    applied to every endpoint alike; None when there is none."""
    from urllib.parse import parse_qsl

    from clusteratlas._text import CONTROL_RE

    if CONTROL_RE.search(scope["path"]):
        return "path"
    qs = scope.get("query_string", b"")
    if not qs:
        return None
    for name, value in parse_qsl(qs.decode("latin-1"), keep_blank_values=True, encoding="utf-8",
                                 errors="replace"):
        if CONTROL_RE.search(value) or CONTROL_RE.search(name):
            return name if not CONTROL_RE.search(name) else "parameter name"
    return None


def slash_redirect(scope: Scope) -> Response:
    """``308`` to the address without its trailing slash. The ``Location`` is a path (relative reference, RFC
    9110 §10.2.2): it never echoes the ``Host`` header, so a forged host cannot make the server redirect
    elsewhere."""
    from urllib.parse import quote

    path = "/" + scope["path"].strip("/")
    raw = scope.get("raw_path")
    location = raw.decode("latin-1").rstrip("/") or "/" if raw else quote(path)
    # browsers read "\\" as "/" in a path: "/\\evil.example" would be "//evil.example", another host
    location = location.replace("\\", "%5C")
    if not location.startswith("/") or location.startswith("//"):
        location = "/" + location.lstrip("/")
    qs = scope.get("query_string", b"")
    if qs:
        location += "?" + qs.decode("latin-1")
    return Response(status_code=308, headers={"Location": location, "Cache-Control": "no-store"})


class GuardMiddleware:
    """Pure ASGI middleware: read-only methods, a bound on the address length, the control-character rule on
    every parameter, trailing-slash redirects that never echo the Host header, security headers.

    Rejections use the API's error envelope (405 method_not_allowed, 414 uri_too_long, 400 bad_query).
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        from clusteratlas.web._errors import error_response

        target = len(scope.get("raw_path") or scope["path"].encode()) + len(scope.get("query_string", b""))
        reject = None
        if scope["method"] not in READ_METHODS:
            reject = error_response(405, "method_not_allowed", "the API is read-only: use GET",
                                    headers={"Allow": "GET, HEAD"})
        elif target > MAX_TARGET_BYTES:
            reject = error_response(414, "uri_too_long",
                                    f"the address is {target} bytes long; the limit is {MAX_TARGET_BYTES}")
        else:
            bad = control_characters(scope)
            if bad is not None:
                reject = error_response(400, "bad_query", f"{bad} contains control characters",
                                        [{"param": bad, "message": "control characters are not accepted"}])
            elif scope["path"] != "/" and scope["path"].endswith("/") and not scope["path"].startswith("/static/"):
                reject = slash_redirect(scope)

        head = scope["method"] == "HEAD"
        if head and reject is None:  # answer HEAD as GET without the body
            scope = dict(scope, method="GET")

        async def send_with_headers(message: Message) -> None:
            if head and message["type"] == "http.response.body":
                message = {"type": "http.response.body", "body": b"", "more_body": message.get("more_body", False)}
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in SECURITY_HEADERS if k not in present]
                if b"content-security-policy" in present:  # a response's own policy decides its framing
                    extra = [(k, v) for k, v in extra if k != b"x-frame-options"]
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        if reject is not None:
            await reject(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)
