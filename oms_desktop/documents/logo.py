"""A brand's logo at the head of a slip or invoice: fitted into a box, proportions kept."""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

MAX_WIDTH, MAX_HEIGHT = 50 * mm, 18 * mm


def fitted(path: str, *, width: float = MAX_WIDTH, height: float = MAX_HEIGHT
           ) -> tuple[ImageReader, float, float] | None:
    """The image and its drawn size, or None when the file cannot be read (the document is
    printed without it rather than not at all)."""
    try:
        image = ImageReader(path)
        w, h = image.getSize()
    except Exception:  # noqa: BLE001 - a moved or broken logo must not stop the packer
        return None
    scale = min(width / w, height / h)
    return image, w * scale, h * scale


def draw_logo(c: Canvas, path: str, *, x: float, top: float) -> float:
    """Draw the logo with its top-left corner at (x, top); the height it took (0 if none)."""
    found = fitted(path)
    if found is None:
        return 0.0
    image, w, h = found
    c.drawImage(image, x, top - h, width=w, height=h, mask="auto")
    return h
