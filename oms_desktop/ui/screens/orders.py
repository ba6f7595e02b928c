"""The orders queue: filters, search, saved views, sortable columns over a lazily fetched model,
the count of matching orders, bulk actions on the selection, export to CSV."""

from __future__ import annotations

import os

from PySide6.QtCore import QItemSelectionModel, Qt, QUrl, Signal
from PySide6.QtGui import QAction, QDesktopServices, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QInputDialog, QLabel,
    QPushButton, QTableView, QVBoxLayout, QWidget,
)

from oms_desktop.policies.permissions import allowed
from oms_desktop.services.floor.pick_documents import pick_list_for
from oms_desktop.services.orders import queue, selection
from oms_desktop.services.orders import views as order_service
from oms_desktop.services.users import accounts as users
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.documents import save_document
from oms_desktop.ui.widgets.filter_bar import FilterBar, filter_to_dict, focus_search
from oms_desktop.ui.widgets.flow_layout import FlowLayout
from oms_desktop.ui.widgets.order_bulk import (
    BulkAction, BulkProgress, actions_for, confirm, confirm_matching,
)
from oms_desktop.ui.widgets.order_selection import OrderSelection, OrderTableView
from oms_desktop.ui.widgets.order_table_model import COLUMNS, FIELDS, OrderTableModel, sortable

VIEWS_KEY = "orders.views"
WIDTHS = {"number": 215, "status": 110, "ship_by": 135, "customer": 165, "channel": 85,
          "country": 50, "items": 65, "total": 115, "carrier": 100, "hold_reason": 150,
          "tags": 110, "placed_at": 120}


