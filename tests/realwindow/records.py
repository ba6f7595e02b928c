"""The station's database read the way another program reads it: read-only, a fresh
connection per look, polled with a short timeout instead of sleeping."""

from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

from tests.realwindow.polling import wait_until


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

