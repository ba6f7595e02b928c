"""The orders queue's selection as order ids, not row positions.

The table's own selection is only a picture of `ids`: when a live refresh moves rows, the
picture is redrawn from the ids; when the filter changes, the ids the new filter no longer
shows are dropped. "All matching" (Ctrl+A) stands for every order of the filter, loaded or
not: bulk actions then count, confirm and page through them (services.orders.selection)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, QItemSelectionModel, QObject, Signal
from PySide6.QtWidgets import QTableView

from oms_desktop.ui.widgets.order_table_model import OrderTableModel


class OrderTableView(QTableView):
    """The queue's table: "select all" (Ctrl+A, the context menu) asks for every order
    matching the filter instead of selecting the rows that happen to be loaded."""

    select_all_requested = Signal()

    def selectAll(self) -> None:  # noqa: N802 - Qt's virtual slot
        self.select_all_requested.emit()


class OrderSelection(QObject):
    changed = Signal()

    def __init__(self, table: QTableView, model: OrderTableModel, parent=None):
        super().__init__(parent)
        self.table, self.model = table, model
        self.ids: set[int] = set()
        self.all_matching = False
        self._drawing = False
        table.selectionModel().selectionChanged.connect(self._picked)
        if isinstance(table, OrderTableView):
            table.select_all_requested.connect(self.select_all_matching)
        model.rows_arrived.connect(lambda _n: self.redraw())
        model.rows_replaced.connect(self.redraw)

    # -- what the user did ------------------------------------------------------------------
    def _picked(self, selected, deselected) -> None:
        if self._drawing:
            return
        self.all_matching = False
        for rng in deselected:
            self.ids.difference_update(self._ids_in(rng))
        for rng in selected:
            self.ids.update(self._ids_in(rng))
        self.changed.emit()

    def _ids_in(self, rng) -> list[int]:
        last = min(rng.bottom(), self.model.rowCount() - 1)  # ranges of a model just reset
        return [self.model.id_at(r) for r in range(rng.top(), last + 1)]

    def select_all_matching(self) -> None:
        self.all_matching = True
        self.ids = set()
        self.redraw()
        self.changed.emit()

    def select_ids(self, ids) -> None:
        self.all_matching = False
        self.ids = set(ids)
        self.redraw()
        self.changed.emit()

    def clear(self) -> None:
        self.select_ids(())

    def keep_only(self, ids: set[int]) -> None:
        """After a filter change: the earlier ids the new filter still shows, unless the
        user has chosen others meanwhile."""
        if self.empty:
            self.select_ids(ids)

    # -- the picture ------------------------------------------------------------------------
    def redraw(self) -> None:
        """Select the rows that hold the selected ids, wherever they are now."""
        columns = self.model.columnCount() - 1
        picture = QItemSelection()
        rows = [r for r, oid in enumerate(self.model.loaded_ids())
                if self.all_matching or oid in self.ids]
        for first, last in _runs(rows):
            picture.select(self.model.index(first, 0), self.model.index(last, columns))
        self._drawing = True
        try:
            self.table.selectionModel().select(
                picture, QItemSelectionModel.ClearAndSelect | QItemSelectionModel.Rows)
        finally:
            self._drawing = False

    # -- what actions use ---------------------------------------------------------------------
    @property
    def empty(self) -> bool:
        return not self.all_matching and not self.ids

    def sorted_ids(self) -> list[int]:
        return sorted(self.ids)


def _runs(rows: list[int]):
    """Consecutive rows as (first, last) pairs."""
    start = prev = None
    for r in rows:
        if start is None:
            start = prev = r
        elif r == prev + 1:
            prev = r
        else:
            yield start, prev
            start = prev = r
    if start is not None:
        yield start, prev
