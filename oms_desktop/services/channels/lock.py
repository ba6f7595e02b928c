"""One serial sync worker per channel, across threads AND processes (the window's schedule
and a cron `sync` may start together): a thread lock, plus a PostgreSQL session advisory lock
or, on SQLite, an OS file lock beside the database file. Both die with the process, so a
killed sync never leaves a channel locked."""

from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy.engine import make_url

from oms_desktop.storage import Database

_locks: dict[tuple[str, int], threading.Lock] = {}
_guard = threading.Lock()
ADVISORY_BASE = 0x0E5_7000  # keeps our advisory keys apart from other users of the server


@contextmanager
def channel_worker(db: Database, channel_id: int) -> Iterator[None]:
    with _guard:
        lock = _locks.setdefault((db.url, channel_id), threading.Lock())
    with lock:
        if db.dialect == "postgresql":
            with _advisory(db, channel_id):
                yield
        else:
            with _file_lock(db, channel_id):
                yield


@contextmanager
def _advisory(db: Database, channel_id: int) -> Iterator[None]:
    with db.engine.connect() as conn:
        conn.exec_driver_sql(f"SELECT pg_advisory_lock({ADVISORY_BASE + channel_id})")
        conn.commit()
        try:
            yield
        finally:
            conn.exec_driver_sql(f"SELECT pg_advisory_unlock({ADVISORY_BASE + channel_id})")
            conn.commit()


@contextmanager
def _file_lock(db: Database, channel_id: int) -> Iterator[None]:
    path = make_url(db.url).database
    try:
        import fcntl
    except ImportError:  # Windows: the thread lock is what we have
        fcntl = None
    if not path or path == ":memory:" or fcntl is None:
        yield
        return
    with open(Path(f"{path}.sync-{channel_id}.lock"), "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
