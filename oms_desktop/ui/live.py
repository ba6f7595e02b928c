"""Live refresh across workstations: changes committed elsewhere become
`ctx.changes.announce(...)` here within about a second (PostgreSQL LISTEN/NOTIFY on a thread of
its own, SQLite `PRAGMA data_version` polled every second on that thread too, so a locked
file never stalls the window), coalesced so that a burst of commits
reloads screens once."""

from __future__ import annotations

import logging
import threading

from PySide6.QtCore import QObject, QTimer, Signal

from oms_desktop.storage import Database
from oms_desktop.storage.changes import PgChangeListener, SqliteChangePoller
from oms_desktop.ui.context import ChangeHub

log = logging.getLogger(__name__)
COALESCE_MS = 150
POLL_MS = 1000


class LiveChanges(QObject):
    """Feeds a ChangeHub with what other workstations changed; `state` says how it listens."""

    _arrived = Signal(object)
    _state_arrived = Signal(str)
    state_changed = Signal(str)

    def __init__(self, db: Database, hub: ChangeHub, parent=None):
        super().__init__(parent)
        self._db, self._hub = db, hub
        self._pending: set[str] = set()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.state = "off"
        self._flush = QTimer(self, singleShot=True, interval=COALESCE_MS, timeout=self._emit)
        self._arrived.connect(self._collect)
        self._state_arrived.connect(self._set_state)

    def start(self) -> None:
        target = self._watch if self._db.is_sqlite else self._listen
        self._thread = threading.Thread(target=target, name="oms-changes", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)

    def restart(self) -> None:
        """Listen again through the database's current connection (another person's)."""
        self.stop()
        self._stop = threading.Event()
        self.start()

    def _set_state(self, text: str) -> None:
        self.state = text
        self.state_changed.emit(text)

    def _watch(self) -> None:
        """Worker thread (SQLite): poll data_version every POLL_MS."""
        poller = SqliteChangePoller(self._db.url)
        self._state_arrived.emit("watching (SQLite)")
        try:
            while not self._stop.wait(POLL_MS / 1000):
                try:
                    areas = poller.poll()
                except Exception as exc:  # noqa: BLE001 - locked or vanished: next tick
                    log.warning("change poll failed: %s", exc)
                    continue
                if areas:
                    self._arrived.emit(areas)
        finally:
            poller.close()

    def _listen(self) -> None:
        """Worker thread: LISTEN, reconnecting with a pause when the server goes away."""
        while not self._stop.is_set():
            try:
                listener = PgChangeListener(self._db.url)
            except Exception as exc:  # noqa: BLE001
                self._state_arrived.emit(f"not listening: {exc}".splitlines()[0])
                self._stop.wait(3)
                continue
            self._state_arrived.emit("listening (PostgreSQL)")
            self._drain(listener)

    def _drain(self, listener: PgChangeListener) -> None:
        try:
            while not self._stop.is_set():
                areas = listener.wait(0.5)
                if areas:
                    self._arrived.emit(areas)
        except Exception as exc:  # noqa: BLE001 - connection lost: reconnect
            log.warning("change listener lost its connection: %s", exc)
        finally:
            try:
                listener.close()
            except Exception:  # noqa: BLE001
                pass

    def _collect(self, areas: set[str]) -> None:
        self._pending |= set(areas)
        if not self._flush.isActive():
            self._flush.start()

    def _emit(self) -> None:
        areas, self._pending = self._pending, set()
        if areas:
            self._hub.announce(*sorted(areas))
