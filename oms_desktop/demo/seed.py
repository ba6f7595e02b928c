"""The demo data set: one organisation, two brands, four sites, 341 products, three channels
and N orders in every state, written in bulk (Core executemany on SQLite, COPY on
PostgreSQL) from rows generated deterministically (services/demo_build.py)."""

from __future__ import annotations

import gc
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from oms_desktop.demo.build import DEMO_USERS, DemoBuilder
from oms_desktop.demo.write import BulkWriter
from oms_desktop.errors import ValidationError
from oms_desktop.model import SYSTEM, Actor, Base, Order
from oms_desktop.model.search import index_rows
from oms_desktop.policies.permissions import require
from oms_desktop.services.users.passwords import hash_secret
from oms_desktop.storage import Database, open_database

DEFAULT_ORDERS = 2_000
DEFAULT_SEED = 1
CHUNK_ORDERS = 10_000
DEMO_PINS = {user: pin for user, _name, _role, pin in DEMO_USERS}
# Written in bulk: their secondary indexes are built once after the load, not row by row.
BULK_TABLES = ("customers", "orders", "order_lines", "order_words", "order_holds", "order_tags",
               "shipments", "shipment_lines", "reservations", "stock_moves", "audit_events")


@dataclass(frozen=True)
class DemoSummary:
    seed: int
    orders: int
    states: dict[str, int]
    rows: dict[str, int]
    seconds: float
    users: dict[str, str]  # username -> PIN


def seed_demo(db: Database, *, orders: int = DEFAULT_ORDERS, seed: int = DEFAULT_SEED,
              today: date | None = None, actor: Actor = SYSTEM) -> DemoSummary:
    """Fill an empty database with the demo world; ship-by dates lie around `today`."""
    require(actor, "users.manage")
    if orders < 0:
        raise ValidationError("The number of orders cannot be negative")
    started = time.perf_counter()
    builder = DemoBuilder(seed=seed, orders=orders, today=today or date.today())
    hashes = {user: hash_secret(pin) for user, pin in DEMO_PINS.items()}
    with db.engine.begin() as conn, _no_cycle_collection():
        if not _is_empty(conn):
            raise ValidationError("The database already holds data; the demo needs an empty one")
        writer = BulkWriter(conn, deferred_indexes=BULK_TABLES)
        writer.write(builder.reference(hashes))
        for rows in builder.order_chunks(CHUNK_ORDERS):
            rows["order_words"] = index_rows(rows["orders"], rows.get("order_lines", ()))
            writer.write(rows)
        moves, levels = builder.closing()
        writer.write({"stock_moves": moves, "settings": builder.settings()})
        _set_levels(conn, levels)
        writer.finish()
    _analyze(db)
    return DemoSummary(seed, orders, order_states(db), dict(writer.counts),
                       round(time.perf_counter() - started, 3), dict(DEMO_PINS))


@contextmanager
def _no_cycle_collection():
    """Millions of short-lived rows hold no cycles: the cyclic collector, triggered again and
    again by the allocations, would only rescan them (it costs a third of the run)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def order_states(db: Database) -> dict[str, int]:
    with db.engine.connect() as conn:
        return {str(status): n for status, n in conn.execute(
            sa.select(Order.status, sa.func.count()).group_by(Order.status))}


def demo_database_url() -> str:
    import platformdirs

    folder = Path(platformdirs.user_data_dir("oms-desktop", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'demo.sqlite3'}"


def ensure_demo_database() -> str:
    """The URL of the demo SQLite file in the user data folder, seeded on first use."""
    url = demo_database_url()
    db = open_database(url)
    try:
        with db.engine.connect() as conn:
            empty = _is_empty(conn)
        if empty:
            try:
                seed_demo(db)
            except ValidationError:
                pass  # another process seeded it meanwhile
    finally:
        db.dispose()
    return url


def _is_empty(conn: Connection) -> bool:
    tables = Base.metadata.tables
    return not any(conn.scalar(sa.select(sa.literal(1)).select_from(tables[name]).limit(1))
                   for name in ("orders", "products", "locations", "users"))


def _set_levels(conn: Connection, levels: list[dict]) -> None:
    table = Base.metadata.tables["stock_levels"]
    statement = (sa.update(table).where(table.c.id == sa.bindparam("level_id"))
                 .values(on_hand=sa.bindparam("new_on_hand"),
                         reserved=sa.bindparam("new_reserved")))
    if levels:
        conn.execute(statement, levels)


def _analyze(db: Database) -> None:
    """Fresh planner statistics, so that the queue's indexes are chosen from the start; on
    PostgreSQL a VACUUM as well, which lets counts and keyset pages read the indexes only."""
    if db.is_sqlite:
        with db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
            conn.exec_driver_sql("ANALYZE")
            conn.commit()
        return
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.exec_driver_sql("VACUUM (ANALYZE)")
