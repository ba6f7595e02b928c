"""The RMA slip that goes in the parcel: the RMA barcode the intake bench scans, what is
coming back and why, and how to send it."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from oms_desktop.documents.barcode_drawing import draw_code128
from oms_desktop.documents.fonts import document_fonts
from oms_desktop.documents.logo import draw_logo

PAGES = {"A4": A4, "Letter": LETTER}


@dataclass(frozen=True)
class RmaSlipData:
    rma_number: str
    order_number: str
    customer: str
    lines: list[tuple[str, int, str]]  # sku, quantity, reason
    return_to: list[str]
    instructions: list[str]
    brand: str | None = None  # the brand's sender name, under the logo
    logo_path: str | None = None


def collect(rma, *, return_to: list[str], brand: str | None = None,
            logo_path: str | None = None) -> RmaSlipData:
    """From the returns service's RmaView (rma_number, order_number, customer, lines)."""
    lines = [(l.sku, l.quantity, l.reason.replace("_", " ")) for l in rma.lines
             if not l.unexpected]
    return RmaSlipData(rma.rma_number, rma.order_number, rma.customer or "", lines, return_to, [
        "Put the items in their original packaging if you still have it.",
        "Put this slip inside the parcel and write the RMA number on the outside.",
        "Send the parcel to the address below within 30 days.",
    ], brand, logo_path)


def render(data: RmaSlipData, *, page: str = "A4") -> bytes:
    regular, bold = document_fonts()
    width, height = PAGES[page]
    buffer = io.BytesIO()
    c = Canvas(buffer, pagesize=(width, height))
    c.setTitle(f"Return authorisation {data.rma_number}")
    top = height - 20 * mm
    if data.logo_path:
        top -= draw_logo(c, data.logo_path, x=20 * mm, top=top + 8 * mm)
    if data.brand:
        c.setFont(regular, 10)
        c.drawString(20 * mm, top + 2 * mm, data.brand)
        top -= 6 * mm
    c.setFont(bold, 20)
    c.drawString(20 * mm, top, "Return authorisation")
    draw_code128(c, data.rma_number, x=width - 95 * mm, y=top - 14 * mm, module=0.4 * mm,
                 height=16 * mm, font_size=11)
    c.setFont(regular, 12)
    c.drawString(20 * mm, top - 10 * mm, f"RMA {data.rma_number}   order {data.order_number}")
    c.drawString(20 * mm, top - 17 * mm, data.customer)
    y = top - 35 * mm
    c.setFont(bold, 11)
    for x, title in ((20, "SKU"), (90, "Quantity"), (120, "Reason")):
        c.drawString(x * mm, y, title)
    c.setFont(regular, 11)
    for sku, qty, reason in data.lines:
        y -= 7 * mm
        c.drawString(20 * mm, y, sku)
        c.drawRightString(110 * mm, y, str(qty))
        c.drawString(120 * mm, y, reason)
    y -= 15 * mm
    for text in data.instructions:
        c.drawString(20 * mm, y, f"• {text}")
        y -= 6 * mm
    y -= 6 * mm
    c.setFont(bold, 12)
    c.drawString(20 * mm, y, "Return to:")
    c.setFont(regular, 12)
    for text in data.return_to:
        y -= 6 * mm
        c.drawString(20 * mm, y, text)
    c.showPage()
    c.save()
    return buffer.getvalue()
