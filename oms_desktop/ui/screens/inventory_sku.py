"""One product's stock per location, found by SKU, name or barcode; adjust and move from it."""

from __future__ import annotations

import uuid
from typing import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialog, QHBoxLayout, QLabel, QLineEdit, QPushButton, QSplitter, QVBoxLayout, QWidget,
)

from oms_desktop.policies.permissions import allowed
from oms_desktop.services.inventory import stock, views
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.errors import show_error
from oms_desktop.ui.screens.inventory_dialogs import AdjustDialog, MoveDialog
from oms_desktop.ui.widgets.stock_scan import Feedback, large, run_for
from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table, selected_row

HIT_COLUMNS = [
    Column("SKU", lambda h: h.sku), Column("Product", lambda h: h.name),
    Column("On hand", lambda h: h.on_hand, True), Column("Available", lambda h: h.available, True),
]
LEVEL_COLUMNS = [
    Column("Location", lambda r: r.location), Column("Site", lambda r: r.site),
    Column("On hand", lambda r: r.on_hand, True), Column("Reserved", lambda r: r.reserved, True),
    Column("Available", lambda r: r.available, True),
]
SEARCH_DELAY_MS = 200


class SkuTab(QWidget):
    """`locations` gives the codes the move dialog completes (from the tree tab)."""

    def __init__(self, ctx: AppContext, locations: Callable[[], list[str]], parent=None):
        super().__init__(parent)
        self._ctx, self._locations = ctx, locations
        self.sku: str | None = None
        self.dialog: QDialog | None = None
        self.search = large(QLineEdit(accessibleName="Find product",
                                      placeholderText="SKU, name or barcode"), 14)
        self.hits = RowTableModel(HIT_COLUMNS, self)
        self.hits_view = make_table(self.hits, "Matching products", stretch="Product")
        self.levels = RowTableModel(LEVEL_COLUMNS, self)
        self.levels_view = make_table(self.levels, "Stock per location", stretch="Site")
        self.title = large(QLabel("No product chosen", accessibleName="Chosen product"), 15)
        self.adjust_button = QPushButton("&Adjust… (F2)", accessibleName="Adjust stock")
        self.move_button = QPushButton("&Move… (F3)", accessibleName="Move stock")
        self.feedback = Feedback("Last stock action")
        self._timer = QTimer(self, singleShot=True, interval=SEARCH_DELAY_MS)
        self._build()
        self._connect()

    def _build(self) -> None:
        left = QWidget()
        lbox = QVBoxLayout(left)
        lbox.setContentsMargins(0, 0, 0, 0)
        lbox.addWidget(self.search)
        lbox.addWidget(self.hits_view)
        right = QWidget()
        rbox = QVBoxLayout(right)
        rbox.setContentsMargins(0, 0, 0, 0)
        rbox.addWidget(self.title)
        rbox.addWidget(self.levels_view)
        buttons = QHBoxLayout()
        for b in (self.adjust_button, self.move_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        rbox.addLayout(buttons)
        rbox.addWidget(self.feedback)
        split = QSplitter(Qt.Horizontal)
        split.addWidget(left)
        split.addWidget(right)
        split.setSizes([440, 640])
        QVBoxLayout(self).addWidget(split)
        self.adjust_button.setVisible(allowed(self._ctx.actor, "stock.adjust"))

    def _connect(self) -> None:
        self.search.textEdited.connect(lambda _t: self._timer.start())
        self.search.returnPressed.connect(self._search_now)
        self._timer.timeout.connect(self._search_now)
        self.hits_view.activated.connect(lambda i: self.show_sku(self.hits.row(i.row()).sku))
        self.hits_view.selectionModel().currentRowChanged.connect(
            lambda cur, _p: cur.isValid() and self.show_sku(self.hits.row(cur.row()).sku))
        self.adjust_button.clicked.connect(self.adjust)
        self.move_button.clicked.connect(self.move)
        for key, slot in (("F2", self.adjust), ("F3", self.move)):
            QShortcut(QKeySequence(key), self, slot, context=Qt.WidgetWithChildrenShortcut)

    def _search_now(self) -> None:
        text, actor = self.search.text(), self._ctx.actor
        run_for(self, self._ctx,
                lambda: views.search_products(self._ctx.db, actor=actor, text=text),
                success=self._show_hits)

    def _show_hits(self, hits) -> None:
        self.hits.set_rows(hits)
        if len(hits) == 1:
            self.show_sku(hits[0].sku)

    def show_sku(self, code: str) -> None:
        """Load one product (SKU or barcode) into the per-location table."""
        actor = self._ctx.actor
        run_for(self, self._ctx, lambda: views.sku_view(self._ctx.db, actor=actor, code=code),
                success=self._show_view,
                failure=lambda e: show_error(self, e))

    def reload(self) -> None:
        if self.search.text().strip():
            self._search_now()
        if self.sku:
            self.show_sku(self.sku)

    def _show_view(self, view: views.SkuView) -> None:
        self.sku = view.sku
        self.title.setText(f"{view.sku} — {view.name}:  {view.on_hand} on hand, "
                           f"{view.reserved} reserved, {view.available} available")
        keep = selected_row(self.levels_view)
        self.levels.set_rows(view.rows)
        rows = [i for i, r in enumerate(view.rows) if keep and r.location == keep.location]
        self.levels_view.selectRow(rows[0] if rows else 0)

    def adjust(self) -> None:
        row = selected_row(self.levels_view)
        if row is None or not self.adjust_button.isVisible():
            return
        dialog = AdjustDialog(sku=row.sku, location=row.location, on_hand=row.on_hand,
                              parent=self)
        request = uuid.uuid4().hex  # one adjustment per dialog, however often it is sent
        dialog.accepted.connect(lambda: self._adjust(row, dialog.result_value(), request))
        self._open(dialog)

    def _adjust(self, row, adj, request: str) -> None:
        actor = self._ctx.actor
        self._write(lambda: stock.adjust(self._ctx.db, actor=actor, sku=row.sku,
                                         location=row.location, delta=adj.delta,
                                         reason_code=adj.reason_code, request_id=request),
                    f"Adjusted {row.sku} at {row.location} by {adj.delta:+d}"
                    f" ({adj.reason_code})")

    def move(self) -> None:
        row = selected_row(self.levels_view)
        if row is None:
            return
        dialog = MoveDialog(sku=row.sku, source=row.location, available=row.available,
                            locations=self._locations(), parent=self)
        request = uuid.uuid4().hex
        dialog.accepted.connect(lambda: self._move(row, dialog.result_value(), request))
        self._open(dialog)

    def _move(self, row, t, request: str) -> None:
        actor = self._ctx.actor
        self._write(lambda: stock.move(self._ctx.db, actor=actor, sku=row.sku,
                                       source=row.location, target=t.target,
                                       quantity=t.quantity, request_id=request),
                    f"Moved {t.quantity} × {row.sku} from {row.location} to {t.target}")

    def _open(self, dialog: QDialog) -> None:
        """Open window-modal without blocking (the event loop keeps running)."""
        self.dialog = dialog
        dialog.setAttribute(Qt.WA_DeleteOnClose)
        dialog.open()

    def _write(self, fn, done_text: str) -> None:
        def done(_result):
            self.feedback.ok(done_text)

        def failed(exc):
            self.feedback.problem(str(exc))
            show_error(self, exc)

        run_for(self, self._ctx, fn, success=done, failure=failed)
