"""The printed pick list: `collect()` takes the floor service's PickListView (lines in walk
order with their tote slots, slots with their orders) and chooses what is printed, and
`render_pdf()` draws them on A4 or Letter with a Code 128 for the list and, on each line,
for the bin and the SKU, so a picker with a scanner never has to type."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

from reportlab.lib.pagesizes import A4, LETTER
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from oms_desktop.documents.barcode_drawing import draw_code128
from oms_desktop.documents.fonts import document_fonts
from oms_desktop.errors import ValidationError
from oms_desktop.policies.wording import plural

PAGES = {"A4": A4, "Letter": LETTER}
MODULE = 0.33 * mm  # 2.6 dots at 203 dpi: scans from paper on any office or thermal printer
BAR_HEIGHT = 8 * mm
ROW = 17 * mm
MARGIN = 12 * mm


@dataclass(frozen=True)
class PickRow:
    seq: int
    bin: str
    sku: str
    description: str
    quantity: int
    slots: str  # "1×2  3×1": two units into slot 1, one into slot 3


@dataclass(frozen=True)
class PickListData:
    label: str
    kind: str
    created_by: str
    created_at: datetime
    rows: tuple[PickRow, ...]
    slots: tuple[tuple[int, str], ...]  # (slot, order number)

    @property
    def units(self) -> int:
        return sum(r.quantity for r in self.rows)


def collect(view) -> PickListData:
    """From a PickListView: each line with the units per tote slot, each slot's order."""
    rows = tuple(PickRow(l.seq, l.bin, l.sku, l.description, l.quantity,
                         "  ".join(f"{slot}×{units}" for slot, units in l.slots))
                 for l in view.lines)
    slots = tuple((s.slot, s.order_number) for s in view.slots)
    return PickListData(view.label, view.kind, view.created_by, view.created_at, rows, slots)


class _Pages:
    """Page bookkeeping: header on every page, a new page when the next block won't fit."""

    def __init__(self, canvas: Canvas, data: PickListData, size: tuple[float, float]):
        self.c, self.data, (self.width, self.height) = canvas, data, size
        self.number, self.y = 0, 0.0

    def new(self) -> None:
        if self.number:
            self.c.showPage()
        self.number += 1
        self.y = _header(self.c, self.data, self.width, self.height, self.number)
        _column_titles(self)

    def need(self, space: float) -> None:
        if self.y - space < MARGIN + 6 * mm:
            self.new()


def render_pdf(data: PickListData, page: str = "A4") -> bytes:
    if page not in PAGES:
        raise ValidationError(f"Paper must be one of {', '.join(PAGES)}, not {page!r}")
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=PAGES[page], pageCompression=1)
    canvas.setTitle(f"Pick list {data.label}")
    pages = _Pages(canvas, data, PAGES[page])
    pages.new()
    for row in data.rows:
        pages.need(ROW)
        _row(canvas, row, pages.y, pages.width)
        pages.y -= ROW
    _slot_legend(pages)
    canvas.save()
    return out.getvalue()


def _header(c: Canvas, data: PickListData, width: float, height: float, number: int) -> float:
    top = height - MARGIN
    c.setFont(document_fonts()[1], 18)
    c.drawString(MARGIN, top - 16, f"Pick list {data.label}")
    c.setFont(document_fonts()[0], 9)
    c.drawString(MARGIN, top - 30, f"{data.kind} · {plural(len(data.slots), 'order')} · "
                                   f"{plural(len(data.rows), 'line')} · "
                                   f"{plural(data.units, 'unit')}")
    c.drawString(MARGIN, top - 42, f"{data.created_at:%Y-%m-%d %H:%M} UTC by {data.created_by}"
                                   f" · page {number}")
    draw_code128(c, data.label, x=width - MARGIN - 60 * mm, y=top - 36, module=0.4 * mm,
                 height=11 * mm, max_width=60 * mm)
    c.line(MARGIN, top - 52, width - MARGIN, top - 52)
    return top - 56


_COLUMNS = (("#", 0), ("Bin", 9 * mm), ("SKU", 61 * mm), ("Description", 113 * mm))


def _column_titles(pages: _Pages) -> None:
    c = pages.c
    c.setFont(document_fonts()[1], 9)
    for title, dx in _COLUMNS:
        c.drawString(MARGIN + dx, pages.y - 10, title)
    c.drawRightString(pages.width - MARGIN - 22 * mm, pages.y - 10, "Qty")
    c.drawString(pages.width - MARGIN - 19 * mm, pages.y - 10, "Slot×qty")
    pages.y -= 14


def _row(c: Canvas, row: PickRow, y: float, width: float) -> None:
    base = y - BAR_HEIGHT - 2 * mm
    c.setFont(document_fonts()[1], 11)
    c.drawString(MARGIN, base + 3 * mm, str(row.seq))
    draw_code128(c, row.bin, x=MARGIN + 9 * mm, y=base, module=MODULE, height=BAR_HEIGHT,
                 max_width=50 * mm, font_size=9)
    draw_code128(c, row.sku, x=MARGIN + 61 * mm, y=base, module=MODULE, height=BAR_HEIGHT,
                 max_width=50 * mm, font_size=9)
    c.setFont(document_fonts()[0], 9)
    c.drawString(MARGIN + 113 * mm, base + 5 * mm, _fit(c, row.description, 46 * mm))
    c.setFont(document_fonts()[1], 16)
    c.drawRightString(width - MARGIN - 22 * mm, base + 2 * mm, str(row.quantity))
    c.setFont(document_fonts()[0], 9)
    c.drawString(width - MARGIN - 19 * mm, base + 5 * mm, _fit(c, row.slots, 19 * mm))
    c.setLineWidth(0.3)
    c.line(MARGIN, y - ROW + 1, width - MARGIN, y - ROW + 1)


def _fit(c: Canvas, text: str, room: float) -> str:
    if c.stringWidth(text) <= room:
        return text
    while text and c.stringWidth(text + "…") > room:
        text = text[:-1]
    return text + "…"


def _slot_legend(pages: _Pages) -> None:
    if len(pages.data.slots) < 2:
        return
    c = pages.c
    pages.need(20 * mm)
    c.setFont(document_fonts()[1], 10)
    c.drawString(MARGIN, pages.y - 14, "Tote slots")
    pages.y -= 18
    c.setFont(document_fonts()[0], 9)
    per_row, col = 4, (pages.width - 2 * MARGIN) / 4
    for n, (slot, number) in enumerate(pages.data.slots):
        if n % per_row == 0:
            pages.need(12)
            pages.y -= 12
        c.drawString(MARGIN + (n % per_row) * col, pages.y, f"{slot}: {number}")
