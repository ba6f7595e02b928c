"""What a commit changed, as areas the screens care about, for this workstation and others.

Every statement that writes rows is seen by an engine hook, which remembers its table on the
connection; at commit the tables become areas (`Area`). Then:
- here: a `collecting()` block (the screens' background-op helper opens one around each op)
  receives the areas its commits touched, so an op announces exactly what it changed;
- other workstations, PostgreSQL: the commit sends `NOTIFY oms_changes` with the areas, and a
  `PgChangeListener` on each workstation LISTENs;
- other workstations, SQLite: a `SqliteChangePoller` watches `PRAGMA data_version`, which
  moves whenever another connection commits; SQLite cannot say what changed, so it reports
  every area.

Nothing here knows about Qt."""

from __future__ import annotations

import enum
import json
import os
import re
import sqlite3
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterable, Iterator

from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url

CHANNEL = "oms_changes"
_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_TOUCHED = "oms_touched_tables"


class Area(enum.StrEnum):
    orders = "orders"
    shipments = "shipments"
    printing = "printing"
    floor = "floor"
    stock = "stock"
    catalog = "catalog"
    locations = "locations"
    channels = "channels"
    sync = "sync"
    returns = "returns"
    rules = "rules"
    notifications = "notifications"
    settings = "settings"
    users = "users"
    books = "books"


def _tables(area: Area, *names: str) -> dict[str, Area]:
    return {name: area for name in names}


AREA_OF_TABLE: dict[str, Area] = {
    **_tables(Area.orders, "orders", "order_lines", "order_holds", "order_tags", "order_words",
              "customers"),
    **_tables(Area.shipments, "shipments", "shipment_lines", "packages", "shipping_labels",
              "label_purchases", "tracking_events", "manifests"),
    **_tables(Area.printing, "print_jobs"),
    **_tables(Area.floor, "pick_lists", "pick_list_slots", "pick_list_lines", "pick_list_items",
              "short_picks", "scan_events"),
    **_tables(Area.stock, "stock_levels", "stock_moves", "reservations", "cycle_counts",
              "cycle_count_bins", "cycle_count_lines", "reorder_points",
              "replenishment_suggestions"),
    **_tables(Area.catalog, "products", "product_barcodes", "kit_components"),
    **_tables(Area.locations, "locations"),
    **_tables(Area.channels, "channels", "channel_locations", "channel_order_states",
              "channel_sku_levels", "inventory_sync_log", "channel_outbox"),
    **_tables(Area.sync, "sync_runs", "sync_cursors", "sync_errors", "report_files"),
    **_tables(Area.returns, "returns", "return_lines", "return_units", "refunds"),
    **_tables(Area.rules, "automation_rules", "automation_rule_runs"),
    **_tables(Area.notifications, "notification_templates", "notification_outbox"),
    **_tables(Area.settings, "settings"),
    **_tables(Area.users, "users", "user_sites"),
    # business customers: their terms, POs, invoices and EDI belong with their orders
    **_tables(Area.orders, "b2b_accounts", "trading_partners", "customer_prices",
              "purchase_order_lines", "invoices", "invoice_lines", "invoice_payments",
              "edi_documents"),
    **_tables(Area.books, "book_postings", "book_mappings", "channel_fees"),
    **_tables(Area.channels, "brands"),  # a brand is what its channels' documents carry
    **_tables(Area.stock, "stock_transfers", "stock_transfer_lines"),
    # a customer's delivery terms and an order's dated stages are the order's; pallets and
    # freight bookings are its shipments'
    **_tables(Area.orders, "delivery_terms", "delivery_stages", "delivery_stage_lines"),
    **_tables(Area.shipments, "pallets", "pallet_cartons", "freight_bookings"),
}
IGNORED_TABLES = frozenset({"audit_events", "alembic_version"})
ALL_AREAS = frozenset(Area)

_collector: ContextVar[set[Area] | None] = ContextVar("oms_changes_collector", default=None)


def areas_of(tables: Iterable[str]) -> set[Area]:
    """Tables written -> the areas screens care about."""
    return {AREA_OF_TABLE[t] for t in tables if t in AREA_OF_TABLE}


@contextmanager
def collecting() -> Iterator[set[Area]]:
    """Collect the areas of every commit made in this block (on this thread)."""
    areas: set[Area] = set()
    token = _collector.set(areas)
    try:
        yield areas
    finally:
        _collector.reset(token)


def track_writes(engine: Engine) -> None:
    """Remember the tables each transaction writes; at commit, hand their areas to the
    current `collecting()` block and, on PostgreSQL, NOTIFY them (in the same commit)."""
    notify = engine.dialect.name == "postgresql"

    @event.listens_for(engine, "after_cursor_execute")
    def _remember(conn, _cursor, statement, _params, _context, _many):
        match = _WRITE.match(statement)
        if match:
            conn.info.setdefault(_TOUCHED, set()).add(match.group(1).lower())

    @event.listens_for(engine, "commit")
    def _committed(conn):
        areas = areas_of(conn.info.pop(_TOUCHED, ()))
        if not areas:
            return
        collected = _collector.get()
        if collected is not None:
            collected |= areas
        if notify:
            cursor = conn.connection.dbapi_connection.cursor()
            cursor.execute("SELECT pg_notify(%s, %s)", (CHANNEL, _payload(areas)))
            cursor.close()

    @event.listens_for(engine, "rollback")
    def _forget(conn):
        conn.info.pop(_TOUCHED, None)


def _payload(areas: set[str]) -> str:
    return json.dumps({"pid": os.getpid(), "areas": sorted(areas)})


def parse_payload(payload: str) -> set[Area]:
    try:
        return {Area(a) for a in json.loads(payload)["areas"] if a in Area.__members__}
    except (ValueError, KeyError, TypeError):
        return set(ALL_AREAS)


def libpq_params(url: str) -> dict:
    """Connection keywords for psycopg (a password may hold any character)."""
    parsed = make_url(url)
    return {**parsed.translate_connect_args(username="user", database="dbname"),
            **parsed.query}


class PgChangeListener:
    """A connection of its own that LISTENs; `wait(timeout)` returns the areas notified."""

    def __init__(self, url: str):
        import psycopg

        self._conn = psycopg.connect(autocommit=True, connect_timeout=5, **libpq_params(url))
        self._conn.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> set[Area]:
        """Returns at the first notification (with its areas), or empty after `timeout`."""
        areas: set[Area] = set()
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

    def poll(self) -> set[Area]:
        version = self._read()
        if version == self._version:
            return set()
        self._version = version
        return set(ALL_AREAS)

    def close(self) -> None:
        self._conn.close()
