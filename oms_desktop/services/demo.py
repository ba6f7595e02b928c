"""The demo data set: one organisation, two brands, four sites, 341 products, three channels
and N orders in every state, written in bulk (Core executemany on SQLite, COPY on
PostgreSQL) from rows generated deterministically (services/demo_build.py)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from oms_desktop.errors import ValidationError
from oms_desktop.model import SYSTEM, Actor, Base, Money, Order, UtcDateTime
from oms_desktop.model.base import MONEY_SCALE
from oms_desktop.policies.permissions import require
from oms_desktop.services.auth import hash_secret
from oms_desktop.services.demo_build import DEMO_USERS, DemoBuilder
from oms_desktop.storage import Database, open_database

DEFAULT_ORDERS = 2_000
DEFAULT_SEED = 1
CHUNK_ORDERS = 10_000
BATCH_ROWS = 10_000
DEMO_PINS = {user: pin for user, _name, _role, pin in DEMO_USERS}
# Parents before children: the order the foreign keys need.
TABLES = ["users", "locations", "channels", "channel_locations", "products", "product_barcodes",
          "kit_components", "stock_levels", "customers", "orders", "order_lines", "order_holds",
          "order_tags", "shipments", "shipment_lines", "reservations", "stock_moves",
          "audit_events"]


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
    with db.engine.begin() as conn:
        if not _is_empty(conn):
            raise ValidationError("The database already holds data; the demo needs an empty one")
        writer = BulkWriter(conn)
        writer.write(builder.reference(hashes))
        for rows in builder.order_chunks(CHUNK_ORDERS):
            writer.write(rows)
        moves, levels = builder.closing()
        writer.write({"stock_moves": moves})
        _set_levels(conn, levels)
        writer.finish()
    _analyze(db)
    return DemoSummary(seed, orders, order_states(db), dict(writer.counts),
                       round(time.perf_counter() - started, 3), dict(DEMO_PINS))


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
    """Fresh planner statistics, so that the queue's indexes are chosen from the start."""
    with db.engine.connect() as conn:
        if db.is_sqlite:
            conn.exec_driver_sql("PRAGMA analysis_limit = 1000")
        conn.exec_driver_sql("ANALYZE")
        conn.commit()


class BulkWriter:
    """Inserts rows table by table in one transaction: executemany in batches on SQLite,
    COPY on PostgreSQL (ids are given, so PostgreSQL's sequences are moved on at the end)."""

    def __init__(self, conn: Connection):
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}
        if not self.pg:
            conn.exec_driver_sql("PRAGMA cache_size = -262144")

    def write(self, rows: dict[str, list[dict]]) -> None:
        for name in TABLES:
            if rows.get(name):
                self.insert(Base.metadata.tables[name], rows[name])

    def insert(self, table: sa.Table, rows: list[dict]) -> None:
        rows = _with_defaults(table, rows)
        if self.pg:
            self._copy(table, rows)
        else:
            self._executemany(table, rows)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)

    def _executemany(self, table: sa.Table, rows: list[dict]) -> None:
        """The driver's executemany with values converted once per column, as SQLAlchemy's
        bind processors would, without building a parameter dict per row."""
        columns = list(rows[0])
        convert = [(i, c) for i, c in ((i, _sqlite_converter(table.c[name].type, self.conn))
                                       for i, name in enumerate(columns)) if c]
        sql = (f'INSERT INTO "{table.name}" ({", ".join(columns)}) '
               f'VALUES ({", ".join("?" * len(columns))})')
        for start in range(0, len(rows), BATCH_ROWS):
            batch = [[row[c] for c in columns] for row in rows[start:start + BATCH_ROWS]]
            for i, fn in convert:
                for values in batch:
                    if values[i] is not None:
                        values[i] = fn(values[i])
            self.conn.exec_driver_sql(sql, [tuple(values) for values in batch])

    def _copy(self, table: sa.Table, rows: list[dict]) -> None:
        from psycopg.types.json import Json

        columns = list(rows[0])
        jsons = [i for i, c in enumerate(columns) if isinstance(table.c[c].type, sa.JSON)]
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = self.conn.connection.driver_connection.cursor()
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in rows:
                values = [row[c] for c in columns]
                for i in jsons:
                    values[i] = None if values[i] is None else Json(values[i])
                copy.write_row(values)

    def finish(self) -> None:
        if not self.pg:
            return
        for name in self.counts:
            table = Base.metadata.tables[name]
            if "id" in table.c and table.c.id.autoincrement in (True, "auto") and \
                    table.c.id.primary_key:
                self.conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM \"{name}\"))")


def _sqlite_converter(column_type, conn: Connection):
    """How a column's Python value becomes what SQLite stores (None: as it is)."""
    if isinstance(column_type, Money):
        return lambda v: int(Decimal(v).scaleb(MONEY_SCALE))
    if isinstance(column_type, UtcDateTime):
        # the generator gives UTC datetimes: SQLAlchemy's SQLite text form, microseconds on
        return lambda v: v.isoformat(" ", "microseconds")[:26]
    if isinstance(column_type, (sa.Boolean, sa.Integer, sa.String, sa.Enum)):
        return None
    return column_type._cached_bind_processor(conn.dialect) or None


def _with_defaults(table: sa.Table, rows: list[dict]) -> list[dict]:
    """Columns the generator does not know (added by later features) get their defaults."""
    missing = {}
    for column in table.columns:
        if column.name in rows[0] or column.default is None:
            continue
        default = column.default
        missing[column.name] = default.arg(None) if default.is_callable else default.arg
    if not missing:
        return rows
    return [{**missing, **row} for row in rows]
