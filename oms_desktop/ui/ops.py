"""One background-op helper (STYLE habit 7): database work runs on one worker thread, network
work on a small pool; results and errors come back to the GUI thread by signal, and so do the
areas the op's commits touched (`committed`), as Anki's operations return their OpChanges:
screens never say by hand what they changed.

    ctx.ops.run(lambda: orders.get_order(db, 42), success=self.show_detail)
    ctx.ops.run(bulk_verify, with_task=True, progress=bar.update, success=done)
"""

from __future__ import annotations

import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from oms_desktop.storage.changes import collecting

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside an op by Task.check() once the user pressed cancel."""


class Task:
    """Handed to an op started with with_task=True: progress out, cancellation in."""

    def __init__(self, signals: "_Signals"):
        self._signals = signals
        self._cancel = threading.Event()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def check(self) -> None:
        if self._cancel.is_set():
            raise Cancelled()

    def report(self, done: int, total: int, text: str = "") -> None:
        self._signals.progress.emit(done, total, text)


class _Signals(QObject):
    succeeded = Signal(object)
    failed = Signal(object)
    committed = Signal(object)  # the set of areas the op's commits touched
    progress = Signal(int, int, str)
    finished = Signal()


class _Runnable(QRunnable):
    def __init__(self, fn: Callable[..., Any], signals: _Signals, task: Task | None):
        super().__init__()
        self.setAutoDelete(True)
        self._fn, self._signals, self._task = fn, signals, task

    def run(self) -> None:
        with collecting() as areas:
            try:
                result = self._fn(self._task) if self._task is not None else self._fn()
            except BaseException as exc:  # noqa: BLE001 - every failure goes back to the GUI
                self._signals.failed.emit(exc)
            else:
                self._signals.succeeded.emit(result)
            finally:  # after the op's own answer, as a screen would have announced it
                self._signals.committed.emit(set(areas))
                self._signals.finished.emit()


class OpHandle:
    def __init__(self, signals: _Signals, task: Task | None):
        self.signals, self.task = signals, task

    def cancel(self) -> None:
        if self.task is not None:
            self.task._cancel.set()


class Ops(QObject):
    """Starts background ops; keeps their signal objects alive until they finish.
    `committed(areas)` fires after every op whose commits touched something."""

    committed = Signal(object)

    def __init__(self, on_error: Callable[[BaseException], None] | None = None, parent=None):
        super().__init__(parent)
        self.db_pool = QThreadPool(self)
        self.db_pool.setMaxThreadCount(1)  # one database worker: writes never race each other
        self.net_pool = QThreadPool(self)
        self.net_pool.setMaxThreadCount(4)
        self._on_error = on_error
        self._live: set[_Signals] = set()

    def run(self, fn: Callable[..., Any], *, success: Callable[[Any], None] | None = None,
            failure: Callable[[BaseException], None] | None = None,
            progress: Callable[[int, int, str], None] | None = None,
            with_task: bool = False, network: bool = False) -> OpHandle:
        signals = _Signals()
        task = Task(signals) if with_task else None
        if success is not None:
            signals.succeeded.connect(success)
        signals.committed.connect(self._announce)
        signals.failed.connect(failure or self._default_failure)
        if progress is not None:
            signals.progress.connect(progress)
        self._live.add(signals)
        signals.finished.connect(lambda s=signals: self._live.discard(s))
        (self.net_pool if network else self.db_pool).start(_Runnable(fn, signals, task))
        return OpHandle(signals, task)

    def _announce(self, areas: set) -> None:
        if areas:
            self.committed.emit(areas)

    def _default_failure(self, exc: BaseException) -> None:
        if isinstance(exc, Cancelled):
            return
        if self._on_error is not None:
            self._on_error(exc)
        else:
            log.error("background op failed", exc_info=exc)

    def wait(self, msecs: int = 30_000) -> bool:
        """Block until both pools are idle (for shutdown and tests)."""
        return self.db_pool.waitForDone(msecs) and self.net_pool.waitForDone(msecs)
