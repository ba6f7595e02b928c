"""What a scanned string is: a GTIN, a GS1 element string, one of our document barcodes, or
plain text (a SKU or a bin code, resolved by lookup).

Our document barcodes carry explicit prefixes so a scan is recognised without a query:

    PL-<id>          pick list            PL-<id>-<slot>  one order's slot on a pick list
    TOTE-<n>         a tote               ORD-<id>        order
    SHP-<id>         shipment             RMA-<any>       return authorisation
    QTY-<n>          a quantity card (the next item scan counts n units)

Bins carry their bare Location code (e.g. ``WH1-A-01``) and SKUs their bare SKU: both come
back as ``ScanKind.text`` and the service resolves them in context (the bin it expects, then
products by SKU or barcode, then locations).

GS1-128 and GS1 DataMatrix element strings are recognised by a symbology identifier (``]C1``,
``]d2``, ``]Q3``), by an FNC1 separator (GS, ``\\x1d``) or by the human-readable form
``(01)…(10)…``. Variable-length fields end at GS or at the end of the string."""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field

from oms_desktop.policies.barcodes import GTIN_KINDS, gs1_check_digit, is_valid_gtin

GS = "\x1d"
SYMBOLOGY_IDS = ("]C1", "]d2", "]Q3", "]e0", "]J1")

# AI -> (fixed length or None, maximum length, name)
AIS: dict[str, tuple[int | None, int, str]] = {
    "00": (18, 18, "sscc"),
    "01": (14, 14, "gtin"),
    "10": (None, 20, "batch"),
    "17": (6, 6, "expiry"),
    "21": (None, 20, "serial"),
    "30": (None, 8, "count"),
    "37": (None, 8, "count_of_items"),
}


class ScanKind(enum.StrEnum):
    gtin = "gtin"
    gs1 = "gs1"
    pick_list = "pick_list"
    pick_slot = "pick_slot"
    tote = "tote"
    order = "order"
    shipment = "shipment"
    rma = "rma"
    quantity = "quantity"
    text = "text"
    invalid = "invalid"


@dataclass(frozen=True)
class ScanConfig:
    prefix: str = ""
    suffix: str = ""


@dataclass(frozen=True)
class Scan:
    """One parsed scan. `value` is the meaningful part (the id for document barcodes, the
    GTIN for gtin/gs1, the text otherwise); `number` the integer id where there is one."""

    kind: ScanKind
    raw: str
    value: str
    number: int | None = None
    slot: int | None = None
    elements: dict[str, str] = field(default_factory=dict)
    error: str | None = None

    @property
    def gtin(self) -> str | None:
        if self.kind == ScanKind.gtin:
            return self.value
        return self.elements.get("01")

    @property
    def quantity(self) -> int:
        """Units this scan stands for: AI 30/37 of a GS1 string, else 1."""
        count = self.elements.get("30") or self.elements.get("37")
        return int(count) if count and count.isdigit() and int(count) > 0 else 1

    @property
    def ok(self) -> bool:
        return self.kind != ScanKind.invalid


_DOCS = [
    (re.compile(r"PL-(\d+)-(\d+)"), ScanKind.pick_slot),
    (re.compile(r"PL-(\d+)"), ScanKind.pick_list),
    (re.compile(r"TOTE-(\d+)"), ScanKind.tote),
    (re.compile(r"ORD-(\d+)"), ScanKind.order),
    (re.compile(r"SHP-(\d+)"), ScanKind.shipment),
    (re.compile(r"QTY-(\d+)"), ScanKind.quantity),
]
_RMA = re.compile(r"RMA-[A-Z0-9-]+")
_HUMAN_GS1 = re.compile(r"\((\d{2})\)([^(]*)")


def strip_affixes(raw: str, config: ScanConfig) -> str:
    text = raw
    if config.prefix and text.startswith(config.prefix):
        text = text[len(config.prefix):]
    if config.suffix and text.endswith(config.suffix):
        text = text[: -len(config.suffix)]
    return text.strip("\r\n\t ")


def parse_scan(raw: str, config: ScanConfig = ScanConfig()) -> Scan:
    """Classify one scan; never raises (an unreadable GS1 string is `ScanKind.invalid`)."""
    text = strip_affixes(raw, config)
    if not text:
        return Scan(ScanKind.invalid, raw, "", error="Empty scan")
    if _looks_gs1(text):
        return _gs1_scan(raw, text)
    if text.isdigit() and len(text) in GTIN_KINDS:
        if is_valid_gtin(text):
            return Scan(ScanKind.gtin, raw, text)
        return Scan(ScanKind.text, raw, text)
    return _document_scan(raw, text)


