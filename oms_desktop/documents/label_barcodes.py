"""Barcodes on 4x6 labels: python-barcode's Code 128 / GS1-128 encodings drawn as vector
rectangles whose module is a whole number of printer dots, so nothing is resampled."""

from __future__ import annotations

from functools import lru_cache

import barcode.codex

from oms_desktop.documents.barcode_drawing import bar_runs, code128_modules

QUIET_MODULES = 10


@lru_cache(maxsize=4096)
def gs1_128_modules(element_string: str) -> str:
    """FNC1 + AI data ("00" + 18-digit SSCC) as Code 128 modules (start C, FNC1, pairs)."""
    return barcode.codex.Gs1_128(element_string).build()[0]


def dot(dpi: int) -> float:
    return 72.0 / dpi


def snap(value: float, dpi: int) -> float:
    """A length in points moved onto the printer's dot grid."""
    return round(value / dot(dpi)) * dot(dpi)


def module_for(modules: str, *, dpi: int, max_width: float, most_dots: int) -> float:
    """The widest whole-dot module (at most `most_dots`) that fits the bars and quiet zones."""
    for dots in range(most_dots, 0, -1):
        if (len(modules) + 2 * QUIET_MODULES) * dots * dot(dpi) <= max_width:
            return dots * dot(dpi)
    return dot(dpi)


def draw_modules(canvas, modules: str, *, x: float, y: float, module: float,
                 height: float) -> float:
    """The bars with their lower left corner at (x, y), filled black, written as one run of
    PDF `re` operators (a thousand labels' bars cost milliseconds); returns the width."""
    bars = " ".join(f"{x + start * module:.3f} {y:.3f} {width * module:.3f} {height:.3f} re"
                    for start, width in bar_runs(modules))
    canvas.addLiteral(f"q 0 g {bars} f Q")
    return len(modules) * module


def sscc_human(sscc: str) -> str:
    """`(00) 1 0614141 123456789 7` style: extension, prefix+serial, check (prefix length
    is not known from the number alone, so the 16 middle digits stay together)."""
    return f"(00) {sscc[0]} {sscc[1:17]} {sscc[17]}"


__all__ = ["code128_modules", "gs1_128_modules", "draw_modules", "module_for", "snap",
           "sscc_human", "dot"]
