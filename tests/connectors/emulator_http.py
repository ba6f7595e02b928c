"""A tiny threaded HTTP server on 127.0.0.1 (ephemeral port) for the platform emulators."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable
from urllib.parse import parse_qs, urlsplit


class Request:
    def __init__(self, handler: BaseHTTPRequestHandler, body: bytes):
        parts = urlsplit(handler.path)
        self.method = handler.command
        self.path = parts.path
        self.query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        self.headers = handler.headers
        self.body = body

    def json(self):
        return json.loads(self.body or b"null")


class Response:
    def __init__(self, status: int = 200, body=None, headers: dict | None = None):
        self.status, self.body, self.headers = status, body, headers or {}


def serve(app: Callable[[Request], Response]) -> tuple[ThreadingHTTPServer, str]:
    """Start `app` on a free port; returns the server and its base URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # headers and body go out in two writes: without this, Nagle's algorithm holds the
        # body until the client's delayed ACK (40 ms a request on Linux)
        disable_nagle_algorithm = True

        def _any(self):
            length = int(self.headers.get("Content-Length") or 0)
            response = app(Request(self, self.rfile.read(length) if length else b""))
            raw = b"" if response.body is None else (
                response.body if isinstance(response.body, bytes)
                else json.dumps(response.body).encode())
            self.send_response(response.status)
            headers = {"Content-Type": "application/json; charset=utf-8", **response.headers}
            for k, v in headers.items():
                self.send_header(k, str(v))
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.handle_error = lambda request, address: None  # a client killed mid-request
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                     daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


class EmulatorServer:
    """What every platform emulator shares: one lock over its data, an answer time to play a
    remote platform (`latency`), and its server on a free port. Subclasses define handle()."""

    def __init__(self):
        self.lock = threading.RLock()
        self.latency = 0.0
        self.server = self.url = None

    def start(self):
        self.server, self.url = serve(self._answer)
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()

    def _answer(self, req: Request) -> Response:
        if self.latency:
            time.sleep(self.latency)
        with self.lock:
            return self.handle(req)

    def handle(self, req: Request) -> Response:
        raise NotImplementedError