def _document_scan(raw: str, text: str) -> Scan:
    upper = text.upper()
    for pattern, kind in _DOCS:
        match = pattern.fullmatch(upper)
        if match:
            slot = int(match.group(2)) if kind == ScanKind.pick_slot else None
            return Scan(kind, raw, match.group(1), number=int(match.group(1)), slot=slot)
    if _RMA.fullmatch(upper):
        return Scan(ScanKind.rma, raw, upper)
    return Scan(ScanKind.text, raw, text)


def _looks_gs1(text: str) -> bool:
    return (text.startswith(SYMBOLOGY_IDS) or GS in text
            or bool(re.match(r"\(\d{2}\)", text)))


def _gs1_scan(raw: str, text: str) -> Scan:
    try:
        elements = parse_gs1(text)
    except ValueError as exc:
        return Scan(ScanKind.invalid, raw, text, error=str(exc))
    value = elements.get("01") or elements.get("00") or ""
    return Scan(ScanKind.gs1, raw, value, elements=elements)


def parse_gs1(text: str) -> dict[str, str]:
    """Element strings to {AI: value}; raises ValueError for unknown AIs, wrong lengths or
    bad check digits (GTIN in 01, SSCC in 00)."""
    for sid in SYMBOLOGY_IDS:
        if text.startswith(sid):
            text = text[len(sid):]
            break
    if text.startswith("("):
        elements = _parse_human(text)
    else:
        elements = _parse_raw(text.lstrip(GS))
    _check(elements)
    return elements


def _parse_human(text: str) -> dict[str, str]:
    pairs = _HUMAN_GS1.findall(text)
    if "".join(f"({ai}){v}" for ai, v in pairs) != text:
        raise ValueError(f"Not a GS1 element string: {text!r}")
    return {ai: value for ai, value in pairs}


def _parse_raw(text: str) -> dict[str, str]:
    elements: dict[str, str] = {}
    pos = 0
    while pos < len(text):
        ai = text[pos:pos + 2]
        if ai not in AIS:
            raise ValueError(f"Unknown GS1 application identifier ({ai}) in {text!r}")
        fixed, _maximum, _ = AIS[ai]
        pos += 2
        if fixed is not None:
            value, pos = text[pos:pos + fixed], pos + fixed
        else:
            end = text.find(GS, pos)
            end = len(text) if end < 0 else end
            value, pos = text[pos:end], end
        elements[ai] = value
        while pos < len(text) and text[pos] == GS:
            pos += 1
    return elements


def _check(elements: dict[str, str]) -> None:
    if not elements:
        raise ValueError("Empty GS1 element string")
    for ai, value in elements.items():
        if ai not in AIS:
            raise ValueError(f"Unknown GS1 application identifier ({ai})")
        fixed, maximum, name = AIS[ai]
        if (fixed is not None and len(value) != fixed) or not 0 < len(value) <= maximum:
            raise ValueError(f"GS1 ({ai}) {name} has the wrong length: {value!r}")
    gtin = elements.get("01")
    if gtin is not None and not is_valid_gtin(gtin):
        raise ValueError(f"GS1 (01) {gtin} has a wrong check digit")
    sscc = elements.get("00")
    if sscc is not None and not (sscc.isdigit() and _sscc_ok(sscc)):
        raise ValueError(f"GS1 (00) SSCC {sscc} has a wrong check digit")
    for ai in ("17", "30", "37"):
        if ai in elements and not elements[ai].isdigit():
            raise ValueError(f"GS1 ({ai}) must be digits: {elements[ai]!r}")


def _sscc_ok(sscc: str) -> bool:
    return gs1_check_digit(sscc[:-1]) == int(sscc[-1])


def gtin_candidates(gtin: str) -> list[str]:
    """The same trade item written as GTIN-14/13/12/8 (leading zeros dropped): a product may
    be stored under any of them while a GS1 string always carries 14 digits."""
    out = [gtin]
    stripped = gtin
    while stripped.startswith("0") and len(stripped) > 8:
        stripped = stripped[1:]
        if len(stripped) in GTIN_KINDS:
            out.append(stripped)
    return out
