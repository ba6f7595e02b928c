"""Code 128 from python-barcode drawn as vector rectangles on a reportlab canvas: as fast as
reportlab's own barcodes and 12x faster than PNGs (see measurements.md), and sharp at any
printer resolution.

    draw_code128(canvas, "PL-12", x=20*mm, y=250*mm, module=0.33*mm, height=12*mm)
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import barcode

QUIET_MODULES = 10


@lru_cache(maxsize=4096)
def code128_modules(text: str) -> str:
    """The bar pattern of `text` as '1' (bar) / '0' (space) modules, quiet zones excluded."""
    return barcode.get_barcode_class("code128")(text).build()[0]


def bar_runs(modules: str) -> list[tuple[int, int]]:
    """(start, width) in modules of each dark bar."""
    runs, start = [], None
    for i, m in enumerate(modules + "0"):
        if m == "1" and start is None:
            start = i
        elif m == "0" and start is not None:
            runs.append((start, i - start))
            start = None
    return runs


@dataclass(frozen=True)
class BarcodeBox:
    width: float
    height: float


def code128_width(text: str, module: float) -> float:
    """The printed width of the bars (without quiet zones)."""
    return len(code128_modules(text)) * module


def draw_code128(canvas, text: str, *, x: float, y: float, module: float, height: float,
                 human_readable: bool = True, font_size: float = 8,
                 max_width: float | None = None) -> BarcodeBox:
    """Draw the bars with their lower left corner at (x, y) and, below, the text. When
    `max_width` is given the module shrinks to fit (keep it at 2+ printer dots to scan)."""
    modules = code128_modules(text)
    if max_width is not None and len(modules) * module > max_width:
        module = max_width / len(modules)
    canvas.saveState()
    canvas.setFillColorRGB(0, 0, 0)
    path = canvas.beginPath()
    for start, width in bar_runs(modules):
        path.rect(x + start * module, y, width * module, height)
    canvas.drawPath(path, stroke=0, fill=1)
    if human_readable:
        canvas.setFont("Helvetica", font_size)
        canvas.drawCentredString(x + len(modules) * module / 2, y - font_size - 1, text)
    canvas.restoreState()
    return BarcodeBox(len(modules) * module, height + (font_size + 1 if human_readable else 0))
