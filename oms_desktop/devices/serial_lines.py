"""A device on a serial port that sends one line per reading (scanners, scales). QtSerialPort
is imported only when a port is configured; without it, or without the port, `available` is
False, `error` says why, and nothing happens."""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings


class SerialLineDevice(QObject):
    """Reads `<setting>/serial_port` and `<setting>/baud` from QSettings; every CR- or
    LF-terminated line goes to `on_line`."""

    what = "device"  # for messages: "scanner", "scale"

    def __init__(self, setting: str, parent: QObject | None = None, *,
                 port: str | None = None, baud: int | None = None):
        super().__init__(parent)
        settings = QSettings()
        self.port_name = port or str(settings.value(f"{setting}/serial_port", "") or "")
        self.baud = baud or int(settings.value(f"{setting}/baud", 9600))
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
            self.error = f"A serial {self.what} needs QtSerialPort: {exc}"
            return None
        port = QSerialPort(self.port_name, self)
        port.setBaudRate(self.baud)
        if not port.open(QSerialPort.ReadOnly):
            self.error = f"Cannot open the {self.what} on {self.port_name}: {port.errorString()}"
            return None
        port.readyRead.connect(lambda: self.feed(bytes(port.readAll().data())))
        return port

    def feed(self, data: bytes) -> None:
        """Bytes from the port (or a test): each complete line is handed on."""
        self._buffer += data
        *lines, self._buffer = self._buffer.replace(b"\r", b"\n").split(b"\n")
        for line in lines:
            if line:
                self.on_line(line)

    def on_line(self, line: bytes) -> None:
        raise NotImplementedError
