"""The orders queue as a lazily fetched table model: keyset pages from services.queue, fetched
on the database worker (never on the GUI thread) as the view scrolls."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from oms_desktop.services import queue
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.theme import status_colours, status_label

PAGE = 200
REFRESH_CAP = 2000  # a live refresh re-reads at most this many loaded rows in place

# (QueueRow field, header, sort key or None)
COLUMNS: list[tuple[str, str]] = [
    ("number", "Order"), ("status", "Status"), ("ship_by", "Ship by"), ("customer", "Customer"),
    ("channel", "Channel"), ("country", "Ctry"), ("items", "Items"), ("total", "Total"),
    ("carrier", "Carrier"), ("hold_reason", "Hold reason"), ("tags", "Tags"),
    ("placed_at", "Placed"),
]
FIELDS = [f for f, _ in COLUMNS]
NUMERIC = {"items", "total"}


def sortable(field: str) -> bool:
    return field in queue.SORT_KEYS


class OrderTableModel(QAbstractTableModel):
    """`query(flt, sort, descending)` starts over; the view pulls further pages itself."""

    rows_arrived = Signal(int)  # rows loaded so far
    failed = Signal(object)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.flt = queue.QueueFilter()
        self.sort, self.descending = "ship_by", False
        self.rows: list[queue.QueueRow] = []
        self._after = None
        self._more = True
        self._busy = False
        self._generation = 0
        self.today = date.today()
        self._bold = QFont()
        self._bold.setBold(True)

    # -- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(COLUMNS)

    def headerData(self, section, orientation, role=Qt.DisplayRole):
        if orientation == Qt.Horizontal and role == Qt.DisplayRole:
            return COLUMNS[section][1]
        if orientation == Qt.Horizontal and role == Qt.TextAlignmentRole:
            return int(Qt.AlignRight | Qt.AlignVCenter) if FIELDS[section] in NUMERIC else None
        return None

    def data(self, index: QModelIndex, role=Qt.DisplayRole):
        if not index.isValid():
            return None
        row, field = self.rows[index.row()], FIELDS[index.column()]
        if role == Qt.DisplayRole:
            return self._text(row, field)
        if role == Qt.UserRole:
            return row.id
        if role in (Qt.BackgroundRole, Qt.ForegroundRole):
            return self._colour(row, field, role)
        if role == Qt.TextAlignmentRole and field in NUMERIC:
            return int(Qt.AlignRight | Qt.AlignVCenter)
        if role == Qt.FontRole and field in ("number", "status"):
            return self._bold
        if role == Qt.AccessibleTextRole:
            return f"{COLUMNS[index.column()][1]}: {self._text(row, field)}"
        return None

    def canFetchMore(self, parent=QModelIndex()) -> bool:
        return not parent.isValid() and self._more and not self._busy

    def fetchMore(self, parent=QModelIndex()) -> None:
        if self.canFetchMore(parent):
            self._load(after=self._after)

    # -- querying -----------------------------------------------------------------------------
    def query(self, flt: queue.QueueFilter, sort: str | None = None,
              descending: bool | None = None) -> None:
        self.flt = flt
        if sort is not None:
            self.sort = sort
        if descending is not None:
            self.descending = descending
        self._generation += 1
        self.beginResetModel()
        self.rows, self._after, self._more, self._busy = [], None, True, False
        self.endResetModel()
        self._load(after=None)

    def _load(self, *, after) -> None:
        self._busy = True
        gen, flt, sort, desc, db = (self._generation, self.flt, self.sort, self.descending,
                                    self.ctx.db)
        self.ctx.ops.run(lambda: queue.fetch_page(db, flt, sort=sort, descending=desc,
                                                  after=after, limit=PAGE),
                         success=lambda page: self._arrived(gen, page),
                         failure=lambda exc: self._fetch_failed(gen, exc))

    def _arrived(self, generation: int, page: queue.QueuePage) -> None:
        if generation != self._generation:
            return
        self._busy = False
        if page.rows:
            start = len(self.rows)
            self.beginInsertRows(QModelIndex(), start, start + len(page.rows) - 1)
            self.rows.extend(page.rows)
            self.endInsertRows()
        self._after = page.next_after
        self._more = page.next_after is not None
        self.rows_arrived.emit(len(self.rows))

    def _fetch_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._busy = False
            self._more = False
            self.failed.emit(exc)

    def refresh(self) -> None:
        """Re-read what is loaded (up to REFRESH_CAP rows) in place, keeping scroll and
        selection when the same orders are still there; start over otherwise."""
        if self._busy:
            return
        want = min(max(len(self.rows), PAGE), REFRESH_CAP)
        gen, flt, sort, desc, db = (self._generation, self.flt, self.sort, self.descending,
                                    self.ctx.db)
        self._busy = True
        self.ctx.ops.run(lambda: queue.fetch_page(db, flt, sort=sort, descending=desc,
                                                  after=None, limit=want),
                         success=lambda page: self._refreshed(gen, page),
                         failure=lambda exc: self._fetch_failed(gen, exc))

    def _refreshed(self, generation: int, page: queue.QueuePage) -> None:
        if generation != self._generation:
            return
        self._busy = False
        old_ids = [r.id for r in self.rows[:len(page.rows)]]
        if old_ids == [r.id for r in page.rows] and len(self.rows) <= REFRESH_CAP:
            self.rows[:len(page.rows)] = page.rows
            if page.rows:
                self.dataChanged.emit(self.index(0, 0),
                                      self.index(len(page.rows) - 1, len(COLUMNS) - 1))
            return
        self.beginResetModel()
        self.rows = list(page.rows)
        self._after, self._more = page.next_after, page.next_after is not None
        self.endResetModel()
        self.rows_arrived.emit(len(self.rows))

    # -- presentation -------------------------------------------------------------------------
    def row_at(self, index: int) -> queue.QueueRow:
        return self.rows[index]

    def _text(self, row: queue.QueueRow, field: str) -> str:
        value = getattr(row, field)
        if value is None:
            return ""
        if field == "status":
            return status_label(value)
        if field == "hold_reason":
            return value.replace("_", " ")
        if field == "total":
            return f"{value:,.2f} {row.currency}"
        if field == "ship_by":
            return self._ship_by_text(value)
        if field == "placed_at":
            return value.strftime("%d %b %H:%M")
        if field == "tags":
            return ", ".join(value)
        return str(value)

    def _ship_by_text(self, day: date) -> str:
        delta = (day - self.today).days
        if delta == 0:
            return "today"
        if delta == 1:
            return "tomorrow"
        if delta < 0:
            return f"{-delta}d late · {day:%d %b}"
        return f"{day:%a %d %b}"

    def _colour(self, row: queue.QueueRow, field: str, role) -> QColor | None:
        key = None
        if field == "status":
            key = row.status
        elif field == "ship_by" and row.ship_by and row.status not in ("completed", "cancelled"):
            key = "late" if row.ship_by < self.today else "today" if row.ship_by == self.today \
                else None
        if key is None:
            return None
        back, fore = status_colours(key)
        return back if role == Qt.BackgroundRole else fore
