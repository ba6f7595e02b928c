"""Reading printed documents back: rasterised with pdftoppm, barcodes decoded with zxing-cpp,
text taken with pdftotext, and the brand's logo found by its colour."""

from __future__ import annotations

import subprocess
from pathlib import Path

import zxingcpp
from PIL import Image


def raster(pdf: bytes, folder: Path, name: str, dpi: int = 150) -> Image.Image:
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", str(dpi), "-f", "1", "-l", "1", "-singlefile",
                    str(source), str(folder / name)], check=True)
    return Image.open(folder / f"{name}.png").convert("RGB")


def text(pdf: bytes, folder: Path, name: str) -> str:
    source = folder / f"{name}.pdf"
    source.write_bytes(pdf)
    return subprocess.run(["pdftotext", "-layout", str(source), "-"], check=True,
                          capture_output=True, text=True).stdout


def barcodes(image: Image.Image) -> list[str]:
    return sorted(r.text for r in zxingcpp.read_barcodes(image))


def logo_box(image: Image.Image, rgb: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """Where pixels of the logo's colour are (left, top, right, bottom), or None."""
    mask = Image.eval(image.convert("RGB"), lambda v: v).point(lambda v: v)
    width, height = image.size
    pixels = mask.load()
    xs, ys = [], []
    for y in range(0, height, 2):
        for x in range(0, width, 2):
            r, g, b = pixels[x, y]
            if abs(r - rgb[0]) < 25 and abs(g - rgb[1]) < 25 and abs(b - rgb[2]) < 25:
                xs.append(x)
                ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None
