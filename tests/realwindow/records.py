"""The station's database read the way another program reads it: read-only, a fresh
connection per look, polled with a short timeout instead of sleeping."""

from __future__ import annotations

import sqlite3
import time
from contextlib import closing
from pathlib import Path

POLL_S = 0.02


class Records:
    def __init__(self, path: Path):
        self.uri = f"file:{path}?mode=ro"

    def rows(self, sql: str, *params) -> list[tuple]:
        with closing(sqlite3.connect(self.uri, uri=True, timeout=5)) as conn:
            return conn.execute(sql, params).fetchall()

    def value(self, sql: str, *params):
        rows = self.rows(sql, *params)
        return rows[0][0] if rows else None

    def wait_for(self, sql: str, *params, timeout: float = 10.0) -> list[tuple]:
        """The rows of `sql` as soon as there are any; [] after `timeout` seconds."""
        return wait_until(lambda: self.rows(sql, *params), timeout)


def wait_until(look, timeout: float = 10.0):
    """`look()` as soon as it is truthy, polled; its last falsy answer after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        answer = look()
        if answer or time.monotonic() > deadline:
            return answer
        time.sleep(POLL_S)
