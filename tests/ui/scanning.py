"""A USB barcode scanner for tests. A scanner types its burst as a keyboard; the window system
stamps each key with the time it arrived, and the scan filter judges the burst by those stamps.
QTest's own key clicks carry no stamp, so on a busy test machine their gaps are whatever the
clock says; these keys carry stamps 1 ms apart, exactly like a real scanner's."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

ENDS = {Qt.Key_Return: "\r", Qt.Key_Tab: "\t"}


def scanner_types(widget, text: str, *, end=Qt.Key_Return, ms_per_char: int = 1) -> None:
    """Deliver `text` then Enter (or Tab) to `widget` as one scanner burst."""
    start = int(time.monotonic() * 1000)
    for i, char in enumerate(text):
        _press(widget, ord(char.upper()) if char.isascii() else 0, char, start + i * ms_per_char)
    _press(widget, end, ENDS[end], start + len(text) * ms_per_char)


def _press(widget, key: int, text: str, stamp: int) -> None:
    for kind in (QEvent.KeyPress, QEvent.KeyRelease):
        event = QKeyEvent(kind, key, Qt.NoModifier, text)
        event.setTimestamp(stamp)
        QApplication.sendEvent(widget, event)
