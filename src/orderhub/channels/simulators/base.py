"""Shared machinery of the simulators: a threaded HTTP server on 127.0.0.1 and failure injection."""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class Failure(StrEnum):
    TIMEOUT = "timeout"  # hold the request longer than any sane client timeout, then answer 504
    RATE_LIMIT = "rate_limit"  # 429 with Retry-After
    SERVER_ERROR = "server_error"  # 500 / 503
    REPEAT_PAGE = "repeat_page"  # answer with the previous page's content (duplicates)


@dataclass(slots=True)
class FailurePlan:
    """Fail about `rate` of requests (0.1 = one in ten), choosing among `kinds`, reproducibly."""

    rate: float = 0.0
    kinds: tuple[Failure, ...] = tuple(Failure)
    seed: int = 7
    timeout_seconds: float = 2.0
    retry_after: int = 1
    _rng: random.Random = field(init=False, repr=False)
    _lock: threading.Lock = field(init=False, repr=False, default_factory=threading.Lock)
    injected: dict[str, int] = field(init=False, default_factory=dict)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    def draw(self) -> Failure | None:
        """The failure to inject into the current request, or None to answer normally."""
        with self._lock:
            if self.rate <= 0 or self._rng.random() >= self.rate:
                return None
            failure = self._rng.choice(self.kinds)
            self.injected[failure.value] = self.injected.get(failure.value, 0) + 1
            return failure


@dataclass(frozen=True, slots=True)
class Reply:
    status: int
    body: bytes
    headers: dict[str, str] = field(default_factory=dict)
    content_type: str = "application/json; charset=utf-8"


Handler = Callable[[str, str, dict[str, str], bytes], Reply]  # (method, path+query, headers, body)


def answer_failure(failure: Failure, plan: FailurePlan) -> Reply | None:
    """The reply for an injected failure (None for REPEAT_PAGE, which the simulator handles)."""
    if failure is Failure.TIMEOUT:
        time.sleep(plan.timeout_seconds)
        return Reply(504, b'{"errors":"gateway timeout"}')
    if failure is Failure.RATE_LIMIT:
        return Reply(
            429, b'{"errors":"Exceeded rate limit"}', {"Retry-After": str(plan.retry_after)}
        )
    if failure is Failure.SERVER_ERROR:
        return Reply(503, b'{"errors":"service unavailable"}')
    return None


@contextmanager
def serve(handler: Handler) -> Iterator[str]:
    """Run `handler` behind a real HTTP server on 127.0.0.1; yield its base URL."""

    class _Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        disable_nagle_algorithm = True

        def _dispatch(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k.lower(): v for k, v in self.headers.items()}
            reply = handler(self.command, self.path, headers, body)
            try:
                self.send_response(reply.status)
            except (BrokenPipeError, ConnectionResetError):
                return
            self.send_header("Content-Type", reply.content_type)
            self.send_header("Content-Length", str(len(reply.body)))
            for name, value in reply.headers.items():
                self.send_header(name, value)
            self.end_headers()
            try:
                self.wfile.write(reply.body)
            except (BrokenPipeError, ConnectionResetError):
                return  # the client gave up (e.g. its timeout fired); nothing to tell it

        do_GET = do_POST = _dispatch  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
