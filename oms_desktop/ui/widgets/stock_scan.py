"""Scanning on the inventory screens: a large input a keyboard-wedge scanner types into, a
queue that runs scans one after the other (so a bin scan is applied before the product scans
behind it), and a feedback line that says what happened in words and colour."""

from __future__ import annotations

from collections import deque
from typing import Any, Callable

import shiboken6
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QAbstractSpinBox, QLabel, QLineEdit

from oms_desktop.errors import OmsError
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.errors import show_error
from oms_desktop.ui.theme import enlarge

SCAN_POINT_SIZE = 18


def run_for(owner: QObject, ctx: AppContext, fn: Callable[[], Any], *,
            success: Callable[[Any], None] | None = None,
            failure: Callable[[BaseException], None] | None = None) -> None:
    """ctx.ops.run, with the answer dropped if `owner` was deleted meanwhile (a screen closed
    on sign-out while its load was still running)."""
    def alive(callback):
        if callback is None:
            return None
        return lambda value: callback(value) if shiboken6.isValid(owner) else None

    ctx.ops.run(fn, success=alive(success), failure=alive(failure))


def large(widget, points: int = SCAN_POINT_SIZE):
    """Large type for what is read from a distance on the floor; spin boxes get room for
    their buttons too."""
    enlarge(widget, points)
    if isinstance(widget, QAbstractSpinBox):
        widget.setMinimumHeight(widget.fontMetrics().height() + 14)
        widget.setStyleSheet("QAbstractSpinBox::up-button, QAbstractSpinBox::down-button"
                             " { width: 24px; }")
    return widget


class ScanField(QLineEdit):
    """Emits `scanned(text)` on Enter (the end of a scanner burst) and clears itself."""

    scanned = Signal(str)

    def __init__(self, name: str, placeholder: str, parent=None):
        super().__init__(parent, accessibleName=name, placeholderText=placeholder)
        large(self)
        self.returnPressed.connect(self._submit)

    def _submit(self) -> None:
        text = self.text().strip()
        self.clear()
        if text:
            self.scanned.emit(text)


class Feedback(QLabel):
    """One line saying what the last scan or action did: green when it worked, red when not."""

    def __init__(self, name: str, parent=None):
        super().__init__(parent, accessibleName=name, wordWrap=True)
        large(self, SCAN_POINT_SIZE - 4)

    def ok(self, text: str) -> None:
        self._say(text, "#067647")

    def problem(self, text: str) -> None:
        self._say(text, "#b42318")

    def _say(self, text: str, colour: str) -> None:
        self.setStyleSheet(f"color: {colour}; font-weight: 600;")
        self.setText(text)


class ScanQueue(QObject):
    """Runs scans through ctx.ops strictly one at a time, in arrival order.

    `work(text)` is called on the GUI thread when the scan's turn comes (so it sees the state
    the previous scan left) and returns the function to run on the database worker;
    `done(text, result)` or `failed(text, exc)` get the outcome."""

    def __init__(self, ctx: AppContext, *, work: Callable[[str], Callable[[], Any]],
                 done: Callable[[str, Any], None], failed: Callable[[str, Exception], None],
                 parent=None):
        super().__init__(parent)
        self._ctx, self._work, self._done, self._failed = ctx, work, done, failed
        self._waiting: deque[str] = deque()
        self._busy = False

    @property
    def idle(self) -> bool:
        return not self._busy and not self._waiting

    def push(self, text: str) -> None:
        self._waiting.append(text)
        if not self._busy:
            self._next()

    def _next(self) -> None:
        if not self._waiting:
            self._busy = False
            return
        self._busy = True
        text = self._waiting.popleft()
        try:
            fn = self._work(text)
        except OmsError as exc:
            self._finish(self._failed, text, exc)
            return
        run_for(self, self._ctx, fn, success=lambda r: self._finish(self._done, text, r),
                failure=lambda e: self._finish(self._failed, text, e))

    def _finish(self, callback, text: str, outcome) -> None:
        try:
            callback(text, outcome)
        finally:
            self._next()


def report(feedback: Feedback, exc: BaseException) -> None:
    """An expected failure goes to the feedback line; anything else to the one error place."""
    if isinstance(exc, OmsError):
        feedback.problem(str(exc))
    else:
        feedback.problem("Something went wrong; see the message.")
        show_error(feedback.window(), exc)
