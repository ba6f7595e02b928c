"""The packing slip that goes in the box: what was packed, for whom, the order barcode
(ORD-<id>, which the returns desk scans) and how to send something back. `collect()` takes
the pack station's PackView and the addresses the floor service looked up."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from oms_desktop.documents.barcode_drawing import draw_code128
from oms_desktop.documents.fonts import document_fonts
from oms_desktop.documents.logo import draw_logo
from oms_desktop.documents.picklist import PAGES
from oms_desktop.errors import ValidationError
from oms_desktop.policies.wording import plural

DEFAULT_RETURNS = ("Not right? Return unused items within 30 days. Keep this slip, write the "
                   "reason on it, put it in the parcel and send it back, or bring it to any of "
                   "our stores. Your return is matched to your order by the barcode above.")
MARGIN = 15 * mm


@dataclass(frozen=True)
class SlipLine:
    sku: str
    name: str
    quantity: int


@dataclass(frozen=True)
class PackingSlipData:
    order_barcode: str
    order_number: str
    shipment: str
    sender: str
    ship_to: tuple[str, ...]
    lines: tuple[SlipLine, ...]
    packages: int
    return_instructions: str
    sender_address: tuple[str, ...] = ()  # the brand's address under its name
    logo_path: str | None = None


def collect(pack, *, sender: str, ship_to: tuple[str, ...],
            return_instructions: str | None = None, sender_address: tuple[str, ...] = (),
            logo_path: str | None = None) -> PackingSlipData:
    """From a PackView (order, lines, packages), the addresses and the brand's logo."""
    lines = tuple(SlipLine(l.sku, l.description, l.quantity) for l in pack.lines)
    return PackingSlipData(f"ORD-{pack.order_id}", pack.order_number, pack.label, sender,
                           tuple(a for a in ship_to if a), lines, max(1, len(pack.packages)),
                           return_instructions or DEFAULT_RETURNS,
                           tuple(a for a in sender_address if a), logo_path)


def render_pdf(data: PackingSlipData, page: str = "A4") -> bytes:
    if page not in PAGES:
        raise ValidationError(f"Paper must be one of {', '.join(PAGES)}, not {page!r}")
    width, height = PAGES[page]
    out = io.BytesIO()
    c = Canvas(out, pagesize=(width, height), pageCompression=1)
    c.setTitle(f"Packing slip {data.order_number}")
    y = _head(c, data, width, height - MARGIN)
    y = _lines(c, data, width, y - 10 * mm)
    _returns(c, data, width, y - 12 * mm)
    c.save()
    return out.getvalue()


def _head(c: Canvas, data: PackingSlipData, width: float, top: float) -> float:
    if data.logo_path:
        top -= draw_logo(c, data.logo_path, x=MARGIN, top=top) + 4 * mm
    c.setFont(document_fonts()[1], 20)
    c.drawString(MARGIN, top - 18, "Packing slip")
    c.setFont(document_fonts()[0], 10)
    c.drawString(MARGIN, top - 34, f"Order {data.order_number} · {data.shipment} · "
                                   f"{plural(data.packages, 'package')}")
    c.drawString(MARGIN, top - 48, f"From {data.sender}")
    draw_code128(c, data.order_barcode, x=width - MARGIN - 55 * mm, y=top - 40,
                 module=0.4 * mm, height=12 * mm, max_width=55 * mm)
    for i, text in enumerate(data.sender_address[:4]):
        c.drawString(MARGIN + 11 * mm, top - 61 - 12 * i, text)
    top -= 12 * len(data.sender_address[:4])
    c.setFont(document_fonts()[1], 10)
    c.drawString(MARGIN, top - 72, "Ship to")
    c.setFont(document_fonts()[0], 10)
    y = top - 86
    for text in data.ship_to:
        c.drawString(MARGIN, y, text)
        y -= 13
    return y


def _lines(c: Canvas, data: PackingSlipData, width: float, y: float) -> float:
    c.setFont(document_fonts()[1], 10)
    c.drawString(MARGIN, y, "SKU")
    c.drawString(MARGIN + 45 * mm, y, "Item")
    c.drawRightString(width - MARGIN, y, "Qty")
    c.line(MARGIN, y - 4, width - MARGIN, y - 4)
    c.setFont(document_fonts()[0], 10)
    for line in data.lines:
        y -= 16
        c.drawString(MARGIN, y, line.sku[:28])
        c.drawString(MARGIN + 45 * mm, y, line.name[:70])
        c.drawRightString(width - MARGIN, y, str(line.quantity))
    c.line(MARGIN, y - 6, width - MARGIN, y - 6)
    return y - 6


def _returns(c: Canvas, data: PackingSlipData, width: float, y: float) -> None:
    c.setFont(document_fonts()[1], 11)
    c.drawString(MARGIN, y, "Returns")
    c.setFont(document_fonts()[0], 10)
    words, line = data.return_instructions.split(), ""
    for word in words:
        if c.stringWidth(f"{line} {word}".strip()) > width - 2 * MARGIN:
            y -= 14
            c.drawString(MARGIN, y, line)
            line = word
        else:
            line = f"{line} {word}".strip()
    c.drawString(MARGIN, y - 14, line)
