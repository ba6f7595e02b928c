"""Shared fixtures: a real database on SQLite and, when reachable, on PostgreSQL."""

from __future__ import annotations

import os
import shutil
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

# Qt tests run offscreen because the test configuration says so, not the caller.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMS_DISABLE_SOUND", "1")

import pytest
import sqlalchemy as sa

from oms_desktop import bootstrap
from oms_desktop.services import messagebus
from oms_desktop.storage import Database
from oms_desktop.storage.migrate import upgrade

PG_URL = os.environ.get("OMS_TEST_POSTGRES_URL")
REQUIRE_PG = os.environ.get("OMS_REQUIRE_POSTGRES") == "1"

bootstrap.start()  # the event table, as the window and the command line install it


def pytest_configure(config):
    if REQUIRE_PG and not PG_URL:
        raise pytest.UsageError("OMS_REQUIRE_POSTGRES=1 but OMS_TEST_POSTGRES_URL is not set")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is the slow part)."""
    path = tmp_path_factory.mktemp("template") / "template.sqlite3"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    db.dispose()
    return path


@pytest.fixture(scope="session")
def pg_database_url():
    """A fresh PostgreSQL database for this test session, migrated once, dropped at the end."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set OMS_TEST_POSTGRES_URL)")
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"oms_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    except sa.exc.OperationalError as exc:
        if REQUIRE_PG:
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc.orig}")
    url = sa.engine.make_url(PG_URL).set(database=name).render_as_string(hide_password=False)
    db = Database(url)
    upgrade(db)
    db.dispose()
    yield url
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@contextmanager
def postgres_database(prefix: str) -> Iterator[str]:
    """A new, empty PostgreSQL database on the test server (its URL), dropped afterwards."""
    if not PG_URL:
        pytest.skip("PostgreSQL not configured (set OMS_TEST_POSTGRES_URL)")
    admin = sa.create_engine(PG_URL, isolation_level="AUTOCOMMIT")
    name = f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield sa.engine.make_url(PG_URL).set(database=name).render_as_string(
            hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


def _truncate_all(db: Database) -> None:
    names = [n for n in sa.inspect(db.engine).get_table_names() if n != "alembic_version"]
    tables = ", ".join(f'"{n}"' for n in names)
    with db.engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {tables} RESTART IDENTITY CASCADE")


def empty_database_url(request, kind: str, tmp_path, sqlite_template) -> str:
    """The URL of an empty, migrated database: "sqlite" or "postgresql"."""
    if kind == "sqlite":
        path = tmp_path / "oms.sqlite3"
        shutil.copy(sqlite_template, path)
        return f"sqlite:///{path}"
    url = request.getfixturevalue("pg_database_url")
    db = Database(url)
    _truncate_all(db)
    db.dispose()
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path, sqlite_template) -> str:
    """The URL of an empty, migrated database of each kind."""
    return empty_database_url(request, request.param, tmp_path, sqlite_template)


@pytest.fixture
def db(db_url):
    database = Database(db_url)
    yield database
    database.dispose()


@pytest.fixture
def screenshot_dir(tmp_path) -> Path:
    """Where tests save what they render for review: a temporary folder, or the folder named
    by $OMS_SCREENSHOT_DIR (e.g. resources/screenshots to refresh the README's pictures)."""
    folder = Path(os.environ.get("OMS_SCREENSHOT_DIR") or tmp_path / "screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@pytest.fixture
def sqlite_db(tmp_path, sqlite_template):
    """SQLite only, for tests whose subject is not the database (UI, documents)."""
    path = tmp_path / "oms.sqlite3"
    shutil.copy(sqlite_template, path)
    database = Database(f"sqlite:///{path}")
    yield database
    database.dispose()


class _RecordEverything(dict):
    """A handler table that hands every event, of whatever type, to one recorder."""

    def __init__(self, record):
        super().__init__()
        self.record = record

    def get(self, _event_type, default=None):
        return [lambda _session, event: self.record(event)]


@pytest.fixture
def published(monkeypatch) -> list:
    """Every event published during the test, recorded instead of handled."""
    seen: list = []
    monkeypatch.setattr(messagebus, "_table", _RecordEverything(seen.append))
    return seen


@pytest.fixture
def cli_admin(db, monkeypatch) -> str:
    """Someone for the command line to act as: on SQLite an admin named by $OMS_USER who
    proves it with $OMS_PIN; on PostgreSQL the test's own database login acts."""
    from oms_desktop.services.users import accounts
    from oms_desktop.values import SYSTEM

    if accounts.has_users(db):
        accounts.create_user(db, actor=SYSTEM, username="cli-admin", display_name="CLI",
                             role="admin", secret="2468")
    else:
        accounts.create_first_admin(db, username="cli-admin", display_name="CLI",
                                    secret="2468")
    monkeypatch.setenv("OMS_USER", "cli-admin")
    monkeypatch.setenv("OMS_PIN", "2468")
    return "cli-admin"


@pytest.fixture(autouse=True)
def station_printers_file(tmp_path, monkeypatch) -> Path:
    """Every test's printers.json is its own (OMS_PRINTERS_FILE): nothing reads or writes the
    printer profiles of the person running the tests."""
    path = tmp_path / "printers.json"
    monkeypatch.setenv("OMS_PRINTERS_FILE", str(path))
    return path
