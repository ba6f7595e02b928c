"""ZPL II for 4x6 labels at 203 or 300 dpi (apis.md section 8): ^PW/^LL for the page, ^CI28
for UTF-8 names, ^BC Code 128 for the tracking number and a GS1-128 SSCC carton barcode
written as start C + FNC1 (`>;>8`) + AI 00 + the 18 digits."""

from __future__ import annotations

from functools import lru_cache

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
    """Lays a label out at 203-dpi coordinates, scaled to the printer's dots."""

    def __init__(self, dpi: int):
        self.scale = dpi / 203
        self.parts: list[str] = []

    def d(self, value: float) -> int:
        return round(value * self.scale)

    def text(self, x: int, y: int, size: int, key: str) -> None:
        self.parts.append(f"^FO{self.d(x)},{self.d(y)}^A0N,{self.d(size)},{self.d(size)}"
                          f"^FH^FD{{{key}}}^FS")

    def box(self, x: int, y: int, w: int, h: int, t: int) -> None:
        self.parts.append(f"^FO{self.d(x)},{self.d(y)}^GB{self.d(w)},{self.d(h)},{self.d(t)}^FS")

    def barcode(self, x: int, y: int, module: int, height: int, key: str, line: str) -> None:
        self.parts.append(f"^FO{self.d(x)},{self.d(y)}^BY{self.d(module)}"
                          f"^BCN,{self.d(height)},{line},N,N^FH^FD{{{key}}}^FS")


SHIP_TO_LINES = 5


@lru_cache(maxsize=32)
def _template(dpi: int, with_sscc: bool, to_lines: int) -> str:
    """The label's fixed commands for a dpi, with {named} slots for the data."""
    width, length = GEOMETRY[dpi]
    w = _Writer(dpi)
    w.parts += ["^XA", "^CI28", f"^PW{width}", f"^LL{length}", "^LH0,0"]
    w.box(30, 30, 752, 1158, 4)
    w.text(50, 45, 24, "sender")
    w.text(50, 75, 22, "sender_address")
    w.box(30, 130, 752, 4, 4)
    w.text(50, 150, 34, "ship_to_title")
    for i in range(to_lines):
        w.text(50, 195 + i * 50, 44, f"to{i}")
    w.box(30, 455, 752, 4, 4)
    w.text(50, 475, 44, "carrier")
    w.text(50, 530, 26, "reference")
    w.barcode(60, 575, 2, 180, "tracking", "Y")
    if with_sscc:
        w.box(30, 810, 752, 4, 4)
        w.text(50, 830, 28, "sscc_title")
        w.barcode(90, 870, 4, 230, "sscc", "N")
        w.text(150, 1115, 36, "sscc_text")
    w.parts += ["^PQ1", "^XZ"]
    return "\n".join(w.parts) + "\n"


def render_one(label: LabelData, *, dpi: int = 203) -> str:
    to = [field_text(line) for line in label.ship_to[:SHIP_TO_LINES]]
    values = {f"to{i}": line for i, line in enumerate(to)}
    values.update(
        sender="FROM: " + field_text(label.ship_from[0] if label.ship_from else ""),
        sender_address=field_text(", ".join(label.ship_from[1:4])), ship_to_title="SHIP TO:",
        carrier=field_text(f"{label.carrier.upper()}  {label.service}"),
        reference=field_text(f"Ref {label.reference}  Pkg {label.package}  Wt {label.weight}"),
        tracking=code128_data(label.tracking_number), sscc_title="SSCC",
        sscc=">;>800" + (label.sscc or ""), sscc_text=sscc_human(label.sscc or "0" * 18))
    return _template(dpi, bool(label.sscc), len(to)).format_map(values)


def render(labels: list[LabelData], *, dpi: int = 203) -> str:
    if dpi not in GEOMETRY:
        raise ValueError(f"labels are made for {tuple(GEOMETRY)} dpi, not {dpi}")
    return "".join(render_one(label, dpi=dpi) for label in labels)
