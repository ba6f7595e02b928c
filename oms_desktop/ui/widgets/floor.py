"""What the floor screens (picking, packing, click & collect) share: large read-only tables
and one way to answer a scan (banner, sound, and a signal for tests and benchmarks)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QWidget

from oms_desktop.ui.errors import message_for
from oms_desktop.ui.theme import enlarge


def floor_table(columns: list[str] | tuple[str, ...], name: str, *, size: int = 13,
                stretch: int | None = None, selectable: bool = False) -> QTableWidget:
    """A read-only table in large type; `stretch` is the column that takes the spare width
    (all of them when None); without `selectable` it never takes the focus from the scanner."""
    table = QTableWidget(0, len(columns))
    table.setHorizontalHeaderLabels(list(columns))
    table.setEditTriggers(QAbstractItemView.NoEditTriggers)
    table.verticalHeader().setVisible(False)
    table.setAccessibleName(name)
    header = table.horizontalHeader()
    if stretch is None:
        header.setSectionResizeMode(QHeaderView.Stretch)
    else:
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setSectionResizeMode(stretch, QHeaderView.Stretch)
    if selectable:
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.setSelectionMode(QAbstractItemView.SingleSelection)
    else:
        table.setSelectionMode(QAbstractItemView.NoSelection)
        table.setFocusPolicy(Qt.NoFocus)
    return enlarge(table, size)


class ScanAnswers:
    """Mixin for a floor screen with `banner`, `sounds` and a `feedback_shown` signal: every
    answer is shown in the banner's colour, heard, and announced."""

    banner: QWidget
    feedback_shown: Signal

    def _answer(self, state: str, text: str) -> None:
        self.banner.show_message(state, text)
        self.sounds.play("good" if state == "good" else "bad")
        self.feedback_shown.emit(text)

    def _failed(self, exc: BaseException) -> None:
        self._answer("bad", message_for(exc))


