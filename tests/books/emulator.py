"""What the QuickBooks and Xero emulators share: real HTTP on 127.0.0.1 (an ephemeral port),
a request log, an OAuth 2 token endpoint that rotates refresh tokens (HTTP Basic client
auth, `invalid_grant` for a token it never issued), bearer checks and idempotent writes: a
repeated key gets the first answer back and makes nothing new."""

from __future__ import annotations

import base64
import itertools
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

CLIENT_ID, CLIENT_SECRET, FIRST_REFRESH = "client-1", "client-secret-1", "refresh-0"


class Answer(tuple):
    """(status, payload, headers)"""


class Emulator:
    token_path = "/token"

    def __init__(self):
        self.requests: list[tuple[str, str, dict, dict | None, dict]] = []
        self.lock = threading.RLock()
        self.ids = itertools.count(1)
        self.refresh_tokens = {FIRST_REFRESH}
        self.access_tokens: set[str] = set()
        self.answered: dict[str, tuple[int, dict]] = {}  # idempotency key -> first answer
        self.latency = 0.0  # seconds each API answer takes (a remote's answer time)
        self.callers_expected = 0  # hold API answers until this many tokens were handed out
        emulator = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                emulator._serve(self, "GET")

            def do_POST(self):
                emulator._serve(self, "POST")

            def do_PUT(self):
                emulator._serve(self, "PUT")

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

    def next_id(self) -> int:
        with self.lock:
            return next(self.ids)

    def writes(self) -> list:
        return [r for r in self.requests if r[0] in ("POST", "PUT") and r[1] != self.token_path]

    # -- plumbing ---------------------------------------------------------------------------
    def _serve(self, h: BaseHTTPRequestHandler, method: str) -> None:
        length = int(h.headers.get("Content-Length") or 0)
        raw = h.rfile.read(length) if length else b""
        url = urlparse(h.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        headers = {k.lower(): v for k, v in h.headers.items()}
        self.requests.append((method, url.path, query, raw, headers))
        if url.path == self.token_path:
            status, payload, extra = self._token(raw.decode(), headers)
        else:
            self._wait_for_callers()
            time.sleep(self.latency)
            try:
                body = json.loads(raw) if raw and "json" in headers.get("content-type", "") \
                    else raw.decode()
            except ValueError:
                body = None
            status, payload, extra = self.handle(method, url.path, query, body, headers)
        self._send(h, status, payload, extra)

    def handle(self, method, path, query, body, headers):
        raise NotImplementedError

    def _wait_for_callers(self, timeout: float = 30.0) -> None:
        """Several clients are let in together, so they really do compete."""
        end = time.monotonic() + timeout
        while len(self.access_tokens) < self.callers_expected and time.monotonic() < end:
            time.sleep(0.01)

    @staticmethod
    def _send(h, status: int, payload, headers: dict | None = None) -> None:
        data = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        h.send_response(status)
        h.send_header("Content-Type", (headers or {}).pop("Content-Type", "application/json"))
        h.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            h.send_header(k, v)
        h.end_headers()
        h.wfile.write(data)

    def _token(self, form: str, headers: dict):
        """POST form `grant_type=refresh_token&refresh_token=…`, client by HTTP Basic."""
        fields = {k: v[0] for k, v in parse_qs(form).items()}
        basic = base64.b64encode(f"{CLIENT_ID}:{CLIENT_SECRET}".encode()).decode()
        if headers.get("authorization") != f"Basic {basic}":
            return 401, {"error": "invalid_client"}, {}
        if fields.get("grant_type") != "refresh_token" or \
                fields.get("refresh_token") not in self.refresh_tokens:
            return 400, {"error": "invalid_grant"}, {}
        access, refresh = secrets.token_hex(12), f"refresh-{secrets.token_hex(6)}"
        with self.lock:
            self.access_tokens.add(access)
            self.refresh_tokens.add(refresh)
        return 200, {"access_token": access, "refresh_token": refresh, "token_type": "bearer",
                     "expires_in": self.access_lifetime}, {}

    access_lifetime = 3600

    def bearer_ok(self, headers: dict) -> bool:
        auth = headers.get("authorization", "")
        return auth.startswith("Bearer ") and auth[7:] in self.access_tokens

    def once(self, key: str | None, make):
        """The first answer for `key` again, or a new one from make() (kept if it was not an
        error: a refused write may be sent again once it is fixed)."""
        if not key:
            return make()
        with self.lock:
            if key in self.answered:
                return self.answered[key]
            answer = make()
            if answer[0] < 400 and not _has_errors(answer[1]):
                self.answered[key] = answer
            return answer


def _has_errors(payload) -> bool:
    if not isinstance(payload, dict):
        return False
    if "Fault" in payload:
        return True
    return any(isinstance(v, list) and any(isinstance(e, dict) and e.get("HasErrors")
                                             for e in v) for v in payload.values())
