"""Running the web app: worker count from the machine, indexes loaded once before workers fork, and the
error envelope even for requests the HTTP parser refuses.

* :func:`worker_plan` chooses the number of worker processes: by default one per usable core, and never more
  than the cores or than the memory available allows (:data:`WORKER_BYTES` each).
* :func:`run` serves an app built (and warmed, see :func:`clusteratlas.web.app.warm_app`) in this process.
  With one worker it runs uvicorn here; with more it binds the socket, then forks the workers, which share
  the loaded indexes copy-on-write instead of each building them on its first request. A worker that dies is
  replaced (at most :data:`MAX_RESTARTS` times); SIGTERM and SIGINT stop them all.
* :class:`EnvelopeHttpTools` / :class:`EnvelopeH11`: uvicorn's HTTP protocols, except that a request they
  cannot parse (malformed, or a request line or headers over 64 KB) is answered with the API's JSON error
  envelope instead of a plain-text 400.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from dataclasses import dataclass

#: Memory a worker is counted at (bytes): the resident size of a warmed app is about 370 MiB.
WORKER_BYTES = 512 * 1024**2
#: Most times dead workers are replaced before the server stops.
MAX_RESTARTS = 20
#: The body sent for a request the HTTP parser refuses.
_UNPARSABLE = json.dumps({"error": {
    "status": 400, "code": "bad_request",
    "message": "the request cannot be parsed (malformed, or a request line or headers over 64 KB)",
    "details": []}}, separators=(",", ":")).encode()


def usable_cores() -> int:
    """Cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def available_memory() -> int:
    """Memory available for new processes (``MemAvailable`` of ``/proc/meminfo``; else physical memory)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    from clusteratlas._limits import _physical_memory

    return _physical_memory()


@dataclass(frozen=True)
class WorkerPlan:
    """How many workers, the ceiling, and a note when the request was lowered."""

    workers: int
    cap: int
    note: str | None = None


def worker_plan(requested: int | None, *, cores: int | None = None, memory: int | None = None) -> WorkerPlan:
    """The number of worker processes: ``requested``, or one per usable core, capped by cores and memory.

    Parameters
    ----------
    requested : int or None
        What the user asked for (None: the default).
    cores, memory : int, optional
        Usable cores and available memory in bytes (default: measured).

    Returns
    -------
    WorkerPlan
        ``workers`` = min(requested or cores, cores, memory // :data:`WORKER_BYTES`), at least 1.
    """
    cores = usable_cores() if cores is None else cores
    memory = available_memory() if memory is None else memory
    by_memory = max(1, memory // WORKER_BYTES)
    cap = max(1, min(cores, by_memory))
    if requested is None:
        return WorkerPlan(cap, cap)
    if requested <= cap:
        return WorkerPlan(max(1, requested), cap)
    why = (f"{cores} usable core(s)" if cap == cores else
           f"{memory / 1024**3:.1f} GiB of available memory at {WORKER_BYTES // 1024**2} MiB per worker")
    return WorkerPlan(cap, cap, f"{requested} workers asked for; using {cap} ({why})")


def _write_envelope(transport) -> None:  # noqa: ANN001 - an asyncio transport
    from clusteratlas.web._http import SECURITY_HEADERS

    head = [b"HTTP/1.1 400 Bad Request", b"content-type: application/json",
            b"content-length: " + str(len(_UNPARSABLE)).encode(), b"cache-control: no-store",
            b"connection: close"]
    head += [k + b": " + v for k, v in SECURITY_HEADERS]
    transport.write(b"\r\n".join(head) + b"\r\n\r\n" + _UNPARSABLE)
    transport.close()


def _protocols():
    """uvicorn's HTTP protocol classes with the envelope for unparsable requests (httptools when installed)."""
    from uvicorn.protocols.http.h11_impl import H11Protocol

    class EnvelopeH11(H11Protocol):
        """h11, answering unparsable requests with the error envelope."""

        def send_400_response(self, msg: str) -> None:  # noqa: ARG002 - uvicorn's signature
            _write_envelope(self.transport)

    try:
        from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
    except ImportError:  # pragma: no cover - uvicorn without httptools
        return EnvelopeH11, EnvelopeH11

    class EnvelopeHttpTools(HttpToolsProtocol):
        """httptools, answering unparsable requests with the error envelope."""

        def send_400_response(self, msg: str) -> None:  # noqa: ARG002 - uvicorn's signature
            _write_envelope(self.transport)

    return EnvelopeHttpTools, EnvelopeH11


def http_protocol():
    """The protocol class :func:`run` gives uvicorn."""
    return _protocols()[0]


def listen(host: str, port: int):  # noqa: ANN201 - a socket.socket
    """A listening TCP socket on ``host``:``port`` (IPv6 when the host has a colon), inheritable by workers.

    Raises
    ------
    OSError
        The address cannot be bound (in use, not local, no permission); ``strerror`` says why.
    """
    import socket

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.create_server((host, port), family=family, backlog=2048)
    sock.set_inheritable(True)
    return sock


def run(app, *, host: str, port: int, workers: int, log_level: str = "warning",  # noqa: ANN001
        on_listening=None) -> None:  # noqa: ANN001 - a callable of no arguments
    """Serve ``app`` (already built and warmed) with ``workers`` processes forked from this one.

    The address is bound first; ``on_listening`` (if given) is called once it is, before any request is
    served, so a "serving at" message is never printed for an address that cannot be had.

    Raises
    ------
    OSError
        The address cannot be bound.
    """
    import uvicorn

    config = uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False,
                            http=http_protocol(), lifespan="off", timeout_graceful_shutdown=5)
    sock = listen(host, port)
    if on_listening is not None:
        on_listening()
    if workers <= 1 or not hasattr(os, "fork"):
        uvicorn.Server(config).run(sockets=[sock])
        return
    children: dict[int, int] = {}
    stopping = False

    def spawn(slot: int) -> None:
        pid = os.fork()
        if pid == 0:  # the worker: serve on the shared socket until told to stop
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            code = 0
            try:
                uvicorn.Server(config).run(sockets=[sock])
            except BaseException:  # noqa: BLE001 - a worker ends with a code, never a traceback upwards
                code = 1
            os._exit(code)
        children[pid] = slot

    def stop(signum, frame):  # noqa: ANN001, ARG001 - signal handler signature
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    old = {s: signal.signal(s, stop) for s in (signal.SIGINT, signal.SIGTERM)}
    restarts = 0
    try:
        for slot in range(workers):
            spawn(slot)
        while children:
            try:
                pid, _status = os.wait()
            except ChildProcessError:
                break
            except InterruptedError:  # pragma: no cover - PEP 475 retries
                continue
            slot = children.pop(pid, None)
            if slot is None or stopping:
                continue
            restarts += 1
            if restarts > MAX_RESTARTS:
                sys.stderr.write(f"clusteratlas: workers died {restarts} times; stopping\n")
                stop(signal.SIGTERM, None)
                continue
            time.sleep(min(5.0, 0.1 * restarts))
            spawn(slot)
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        sock.close()
