"""4x6 inch shipping labels: `collect()` picks the data from the ShipmentDTO a carrier plugin
is given (read by its fields: ship_from, ship_to, reference, parcels), `render_pdf()`
draws it on pages of exactly 288 x 432 pt (nothing scaled), with barcode modules on the
printer's dot grid for 203 or 300 dpi. ZPL II is in documents/zpl.py."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from oms_desktop.documents.fonts import document_fonts
from oms_desktop.documents.label_barcodes import (
    code128_modules, draw_modules, gs1_128_modules, module_for, snap, sscc_human,
)

PAGE = (288.0, 432.0)  # 4 x 6 inches
MARGIN = 12.0
DPIS = (203, 300)


@dataclass(frozen=True)
class LabelData:
    ship_from: tuple[str, ...]
    ship_to: tuple[str, ...]
    carrier: str
    service: str
    tracking_number: str
    reference: str
    package: str  # "1 of 2"
    weight: str
    sscc: str | None = None


def collect(shipment, *, tracking_number: str, carrier: str,
            service: str) -> list[LabelData]:
    """One label per package of the shipment."""
    count = len(shipment.parcels)
    return [LabelData(tuple(shipment.ship_from.lines()), tuple(shipment.ship_to.lines()),
                      carrier, service, tracking_number, shipment.reference,
                      f"{p.number} of {count}", f"{p.weight_g / 1000:.2f} kg", p.sscc)
            for p in shipment.parcels]


def render_pdf(labels: list[LabelData], *, dpi: int = 203) -> bytes:
    return render_pages(labels, _draw, title="Shipping labels", dpi=dpi)


def render_pages(labels: list, draw, *, title: str, dpi: int) -> bytes:
    """4 x 6 inch label pages, one a label, each drawn by `draw(canvas, label, dpi, fonts)`
    with its barcodes at the thermal printer's `dpi`."""
    if dpi not in DPIS:
        raise ValueError(f"labels are made for {DPIS} dpi, not {dpi}")
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=PAGE, pageCompression=0)
    canvas.setTitle(title)
    fonts = document_fonts()
    for label in labels:
        draw(canvas, label, dpi, fonts)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _draw(c: Canvas, label: LabelData, dpi: int, fonts: tuple[str, str]) -> None:
    regular, bold = fonts
    width, top = PAGE[0], PAGE[1] - MARGIN
    c.setLineWidth(1.5)
    c.setFont(bold, 7)
    c.drawString(MARGIN, top - 7, "FROM")
    c.setFont(regular, 8)
    for i, line in enumerate(label.ship_from[:4]):
        c.drawString(MARGIN + 30, top - 7 - i * 9, line)
    y = top - 46
    c.line(MARGIN, y, width - MARGIN, y)
    c.setFont(bold, 9)
    c.drawString(MARGIN, y - 14, "SHIP TO")
    c.setFont(bold, 14)
    for i, line in enumerate(label.ship_to[:6]):
        c.drawString(MARGIN + 8, y - 32 - i * 16, line)
    y -= 130
    c.line(MARGIN, y, width - MARGIN, y)
    c.setFont(bold, 16)
    c.drawString(MARGIN, y - 20, f"{label.carrier.upper()}  {label.service}"[:34])
    c.setFont(regular, 9)
    c.drawString(MARGIN, y - 34, f"Ref {label.reference}   Pkg {label.package}   "
                                 f"Wt {label.weight}")
    _barcode(c, code128_modules(label.tracking_number), y=y - 110, height=64, dpi=dpi,
             most_dots=3, caption=f"TRACKING # {label.tracking_number}", font=bold)
    if label.sscc:
        y -= 136
        c.line(MARGIN, y, width - MARGIN, y)
        c.setFont(bold, 9)
        c.drawString(MARGIN, y - 12, "SSCC")
        _barcode(c, gs1_128_modules("00" + label.sscc), y=MARGIN + 14, height=snap(72, dpi),
                 dpi=dpi, most_dots=3, caption=sscc_human(label.sscc), font=bold)


def _barcode(c: Canvas, modules: str, *, y: float, height: float, dpi: int, most_dots: int,
             caption: str, font: str) -> None:
    module = module_for(modules, dpi=dpi, max_width=PAGE[0] - 2 * MARGIN, most_dots=most_dots)
    x = snap((PAGE[0] - len(modules) * module) / 2, dpi)
    drawn = draw_modules(c, modules, x=x, y=snap(y, dpi), module=module, height=height)
    c.setFont(font, 10)
    c.drawCentredString(x + drawn / 2, y - 12, caption)
