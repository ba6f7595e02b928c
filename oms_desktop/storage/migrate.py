"""Alembic, shipped inside the package and run at start.

Each run of migrations is one transaction (see migrations/env.py): one that fails, or a
process killed during one, leaves the database exactly as it was. A SQLite file is copied
aside first anyway, with SQLite's backup API (a consistent copy, any path)."""

from __future__ import annotations

import logging
import sqlite3
from datetime import datetime
from pathlib import Path

# Alembic announces its plugins and every step at INFO ("setup plugin …", "Running upgrade …");
# the window logs at INFO, so each start printed them. Set before Alembic is imported (it logs
# while importing); its warnings still show.
logging.getLogger("alembic").setLevel(logging.WARNING)

from alembic import command  # noqa: E402
from alembic.config import Config  # noqa: E402
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from oms_desktop.errors import OmsError
from oms_desktop.storage import access
from oms_desktop.storage.database import Database

MIGRATIONS = Path(__file__).with_name("migrations")


class MigrationFailed(OmsError):
    pass


def alembic_config(db: Database) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = db.engine
    return cfg


def heads(db: Database) -> set[str]:
    return set(ScriptDirectory.from_config(alembic_config(db)).get_heads())


def current(db: Database) -> set[str]:
    with db.engine.connect() as conn:
        return set(MigrationContext.configure(conn).get_current_heads())


def upgrade(db: Database) -> bool:
    """Apply pending migrations; a SQLite file is copied aside first. True if any ran. On
    PostgreSQL with the role groups in use, the grants are applied again (new tables)."""
    now = current(db)
    if now == heads(db):
        return False
    _run(db, command.upgrade, "heads", "Upgrading", backup=bool(now))
    access.refresh(db)
    return True


def downgrade(db: Database, revision: str) -> None:
    """Go back to `revision`, all the way or not at all; a SQLite file is copied aside first."""
    _run(db, command.downgrade, revision, "Downgrading", backup=True)


def _run(db: Database, step, target: str, doing: str, *, backup: bool) -> None:
    before = current(db)
    copy = backup_sqlite(db) if backup and db.is_sqlite else None
    try:
        step(alembic_config(db), target)
    except Exception as exc:  # noqa: BLE001 - any failure of a migration is reported as one
        db.engine.dispose()
        where = ", ".join(sorted(before)) or "an empty schema"
        kept = f"; a copy from before is at {copy}" if copy else ""
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
        raise MigrationFailed(f"{doing} {db.display_url} failed ({reason}); nothing was "
                              f"changed: it is still at {where}{kept}") from exc


def backup_sqlite(db: Database) -> Path | None:
    """A consistent copy of the SQLite file next to it, even in WAL mode, taken outside any
    transaction of ours; None for an in-memory or not yet created database."""
    path = make_url(db.url).database
    if not path or path == ":memory:" or not Path(path).exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S-%f")
    target = Path(f"{path}.before-migration-{stamp}")
    source, copy = sqlite3.connect(path), sqlite3.connect(target)
    try:
        source.backup(copy)
    finally:
        copy.close()
        source.close()
    return target
