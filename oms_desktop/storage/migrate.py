"""Alembic, shipped inside the package and run at start."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from oms_desktop.storage import access
from oms_desktop.storage.database import Database

MIGRATIONS = Path(__file__).with_name("migrations")


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
    if now and db.is_sqlite:
        _backup_sqlite(db)
    command.upgrade(alembic_config(db), "heads")
    access.refresh(db)
    return True


def _backup_sqlite(db: Database) -> Path | None:
    path = make_url(db.url).database
    if not path or path == ":memory:" or not Path(path).exists():
        return None
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    target = Path(f"{path}.before-migration-{stamp}")
    with db.engine.connect() as conn:  # a consistent copy even in WAL mode
        conn.exec_driver_sql(f"VACUUM INTO '{target}'")
    return target
