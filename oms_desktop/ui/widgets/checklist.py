"""The pack station's checklist: one large row per line (image, SKU, description, to pack,
packed); a finished line turns green, a kit line lists its components' progress."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QColor, QFont, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

COLUMNS = ("", "SKU", "Description", "To pack", "Packed")
DONE, PARTLY = QColor("#bbf7d0"), QColor("#fef3c7")
IMAGE = 56


class ChecklistTable(QTableWidget):
    def __init__(self, parent=None, *, point_size: int = 16):
        super().__init__(0, len(COLUMNS), parent)
        self.setHorizontalHeaderLabels(COLUMNS)
        self.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.NoSelection)
        self.setFocusPolicy(Qt.NoFocus)
        self.setIconSize(QSize(IMAGE, IMAGE))
        self.verticalHeader().setVisible(False)
        self.verticalHeader().setDefaultSectionSize(IMAGE + 12)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.Stretch)
        font = QFont(self.font())
        font.setPointSize(point_size)
        self.setFont(font)
        self.setAccessibleName("Lines to pack")

    def set_lines(self, lines) -> None:
        """`lines`: PackLineView rows from services.packing."""
        self.setRowCount(len(lines))
        for row, line in enumerate(lines):
            self._row(row, line)

    def _row(self, row: int, line) -> None:
        description = line.description
        if line.parts:
            description += "\n" + "  ".join(f"{p.sku} {p.scanned}/{p.needed}"
                                            for p in line.parts)
        cells = ["", line.sku, description, str(line.quantity), str(line.packed)]
        colour = DONE if line.done else PARTLY if line.packed or _started(line) else None
        for col, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if col >= 3:
                item.setTextAlignment(Qt.AlignCenter)
                bold = QFont(self.font())
                bold.setBold(True)
                item.setFont(bold)
            if colour is not None:
                item.setBackground(colour)
            self.setItem(row, col, item)
        icon = _icon(line.image_path)
        if icon is not None:
            self.item(row, 0).setIcon(icon)


def _started(line) -> bool:
    return any(p.scanned for p in line.parts)


def _icon(path: str | None) -> QIcon | None:
    if not path or not Path(path).exists():
        return None
    pixmap = QPixmap(path)
    if pixmap.isNull():
        return None
    return QIcon(pixmap.scaled(IMAGE, IMAGE, Qt.KeepAspectRatio, Qt.SmoothTransformation))
