"""An optional serial scale (QSettings "scale/serial_port", "scale/baud"): most shipping
scales send a line per reading such as "ST,GS,+  1.234kg" or "  850 g". QtSerialPort is
imported only when a port is configured; without it the weight is typed in."""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, Signal

from oms_desktop.devices.serial_lines import SerialLineDevice

_READING = re.compile(r"([-+]?\s*\d+(?:[.,]\d+)?)\s*(kg|g|lb|oz)\b", re.IGNORECASE)
_GRAMS = {"g": 1.0, "kg": 1000.0, "lb": 453.59237, "oz": 28.349523125}


def parse_weight(line: str) -> int | None:
    """Grams from one scale line, or None for an unstable or unreadable reading."""
    if line.upper().startswith("US"):  # "unstable" on the common ST/US protocol
        return None
    match = _READING.search(line)
    if not match:
        return None
    value = float(match.group(1).replace(" ", "").replace(",", "."))
    return round(value * _GRAMS[match.group(2).lower()])


class SerialScale(SerialLineDevice):
    weighed = Signal(int)  # grams, each stable reading
    what = "scale"

    def __init__(self, parent: QObject | None = None, *, port: str | None = None):
        super().__init__("scale", parent, port=port)

    def on_line(self, line: bytes) -> None:
        grams = parse_weight(line.decode("ascii", "replace"))
        if grams is not None and grams > 0:
            self.weighed.emit(grams)
