"""Serial scanners and scales, fed bytes as the port would deliver them."""

from oms_desktop.devices.scale import SerialScale, parse_weight
from oms_desktop.ui.scanner import SerialScanner


def test_common_scale_lines_are_read_in_grams():
    assert parse_weight("ST,GS,+  1.234kg") == 1234
    assert parse_weight("  850 g") == 850
    assert parse_weight("2,5 lb") == 1134
    assert parse_weight("US,GS,+  1.234kg") is None  # unstable
    assert parse_weight("ERR") is None


def test_a_scale_emits_each_stable_reading_once_its_line_is_complete(qapp):
    scale, readings = SerialScale(port=""), []
    scale.weighed.connect(readings.append)
    assert not scale.available
    scale.feed(b"ST,GS,+  0.4")
    assert readings == []
    scale.feed(b"50kg\r\nUS,GS,+  0.452kg\r\nST,GS,+  0.452kg\n")
    assert readings == [450, 452]


def test_a_serial_scanner_splits_its_lines_into_scans(qapp):
    scanner, scans = SerialScanner(port=""), []
    scanner.scanned.connect(scans.append)
    scanner.feed(b"SHP-1\r\n4006381333931\rTOT")
    assert scans == ["SHP-1", "4006381333931"]
