"""Keyboard-wedge and serial barcode scanners.

A USB scanner types like a keyboard, only faster: `ScanFilter`, installed on the
QApplication, holds back printable keys while they might be the start of a scan. Keys that
follow each other within `gap_ms` (QSettings "scanner/gap_ms", default 30 ms) and end with
Enter or Tab are a scan: the keys are swallowed and `scanned(text)` is emitted, whichever
widget has focus, so a scan never lands in a text field. Anything slower is a person typing:
the held keys are replayed to their widget as they were, at most `gap_ms` late. Gaps are
measured between the window system's stamps; when the clock says the gap has passed, keys
already queued for a busy GUI thread are taken first, so a pause does not split a burst.

A scanner presses modifier keys to make its characters, each a key event of its own with no
text: Shift for capitals, AltGr (ISO_Level3_Shift, Mode_switch; Ctrl+Alt on Windows) for `@`
or `\\` on a German layout, Control for control characters (GS as Ctrl+], an STX prefix as
Ctrl+B), Caps Lock. Within a burst these presses and releases, and the releases of held keys,
are held with it: they neither flush nor end it, and are replayed in order if it was typing.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication

from oms_desktop.devices.serial_lines import SerialLineDevice
from oms_desktop.policies.scan import GS, ScanConfig, strip_affixes

DEFAULT_GAP_MS = 30
DEFAULT_MIN_LENGTH = 3
_ENDS = (Qt.Key_Return, Qt.Key_Enter, Qt.Key_Tab)
_KEY_EVENTS = (QEvent.KeyPress, QEvent.KeyRelease, QEvent.ShortcutOverride)
# Modifier keys a scanner presses to make characters (Meta never: it is the desktop's).
BURST_MODIFIERS = frozenset({Qt.Key_Shift, Qt.Key_Control, Qt.Key_Alt, Qt.Key_AltGr,
                             Qt.Key_Mode_switch, Qt.Key_CapsLock})


def scanner_settings() -> tuple[int, int, ScanConfig]:
    s = QSettings()
    return (int(s.value("scanner/gap_ms", DEFAULT_GAP_MS)),
            int(s.value("scanner/min_length", DEFAULT_MIN_LENGTH)),
            ScanConfig(prefix=str(s.value("scanner/prefix", "") or ""),
                       suffix=str(s.value("scanner/suffix", "") or "")))


class _Held:
    """A key event held back while we wait to see whether it is part of a scan; `text` is
    the character it adds to the scan (none for modifier keys and releases)."""

    __slots__ = ("target", "event", "text")

    def __init__(self, target: QObject, event: QKeyEvent, text: str = ""):
        self.target, self.event, self.text = target, event.clone(), text

    def replay(self) -> None:
        QApplication.sendEvent(self.target, self.event)


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
        self._timer.timeout.connect(self._gap_passed)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if self._replaying or event.type() not in _KEY_EVENTS:
            return False
        if event.type() == QEvent.ShortcutOverride:
            return self._before_shortcut(event)
        if event.type() == QEvent.KeyRelease or event.key() in BURST_MODIFIERS:
            return self._hold_in_burst(watched, event)
        return self._press(watched, event)

    def _before_shortcut(self, event: QKeyEvent) -> bool:
        """Qt tries shortcuts before the key press reaches us: a key that cannot be part of
        the burst lets what was typed before it reach its field first (F2, Ctrl+Z)."""
        if self._held and not (event.key() in BURST_MODIFIERS or event.key() in _ENDS
                               or self.is_text(event)):
            self.flush()
        return False

    def _hold_in_burst(self, watched: QObject, event: QKeyEvent) -> bool:
        """Modifier keys and releases belong to the burst they come in; alone they pass."""
        if not self._held:
            return False
        self._held.append(_Held(watched, event))
        return True

    def _press(self, watched: QObject, event: QKeyEvent) -> bool:
        now = self._stamp(event)
        if event.key() in _ENDS and self._held:
            return self._end(now)
        if not self.is_text(event):
            self.flush()
            return False
        if self._held and now - self._last > self.gap_ms:
            self.flush()
        self._held.append(_Held(watched, event, event.text()))
        self._last = now
        self._timer.start(self.gap_ms + 1)
        return True

    def is_text(self, event: QKeyEvent) -> bool:
        """One character a scan may hold: printable whatever the modifiers that made it
        (Shift, AltGr, Ctrl+Alt), unless Ctrl or Meta alone ask for a shortcut; GS and the
        configured prefix's and suffix's control characters (typed with Ctrl) too."""
        text = event.text()
        if len(text) != 1:
            return False
        if text == GS or text in self.config.prefix + self.config.suffix:
            return True
        return text.isprintable() and not _asks_for_shortcut(event.modifiers())

    def _stamp(self, event: QKeyEvent) -> float:
        """When the key was pressed: the window system's timestamp, so a busy GUI thread
        does not split a burst; synthetic events (tests) carry none and use the clock."""
        stamp = event.timestamp()
        if stamp:
            return float(stamp)
        return time.monotonic() * 1000

    def _gap_passed(self) -> None:
        """The gap has passed by the clock, but a busy GUI thread may not yet have been given
        keys the window system stamped within it: take those first (the burst may go on or
        end), then flush what is still waiting."""
        last = self._last
        QApplication.processEvents(QEventLoop.ExcludeSocketNotifiers)
        if self._held and self._last == last:
            self.flush()

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


def _asks_for_shortcut(modifiers) -> bool:
    """Ctrl without Alt, or Meta: a shortcut. Ctrl+Alt is AltGr on Windows; Alt alone makes
    characters on macOS (Option)."""
    control = bool(modifiers & Qt.ControlModifier) and not modifiers & Qt.AltModifier
    return control or bool(modifiers & Qt.MetaModifier)


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

