"""Printers without Qt: a station's printer profiles and the raw senders (ZPL over TCP 9100,
a CUPS queue in raw mode). System printers (QPrinter) are driven from ui/printing.py, which
registers its sender here; without a GUI such a job fails with a clear message."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable

from oms_desktop.errors import OmsError

KINDS = ("zpl_tcp", "cups_raw", "system")
ENV_FILE = "OMS_PRINTERS_FILE"


class PrinterError(OmsError):
    pass


@dataclass(frozen=True)
class PrinterProfile:
    """One printer of a station. kind: zpl_tcp (host, port), cups_raw (queue) or system
    (queue = the system printer's name, paper = 4x6 / A4 / Letter)."""

    name: str
    kind: str
    host: str | None = None
    port: int = 9100
    queue: str | None = None
    paper: str = "4x6"
    dpi: int = 203
    timeout: float = 5.0

    def __post_init__(self):
        if self.kind not in KINDS:
            raise PrinterError(f"Printer {self.name}: kind must be one of {', '.join(KINDS)}")

    @property
    def takes_zpl(self) -> bool:
        return self.kind in ("zpl_tcp", "cups_raw")

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "PrinterProfile":
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def describe(self) -> str:
        where = {"zpl_tcp": f"{self.host}:{self.port}", "cups_raw": f"lp -d {self.queue}",
                 "system": self.queue or "default printer"}[self.kind]
        return f"{self.name} ({where})"


@dataclass(frozen=True)
class StationPrinters:
    label: PrinterProfile | None
    document: PrinterProfile | None
    others: tuple[PrinterProfile, ...] = ()

    def all(self) -> list[PrinterProfile]:
        return [p for p in (self.label, self.document, *self.others) if p]

    def by_name(self, name: str) -> PrinterProfile:
        for profile in self.all():
            if profile.name == name:
                return profile
        raise PrinterError(f"No printer {name!r} at this station")


def profiles_path() -> Path:
    if os.environ.get(ENV_FILE):
        return Path(os.environ[ENV_FILE])
    import platformdirs

    return Path(platformdirs.user_config_dir("oms-desktop", appauthor=False)) / "printers.json"


def load_station(path: Path | None = None) -> StationPrinters:
    """{"label": {...}, "document": {...}, "others": [{...}]} from the station's own file."""
    path = path or profiles_path()
    if not path.exists():
        return StationPrinters(None, None)
    data = json.loads(path.read_text("utf-8"))
    one = lambda d: PrinterProfile.from_dict(d) if d else None  # noqa: E731
    return StationPrinters(one(data.get("label")), one(data.get("document")),
                           tuple(one(d) for d in data.get("others", [])))


def save_station(station: StationPrinters, path: Path | None = None) -> None:
    path = path or profiles_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {"label": station.label.as_dict() if station.label else None,
            "document": station.document.as_dict() if station.document else None,
            "others": [p.as_dict() for p in station.others]}
    path.write_text(json.dumps(data, indent=2), "utf-8")


def send_tcp(profile: PrinterProfile, data: bytes) -> None:
    """Raw port 9100: connect, write, close. The printer answers nothing to a format."""
    if not profile.host:
        raise PrinterError(f"Printer {profile.name} has no host")
    try:
        with socket.create_connection((profile.host, profile.port),
                                      timeout=profile.timeout) as conn:
            conn.sendall(data)
            conn.shutdown(socket.SHUT_WR)
    except OSError as exc:
        raise PrinterError(f"Printer {profile.describe()} cannot be reached: "
                           f"{exc.strerror or exc}") from exc


def host_status(profile: PrinterProfile) -> str:
    """Ask a network ZPL printer for its host status (`~HS`): the first STX…ETX string it
    answers with, or PrinterError when it does not answer."""
    if profile.kind != "zpl_tcp" or not profile.host:
        raise PrinterError(f"{profile.describe()} cannot be asked for its status")
    try:
        with socket.create_connection((profile.host, profile.port),
                                      timeout=profile.timeout) as conn:
            conn.sendall(b"~HS")
            reply = conn.recv(1024)
    except OSError as exc:
        raise PrinterError(f"Printer {profile.describe()} cannot be reached: "
                           f"{exc.strerror or exc}") from exc
    if b"\x02" not in reply:
        raise PrinterError(f"Printer {profile.describe()} gave no status")
    return reply.split(b"\x02", 1)[1].split(b"\x03", 1)[0].decode("ascii", "replace")


def send_cups_raw(profile: PrinterProfile, data: bytes) -> None:
    lp = shutil.which("lp")
    if lp is None:
        raise PrinterError("CUPS is not installed here (no `lp` command)")
    if not profile.queue:
        raise PrinterError(f"Printer {profile.name} has no CUPS queue")
    result = subprocess.run([lp, "-d", profile.queue, "-o", "raw"], input=data,
                            capture_output=True, timeout=30)
    if result.returncode != 0:
        raise PrinterError(f"lp -d {profile.queue} failed: "
                           f"{result.stderr.decode(errors='replace').strip()}")


Sender = Callable[[PrinterProfile, bytes, str], None]
_SENDERS: dict[str, Sender] = {
    "zpl_tcp": lambda p, data, fmt: send_tcp(p, data),
    "cups_raw": lambda p, data, fmt: send_cups_raw(p, data),
}


def register_sender(kind: str, sender: Sender) -> None:
    """The GUI registers the QPrinter sender for kind "system"."""
    _SENDERS[kind] = sender


def send(profile: PrinterProfile, data: bytes, fmt: str) -> None:
    if profile.takes_zpl and fmt != "zpl":
        raise PrinterError(f"{profile.describe()} prints ZPL; this document is {fmt.upper()}")
    if profile.kind == "system" and fmt != "pdf":
        raise PrinterError(f"{profile.describe()} prints PDF; this document is {fmt.upper()}")
    sender = _SENDERS.get(profile.kind)
    if sender is None:
        raise PrinterError(f"{profile.describe()} is a system printer: print from the "
                           "desktop window")
    sender(profile, data, fmt)
