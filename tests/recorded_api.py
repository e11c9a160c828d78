"""A GitHub REST API stand-in on 127.0.0.1 that serves recorded-style responses.

Replies are looked up by request path (query included); every request is recorded with its
headers. A reply may be a sequence, served one after the other (the last one repeats), so that
a test can script "502, then 200". A reply can also be slow: `delay` before answering, or
`drip` seconds between single bytes (of the headers, or of the body), as a server that never
quite stops answering. Every server-side wait is bounded, so a server thread always ends.
"""
from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

DRIP_LIMIT = 20.0  # seconds a dripping reply may last, whatever the client does


@dataclass
class Reply:
    status: int = 200
    body: Any = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    drip: float = 0.0            # seconds between bytes; 0 sends at once
    drip_headers: bool = False   # drip the status line and headers too, not only the body

    def payload(self) -> bytes:
        return self.body if isinstance(self.body, bytes) else json.dumps(self.body).encode()


@dataclass
class RecordedApi:
    """Replies by request path (with query); records every request and its headers."""

    url: str = ""
    replies: dict[str, Reply | Sequence[Reply]] = field(default_factory=dict)
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def reply_to(self, path: str) -> Reply:
        with self.lock:
            served = sum(1 for seen, _ in self.requests if seen == path)
            found = self.replies.get(path, Reply(404, {"message": "Not Found"}))
        if isinstance(found, Reply):
            return found
        return found[min(served, len(found)) - 1]


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_GET(self) -> None:
        api = self.server.api
        with api.lock:
            api.requests.append((self.path, {key.lower(): value
                                             for key, value in self.headers.items()}))
        reply = api.reply_to(self.path)
        time.sleep(reply.delay)
        try:
            self._answer(reply)
        except OSError:
            pass  # the client gave up (the timeout tests)

    def _answer(self, reply: Reply) -> None:
        body = reply.payload()
        endless = b" " * 10**6  # more than any drip lasts
        headers = {"Content-Type": "application/json", **reply.headers,
                   "Content-Length": str(len(body) + (len(endless) if reply.drip else 0))}
        status = f"HTTP/1.1 {reply.status} {self.responses.get(reply.status, ('',))[0]}\r\n"
        head = "".join(f"{name}: {value}\r\n" for name, value in headers.items()) + "\r\n"
        stop = time.monotonic() + DRIP_LIMIT
        if not reply.drip:
            self.wfile.write((status + head).encode("latin-1") + body)
        elif reply.drip_headers:  # a header line that never ends
            self.wfile.write(status.encode("latin-1") + b"X-Padding: ")
            self._drip(b"a" * 10**6, reply.drip, stop)
        else:
            self.wfile.write((status + head).encode("latin-1"))
            self._drip(body + endless, reply.drip, stop)

    def _drip(self, data: bytes, interval: float, stop: float) -> None:
        """One byte at a time, each soon enough to reset a per-read timeout."""
        for index in range(len(data)):
            if time.monotonic() > stop:
                return
            self.wfile.write(data[index:index + 1])
            self.wfile.flush()
            time.sleep(interval)

    def log_message(self, format: str, *args: Any) -> None:
        pass


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    api: RecordedApi


def serve() -> Iterator[RecordedApi]:
    """Run a server for the duration of a test (use with `yield from` in a fixture)."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.api = RecordedApi(url=f"http://127.0.0.1:{server.server_address[1]}")
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), daemon=True)
    thread.start()
    try:
        yield server.api
    finally:
        server.shutdown()
        server.server_close()
