"""An optional serial scale (QSettings "scale/serial_port", "scale/baud"): most shipping
scales send a line per reading such as "ST,GS,+  1.234kg" or "  850 g". QtSerialPort is
imported only when a port is configured; without it the weight is typed in."""

from __future__ import annotations

import re

from PySide6.QtCore import QObject, QSettings, Signal

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


class SerialScale(QObject):
    weighed = Signal(int)  # grams, each stable reading

    def __init__(self, parent: QObject | None = None, *, port: str | None = None):
        super().__init__(parent)
        settings = QSettings()
        self.port_name = port or str(settings.value("scale/serial_port", "") or "")
        self.baud = int(settings.value("scale/baud", 9600))
        self.error: str | None = None
        self._buffer = b""
        self._port = self._open() if self.port_name else None

    @property
    def available(self) -> bool:
        return self._port is not None

    def _open(self):
        try:
            from PySide6.QtSerialPort import QSerialPort
        except ImportError as exc:
            self.error = f"Serial scales need QtSerialPort: {exc}"
            return None
        port = QSerialPort(self.port_name, self)
        port.setBaudRate(self.baud)
        if not port.open(QSerialPort.ReadOnly):
            self.error = f"Cannot open scale on {self.port_name}: {port.errorString()}"
            return None
        port.readyRead.connect(lambda: self.feed(bytes(port.readAll().data())))
        return port

    def feed(self, data: bytes) -> None:
        self._buffer += data
        *lines, self._buffer = self._buffer.replace(b"\r", b"\n").split(b"\n")
        for line in lines:
            grams = parse_weight(line.decode("ascii", "replace"))
            if grams is not None and grams > 0:
                self.weighed.emit(grams)
