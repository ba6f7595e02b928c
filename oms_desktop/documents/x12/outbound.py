"""The bodies (segments between ST and SE) of the 855 acknowledgement, the 856 ship notice
and the 810 invoice, from plain data the services collect."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from oms_desktop.documents.x12.envelope import segment, text

ACK_CODES = {"accepted": "IA", "changed": "IP", "backordered": "IB", "rejected": "IR"}
SCAC = {"UPS": "UPSN", "USPS": "USPS", "FEDEX": "FDEG", "DHL": "DHLC"}


@dataclass(frozen=True)
class Item:
    po_line: str
    quantity: int
    uom: str
    unit_price: Decimal
    buyer_part: str | None
    sku: str


@dataclass(frozen=True)
class AckLine:
    item: Item
    status: str           # accepted | changed | backordered | rejected
    shipping: int         # units we will ship now
    backordered: int      # units to follow
    ship_on: date | None


@dataclass(frozen=True)
class Address:
    name: str
    code: str | None
    line1: str | None
    city: str | None
    region: str | None
    postal_code: str | None
    country: str | None


@dataclass(frozen=True)
class Pack:
    sscc: str | None
    items: tuple[Item, ...]


@dataclass(frozen=True)
class Tare:
    """A pallet: its SSCC-18 and the cartons on it."""
    sscc: str
    packs: tuple[Pack, ...]


@dataclass(frozen=True)
class ShipNotice:
    shipment_ref: str
    po_number: str
    po_date: date | None
    shipped_at: datetime
    carrier: str | None
    tracking_number: str | None
    weight_lb: Decimal | None
    ship_to: Address
    ship_from: Address
    packs: tuple[Pack, ...]  # cartons not on a pallet
    tares: tuple[Tare, ...] = ()
    scac: str | None = None        # a freight carrier's own SCAC (LTL)
    bol_number: str | None = None  # the bill of lading (REF*BM)


@dataclass(frozen=True)
class InvoiceDoc:
    number: str
    issued_on: date
    po_number: str
    po_date: date | None
    shipped_on: date
    ship_to: Address
    net_days: int
    discount_percent: Decimal
    discount_days: int
    items: tuple[Item, ...]
    total: Decimal


def _d(day: date | datetime | None) -> str | None:
    return day.strftime("%Y%m%d") if day else None


def _money(value: Decimal) -> str:
    return f"{value.quantize(Decimal('0.01'))}".rstrip("0").rstrip(".") or "0"


def _parts(item: Item) -> list:
    out: list = []
    if item.buyer_part:
        out += ["BP", text(item.buyer_part, 48)]
    return out + ["VP", text(item.sku, 48)]


def _n1(kind: str, a: Address) -> list[str]:
    out = [segment("N1", kind, text(a.name, 60), "92" if a.code else None,
                   text(a.code, 80) if a.code else None)]
    if a.line1:
        out.append(segment("N3", text(a.line1, 55)))
    if a.city:
        out.append(segment("N4", text(a.city, 30), text(a.region, 2),
                           text(a.postal_code, 15), text(a.country, 3)))
    return out


def ack_855(po_number: str, po_date: date, lines: list[AckLine]) -> list[str]:
    """BAK04 is mandatory: the PO's date (the day received when the PO has none)."""
    changed = any(line.status != "accepted" for line in lines)
    body = [segment("BAK", "00", "AC" if changed else "AD", text(po_number, 22), _d(po_date))]
    for line in lines:
        i = line.item
        body.append(segment("PO1", text(i.po_line, 20), i.quantity, i.uom,
                            _money(i.unit_price), "", *_parts(i)))
        if line.status == "rejected":
            body.append(segment("ACK", "IR", i.quantity, i.uom))
            continue
        if line.shipping:
            code = ACK_CODES["changed" if line.status == "changed" else "accepted"]
            body.append(segment("ACK", code, line.shipping, i.uom, "068", _d(line.ship_on)))
        if line.backordered:
            body.append(segment("ACK", "IB", line.backordered, i.uom))
    return body + [segment("CTT", len(lines))]


