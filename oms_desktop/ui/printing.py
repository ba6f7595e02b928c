"""System printers through QPrinter: a 4x6 label printer driven by its OS driver, or the
A4/Letter document printer. The page is set to the document's exact size, full page, no margins,
and each PDF page is drawn 1:1 at the printer's resolution, so nothing is scaled. Imported
lazily by the GUI, which registers `send` as the sender for "system" printer profiles."""

from __future__ import annotations

import tempfile
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSize, QSizeF
from PySide6.QtGui import QPageLayout, QPageSize, QPainter
from PySide6.QtPdf import QPdfDocument
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


def _open(data: bytes, folder: str) -> QPdfDocument:
    path = Path(folder) / "job.pdf"
    path.write_bytes(data)
    document = QPdfDocument()
    if document.load(str(path)) != QPdfDocument.Error.None_:
        raise PrinterError("The document to print is not a readable PDF")
    return document


def _page_image(document: QPdfDocument, page: int, dpi: int):
    """The page at its own size in printer dots: a 4x6 label on A4 stays 4x6."""
    points = document.pagePointSize(page)
    return document.render(page, QSize(round(points.width() * dpi / 72),
                                       round(points.height() * dpi / 72)))


def send(profile: PrinterProfile, data: bytes, fmt: str) -> None:
    """Print every page of a PDF on the profile's system printer, 1:1."""
    printer = make_printer(profile)
    with tempfile.TemporaryDirectory() as folder:
        document = _open(data, folder)
        painter = QPainter()
        if not painter.begin(printer):
            raise PrinterError(f"{profile.describe()} refused the job")
        try:
            for page in range(document.pageCount()):
                if page:
                    printer.newPage()
                painter.drawImage(0, 0, _page_image(document, page, printer.resolution()))
        finally:
            painter.end()
            document.close()


def install() -> None:
    printing.register_sender("system", send)
