"""The orders queue as a lazily fetched table model: keyset pages from services.queue, fetched
on the database worker (never on the GUI thread) as the view scrolls."""

from __future__ import annotations

from array import array
from collections import OrderedDict
from datetime import date

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt, Signal
from PySide6.QtGui import QColor, QFont

from oms_desktop.services.orders import queue
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.theme import status_colours, status_label

PAGE = 200
CACHE_PAGES = 40  # full rows kept for this many pages (8,000 rows); the rest only as ids
REFRESH_PAGES = 5  # a live refresh re-reads the pages used last

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
    """`query(flt, sort, descending)` starts over; the view pulls further pages itself.

    Memory stays bounded however far the user scrolls: every loaded row keeps only its id (for
    selections), full rows are kept for the CACHE_PAGES pages used last, and a page scrolled
    back to is read again from its keyset boundary, which is remembered per page."""

    rows_arrived = Signal(int)  # rows loaded so far
    rows_replaced = Signal()  # a page read again may hold other orders at the same rows
    failed = Signal(object)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.flt = queue.QueueFilter()
        self.sort, self.descending = "ship_by", False
        self._reset_state()
        self._generation = 0
        self.today = date.today()
        self._bold = QFont()
        self._bold.setBold(True)

    def _reset_state(self) -> None:
        self._ids = array("q")
        self._pages: OrderedDict[int, list[queue.QueueRow]] = OrderedDict()
        self._bounds: list[tuple | None] = [None]  # _bounds[k]: the `after` that starts page k
        self._pending: set[int] = set()
        self._more, self._busy = True, False

    # -- Qt model API ---------------------------------------------------------------------
    def rowCount(self, parent=QModelIndex()) -> int:
        return 0 if parent.isValid() else len(self._ids)

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
        if role == Qt.UserRole:
            return self._ids[index.row()]
        row, field = self.row_at(index.row()), FIELDS[index.column()]
        if row is None:
            return "…" if role == Qt.DisplayRole and index.column() == 0 else None
        if role == Qt.DisplayRole:
            return self._text(row, field)
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
            self._busy = True
            page = len(self._bounds) - 1
            self._read(page, lambda gen, result: self._appended(gen, page, result))

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
        self._reset_state()
        self.endResetModel()
        self.fetchMore()

    def _read(self, page: int, done) -> None:
        gen, flt, sort, desc, db = (self._generation, self.flt, self.sort, self.descending,
                                    self.ctx.db)
        after, actor = self._bounds[page], self.ctx.actor
        self.ctx.ops.run(lambda: queue.fetch_page(db, flt, sort=sort, descending=desc,
                                                  after=after, limit=PAGE, actor=actor),
                         success=lambda result: done(gen, result),
                         failure=lambda exc: self._fetch_failed(gen, exc))

    def _appended(self, generation: int, page: int, result: queue.QueuePage) -> None:
        if generation != self._generation:
            return
        self._busy = False
        if result.rows:
            start = len(self._ids)
            self.beginInsertRows(QModelIndex(), start, start + len(result.rows) - 1)
            self._ids.extend(r.id for r in result.rows)
            self._keep(page, result.rows)
            self.endInsertRows()
        self._bounds.append(result.next_after)
        self._more = result.next_after is not None
        self.rows_arrived.emit(len(self._ids))

    def _keep(self, page: int, rows: list[queue.QueueRow]) -> None:
        self._pages[page] = rows
        self._pages.move_to_end(page)
        while len(self._pages) > CACHE_PAGES:
            self._pages.popitem(last=False)

    def _fetch_failed(self, generation: int, exc: BaseException) -> None:
        if generation == self._generation:
            self._busy, self._more = False, False
            self._pending.clear()
            self.failed.emit(exc)

    def _reload(self, page: int) -> None:
        if page not in self._pending and page < len(self._bounds) - 1:
            self._pending.add(page)
            self._read(page, lambda gen, result: self._reloaded(gen, page, result))

    def _reloaded(self, generation: int, page: int, result: queue.QueuePage) -> None:
        if generation != self._generation:
            return
        self._pending.discard(page)
        first = page * PAGE
        size = min(PAGE, len(self._ids) - first)
        if len(result.rows) < size:  # orders left the filter: the rows below all move up
            self.query(self.flt)
            return
        rows = result.rows[:size]
        self._keep(page, rows)
        for i, r in enumerate(rows):
            self._ids[first + i] = r.id
        if size > 0:
            self.dataChanged.emit(self.index(first, 0),
                                  self.index(first + size - 1, len(COLUMNS) - 1))
            self.rows_replaced.emit()

    def refresh(self) -> None:
        """Re-read, in place, the pages used last (scroll position and selection stay);
        the other cached pages are dropped and read again when seen."""
        if not self._ids:
            self.query(self.flt)
            return
        recent = list(self._pages)[-REFRESH_PAGES:]
        for page in list(self._pages):
            if page not in recent:
                del self._pages[page]
        for page in recent:
            self._reload(page)

    # -- rows -----------------------------------------------------------------------------------
    def row_at(self, index: int) -> queue.QueueRow | None:
        """The row at `index`, or None while its page is being read again."""
        page = index // PAGE
        rows = self._pages.get(page)
        if rows is None:
            self._reload(page)
            return None
        self._pages.move_to_end(page)
        offset = index - page * PAGE
        return rows[offset] if offset < len(rows) else None

    def id_at(self, index: int) -> int:
        return self._ids[index]

    def loaded_ids(self) -> array:
        """The ids of every loaded row, in row order."""
        return self._ids

    @property
    def rows(self) -> list[queue.QueueRow]:
        """The rows held in memory, in queue order (at most CACHE_PAGES pages)."""
        return [r for page in sorted(self._pages) for r in self._pages[page]]

    # -- presentation -------------------------------------------------------------------------
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
