"""The dock's papers for a freight shipment: the pallet packing list (every pallet with its
SSCC, the cartons on it with theirs, what each carton holds and weighs) and the straight
bill of lading (VICS layout in short: shipper, consignee, bill-to, carrier with SCAC and
PRO, the customer order line, the handling units with weight and NMFC class, signatures).
`packing_list()` and `bill_of_lading()` collect from the freight papers; `render()` draws."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from oms_desktop.documents.barcode_drawing import draw_code128
from oms_desktop.documents.fonts import document_fonts

PAGES = {"A4": A4, "Letter": LETTER}
MARGIN = 15 * mm
ROW = 13
LB_PER_KG = 2.20462


@dataclass(frozen=True)
class Sheet:
    title: str
    number: str           # printed as a Code 128 barcode at the top right
    boxes: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, lines) side by side, 3 a row
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    widths: tuple[float, ...]  # column widths as parts of the table's width
    totals: tuple[str, ...]
    foot: tuple[str, ...]
    second_barcode: tuple[str, str] | None = None  # (caption, value), e.g. the PRO number


def _pallet_rows(papers) -> list[tuple[str, ...]]:
    rows = []
    for p in papers.pallets.pallets:
        rows.append((f"PALLET {p.number}", p.sscc, f"{len(p.cartons)} cartons", "",
                     f"{p.gross_weight_g / 1000:.1f}"))
        rows += [_carton_row(c, papers.names) for c in p.cartons]
    for c in papers.pallets.loose:
        rows.append(_carton_row(c, papers.names, loose=True))
    return rows


def _carton_row(c, names, *, loose: bool = False) -> tuple[str, ...]:
    what = ", ".join(f"{qty} x {sku} {names.get(sku, '')}".strip()
                     for sku, qty in c.contents.items())
    return (f"{'not on a pallet' if loose else '  carton'} {c.number}", c.sscc or "-", what,
            str(sum(c.contents.values())), f"{c.weight_g / 1000:.1f}")


def packing_list(papers) -> Sheet:
    pallets = papers.pallets.pallets
    cartons = sum(len(p.cartons) for p in pallets) + len(papers.pallets.loose)
    units = sum(sum(c.contents.values()) for p in pallets for c in p.cartons) + sum(
        sum(c.contents.values()) for c in papers.pallets.loose)
    kg = sum(p.gross_weight_g for p in pallets) / 1000 + sum(
        c.weight_g for c in papers.pallets.loose) / 1000
    b = papers.booking
    facts = (f"Shipment {papers.shipment}", f"Order {papers.order_number}",
             f"PO {papers.po_number}", f"Packed {papers.day.isoformat()}")
    carrier = (b.carrier, f"SCAC {b.scac}", f"PRO {b.pro_number}", f"B/L {b.bol_number}") \
        if b else ("not booked yet",)
    return Sheet("PALLET PACKING LIST", papers.shipment,
                 (("SHIP FROM", papers.ship_from), ("SHIP TO", papers.ship_to),
                  ("SHIPMENT", facts), ("CARRIER", carrier)),
                 ("pallet / carton", "SSCC", "contents", "units", "kg"),
                 tuple(_pallet_rows(papers)), (0.17, 0.24, 0.39, 0.08, 0.12),
                 (f"{len(pallets)} pallets", f"{cartons} cartons", f"{units} units",
                  f"{kg:.1f} kg gross"),
                 ("Check every pallet's SSCC against its label before loading.",))


def bill_of_lading(papers) -> Sheet:
    b = papers.booking
    if b is None:
        raise ValueError(f"{papers.shipment} is not booked: a bill of lading needs the carrier")
    pallets, loose = papers.pallets.pallets, papers.pallets.loose
    rows = []
    if pallets:
        rows.append(_bol_row(papers, len(pallets), "PLT", [c for p in pallets for c in p.cartons],
                             sum(p.gross_weight_g for p in pallets)))
    if loose:
        rows.append(_bol_row(papers, len(loose), "CTN", list(loose),
                             sum(c.weight_g for c in loose)))
    units, packages = sum(int(r[0]) for r in rows), sum(int(r[2]) for r in rows)
    lb = sum(float(r[4]) for r in rows)
    return Sheet(
        "STRAIGHT BILL OF LADING - SHORT FORM - NOT NEGOTIABLE", b.bol_number,
        (("SHIP FROM", papers.ship_from), ("SHIP TO", papers.ship_to),
         ("FREIGHT CHARGES BILL TO", papers.bill_to),
         ("CARRIER", (b.carrier, f"SCAC {b.scac}", f"PRO {b.pro_number}",
                      f"Pickup {b.pickup_on.isoformat()}")),
         ("BILL OF LADING", (f"B/L {b.bol_number}", f"Date {papers.day.isoformat()}",
                             "Freight charges: prepaid")),
         ("CUSTOMER ORDER", (f"PO {papers.po_number}", f"Order {papers.order_number}",
                             f"{packages} pkgs, {lb:.0f} lb",
                             f"Pallet/slip: {'Y' if pallets else 'N'}"))),
        ("HU qty", "type", "pkg qty", "type", "weight lb", "HM", "description", "NMFC class"),
        tuple(rows), (0.08, 0.07, 0.08, 0.07, 0.1, 0.05, 0.43, 0.12),
        (f"{units} handling units", f"{packages} packages", f"{lb:.0f} lb"),
        ("Received, subject to individually determined rates or contracts agreed between "
         "carrier and shipper.", "", "Shipper signature / date: ______________________"
         "      Carrier signature / pickup date: ______________________",
         "Trailer loaded: by shipper          Freight counted: by shipper"),
        ("PRO", b.pro_number))


def _bol_row(papers, units: int, kind: str, cartons, grams: int) -> tuple[str, ...]:
    what = "; ".join(sorted({papers.names.get(sku, sku) for c in cartons for sku in c.contents}))
    return (str(units), kind, str(len(cartons)), "CTN", f"{grams / 1000 * LB_PER_KG:.1f}", "",
            what, papers.booking.freight_class)


def render(sheet: Sheet, *, page: str = "Letter") -> bytes:
    size = PAGES[page]
    out = io.BytesIO()
    c = Canvas(out, pagesize=size, pageCompression=0)
    c.setTitle(sheet.title.title())
    fonts = document_fonts()
    width, top = size[0], size[1] - MARGIN
    y = _head(c, sheet, width, top, fonts)
    y = _boxes(c, sheet, width, y, fonts)
    y = _table(c, sheet, width, y, fonts, size)
    _foot(c, sheet, width, y, fonts)
    c.showPage()
    c.save()
    return out.getvalue()


def _head(c: Canvas, sheet: Sheet, width: float, top: float, fonts) -> float:
    regular, bold = fonts
    c.setFont(bold, 13)
    c.drawString(MARGIN, top - 14, sheet.title)
    draw_code128(c, sheet.number, x=width - MARGIN - 70 * mm, y=top - 20 * mm,
                 module=0.33 * mm, height=13 * mm, font_size=9, max_width=70 * mm)
    if sheet.second_barcode:
        caption, value = sheet.second_barcode
        c.setFont(bold, 8)
        c.drawString(MARGIN, top - 28, caption)
        draw_code128(c, value, x=MARGIN, y=top - 26 * mm, module=0.33 * mm, height=10 * mm,
                     font_size=9, max_width=60 * mm)
    return top - 32 * mm


def _boxes(c: Canvas, sheet: Sheet, width: float, y: float, fonts) -> float:
    regular, bold = fonts
    box_w = (width - 2 * MARGIN) / 3
    for row_start in range(0, len(sheet.boxes), 3):
        tallest = 0
        for i, (heading, lines) in enumerate(sheet.boxes[row_start:row_start + 3]):
            x = MARGIN + i * box_w
            c.setFont(bold, 7.5)
            c.drawString(x + 3, y - 10, heading)
            c.setFont(regular, 9)
            for n, line in enumerate(lines[:6]):
                c.drawString(x + 3, y - 22 - n * 11, str(line)[:40])
            tallest = max(tallest, 26 + 11 * min(len(lines), 6))
        c.rect(MARGIN, y - tallest, width - 2 * MARGIN, tallest)
        for i in (1, 2):
            c.line(MARGIN + i * box_w, y, MARGIN + i * box_w, y - tallest)
        y -= tallest + 6
    return y - 6


def _table(c: Canvas, sheet: Sheet, width: float, y: float, fonts, size) -> float:
    regular, bold = fonts
    inner = width - 2 * MARGIN
    xs = [MARGIN + inner * sum(sheet.widths[:i]) for i in range(len(sheet.widths))]
    c.setFont(bold, 8)
    for x, h in zip(xs, sheet.headers):
        c.drawString(x + 2, y - 10, h.upper())
    c.line(MARGIN, y - 14, width - MARGIN, y - 14)
    y -= 14
    for row in sheet.rows:
        if y < MARGIN + 90:
            c.showPage()
            y = size[1] - MARGIN
        pallet = row[0].startswith("PALLET")
        c.setFont(bold if pallet else regular, 8.5)
        y -= ROW
        for x, w, value in zip(xs, sheet.widths, row):
            c.drawString(x + 2, y + 3, _fit(c, value, inner * w - 4))
    c.line(MARGIN, y - 2, width - MARGIN, y - 2)
    c.setFont(bold, 10)
    c.drawString(MARGIN, y - 16, "TOTAL   " + "   ".join(sheet.totals))
    return y - 30


def _fit(c: Canvas, text: str, room: float) -> str:
    while text and c.stringWidth(text) > room:
        text = text[:-1]
    return text


def _foot(c: Canvas, sheet: Sheet, width: float, y: float, fonts) -> None:
    regular, _ = fonts
    c.setFont(regular, 8.5)
    for n, line in enumerate(sheet.foot):
        c.drawString(MARGIN, y - n * 12, line)
