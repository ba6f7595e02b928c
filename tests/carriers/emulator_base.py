"""What the EasyPost and Shippo emulators share: real HTTP on 127.0.0.1 (an ephemeral port per
test), a request log, label files served from /files/, and rate limiting: both answer 429 when
over their limits (apis.md sections 6 and 7); whether a Retry-After header comes with it is not
documented for either, so `throttle()` answers with or without one."""

from __future__ import annotations

import itertools
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from oms_desktop.carriers.base import AddressDTO, ParcelDTO, ShipmentDTO
from oms_desktop.documents import labels, zpl

NOW = "2026-11-27T08:00:00Z"


def carrier_label(tracking: str, fmt: str) -> bytes:
    """A real 4x6 label file, as a carrier would serve it."""
    dto = ShipmentDTO(0, "EMU", AddressDTO("Carrier hub", "1 Hub Rd", "Memphis", "38118", "US"),
                      AddressDTO("Customer", "2 Main St", "Austin", "78701", "US"),
                      (ParcelDTO(1, 500),))
    data = labels.collect(dto, tracking_number=tracking, carrier="carrier", service="Ground")
    return labels.render_pdf(data) if fmt == "pdf" else zpl.render(data).encode()


def positive(value) -> bool:
    """A dimension or weight as the APIs take it: a number (or numeric string) above zero."""
    try:
        return float(value) > 0
    except (TypeError, ValueError):
        return False


class Emulator:
    """Runs `handle` on a ThreadingHTTPServer; `throttle(n, s)` answers the next n requests
    with 429, with `Retry-After: s` unless s is None."""

    def __init__(self):
        self.requests: list[tuple[str, str, dict | None, dict]] = []
        self.files: dict[str, tuple[bytes, str]] = {}
        self._throttled, self._retry_after = 0, None
        self._ids = itertools.count(1)
        self._lock = threading.Lock()
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                emulator._serve(self, "GET")

            def do_POST(self):
                emulator._serve(self, "POST")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.02,),
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def throttle(self, count: int, retry_after: int | None = 1) -> None:
        self._throttled, self._retry_after = count, retry_after

    def next_id(self, prefix: str) -> str:
        with self._lock:
            return f"{prefix}{next(self._ids):06d}"

    def _serve(self, h: BaseHTTPRequestHandler, method: str) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        body = json.loads(raw) if raw else None
        url = urlparse(h.path)
        self.requests.append((method, url.path, body, dict(h.headers)))
        if url.path.startswith("/files/"):
            return self._file(h, url.path[len("/files/"):])
        if self._throttled:
            self._throttled -= 1
            headers = {} if self._retry_after is None else {"Retry-After": str(self._retry_after)}
            return self._send(h, 429, {"error": "rate limited"}, headers)
        status, payload = self.handle(method, url.path, parse_qs(url.query), body, h.headers)
        self._send(h, status, payload)

    def _file(self, h, name: str) -> None:
        if name not in self.files:
            return self._send(h, 404, {"error": "no such file"})
        content, mime = self.files[name]
        h.send_response(200)
        h.send_header("Content-Type", mime)
        h.send_header("Content-Length", str(len(content)))
        h.end_headers()
        h.wfile.write(content)

    @staticmethod
    def _send(h, status: int, payload, headers: dict | None = None) -> None:
        data = json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def store_file(self, name: str, content: bytes, mime: str) -> str:
        self.files[name] = (content, mime)
        return f"{self.url}/files/{name}"

    def route(self, routes, method: str, path: str, **kwargs):
        """Call the handler of the first (verb, path pattern) matching the request."""
        for verb, pattern, fn in routes:
            match = re.fullmatch(pattern, path)
            if verb == method and match:
                return fn(*match.groups(), **kwargs)
        return None

    def handle(self, method, path, query, body, headers):  # pragma: no cover - abstract
        raise NotImplementedError
