"""Shared settings with defaults: `get(session, "fraud.threshold", 60)`."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from oms_desktop.model import Actor, Setting
from oms_desktop.policies.permissions import require_setting
from oms_desktop.storage import Database

# Every station locks after this many minutes without input (0: never); managers change it.
AUTO_LOCK_KEY, AUTO_LOCK_DEFAULT = "lock.idle_minutes", 10


def get(session: Session, key: str, default: Any = None) -> Any:
    row = session.get(Setting, key)
    return default if row is None else row.value


def put(session: Session, key: str, value: Any) -> None:
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def read(db: Database, key: str, default: Any = None) -> Any:
    with db.uow(readonly=True) as uow:
        return get(uow.session, key, default)


def write(db: Database, *, actor: Actor, key: str, value: Any) -> None:
    """Change a shared setting; refused for a role below the key's (SETTING_ROLES)."""
    require_setting(actor, key)
    with db.uow() as uow:
        put(uow.session, key, value)
        uow.commit()


def test_connection(url: str) -> str:
    """Connect once to `url` (no migration): the answer for the person who typed it."""
    db = Database(url.strip())
    try:
        db.check()
    finally:
        db.dispose()
    return f"Connected to {db.display_url}"
