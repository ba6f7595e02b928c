"""A network label printer on 127.0.0.1: accepts raw ZPL like port 9100, keeps every format
(split on ^XZ), answers ~HS with a canned status."""

from __future__ import annotations

import socket
import threading
import time


class ZplPrinter:
    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen()
        self.sock.settimeout(0.05)
        self.labels: list[str] = []
        self.received = b""
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    @property
    def port(self) -> int:
        return self.sock.getsockname()[1]

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self.thread.join(2)
        self.sock.close()

    def wait_for(self, count: int, timeout: float = 5.0) -> list[str]:
        """The labels once `count` have arrived (the sender does not wait for the printer)."""
        deadline = time.monotonic() + timeout
        while len(self.labels) < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.labels

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                continue
            with conn:
                self._read(conn)

    def _read(self, conn: socket.socket) -> None:
        data = b""
        conn.settimeout(2)
        while chunk := conn.recv(65536):
            data += chunk
            if data.rstrip().endswith(b"~HS"):
                conn.sendall(b"\x02030,0,0,1245,000,0,0,0,000,0,0,0\x03\r\n")
        self.received += data
        text = data.decode("utf-8")
        self.labels += [f + "^XZ" for f in text.split("^XZ") if "^XA" in f]


def closed_port() -> int:
    """A port nothing listens on: connecting to it is refused."""
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
