"""The full-width feedback banner of the floor screens: green for a good scan, red for a
refused one, grey while waiting. Large enough to read from a step away."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QSizePolicy

STYLES = {
    "idle": ("#e5e7eb", "#1f2937"),
    "good": ("#15803d", "#ffffff"),
    "bad": ("#b91c1c", "#ffffff"),
    "warn": ("#b45309", "#ffffff"),
}


class Banner(QLabel):
    def __init__(self, parent=None, *, point_size: int = 22):
        super().__init__(parent)
        self.setAlignment(Qt.AlignCenter)
        self.setWordWrap(True)
        self.setMinimumHeight(84)
        self.setSizePolicy(QSizePolicy.Expanding, QSizePolicy.Fixed)
        font = QFont(self.font())
        font.setPointSize(point_size)
        font.setBold(True)
        self.setFont(font)
        self.setAccessibleName("Scan feedback")
        self.state = "idle"
        self.show_message("idle", "")

    def show_message(self, state: str, text: str) -> None:
        if state != self.state or not self.styleSheet():
            back, fore = STYLES[state]
            self.setStyleSheet(f"QLabel {{ background: {back}; color: {fore}; "
                               "border-radius: 6px; padding: 10px 16px; }")
        self.state = state
        self.setText(text)
        self.setAccessibleDescription(text)
