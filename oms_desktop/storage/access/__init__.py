"""On PostgreSQL the database is the boundary: each person connects with their own login, in
a role group whose grants and row-level policies decide what it may touch (tables.py declares
them; grants.py applies them; logins.py manages the people's logins)."""

from __future__ import annotations

from oms_desktop.storage.access.grants import Applied, apply, ensure_groups, in_use
from oms_desktop.storage.database import Database


def init_roles(db: Database) -> Applied:
    """Create the groups if missing, then grant this database to them (idempotent). Run as
    the schema's owner with CREATEROLE, or as a superuser."""
    with db.engine.begin() as conn:
        ensure_groups(conn)
        return apply(conn)


def refresh(db: Database) -> Applied | None:
    """After a migration: grant the new tables too, where people have their own logins."""
    if db.is_sqlite:
        return None
    with db.engine.begin() as conn:
        return apply(conn) if in_use(conn) else None


__all__ = ["Applied", "init_roles", "refresh"]
