"""A read-only table model over a list of plain rows (the services' dataclasses), described
by columns; and a QTableView set up the way the inventory screens want it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

NEGATIVE = QColor("#b42318")
POSITIVE = QColor("#067647")


@dataclass(frozen=True)
class Column:
    title: str
    value: Callable[[Any], Any]
    numeric: bool = False
    signed: bool = False  # colour negatives red and positives green, show a leading "+"


class RowTableModel(QAbstractTableModel):
    def __init__(self, columns: Sequence[Column], parent=None):
        super().__init__(parent)
        self.columns = list(columns)
        self.rows: list[Any] = []

    def set_rows(self, rows: Sequence[Any]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> Any:
        return self.rows[index]

    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return self.columns[section].title
        return None

    def data(self, index, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        column = self.columns[index.column()]
        value = column.value(self.rows[index.row()])
        if role == Qt.DisplayRole:
            return _text(value, column)
        if role == Qt.TextAlignmentRole and column.numeric:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.ForegroundRole and column.signed and isinstance(value, int) and value:
            return QBrush(NEGATIVE if value < 0 else POSITIVE)
        return None


def _text(value: Any, column: Column) -> str:
    if value is None:
        return ""
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:+,}" if column.signed and value > 0 else f"{value:,}"
    return str(value)


def make_table(model: RowTableModel, name: str, *, stretch: str | None = None) -> QTableView:
    """A keyboard-friendly, row-selecting, read-only table named for screen readers; the
    column titled `stretch` takes the spare width (else the last one)."""
    view = QTableView(accessibleName=name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectRows)
    view.setSelectionMode(QAbstractItemView.SingleSelection)
    view.setEditTriggers(QAbstractItemView.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setTabKeyNavigation(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
    titles = [c.title for c in model.columns]
    if stretch in titles:
        view.horizontalHeader().setSectionResizeMode(titles.index(stretch), QHeaderView.Stretch)
    else:
        view.horizontalHeader().setStretchLastSection(True)
    return view


def selected_row(view: QTableView) -> Any | None:
    rows = view.selectionModel().selectedRows() if view.selectionModel() else []
    return view.model().row(rows[0].row()) if rows else None
