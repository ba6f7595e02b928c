"""System printers through QPrinter: a 4x6 label printer driven by its OS driver, or the
A4/Letter document printer. The page is set to the document's exact size, full page, no margins,
and each PDF page is drawn 1:1 at the printer's resolution, so nothing is scaled. Imported
lazily by the GUI, which registers `send` as the sender for "system" printer profiles."""

from __future__ import annotations

import pypdfium2
from PySide6.QtCore import QMarginsF, QSizeF
from PySide6.QtGui import QImage, QPageLayout, QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter, QPrinterInfo

from oms_desktop.devices import printing
from oms_desktop.devices.printing import PrinterError, PrinterProfile

PAGES = {"4x6": QPageSize(QSizeF(4, 6), QPageSize.Unit.Inch, "4x6 label"),
         "A4": QPageSize(QPageSize.PageSizeId.A4),
         "Letter": QPageSize(QPageSize.PageSizeId.Letter)}
FILE_PREFIX = "file:"  # a profile queue "file:/path.pdf" prints to a PDF file (tests, previews)


def make_printer(profile: PrinterProfile) -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    queue = profile.queue or ""
    if queue.startswith(FILE_PREFIX):
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(queue[len(FILE_PREFIX):])
    elif queue:
        if queue not in QPrinterInfo.availablePrinterNames():
            raise PrinterError(f"No system printer called {queue!r}")
        printer.setPrinterName(queue)
    printer.setResolution(profile.dpi)
    printer.setFullPage(True)
    layout = QPageLayout(PAGES[profile.paper], QPageLayout.Orientation.Portrait,
                         QMarginsF(0, 0, 0, 0))
    if not printer.setPageLayout(layout):
        raise PrinterError(f"{profile.describe()} cannot take {profile.paper} pages")
    return printer


def _open(data: bytes) -> pypdfium2.PdfDocument:
    try:
        return pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise PrinterError("The document to print is not a readable PDF") from exc


def _page_image(page: pypdfium2.PdfPage, dpi: int) -> QImage:
    """The page at its own size in printer dots: a 4x6 label on A4 stays 4x6."""
    bitmap = page.render(scale=dpi / 72, rev_byteorder=True)
    fmt = QImage.Format.Format_RGB888 if bitmap.n_channels == 3 else \
        QImage.Format.Format_RGBX8888
    return QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height, bitmap.stride,
                  fmt).copy()


def send(profile: PrinterProfile, data: bytes, fmt: str) -> None:
    """Print every page of a PDF on the profile's system printer, 1:1."""
    printer = make_printer(profile)
    document = _open(data)
    painter = QPainter()
    if not painter.begin(printer):
        raise PrinterError(f"{profile.describe()} refused the job")
    try:
        for number, page in enumerate(document):
            if number:
                printer.newPage()
            painter.drawImage(0, 0, _page_image(page, printer.resolution()))
    finally:
        painter.end()
        document.close()


def install() -> None:
    printing.register_sender("system", send)
