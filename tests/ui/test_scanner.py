from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QVBoxLayout, QWidget

import pytest

from oms_desktop.policies.scan import ScanConfig
from tests.ui.scanning import scanner_types
from oms_desktop.ui.scanner import ScanFilter, SerialScanner


@pytest.fixture
def form(qtbot):
    window = QWidget()
    layout = QVBoxLayout(window)
    field, other = QLineEdit(), QLineEdit()
    layout.addWidget(field)
    layout.addWidget(other)
    qtbot.addWidget(window)
    window.show()
    field.setFocus()
    scans, filt = [], ScanFilter(gap_ms=30)
    filt.scanned.connect(scans.append)
    QApplication.instance().installEventFilter(filt)
    yield field, scans, filt
    QApplication.instance().removeEventFilter(filt)


def test_a_scan_arrives_whole_and_does_not_land_in_the_focused_field(qtbot, form):
    field, scans, _ = form
    scanner_types(field, "4006381333931")
    assert scans == ["4006381333931"]
    qtbot.wait(60)
    assert field.text() == ""


def test_every_character_is_kept_for_a_long_gs1_scan(qtbot, form):
    field, scans, _ = form
    code = "]C10104006381333931" + "17260630" + "10LOT-2026-ABCDEFG"
    scanner_types(field, code)
    assert scans == [code]


def test_two_scans_in_a_row_arrive_separately(qtbot, form):
    field, scans, _ = form
    scanner_types(field, "SHP-12")
    scanner_types(field, "SKU-1")
    assert scans == ["SHP-12", "SKU-1"]


def test_typing_by_hand_still_reaches_the_field(qtbot, form):
    field, scans, _ = form
    qtbot.keyClicks(field, "WEB-1001", delay=80)
    qtbot.wait(60)
    assert field.text() == "WEB-1001"
    pressed = []
    field.returnPressed.connect(lambda: pressed.append(field.text()))
    qtbot.wait(60)
    qtbot.keyClick(field, Qt.Key_Return)
    assert pressed == ["WEB-1001"] and scans == []


def test_a_quick_single_key_is_typed_not_scanned(qtbot, form):
    field, scans, _ = form
    qtbot.keyClicks(field, "7", delay=1)
    qtbot.keyClick(field, Qt.Key_Return)
    assert field.text() == "7" and scans == []


def test_shortcuts_and_editing_keys_pass_straight_through(qtbot, form):
    field, scans, _ = form
    field.setText("abc")
    qtbot.keyClick(field, Qt.Key_Backspace)
    assert field.text() == "ab"


def test_configured_prefix_and_suffix_are_stripped(qtbot, form):
    field, scans, filt = form
    filt.config = ScanConfig(prefix="#", suffix="!")
    scanner_types(field, "#ORD-5!")
    assert scans == ["ORD-5"]


def test_a_tab_also_ends_a_scan(qtbot, form):
    field, scans, _ = form
    scanner_types(field, "TOTE-3", end=Qt.Key_Tab)
    assert scans == ["TOTE-3"]


def test_a_serial_scanner_turns_lines_into_scans(qtbot):
    serial = SerialScanner(port="")
    assert not serial.available
    scans = []
    serial.scanned.connect(scans.append)
    serial.feed(b"SHP-1\r\nSKU")
    serial.feed(b"-2\n")
    assert scans == ["SHP-1", "SKU-2"]


def test_a_scan_nobody_handles_can_be_typed_into_the_focused_field(qtbot, form):
    field, scans, filt = form
    entered = []
    field.returnPressed.connect(lambda: entered.append(field.text()))
    filt.scanned.connect(lambda text: filt.type_into_focus(text))
    scanner_types(field, "WEB-1001")
    assert scans == ["WEB-1001"] and entered == ["WEB-1001"]
