"""Telling other workstations what changed.

PostgreSQL: every committed transaction that wrote rows sends `NOTIFY oms_changes` with the
areas it touched (a commit hook on the engine); a `PgChangeListener` on each workstation
LISTENs. SQLite: a `SqliteChangePoller` watches `PRAGMA data_version`, which moves whenever
another connection commits; SQLite cannot say what changed, so it reports every area.

Neither class knows about Qt; the UI turns their answers into `ctx.changes.announce(...)`."""

from __future__ import annotations

import json
import os
import re
import sqlite3

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

CHANNEL = "oms_changes"
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_TOUCHED = "oms_touched_tables"

AREA_OF_TABLE = {
    "orders": "orders", "order_lines": "orders", "order_holds": "orders",
    "order_tags": "orders", "customers": "orders",
    "shipments": "shipments", "shipment_lines": "shipments", "packages": "shipments",
    "stock_levels": "stock", "stock_moves": "stock", "reservations": "stock",
    "products": "catalog", "product_barcodes": "catalog", "kit_components": "catalog",
    "locations": "locations", "channels": "channels", "channel_locations": "channels",
    "settings": "settings", "users": "users",
    "returns": "returns", "return_lines": "returns", "refunds": "returns",
    "sync_runs": "sync", "sync_cursors": "sync", "sync_errors": "sync",
}
IGNORED_TABLES = frozenset({"audit_events", "alembic_version"})
ALL_AREAS = frozenset(AREA_OF_TABLE.values()) | {"rules"}


def areas_of(tables: set[str]) -> set[str]:
    """Tables written -> areas screens care about (an unknown table counts as its own area)."""
    return {AREA_OF_TABLE.get(t, t) for t in tables if t not in IGNORED_TABLES}


def track_writes(engine: Engine) -> None:
    """On PostgreSQL, NOTIFY the areas each committed transaction wrote (in the same commit)."""
    if engine.dialect.name != "postgresql":
        return

    @event.listens_for(engine, "after_cursor_execute")
    def _remember(conn, _cursor, statement, _params, _context, _many):
        match = _WRITE.match(statement)
        if match:
            conn.info.setdefault(_TOUCHED, set()).add(match.group(1).lower())

    @event.listens_for(engine, "commit")
    def _notify(conn):
        areas = areas_of(conn.info.pop(_TOUCHED, set()))
        if areas:
            cursor = conn.connection.dbapi_connection.cursor()
            cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, _payload(areas)))
            cursor.close()

    @event.listens_for(engine, "rollback")
    def _forget(conn):
        conn.info.pop(_TOUCHED, None)


def _payload(areas: set[str]) -> str:
    return json.dumps({"pid": os.getpid(), "areas": sorted(areas)})


def parse_payload(payload: str) -> set[str]:
    try:
        return set(json.loads(payload)["areas"])
    except (ValueError, KeyError, TypeError):
        return set(ALL_AREAS)


class PgChangeListener:
    """A connection of its own that LISTENs; `wait(timeout)` returns the areas notified."""

    def __init__(self, url: str):
        import psycopg

        conninfo = make_url(url).set(drivername="postgresql").render_as_string(
            hide_password=False)
        self._conn = psycopg.connect(conninfo, autocommit=True, connect_timeout=5)
        self._conn.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> set[str]:
        """Returns at the first notification (with its areas), or empty after `timeout`."""
        areas: set[str] = set()
        for note in self._conn.notifies(timeout=timeout, stop_after=1):
            areas |= parse_payload(note.payload)
        return areas

    def close(self) -> None:
        self._conn.close()


class SqliteChangePoller:
    """`poll()` returns every area once another connection has committed since the last poll."""

    def __init__(self, url: str):
        path = make_url(url).database
        self._conn = sqlite3.connect(path, check_same_thread=False)
        self._version = self._read()

    def _read(self) -> int:
        return self._conn.execute("PRAGMA data_version").fetchone()[0]

    def poll(self) -> set[str]:
        version = self._read()
        if version == self._version:
            return set()
        self._version = version
        return set(ALL_AREAS)

    def close(self) -> None:
        self._conn.close()
