"""The end-of-day manifest a driver signs: every package handed over to one carrier on one day,
each with its tracking barcode, and the totals. `render()` draws ManifestData on A4 or Letter."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.pdfgen.canvas import Canvas

from oms_desktop.documents.fonts import document_fonts
from oms_desktop.documents.label_barcodes import code128_modules, draw_modules

PAPER = {"A4": A4, "Letter": LETTER}
ROW_H = 52.0
MARGIN = 40.0


@dataclass(frozen=True)
class ManifestRow:
    shipment: str
    order: str
    ship_to: str
    service: str
    tracking_number: str
    packages: int
    weight_g: int
    cost: Decimal


@dataclass(frozen=True)
class ManifestData:
    carrier: str
    day: date
    shipper: str
    rows: tuple[ManifestRow, ...]
    closed_at: datetime
    closed_by: str
    currency: str = "USD"

    @property
    def packages(self) -> int:
        return sum(r.packages for r in self.rows)

    @property
    def weight_g(self) -> int:
        return sum(r.weight_g for r in self.rows)

    @property
    def total_cost(self) -> Decimal:
        return sum((r.cost for r in self.rows), Decimal(0))


def _font(bold: bool = False) -> str:
    """A font that prints any UTF-8 name (DejaVu Sans when installed)."""
    return document_fonts()[1 if bold else 0]


def render(data: ManifestData, *, paper: str = "A4") -> bytes:
    size = PAPER[paper]
    out = io.BytesIO()
    c = Canvas(out, pagesize=size)
    c.setTitle(f"Manifest {data.carrier} {data.day.isoformat()}")
    per_page = int((size[1] - 2 * MARGIN - 110) // ROW_H)
    pages = [data.rows[i:i + per_page] for i in range(0, len(data.rows), per_page)] or [()]
    for number, rows in enumerate(pages, 1):
        _header(c, data, size, number, len(pages))
        for i, row in enumerate(rows):
            _row(c, row, size[1] - MARGIN - 100 - i * ROW_H)
        if number == len(pages):
            _totals(c, data, size[1] - MARGIN - 100 - len(rows) * ROW_H - 10)
        c.showPage()
    c.save()
    return out.getvalue()


def _header(c: Canvas, data: ManifestData, size, number: int, count: int) -> None:
    top = size[1] - MARGIN
    c.setFont(_font(True), 18)
    c.drawString(MARGIN, top - 18, f"Manifest: {data.carrier.upper()}  {data.day:%a %d %b %Y}")
    c.setFont(_font(), 10)
    closed = data.closed_at.strftime("%Y-%m-%d %H:%M")
    c.drawString(MARGIN, top - 36,
                 f"Shipper: {data.shipper}    Closed {closed} UTC by {data.closed_by}")
    c.drawRightString(size[0] - MARGIN, top - 36, f"Page {number} of {count}")
    c.setFont(_font(True), 9)
    for x, text in ((MARGIN, "Shipment / order"), (MARGIN + 110, "Ship to / service"),
                    (MARGIN + 250, "Tracking")):
        c.drawString(x, top - 62, text)
    for offset, text in ((85, "Pkgs"), (40, "Weight"), (0, "Cost")):
        c.drawRightString(MARGIN + 515 - offset, top - 62, text)
    c.line(MARGIN, top - 68, size[0] - MARGIN, top - 68)


def _row(c: Canvas, row: ManifestRow, y: float) -> None:
    c.setFont(_font(), 9)
    c.drawString(MARGIN, y, row.shipment)
    c.drawString(MARGIN, y - 12, row.order[:20])
    c.drawString(MARGIN + 110, y, row.ship_to[:26])
    c.drawString(MARGIN + 110, y - 12, row.service[:26])
    modules = code128_modules(row.tracking_number)
    module = min(1.0, 150 / len(modules))
    draw_modules(c, modules, x=MARGIN + 250, y=y - 20, module=module, height=26)
    c.setFont(_font(), 7)
    c.drawString(MARGIN + 250, y - 29, row.tracking_number)
    c.setFont(_font(), 9)
    right = MARGIN + 515
    c.drawRightString(right - 85, y, str(row.packages))
    c.drawRightString(right - 40, y, f"{row.weight_g / 1000:.2f} kg")
    c.drawRightString(right, y, f"{row.cost:.2f}")


def _totals(c: Canvas, data: ManifestData, y: float) -> None:
    c.line(MARGIN, y + 14, MARGIN + 515, y + 14)
    c.setFont(_font(True), 11)
    c.drawString(MARGIN, y, f"Shipments: {len(data.rows)}   Packages: {data.packages}   "
                            f"Weight: {data.weight_g / 1000:.2f} kg   "
                            f"Cost: {data.total_cost:.2f} {data.currency}")
    c.setFont(_font(), 10)
    c.drawString(MARGIN, y - 40, "Received by driver: ______________________   "
                                 "Signature: ______________________   Time: ________")