def asn_856(n: ShipNotice) -> list[str]:
    """Shipment ▸ order ▸ tare (a pallet, SSCC-18 in MAN*GM) ▸ pack (a carton, its own
    SSCC-18) ▸ item, each HL naming its parent; cartons not on a pallet hang from the order."""
    body = [segment("BSN", "00", text(n.shipment_ref, 30), _d(n.shipped_at),
                    n.shipped_at.strftime("%H%M"), "0001")]
    body.append(segment("HL", 1, "", "S"))
    body += _shipment_level(n)
    body += [segment("HL", 2, 1, "O"), segment("PRF", text(n.po_number, 22), "", "", _d(n.po_date))]
    hl = [2]
    for tare in n.tares:
        hl[0] += 1
        tare_hl = hl[0]
        body += [segment("HL", tare_hl, 2, "T"), segment("MAN", "GM", tare.sscc)]
        for pack in tare.packs:
            body += _pack(pack, tare_hl, hl)
    for pack in n.packs:
        body += _pack(pack, 2, hl)
    return body + [segment("CTT", hl[0])]


def _shipment_level(n: ShipNotice) -> list[str]:
    """TD1 (cartons, and pallets when any), TD5 (carrier), REF (BOL, PRO or tracking)."""
    cartons = len(n.packs) + sum(len(t.packs) for t in n.tares)
    out = []
    if n.weight_lb:
        out.append(segment("TD1", "CTN25", cartons, "", "", "", "G",
                           n.weight_lb.quantize(Decimal("0.1")), "LB"))
    if n.tares:
        out.append(segment("TD1", "PLT94", len(n.tares)))
    if n.scac:
        out.append(segment("TD5", "", "2", text(n.scac, 4), "LT", text(n.carrier, 35)))
    elif n.carrier:
        scac = SCAC.get(n.carrier.upper())
        out.append(segment("TD5", "", "2" if scac else "ZZ",
                           scac or text(n.carrier, 17).upper(), "M"))
    if n.bol_number:
        out.append(segment("REF", "BM", text(n.bol_number, 30)))
    if n.tracking_number:
        out.append(segment("REF", "CN", text(n.tracking_number, 30)))
    return out + [segment("DTM", "011", _d(n.shipped_at))] + _n1("ST", n.ship_to) \
        + _n1("SF", n.ship_from)


def _pack(pack: Pack, parent: int, hl: list[int]) -> list[str]:
    hl[0] += 1
    pack_hl = hl[0]
    out = [segment("HL", pack_hl, parent, "P")]
    if pack.sscc:
        out.append(segment("MAN", "GM", pack.sscc))
    for item in pack.items:
        hl[0] += 1
        out += [segment("HL", hl[0], pack_hl, "I"),
                segment("LIN", text(item.po_line, 20), *_parts(item)),
                segment("SN1", "", item.quantity, item.uom)]
    return out


def invoice_810(inv: InvoiceDoc) -> list[str]:
    body = [segment("BIG", _d(inv.issued_on), text(inv.number, 22), _d(inv.po_date),
                    text(inv.po_number, 22))]
    body += _n1("ST", inv.ship_to)
    if inv.discount_percent:
        body.append(segment("ITD", "08", "3", _money(inv.discount_percent), "",
                            inv.discount_days, "", inv.net_days))
    else:
        body.append(segment("ITD", "05", "3", "", "", "", "", inv.net_days))
    body.append(segment("DTM", "011", _d(inv.shipped_on)))
    for item in inv.items:
        body.append(segment("IT1", text(item.po_line, 20), item.quantity, item.uom,
                            _money(item.unit_price), "", *_parts(item)))
    cents = int((inv.total * 100).quantize(Decimal(1)))
    return body + [segment("TDS", cents), segment("CTT", len(inv.items))]
