"""A document's pages on screen before printing: each PDF page drawn as the printer would,
scrolled with the keyboard; Ctrl+P prints, Esc closes."""

from __future__ import annotations

from typing import Callable

import pypdfium2
from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QPushButton, QScrollArea, QVBoxLayout, QWidget,
)

PAGE_WIDTH = 760  # pixels: an A4 page readable on a 1024x700 screen


def page_images(pdf: bytes, width: int = PAGE_WIDTH) -> list[QImage]:
    document = pypdfium2.PdfDocument(pdf)
    images = []
    for page in document:
        bitmap = page.render(scale=width / page.get_width(), rev_byteorder=True)
        fmt = QImage.Format_RGB888 if bitmap.n_channels == 3 else QImage.Format_RGBX8888
        images.append(QImage(bytes(bitmap.buffer), bitmap.width, bitmap.height,
                             bitmap.stride, fmt).copy())
    return images


class PdfPreviewDialog(QDialog):
    def __init__(self, title: str, pdf: bytes, print_it: Callable[[], None], parent=None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(f"Preview of {title}")
        self.pages = page_images(pdf)
        column = QWidget()
        pages = QVBoxLayout(column)
        for number, image in enumerate(self.pages, 1):
            label = QLabel()
            label.setPixmap(QPixmap.fromImage(image))
            label.setAccessibleName(f"Page {number} of {len(self.pages)}")
            pages.addWidget(label, 0, Qt.AlignHCenter)
        self.scroll = QScrollArea()
        self.scroll.setWidget(column)
        self.scroll.setWidgetResizable(True)
        self.print_button = QPushButton("Print (Ctrl+P)")
        self.print_button.clicked.connect(lambda: (print_it(), self.accept()))
        close = QPushButton("Close (Esc)")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        for button in (self.print_button, close):
            button.setStyleSheet("font-size: 14pt; padding: 8px 18px;")
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll, 1)
        layout.addLayout(buttons)
        QShortcut(QKeySequence("Ctrl+P"), self, activated=self.print_button.click)
        self.resize(PAGE_WIDTH + 60, 640)
