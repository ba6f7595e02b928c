"""Pallet labels: a 4x6 inch GS1 logistics label per pallet, in the layout warehouses know
(from and to at the top; carrier, PRO, bill of lading and PO in the middle with the ship-to
postal code as GS1-128 (420); the pallet's SSCC-18 as GS1-128 (00) across the bottom).
`collect()` picks the data from the freight papers (services/freight/bookings.py),
`render_pdf()` draws pages of exactly 288 x 432 pt with bars on the printer's dot grid."""

from __future__ import annotations

from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from oms_desktop.documents.label_barcodes import (
    draw_modules, gs1_128_modules, module_for, snap, sscc_human,
)
from oms_desktop.documents.labels import DPIS, MARGIN, PAGE, render_pages  # noqa: F401 - DPIS: the command line offers them


@dataclass(frozen=True)
class PalletLabelData:
    ship_from: tuple[str, ...]
    ship_to: tuple[str, ...]
    ship_to_postal: str
    carrier: str
    pro_number: str
    bol_number: str
    po_number: str
    pallet: str        # "1 of 2"
    cartons: int
    gross_weight: str  # "187.4 kg"
    sscc: str


def collect(papers) -> list[PalletLabelData]:
    """One label per pallet of the shipment."""
    b = papers.booking
    count = len(papers.pallets.pallets)
    return [PalletLabelData(papers.ship_from, papers.ship_to, _postal(papers.ship_to_postal),
                            b.carrier if b else "", b.pro_number if b else "",
                            b.bol_number if b else "", papers.po_number,
                            f"{p.number} of {count}", len(p.cartons),
                            f"{p.gross_weight_g / 1000:.1f} kg", p.sscc)
            for p in papers.pallets.pallets]


def _postal(code: str) -> str:
    """The (420) element takes digits and letters; US ZIP+4 loses its hyphen."""
    return "".join(ch for ch in code.upper() if ch.isalnum())[:20]


def render_pdf(labels: list[PalletLabelData], *, dpi: int = 203) -> bytes:
    return render_pages(labels, _draw, title="Pallet labels", dpi=dpi)


def _draw(c: Canvas, label: PalletLabelData, dpi: int, fonts: tuple[str, str]) -> None:
    regular, bold = fonts
    width, top = PAGE[0], PAGE[1] - MARGIN
    middle = width / 2
    c.setLineWidth(1.5)
    _block(c, "FROM", label.ship_from[:4], MARGIN, top, (regular, bold), size=7)
    _block(c, "TO", label.ship_to[:5], middle + 4, top, (regular, bold), size=8)
    c.line(middle, top + 4, middle, top - 70)
    y = top - 74
    c.line(MARGIN, y, width - MARGIN, y)
    c.setFont(bold, 9)
    c.drawString(MARGIN, y - 12, "SHIP TO POSTAL CODE")
    if label.ship_to_postal:
        _barcode(c, "420" + label.ship_to_postal, y=y - 66, height=snap(44, dpi), dpi=dpi,
                 caption=f"(420) {label.ship_to_postal}", font=bold, most_dots=3)
    y -= 84
    c.line(MARGIN, y, width - MARGIN, y)
    c.setFont(bold, 18)
    c.drawRightString(width - MARGIN, y - 22, f"PALLET {label.pallet}")
    room = width - 2 * MARGIN - c.stringWidth(f"PALLET {label.pallet}") - 10
    c.setFont(bold, 11)
    carrier = (label.carrier or "CARRIER").upper()
    while c.stringWidth(carrier) > room:
        carrier = carrier[:-1]
    c.drawString(MARGIN, y - 20, carrier)
    c.setFont(regular, 9)
    for i, (name, value) in enumerate((("PRO", label.pro_number), ("B/L", label.bol_number),
                                       ("PO", label.po_number))):
        c.drawString(MARGIN, y - 32 - i * 12, f"{name} {value or '-'}")
    c.setFont(regular, 9)
    c.drawRightString(width - MARGIN, y - 38, f"{label.cartons} cartons")
    c.drawRightString(width - MARGIN, y - 50, f"gross {label.gross_weight}")
    y -= 74
    c.line(MARGIN, y, width - MARGIN, y)
    c.setFont(bold, 9)
    c.drawString(MARGIN, y - 12, "SSCC")
    _barcode(c, "00" + label.sscc, y=MARGIN + 16, height=snap(110, dpi), dpi=dpi,
             caption=sscc_human(label.sscc), font=bold, most_dots=4)


def _block(c: Canvas, title: str, lines, x: float, top: float, fonts, *, size: float) -> None:
    regular, bold = fonts
    c.setFont(bold, 7)
    c.drawString(x, top - 7, title)
    c.setFont(regular, size)
    for i, line in enumerate(lines):
        c.drawString(x, top - 18 - i * (size + 2), line[:26])


def _barcode(c: Canvas, element_string: str, *, y: float, height: float, dpi: int,
             caption: str, font: str, most_dots: int) -> None:
    modules = gs1_128_modules(element_string)
    module = module_for(modules, dpi=dpi, max_width=PAGE[0] - 2 * MARGIN, most_dots=most_dots)
    x = snap((PAGE[0] - len(modules) * module) / 2, dpi)
    drawn = draw_modules(c, modules, x=x, y=snap(y, dpi), module=module, height=height)
    c.setFont(font, 10)
    c.drawCentredString(x + drawn / 2, y - 12, caption)
