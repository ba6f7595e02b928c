"""ZPL II for 4x6 labels at 203 or 300 dpi (apis.md section 8): ^PW/^LL for the page, ^CI28
for UTF-8 names, ^BC Code 128 for the tracking number and a GS1-128 SSCC carton barcode
written as start C + FNC1 (`>;>8`) + AI 00 + the 18 digits."""

from __future__ import annotations

from oms_desktop.documents.label_barcodes import sscc_human
from oms_desktop.documents.labels import LabelData

GEOMETRY = {203: (812, 1218), 300: (1200, 1800)}  # ^PW, ^LL in dots for 4 x 6 in


def field_text(text: str) -> str:
    """`^FH`-safe text: the three characters ZPL would read as commands become hex escapes."""
    return text.replace("_", "_5F").replace("^", "_5E").replace("~", "_7E")


def code128_data(text: str) -> str:
    """Subset B data for ^BC: '>' is written as '><' (the printer's literal '>')."""
    return ">:" + field_text(text).replace(">", "><")


class _Writer:
    def __init__(self, dpi: int):
        self.scale = dpi / 203
        self.parts: list[str] = []

    def d(self, value: float) -> int:
        return round(value * self.scale)

    def text(self, x: int, y: int, size: int, text: str) -> None:
        self.parts.append(f"^FO{self.d(x)},{self.d(y)}^A0N,{self.d(size)},{self.d(size)}"
                          f"^FH^FD{field_text(text)}^FS")

    def box(self, x: int, y: int, w: int, h: int, t: int) -> None:
        self.parts.append(f"^FO{self.d(x)},{self.d(y)}^GB{self.d(w)},{self.d(h)},{self.d(t)}^FS")

    def barcode(self, x: int, y: int, module: int, height: int, data: str, line: str) -> None:
        self.parts.append(f"^FO{self.d(x)},{self.d(y)}^BY{self.d(module)}"
                          f"^BCN,{self.d(height)},{line},N,N^FH^FD{data}^FS")


def render_one(label: LabelData, *, dpi: int = 203) -> str:
    width, length = GEOMETRY[dpi]
    w = _Writer(dpi)
    w.parts += ["^XA", "^CI28", f"^PW{width}", f"^LL{length}", "^LH0,0"]
    w.box(30, 30, 752, 1158, 4)
    w.text(50, 45, 24, "FROM: " + (label.ship_from[0] if label.ship_from else ""))
    w.text(50, 75, 22, ", ".join(label.ship_from[1:4]))
    w.box(30, 130, 752, 4, 4)
    w.text(50, 150, 34, "SHIP TO:")
    for i, line in enumerate(label.ship_to[:5]):
        w.text(50, 195 + i * 50, 44, line)
    w.box(30, 455, 752, 4, 4)
    w.text(50, 475, 44, f"{label.carrier.upper()}  {label.service}")
    w.text(50, 530, 26, f"Ref {label.reference}  Pkg {label.package}  Wt {label.weight}")
    w.barcode(60, 575, 2, 180, code128_data(label.tracking_number), "Y")
    if label.sscc:
        w.box(30, 810, 752, 4, 4)
        w.text(50, 830, 28, "SSCC")
        w.barcode(90, 870, 4, 230, ">;>800" + label.sscc, "N")
        w.text(150, 1115, 36, sscc_human(label.sscc))
    w.parts.append("^PQ1")
    w.parts.append("^XZ")
    return "\n".join(w.parts) + "\n"


def render(labels: list[LabelData], *, dpi: int = 203) -> str:
    if dpi not in GEOMETRY:
        raise ValueError(f"labels are made for {tuple(GEOMETRY)} dpi, not {dpi}")
    return "".join(render_one(label, dpi=dpi) for label in labels)
