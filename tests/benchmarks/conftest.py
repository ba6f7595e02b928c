"""Shared benchmark fixtures: the demo data set at a million orders, seeded once and kept.

`million_orders_sqlite` is a SQLite file in pytest's cache folder (.pytest_cache/d/oms-bench),
`million_orders_pg` a database `oms_bench_million_<key>` on the OMS_TEST_POSTGRES_URL server;
both are reused by later sessions while the schema (the migration heads) is unchanged.
Treat them as read-only: tests that write must copy them first."""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from datetime import date

import pytest
import sqlalchemy as sa

from oms_desktop.demo.seed import order_states, seed_demo
from oms_desktop.storage import Database
from oms_desktop.storage.migrate import current, heads, upgrade

MILLION = 1_000_000
SEED = 1
TODAY = date(2026, 11, 27)  # fixed, so a kept data set does not drift from its key


@dataclass(frozen=True)
class SeededDatabase:
    url: str
    seed_seconds: float | None  # None when an earlier session's data set was reused


def _schema_key() -> str:
    probe = Database("sqlite://")
    key = ",".join(sorted(heads(probe))) + f"|{MILLION}|{SEED}|{TODAY}"
    probe.dispose()
    return hashlib.sha1(key.encode()).hexdigest()[:10]


def _ready(db: Database) -> bool:
    try:
        return current(db) == heads(db) and sum(order_states(db).values()) == MILLION
    except sa.exc.SQLAlchemyError:
        return False


def _seed(url: str) -> float:
    db = Database(url)
    try:
        upgrade(db)
        started = time.perf_counter()
        seed_demo(db, orders=MILLION, seed=SEED, today=TODAY)
        return time.perf_counter() - started
    finally:
        db.dispose()


def _report(request, name: str, seeded: SeededDatabase) -> None:
    if seeded.seed_seconds is not None:
        line = f"{name}: seeded {MILLION:,} demo orders in {seeded.seed_seconds:.1f} s"
        request.config.add_cleanup(lambda: print(f"\n{line}"))


@pytest.fixture(scope="session")
def million_orders_sqlite(request) -> SeededDatabase:
    folder = request.config.cache.mkdir("oms-bench")
    path = folder / f"million-{_schema_key()}.sqlite3"
    url = f"sqlite:///{path}"
    if path.exists():
        db = Database(url)
        ok = _ready(db)
        db.dispose()
        if ok:
            return SeededDatabase(url, None)
    for stale in folder.glob("million-*"):
        stale.unlink()
    building = folder / "building.sqlite3"
    for leftover in folder.glob("building.sqlite3*"):
        leftover.unlink()
    seconds = _seed(f"sqlite:///{building}")
    with sqlite3.connect(building) as conn:  # fold the WAL in before the file is renamed
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    shutil.move(building, path)
    seeded = SeededDatabase(url, seconds)
    _report(request, "SQLite", seeded)
    return seeded


@pytest.fixture(scope="session")
def million_orders_pg(request) -> SeededDatabase:
    base = os.environ.get("OMS_TEST_POSTGRES_URL")
    if not base:
        pytest.skip("PostgreSQL not configured (set OMS_TEST_POSTGRES_URL)")
    name = f"oms_bench_million_{_schema_key()}"
    url = sa.engine.make_url(base).set(database=name).render_as_string(hide_password=False)
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            exists = conn.scalar(sa.text("SELECT 1 FROM pg_database WHERE datname = :n"),
                                 {"n": name})
            if exists:
                db = Database(url)
                ok = _ready(db)
                db.dispose()
                if ok:
                    return SeededDatabase(url, None)
                conn.exec_driver_sql(f'DROP DATABASE "{name}" WITH (FORCE)')
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    finally:
        admin.dispose()
    seeded = SeededDatabase(url, _seed(url))
    _report(request, "PostgreSQL", seeded)
    return seeded
