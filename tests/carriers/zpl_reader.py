"""Reading ZPL back the way a test needs it: formats split on ^XZ, fields by their commands."""

from __future__ import annotations

import re
from dataclasses import dataclass

FIELD = re.compile(r"\^FO(\d+),(\d+)((?:\^(?!FD)[A-Z0-9@]{2}[^\^]*)*)\^FD(.*?)\^FS", re.S)


@dataclass(frozen=True)
class ZplField:
    x: int
    y: int
    commands: str  # e.g. "^BY2^BCN,180,Y,N,N^FH"
    data: str  # ^FH escapes decoded

    @property
    def is_code128(self) -> bool:
        return "^BC" in self.commands


def unescape(data: str) -> str:
    return re.sub(r"_([0-9A-Fa-f]{2})", lambda m: chr(int(m.group(1), 16)), data)


def formats(text: str) -> list[str]:
    return [f + "^XZ" for f in text.split("^XZ") if f.strip()]


def fields(fmt: str) -> list[ZplField]:
    return [ZplField(int(x), int(y), cmds, unescape(data) if "^FH" in cmds else data)
            for x, y, cmds, data in FIELD.findall(fmt)]


def texts(fmt: str) -> list[str]:
    return [f.data for f in fields(fmt) if not f.is_code128]


def barcodes(fmt: str) -> list[str]:
    return [f.data for f in fields(fmt) if f.is_code128]
