"""Engine, sessions, unit of work and migrations for SQLite and PostgreSQL."""

from oms_desktop.storage.database import Database, default_sqlite_url, resolve_url
from oms_desktop.storage.opening import open_database
from oms_desktop.storage.uow import UnitOfWork

__all__ = ["Database", "UnitOfWork", "default_sqlite_url", "open_database", "resolve_url"]
