"""Helpers for the floor screen tests: a context on a real database, the scanner filter
installed as the shell installs it, and a scanner that types at 1 ms a character."""

from __future__ import annotations

from PySide6.QtWidgets import QApplication

from oms_desktop.model import Actor, Role
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.scanner import ScanFilter
from tests.ui.scanning import scanner_types

PACKER = Actor("pat", Role.packer, station="PACK-1")


def make_context(db, actor: Actor = PACKER) -> AppContext:
    return AppContext(db=db, actor=actor, ops=Ops())


def install_scanner(screen) -> ScanFilter:
    scanner = ScanFilter(gap_ms=30)
    scanner.scanned.connect(screen.handle_scan)
    QApplication.instance().installEventFilter(scanner)
    return scanner


def remove_scanner(scanner: ScanFilter) -> None:
    QApplication.instance().removeEventFilter(scanner)


def scan(qtbot, screen, widget, text: str, *, timeout: int = 5000) -> str:
    """Type `text` as a USB scanner does into whatever has focus, then wait for the
    screen's answer; returns the banner text."""
    with qtbot.waitSignal(screen.feedback_shown, timeout=timeout):
        scanner_types(widget, text)
    return screen.banner.text()
