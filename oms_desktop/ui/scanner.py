"""Keyboard-wedge and serial barcode scanners.

A USB scanner types like a keyboard, only faster: `ScanFilter`, installed on the
QApplication, holds back printable keys while they might be the start of a scan. Keys that
follow each other within `gap_ms` (QSettings "scanner/gap_ms", default 30 ms) and end with
Enter or Tab are a scan: the keys are swallowed and `scanned(text)` is emitted, whichever
widget has focus, so a scan never lands in a text field. Anything slower is a person typing:
the held keys are replayed to their widget as they were, at most `gap_ms` late.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from oms_desktop.devices.serial_lines import SerialLineDevice
from oms_desktop.policies.scan import GS, ScanConfig, strip_affixes

DEFAULT_GAP_MS = 30
DEFAULT_MIN_LENGTH = 3
_ENDS = (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Tab)


def scanner_settings() -> tuple[int, int, ScanConfig]:
    s = QSettings()
    return (int(s.value("scanner/gap_ms", DEFAULT_GAP_MS)),
            int(s.value("scanner/min_length", DEFAULT_MIN_LENGTH)),
            ScanConfig(prefix=str(s.value("scanner/prefix", "") or ""),
                       suffix=str(s.value("scanner/suffix", "") or "")))


class _Held:
    """A key press held back while we wait to see whether it is part of a scan."""

    __slots__ = ("target", "key", "modifiers", "text")

    def __init__(self, target: QObject, event: QKeyEvent):
        self.target, self.key = target, event.key()
        self.modifiers, self.text = event.modifiers(), event.text()

    def replay(self) -> None:
        for kind in (QEvent.KeyPress, QEvent.KeyRelease):
            QApplication.sendEvent(self.target, QKeyEvent(kind, self.key, self.modifiers,
                                                          self.text))


class ScanFilter(QObject):
    """Application event filter that turns keystroke bursts into `scanned(str)`."""

    scanned = Signal(str)

    def __init__(self, parent: QObject | None = None, *, gap_ms: int | None = None,
                 min_length: int | None = None, config: ScanConfig | None = None):
        super().__init__(parent)
        saved_gap, saved_min, saved_config = scanner_settings()
        self.gap_ms = gap_ms if gap_ms is not None else saved_gap
        self.min_length = min_length if min_length is not None else saved_min
        self.config = config or saved_config
        self._held: list[_Held] = []
        self._last = 0.0
        self._replaying = False
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() != QEvent.KeyPress:
            return False
        now = self._stamp(event)
        if event.key() in _ENDS and self._held:
            return self._end(now)
        if not _is_text(event):
            self.flush()
            return False
        if self._held and now - self._last > self.gap_ms:
            self.flush()
        self._held.append(_Held(watched, event))
        self._last = now
        self._timer.start(self.gap_ms + 1)
        return True

    def _stamp(self, event: QKeyEvent) -> float:
        """When the key was pressed: the window system's timestamp, so a busy GUI thread
        does not split a burst; synthetic events (tests) carry none and use the clock."""
        stamp = event.timestamp()
        if stamp:
            return float(stamp)
        return time.monotonic() * 1000

    def _end(self, now: float) -> bool:
        """Enter/Tab after held keys: a scan if it came in time and is long enough."""
        text = "".join(h.text for h in self._held)
        if now - self._last <= self.gap_ms and len(text) >= self.min_length:
            self._held.clear()
            self._timer.stop()
            self.scanned.emit(strip_affixes(text, self.config))
            return True
        self.flush()
        return False

    def type_into_focus(self, text: str, *, enter: bool = True) -> None:
        """Give a scan back to the focused widget as typed keys (for screens that take no
        scans, e.g. a search field): the shell calls this when nobody handles `scanned`."""
        target = QApplication.focusWidget()
        if target is None:
            return
        self._replaying = True
        try:
            for ch in text:
                for kind in (QEvent.KeyPress, QEvent.KeyRelease):
                    QApplication.sendEvent(target, QKeyEvent(kind, 0, Qt.NoModifier, ch))
            if enter:
                for kind in (QEvent.KeyPress, QEvent.KeyRelease):
                    QApplication.sendEvent(target, QKeyEvent(kind, Qt.Key_Return,
                                                             Qt.NoModifier, "\r"))
        finally:
            self._replaying = False

    def flush(self) -> None:
        """Replay held keys to their widgets: it was a person typing."""
        self._timer.stop()
        held, self._held = self._held, []
        self._replaying = True
        try:
            for h in held:
                h.replay()
        finally:
            self._replaying = False


def _is_text(event: QKeyEvent) -> bool:
    text = event.text()
    if len(text) != 1:
        return False
    if text == GS:
        return True
    if event.modifiers() & (Qt.ControlModifier | Qt.AltModifier | Qt.MetaModifier):
        return False
    return text.isprintable()


class SerialScanner(SerialLineDevice):
    """A scanner on a serial port (QSettings "scanner/serial_port", "scanner/baud"): each
    line it sends is a scan."""

    scanned = Signal(str)
    what = "scanner"

    def __init__(self, parent: QObject | None = None, *, port: str | None = None,
                 baud: int | None = None, config: ScanConfig | None = None):
        super().__init__("scanner", parent, port=port, baud=baud)
        self.config = config or scanner_settings()[2]

    def on_line(self, line: bytes) -> None:
        text = strip_affixes(line.decode("utf-8", "replace"), self.config)
        if text:
            self.scanned.emit(text)

