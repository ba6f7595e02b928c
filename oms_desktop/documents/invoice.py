"""The invoice a business customer receives: who bills whom, their PO, the terms with the
due date (and the early-payment discount), the lines and the amount due. `collect()` takes
the invoices service's InvoiceView; `render()` draws an A4 or Letter PDF."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from oms_desktop.documents.barcode_drawing import draw_code128
from oms_desktop.documents.fonts import document_fonts
from oms_desktop.documents.logo import draw_logo

PAGES = {"A4": A4, "Letter": LETTER}
MARGIN = 18 * mm
ROW = 16


@dataclass(frozen=True)
class InvoiceData:
    number: str
    seller: tuple[str, ...]
    bill_to: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]  # (label, value) beside the addresses
    lines: tuple[tuple[str, str, int, str, str], ...]  # sku, name, qty, unit, amount
    total: str
    due_note: str
    state: str
    logo_path: str | None = None  # the brand's, drawn at the top


def _money(value: Decimal, currency: str) -> str:
    return f"{currency} {value.quantize(Decimal('0.01')):,}"


def collect(inv, *, seller: tuple[str, ...] | None = None) -> InvoiceData:
    """From an InvoiceView; the seller's lines are the view's unless given."""
    seller = seller or inv.seller
    cur = inv.currency
    facts = (("Invoice", inv.number), ("Date", _day(inv.issued_on)),
             ("Your PO", inv.po_number or "-"), ("Our order", inv.order_number),
             ("Terms", inv.terms), ("Due", _day(inv.due_on)))
    due = f"Please pay {_money(inv.balance, cur)} by {_day(inv.due_on)}."
    if inv.discount_until and inv.discount_percent and inv.paid_total == 0:
        early = (inv.total * (100 - inv.discount_percent) / 100).quantize(Decimal("0.01"))
        due += (f" Paid by {_day(inv.discount_until)}: {_money(early, cur)} "
                f"({inv.discount_percent.normalize()} % early-payment discount).")
    lines = tuple((l.sku, l.name, l.quantity, _money(l.unit_price, cur), _money(l.amount, cur))
                  for l in inv.lines)
    return InvoiceData(inv.number, seller, inv.bill_to, facts, lines, _money(inv.total, cur),
                       due, inv.state, getattr(inv, "logo_path", None))


def _day(d: date) -> str:
    return d.isoformat()


def render(data: InvoiceData, *, page: str = "A4") -> bytes:
    width, height = PAGES[page]
    out = io.BytesIO()
    c = Canvas(out, pagesize=(width, height), pageCompression=1)
    c.setTitle(f"Invoice {data.number}")
    y = _head(c, data, width, height - MARGIN)
    y = _table(c, data, width, y - 12 * mm)
    _foot(c, data, width, y - 10 * mm)
    c.save()
    return out.getvalue()


def _head(c: Canvas, data: InvoiceData, width: float, top: float) -> float:
    regular, bold = document_fonts()[0], document_fonts()[1]
    if data.logo_path:
        top -= draw_logo(c, data.logo_path, x=MARGIN, top=top) + 4 * mm
    c.setFont(bold, 24)
    c.drawString(MARGIN, top - 20, "Invoice")
    if data.state == "paid":
        c.setFillColorRGB(0, 0.5, 0)
        c.drawString(MARGIN + 45 * mm, top - 20, "PAID")
        c.setFillColorRGB(0, 0, 0)
    draw_code128(c, data.number, x=width - MARGIN - 60 * mm, y=top - 28, module=0.35 * mm,
                 height=11 * mm, max_width=60 * mm)
    y = _block(c, "From", data.seller, MARGIN, top - 56)
    y = min(y, _block(c, "Bill to", data.bill_to, MARGIN + 70 * mm, top - 56))
    fy = top - 56
    for label, value in data.facts:
        c.setFont(bold, 10)
        c.drawRightString(width - MARGIN - 38 * mm, fy, label)
        c.setFont(regular, 10)
        c.drawString(width - MARGIN - 35 * mm, fy, value[:22])
        fy -= 14
    return min(y, fy)


def _block(c: Canvas, title: str, lines: tuple[str, ...], x: float, y: float) -> float:
    c.setFont(document_fonts()[1], 10)
    c.drawString(x, y, title)
    c.setFont(document_fonts()[0], 10)
    for text in lines:
        y -= 14
        c.drawString(x, y, text[:40])
    return y


def _table(c: Canvas, data: InvoiceData, width: float, y: float) -> float:
    cols = (MARGIN, MARGIN + 32 * mm, width - MARGIN - 62 * mm, width - MARGIN - 30 * mm,
            width - MARGIN)
    c.setFont(document_fonts()[1], 10)
    c.drawString(cols[0], y, "SKU")
    c.drawString(cols[1], y, "Item")
    c.drawRightString(cols[2], y, "Qty")
    c.drawRightString(cols[3], y, "Unit price")
    c.drawRightString(cols[4], y, "Amount")
    c.line(MARGIN, y - 5, width - MARGIN, y - 5)
    c.setFont(document_fonts()[0], 10)
    for sku, name, qty, unit, amount in data.lines:
        y -= ROW
        c.drawString(cols[0], y, sku[:18])
        c.drawString(cols[1], y, name[:44])
        c.drawRightString(cols[2], y, str(qty))
        c.drawRightString(cols[3], y, unit)
        c.drawRightString(cols[4], y, amount)
    c.line(MARGIN, y - 7, width - MARGIN, y - 7)
    c.setFont(document_fonts()[1], 13)
    c.drawRightString(cols[3] - 8 * mm, y - 26, "Total")
    c.drawRightString(cols[4], y - 26, data.total)
    return y - 26


def _foot(c: Canvas, data: InvoiceData, width: float, y: float) -> None:
    c.setFont(document_fonts()[0], 10)
    words, line = data.due_note.split(), ""
    for word in words:
        if c.stringWidth(f"{line} {word}".strip()) > width - 2 * MARGIN:
            c.drawString(MARGIN, y, line)
            y, line = y - 14, word
        else:
            line = f"{line} {word}".strip()
    c.drawString(MARGIN, y, line)
