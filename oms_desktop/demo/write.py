"""Writing generated rows in bulk inside one transaction: the driver's executemany in
batches on SQLite, COPY on PostgreSQL. Rows carry their ids; money is in cents and datetimes
are naive UTC (what the UtcDateTime columns store)."""

from __future__ import annotations

from decimal import Decimal
from operator import itemgetter

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from oms_desktop.model import Base, Money, UtcDateTime, load_all

load_all()  # the writer inserts into tables by name

BATCH_ROWS = 10_000
# Parents before children: the order the foreign keys need.
TABLES = ["users", "locations", "brands", "channels", "channel_locations", "products", "product_barcodes",
          "kit_components", "stock_levels", "customers", "orders", "order_lines", "order_words", "order_holds",
          "order_tags", "shipments", "shipment_lines", "reservations", "stock_moves",
          "audit_events", "settings"]


class BulkWriter:
    """Use in one transaction, then call finish(). The secondary indexes of
    `deferred_indexes` tables are dropped first and built again by finish(): building an
    index once over sorted keys is far cheaper than updating it row by row."""

    def __init__(self, conn: Connection, *, deferred_indexes: tuple[str, ...] = ()):
        self.conn = conn
        self.pg = conn.dialect.name == "postgresql"
        self.counts: dict[str, int] = {}
        if not self.pg:
            conn.exec_driver_sql("PRAGMA cache_size = -262144")
        self._indexes = self._drop_indexes(deferred_indexes) if deferred_indexes else []

    def write(self, rows: dict[str, list[dict]]) -> None:
        for name in TABLES:
            if rows.get(name):
                self.insert(Base.metadata.tables[name], rows[name])

    def insert(self, table: sa.Table, rows: list[dict]) -> None:
        rows = _with_defaults(table, rows)
        columns = list(rows[0])
        values = list(map(itemgetter(*columns), rows)) if len(columns) > 1 else \
            [(row[columns[0]],) for row in rows]
        converters = self._converters(table, columns)
        if converters:  # column by column: the loops run in C but for the conversion itself
            by_column = list(zip(*values))
            for i, convert in converters:
                by_column[i] = [None if v is None else convert(v) for v in by_column[i]]
            values = list(zip(*by_column))
        if self.pg:
            self._copy(table, columns, values)
        else:
            self._executemany(table, columns, values)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)

    def finish(self) -> None:
        for statement in self._indexes:
            self.conn.exec_driver_sql(statement)
        if self.pg:
            self._move_sequences()

    def _converters(self, table: sa.Table, columns: list[str]) -> list:
        found = [(i, self._converter(table.c[name].type)) for i, name in enumerate(columns)]
        return [(i, fn) for i, fn in found if fn is not None]

    def _converter(self, column_type):
        """How a generated value becomes what the driver is given (None: as it is)."""
        if isinstance(column_type, Money):
            return (lambda cents: Decimal(cents).scaleb(-2)) if self.pg else \
                (lambda cents: cents * 100)  # SQLite keeps ten-thousandths
        if self.pg:
            if isinstance(column_type, sa.JSON):
                from psycopg.types.json import Json

                return Json
            return None
        if isinstance(column_type, UtcDateTime):  # SQLAlchemy's SQLite text form
            return lambda at: at.isoformat(" ", "microseconds")
        if isinstance(column_type, (sa.Boolean, sa.Integer, sa.String, sa.Enum)):
            return None
        return column_type._cached_bind_processor(self.conn.dialect)

    def _executemany(self, table: sa.Table, columns: list[str], values: list[tuple]) -> None:
        sql = (f'INSERT INTO "{table.name}" ({", ".join(columns)}) '
               f'VALUES ({", ".join("?" * len(columns))})')
        for start in range(0, len(values), BATCH_ROWS):
            self.conn.exec_driver_sql(sql, values[start:start + BATCH_ROWS])

    def _copy(self, table: sa.Table, columns: list[str], values: list[tuple]) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        cursor = self.conn.connection.driver_connection.cursor()
        with cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy:
            for row in values:
                copy.write_row(row)

    def _drop_indexes(self, tables: tuple[str, ...]) -> list[str]:
        """Drop the tables' own indexes (not those of constraints); their DDL to rebuild."""
        names = ", ".join(f"'{t}'" for t in tables)
        if self.pg:
            query = ("SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = "
                     f"current_schema() AND tablename IN ({names}) AND indexname NOT IN "
                     "(SELECT conname FROM pg_constraint)")
        else:
            query = ("SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT "
                     f"NULL AND tbl_name IN ({names})")
        found = self.conn.exec_driver_sql(query).all()
        for name, _ddl in found:
            self.conn.exec_driver_sql(f'DROP INDEX "{name}"')
        return [ddl for _name, ddl in found]

    def _move_sequences(self) -> None:
        """Ids were given, so each table's sequence is moved past the largest."""
        for name in self.counts:
            table = Base.metadata.tables[name]
            if "id" in table.c and table.c.id.primary_key and table.c.id.autoincrement:
                self.conn.exec_driver_sql(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM \"{name}\"))")


def _with_defaults(table: sa.Table, rows: list[dict]) -> list[dict]:
    """Columns the generator does not know (added by later features) get their defaults;
    the database fills those with a default of its own."""
    missing = {}
    for column in table.columns:
        if column.name in rows[0] or column.default is None or column.server_default is not None:
            continue
        default = column.default
        missing[column.name] = default.arg(None) if default.is_callable else default.arg
    if not missing:
        return rows
    return [{**missing, **row} for row in rows]
