"""Choosing and opening the database: an embedded SQLite file by default, PostgreSQL for many
workstations."""

from __future__ import annotations

import os
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import ArgumentError, OperationalError

from oms_desktop.errors import DatabaseUnavailable
from oms_desktop.storage.changes import track_writes
from oms_desktop.storage.uow import UnitOfWork

ENV_URL = "OMS_DATABASE_URL"
SQLITE_BUSY_TIMEOUT_MS = 15_000
SQLITE_CACHE_KIB = 65_536


def default_sqlite_url() -> str:
    import platformdirs

    folder = Path(platformdirs.user_data_dir("oms-desktop", appauthor=False))
    return f"sqlite:///{folder / 'oms.sqlite3'}"


def resolve_url(url: str | None = None) -> str:
    """`--db URL`, else $OMS_DATABASE_URL, else the SQLite file in the user data folder."""
    url = url or os.environ.get(ENV_URL) or default_sqlite_url()
    if url.startswith("postgresql://") or url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_setup(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # We issue BEGIN ourselves (below), so the driver must not.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
        cur.execute("PRAGMA foreign_keys = ON")
        cur.execute("PRAGMA journal_mode = WAL")
        cur.execute("PRAGMA synchronous = NORMAL")
        # 64 MiB of page cache (the default is 2 MiB): the orders' indexes of a large import
        # or queue stay in memory instead of being read back page by page.
        cur.execute(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A writing unit of work takes the write lock at BEGIN, so two workstations never
        # both read the last unit and then both write; reads stay deferred and concurrent.
        mode = conn.get_execution_options().get("sqlite_begin", "IMMEDIATE")
        conn.exec_driver_sql(f"BEGIN {mode}")


class Database:
    """One per process: the engine, and units of work on it. `create=False` refuses a SQLite
    file that does not exist yet (a mistyped path must not leave folders and an empty
    database behind); only `db upgrade`, `demo` and the window create one."""

    def __init__(self, url: str, *, echo: bool = False, create: bool = True):
        self.url = url
        try:
            parsed = make_url(url)
        except ArgumentError as exc:
            raise DatabaseUnavailable(f"Not a database URL: {url!r}") from exc
        self.dialect = parsed.get_backend_name()
        if self.dialect == "sqlite":
            db_file = parsed.database
            if db_file and db_file != ":memory:" and not db_file.startswith("file:"):
                path = Path(db_file).expanduser()
                if create:
                    path.parent.mkdir(parents=True, exist_ok=True)
                elif not path.is_file():
                    raise DatabaseUnavailable(
                        f"No database at {path}: check --db (or $OMS_DATABASE_URL), or create "
                        "one with `oms-desktop db upgrade` or `oms-desktop demo`")
            self.engine = sa.create_engine(url, echo=echo)
            _sqlite_setup(self.engine)
            track_writes(self.engine)
            self._read_engine = self.engine.execution_options(sqlite_begin="DEFERRED")
        elif self.dialect == "postgresql":
            try:
                self.engine = sa.create_engine(url, echo=echo, pool_pre_ping=True,
                                               connect_args={"connect_timeout": 5})
            except ImportError as exc:  # the driver is an extra: oms-desktop[postgres]
                raise DatabaseUnavailable(
                    f"PostgreSQL needs its driver ({exc.name or parsed.get_driver_name()}), "
                    "which is not installed: install oms-desktop[postgres] "
                    "(pip install 'oms-desktop[postgres]')") from exc
            track_writes(self.engine)
            self._read_engine = self.engine
        else:
            raise DatabaseUnavailable(
                f"Unsupported database {self.dialect!r}: use sqlite:///FILE or "
                "postgresql+psycopg://USER@HOST/DB")

    @property
    def is_sqlite(self) -> bool:
        return self.dialect == "sqlite"

    @property
    def sqlite_file(self) -> Path | None:
        """The SQLite file, if this is one (not in memory)."""
        name = make_url(self.url).database if self.is_sqlite else None
        if not name or name == ":memory:" or name.startswith("file:"):
            return None
        return Path(name).expanduser()

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @property
    def login(self) -> str | None:
        """The user name in the URL (PostgreSQL), if any."""
        return make_url(self.url).username

    def for_login(self, username: str, password: str) -> "Database":
        """The same database through another person's own login (PostgreSQL)."""
        url = make_url(self.url).set(username=username, password=password)
        return Database(url.render_as_string(hide_password=False))

    def adopt(self, other: "Database") -> None:
        """Carry on through `other`'s connection (another person signed in at this station);
        the old engine is closed."""
        old = self.engine
        self.url, self.engine, self._read_engine = other.url, other.engine, other._read_engine
        old.dispose()

    def uow(self, *, readonly: bool = False) -> UnitOfWork:
        return UnitOfWork(self._read_engine if readonly else self.engine)

    def check(self) -> None:
        """Connect once, turning driver errors into one clear message."""
        try:
            with self.engine.connect() as conn:
                conn.exec_driver_sql("SELECT 1")
        except OperationalError as exc:
            reason = " ".join(str(exc.orig).split())  # one line, whatever the driver says
            raise DatabaseUnavailable(f"Cannot open database {self.display_url}: {reason}") from exc

    def dispose(self) -> None:
        self.engine.dispose()


def require_sqlite_schema(path: Path) -> None:
    """Refuse a SQLite file that is not an oms-desktop database, read-only and before the
    engine's first connection (which would switch it to WAL): a file given by mistake is left
    exactly as it was."""
    import sqlite3

    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            found = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                 "name = 'alembic_version'").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        raise DatabaseUnavailable(f"Cannot open database {path}: {exc}") from exc
    if found is None:
        raise DatabaseUnavailable(
            f"{path} is not an oms-desktop database (it has no schema): check --db, or create "
            "the schema with `oms-desktop db upgrade`")