class OrdersScreen(QWidget):
    open_order = Signal(int)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.model = OrderTableModel(ctx, self)
        self.views: dict[str, dict] = {}
        self.sites: list[str] = []
        self.bulk_buttons: dict[str, QPushButton] = {}
        self.total: int | None = None
        self._build()
        self.selection = OrderSelection(self.table, self.model, self)
        self.selection.changed.connect(self._selection_changed)
        self._build_actions()
        self.model.rows_arrived.connect(self._show_loaded)
        self.model.failed.connect(lambda exc: self.ctx.ops._default_failure(exc))
        self.filters.changed.connect(self.apply_filter)
        ctx.changes.changed.connect(self._on_changes)
        self._started = False

    # -- layout -----------------------------------------------------------------------------
    def _build(self) -> None:
        title = QLabel("Orders", objectName="ScreenTitle")
        self.count_label = QLabel("", objectName="Count", accessibleName="Matching orders")
        self.view_box = QComboBox(accessibleName="Saved views")
        self.view_box.addItem("Saved views…", None)
        self.view_box.activated.connect(self._choose_view)
        save = QPushButton("Save view", accessibleName="Save view")
        save.clicked.connect(self.save_view)
        self.export_button = QPushButton("Export CSV", accessibleName="Export CSV")
        self.export_button.clicked.connect(self.export_csv)
        head = QHBoxLayout()
        for w in (title, self.count_label):
            head.addWidget(w)
        head.addStretch(1)
        for w in (self.view_box, save, self.export_button):
            head.addWidget(w)
        self.filters = FilterBar()
        self.table = self._table()
        self.bulk_row = FlowLayout(align_right=True)  # wraps at 1024 px, never cuts labels
        self.selection_label = QLabel("No orders selected", objectName="Muted")
        self._selection_shown: tuple[str, int] | None = None
        self.progress = BulkProgress(self.ctx)
        self.progress.finished.connect(lambda _r: self.refresh())
        column = QVBoxLayout(self)
        column.setContentsMargins(16, 12, 16, 8)
        column.addLayout(head)
        column.addWidget(self.filters)
        column.addWidget(self.table, 1)
        column.addWidget(self.selection_label)
        column.addLayout(self.bulk_row)
        column.addWidget(self.progress)

    def _table(self) -> QTableView:
        table = OrderTableView(accessibleName="Orders queue")
        table.setModel(self.model)
        table.setSelectionBehavior(QAbstractItemView.SelectRows)
        table.setSelectionMode(QAbstractItemView.ExtendedSelection)
        table.setAlternatingRowColors(True)
        table.setShowGrid(False)
        table.setWordWrap(False)
        table.setTextElideMode(Qt.ElideMiddle)  # order numbers differ at their ends
        table.verticalHeader().hide()
        table.verticalHeader().setDefaultSectionSize(30)
        header = table.horizontalHeader()
        header.setSectionsClickable(True)
        header.setSortIndicatorShown(True)
        header.setSortIndicator(FIELDS.index("ship_by"), Qt.AscendingOrder)
        header.setHighlightSections(False)
        header.sectionClicked.connect(self._sort_by)
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.Interactive)
        for i, field in enumerate(FIELDS):
            table.setColumnWidth(i, WIDTHS.get(field, 100))
        table.doubleClicked.connect(lambda index: self._open(index.row()))
        return table

    def _build_actions(self) -> None:
        self._shortcut("Find", "Ctrl+F", lambda: focus_search(self.filters))
        self._shortcut("Open order", "Return", lambda: self._open(self.table.currentIndex().row()))
        self._shortcut("Export view to CSV…", "Ctrl+E", self.export_csv)
        self._shortcut("Save view…", "Ctrl+S", self.save_view)
        self._shortcut("Select all orders matching the filter", "Ctrl+A", self.select_all)
        if allowed(self.ctx.actor, "floor.pick"):
            self.pick_button = QPushButton("Pick list", accessibleName="Print pick list")
            self.pick_button.setToolTip("Print a pick list for the selected orders (Ctrl+P)")
            self.pick_button.clicked.connect(self.print_pick_list)
            self.pick_button.setEnabled(False)
            self.bulk_row.addWidget(self.pick_button)
            self.bulk_buttons["pick_list"] = self.pick_button
            self._shortcut("Print pick list", "Ctrl+P", self.print_pick_list)
        for action in actions_for(self.ctx):
            button = QPushButton(f"{action.label}", accessibleName=action.label.rstrip("…"))
            button.setToolTip(f"{action.label} ({action.shortcut})")
            button.clicked.connect(lambda _=False, a=action: self.run_action(a))
            button.setEnabled(False)
            self.bulk_row.addWidget(button)
            self.bulk_buttons[action.key] = button
            self._shortcut(action.label, action.shortcut,
                           lambda _=False, a=action: self.run_action(a))

    def _shortcut(self, text: str, keys: str, slot) -> QAction:
        action = QAction(text, self, shortcut=QKeySequence(keys),
                         shortcutContext=Qt.WidgetWithChildrenShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    # -- loading -----------------------------------------------------------------------------
    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._started:
            self._started = True
            self.start()

    def start(self) -> None:
        """First open: rows first; the count, filter choices and saved views once they show."""
        self._after_rows = [self._load_extras]
        self.apply_filter(self.filters.value())

    def _load_extras(self) -> None:
        self.ctx.ops.run(lambda: order_service.filter_choices(self.ctx.db),
                         success=self._choices, network=True)
        self.ctx.ops.run(lambda: users.get_preference(self.ctx.db, actor=self.ctx.actor,
                                                      name=VIEWS_KEY, default={}),
                         success=self._show_views)

    def apply_filter(self, flt: queue.QueueFilter) -> None:
        """New rows first; the count (a longer scan) starts when they have arrived. The
        selection keeps the orders the new filter still shows."""
        self._after_rows = [self._count] + getattr(self, "_after_rows", [])
        self.count_label.setText("counting…")
        self.total = None
        kept, db = self.selection.sorted_ids(), self.ctx.db
        self.selection.clear()
        self.model.query(flt)
        if kept:
            self.ctx.ops.run(lambda: (flt, selection.still_matching(db, flt, kept)),
                             success=self._keep_selected)

    def _keep_selected(self, answer) -> None:
        flt, ids = answer
        if flt == self.model.flt:
            self.selection.keep_only(ids)

    def refresh(self) -> None:
        self.model.refresh()
        self._count()

    def _count(self) -> None:
        flt, db, actor = self.model.flt, self.ctx.db, self.ctx.actor
        # Long read-only queries run beside the database worker so pages never wait for them.
        self.ctx.ops.run(lambda: (flt, queue.count(db, flt, actor=actor)), success=self._show_count,
                         network=True)

    def _show_count(self, answer) -> None:
        flt, n = answer
        if flt == self.model.flt:
            self.total = n
            self.count_label.setText(f"{n:,} orders")
            self._selection_changed()

    def _show_loaded(self, loaded: int) -> None:
        self.table.setToolTip(f"{loaded:,} loaded; scroll for more")
        pending, self._after_rows = getattr(self, "_after_rows", []), []
        for follow_up in pending:
            follow_up()

    def _choices(self, choices: order_service.FilterChoices) -> None:
        self.sites = choices.sites
        self.filters.set_choices(choices)

    def _on_changes(self, areas: set[str]) -> None:
        # While a bulk action runs its own commits arrive here every second; the queue is
        # refreshed once when it ends instead of competing with it for the database.
        if self._started and areas & {"orders", "shipments"} and not self.progress.running:
            self.refresh()

    def _sort_by(self, section: int) -> None:
        field = FIELDS[section]
        if not sortable(field):
            header = self.table.horizontalHeader()
            header.setSortIndicator(FIELDS.index(self.model.sort),
                                    Qt.DescendingOrder if self.model.descending else Qt.AscendingOrder)
            return
        descending = not self.model.descending if field == self.model.sort else False
        self.table.horizontalHeader().setSortIndicator(
            section, Qt.DescendingOrder if descending else Qt.AscendingOrder)
        self.model.query(self.model.flt, field, descending)

    # -- selection, opening, scans -------------------------------------------------------------
    def selected_ids(self) -> list[int]:
        """The orders picked one by one (not "all matching"), wherever their rows are."""
        return self.selection.sorted_ids()

    def select_all(self) -> None:
        """Ctrl+A: every order matching the filter, loaded or not."""
        self.selection.select_all_matching()

    def _selection_changed(self) -> None:
        if self.selection.all_matching:
            n = self.total
            text = ("All orders matching this filter (counting…)" if n is None else
                    f"All {n:,} orders matching this filter")
        else:
            n = len(self.selection.ids)
            text = f"{n:,} selected" if n else "No orders selected"
        # A reload after another station's commit re-announces the same selection: the line
        # keeps what it says then ("… ready: path" of the pick list just made).
        if (text, n) != self._selection_shown:
            self._selection_shown = (text, n)
            self.selection_label.setText(text)
        for button in self.bulk_buttons.values():
            button.setEnabled(bool(n) and not self.progress.running)

    def select_rows(self, rows: range) -> None:
        selection = self.table.selectionModel()
        for r in rows:
            selection.select(self.model.index(r, 0),
                             QItemSelectionModel.Select | QItemSelectionModel.Rows)

    def _open(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.open_order.emit(self.model.id_at(row))

    def handle_scan(self, text: str) -> None:
        """A scanned order barcode or tracking number searches the queue."""
        self.filters.search.setText(text.strip())
        self.filters._emit()

    # -- actions --------------------------------------------------------------------------------
    def run_action(self, action: BulkAction) -> None:
        if self.selection.empty or self.progress.running:
            return
        answers = action.ask(self, self.ctx) if action.ask else {}
        if answers is None:
            return
        if self.selection.all_matching:
            flt, db = self.model.flt, self.ctx.db
            self.ctx.ops.run(lambda: selection.count_matching(db, flt),
                             success=lambda m: self._run_on_matching(action, m, answers))
            return
        ids = self.selected_ids()
        if confirm(self, action, len(ids)):
            self.progress.start(action, ids, answers)
            self._selection_changed()

    def _run_on_matching(self, action: BulkAction, matching: selection.Matching,
                         answers: dict) -> None:
        if matching.flt != self.model.flt or not self.selection.all_matching:
            return  # the filter or the selection changed while counting
        if matching.count and confirm_matching(self, action, matching.count):
            self.progress.start_matching(action, matching, answers)
            self.selection.clear()

    def print_pick_list(self) -> None:
        """Create the pick list and open its PDF in the system viewer to print."""
        ids, db, actor = self.selected_ids(), self.ctx.db, self.ctx.actor
        if self.selection.all_matching:
            flt = self.model.flt
            ids_of = lambda: [i for page in selection.matching_pages(  # noqa: E731
                db, selection.count_matching(db, flt)) for i in page]
        else:
            ids_of = lambda: ids  # noqa: E731
        if ids or self.selection.all_matching:
            self.selection_label.setText("Making the pick list…")
            self.ctx.ops.run(lambda: pick_list_for(db, actor=actor, order_ids=ids_of()),
                             success=self._pick_list_ready)

    def _pick_list_ready(self, answer: tuple[str, bytes]) -> None:
        label, pdf = answer
        path = save_document(f"{label}.pdf", pdf)  # the person's own folder, not /tmp
        self.last_pick_list = path
        self.selection_label.setText(f"{label} ready: {path}")
        if not os.environ.get("QT_QPA_PLATFORM") == "offscreen":
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))

    def export_csv(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Export orders", "orders.csv",
                                              "CSV files (*.csv)")
        if path:
            self.export_to(path)

    def export_to(self, path: str) -> None:
        flt, sort, desc, db = self.model.flt, self.model.sort, self.model.descending, self.ctx.db
        self.selection_label.setText("Exporting…")
        actor = self.ctx.actor
        self.ctx.ops.run(lambda: queue.export_csv(db, flt, path, sort=sort, descending=desc,
                                                  actor=actor),
                         success=lambda n: self.selection_label.setText(
                             f"Exported {n:,} orders to {path}"))

    # -- saved views -----------------------------------------------------------------------------
    def _show_views(self, views: dict) -> None:
        self.views = dict(views or {})
        self.view_box.blockSignals(True)
        while self.view_box.count() > 1:
            self.view_box.removeItem(1)
        for name in sorted(self.views):
            self.view_box.addItem(name, name)
        self.view_box.blockSignals(False)

    def save_view(self) -> None:
        name, ok = QInputDialog.getText(self, "Save view", "Name of this view:")
        if ok and name.strip():
            self.store_view(name.strip())

    def store_view(self, name: str) -> None:
        self.views[name] = {"filter": filter_to_dict(self.model.flt), "sort": self.model.sort,
                            "descending": self.model.descending}
        views, db, actor = dict(self.views), self.ctx.db, self.ctx.actor
        self.ctx.ops.run(lambda: users.put_preference(db, actor=actor, name=VIEWS_KEY,
                                                      value=views),
                         success=lambda _r: self._show_views(views))

    def _choose_view(self, index: int) -> None:
        name = self.view_box.itemData(index)
        if name in self.views:
            self.use_view(name)

    def use_view(self, name: str) -> None:
        view = self.views[name]
        self.model.sort, self.model.descending = view["sort"], view["descending"]
        self.table.horizontalHeader().setSortIndicator(
            FIELDS.index(view["sort"]) if view["sort"] in FIELDS else 0,
            Qt.DescendingOrder if view["descending"] else Qt.AscendingOrder)
        self.filters.set_value(view["filter"])


__all__ = ["OrdersScreen", "COLUMNS"]
