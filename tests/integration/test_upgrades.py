"""Upgrading databases that were left at an earlier schema revision, with data in them: every
revision upgrades on SQLite and PostgreSQL, a SQLite file is copied aside first (wherever it
lives), and an upgrade or downgrade that fails or is killed changes nothing."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import time
from decimal import Decimal

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

from oms_desktop.cli import main
from oms_desktop.errors import OmsError
from oms_desktop.model import (
    AuditEvent, Base, Order, Refund, Setting, ShippingLabel, StockLevel, load_all,
)
from oms_desktop.storage import Database, migrate, open_database
from tests.conftest import postgres_database
from tests.integration.upgrade_data import seed

load_all()  # the whole schema is compared


def _earlier_revisions() -> list[str]:
    script = ScriptDirectory.from_config(migrate.alembic_config(Database("sqlite://")))
    heads = set(script.get_heads())
    return [r.revision for r in reversed(list(script.walk_revisions()))
            if r.revision not in heads]


EARLIER = _earlier_revisions()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_url(request, tmp_path):
    """An empty database of each kind, never migrated."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'old.sqlite3'}"
        return
    with postgres_database("oms_upgrade") as url:
        yield url


def _at(url: str, revision: str) -> Database:
    db = Database(url)
    command.upgrade(migrate.alembic_config(db), revision)
    return db


def _schema_differences(db: Database) -> list:
    with db.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)


def _count(db: Database, table: str) -> int:
    with db.engine.connect() as conn:
        return conn.scalar(sa.text(f"SELECT count(*) FROM {table}"))


@pytest.mark.parametrize("revision", EARLIER)
def test_a_database_with_data_at_an_earlier_revision_upgrades(empty_url, revision):
    db = _at(empty_url, revision)
    before_guards = EARLIER.index(revision) < EARLIER.index("guards_1")
    written = seed(db.engine, duplicates=before_guards)  # what that revision's program allowed

    assert migrate.upgrade(db) is True

    assert migrate.current(db) == migrate.heads(db)
    assert _schema_differences(db) == []
    kept = {t: _count(db, t) for t in written if t != "audit_events"}  # + the upgrade's notes
    assert kept == {t: n for t, n in written.items() if t != "audit_events"}
    if before_guards:
        _guards_kept_the_old_data(db)
    db.dispose()


def _guards_kept_the_old_data(db: Database) -> None:
    """What guards_1 made of data written before it: totals refunded, duplicate labels."""
    with db.uow(readonly=True) as uow:
        s = uow.session
        first, second = s.get(Order, 1), s.get(Order, 2)
        assert (first.total, first.refunded_total) == (Decimal("30.00"), Decimal(0))
        assert s.scalar(sa.select(sa.func.sum(Refund.amount))) == Decimal("25.00")
        assert s.get(Setting, "sequence.manual.tracking").value == 7
        assert s.scalars(sa.select(StockLevel.on_hand)).all() == [4]
        # Refunds above the total are kept; the order can give back nothing more.
        assert second.refunded_total == second.total == Decimal("10.00")
        assert _audit(s, "refunds_above_total") == [{"refunded": "25.00", "total": "10.00"}]
        labels = s.scalars(sa.select(ShippingLabel.id)).all()
        if labels:  # the newer of two labels stays active
            active = s.scalars(sa.select(ShippingLabel.id).where(
                ShippingLabel.voided_at.is_(None))).all()
            assert active == [2]
            assert _audit(s, "duplicate_label") == [
                {"tracking_number": "LC0000000001", "carrier": "manual", "kept": "LC0000000002"}]


def _audit(session, action: str) -> list[dict]:
    return session.scalars(sa.select(AuditEvent.detail).where(AuditEvent.action == action)).all()


def test_a_sqlite_file_in_a_folder_with_an_apostrophe_is_backed_up_and_upgraded(tmp_path):
    folder = tmp_path / "o'brien's shop"
    folder.mkdir()
    path = folder / "oms.sqlite3"
    db = _at(f"sqlite:///{path}", EARLIER[0])
    seed(db.engine)
    db.dispose()

    opened = open_database(f"sqlite:///{path}")

    assert migrate.current(opened) == migrate.heads(opened)
    [backup] = folder.glob("oms.sqlite3.before-migration-*")
    copy = sqlite3.connect(backup)
    assert copy.execute("SELECT version_num FROM alembic_version").fetchall() == [(EARLIER[0],)]
    assert copy.execute("SELECT count(*) FROM orders").fetchone() == (2,)
    copy.close()
    opened.dispose()


def _sabotaged(url: str) -> Database:
    """At the first revision, with data and a table of the name a later migration creates."""
    db = _at(url, EARLIER[0])
    seed(db.engine)
    with db.engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE manifests (id INTEGER PRIMARY KEY)")
    return db


def test_a_failed_upgrade_changes_nothing_and_says_so_in_one_line(empty_url, capsys):
    db = _sabotaged(empty_url)

    code = main(["db", "upgrade", "--db", empty_url])

    err = capsys.readouterr().err
    assert code == 1 and err.count("\n") == 1
    assert "nothing was changed" in err and f"still at {EARLIER[0]}" in err
    assert migrate.current(db) == {EARLIER[0]}
    assert _count(db, "orders") == 2
    assert not sa.inspect(db.engine).has_table("automation_rules")
    if db.is_sqlite:
        with db.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    db.dispose()


def test_a_killed_upgrade_leaves_the_old_schema_or_the_new_never_half(empty_url):
    rng = random.Random(11)
    db = _at(empty_url, EARLIER[0])
    seed(db.engine)
    db.dispose()
    for _ in range(3):
        upgrade = subprocess.Popen([sys.executable, "-m", "oms_desktop", "db", "upgrade",
                                    "--db", empty_url], stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.5))
        upgrade.send_signal(signal.SIGKILL)
        upgrade.wait()
        db = Database(empty_url)
        assert migrate.current(db) in ({EARLIER[0]}, migrate.heads(db))
        assert _count(db, "orders") == 2
        db.dispose()
    db = Database(empty_url)
    migrate.upgrade(db)
    assert _schema_differences(db) == [] and _count(db, "orders") == 2
    db.dispose()


def test_a_downgrade_is_whole_or_changes_nothing(empty_url):
    db = _at(empty_url, "heads")
    seed(db.engine, duplicates=False)
    with db.engine.begin() as conn:  # a view that the downgrade of orders cannot survive
        conn.exec_driver_sql("CREATE VIEW late_orders AS SELECT id, deliver_by FROM orders")

    with pytest.raises(OmsError, match=r"nothing was changed"):
        migrate.downgrade(db, EARLIER[0])
    assert migrate.current(db) == migrate.heads(db) and _schema_differences(db) == []

    with db.engine.begin() as conn:
        conn.exec_driver_sql("DROP VIEW late_orders")
    migrate.downgrade(db, EARLIER[0])
    assert migrate.current(db) == {EARLIER[0]} and _count(db, "orders") == 2
    db.dispose()
