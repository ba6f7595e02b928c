"""Click-and-collect counter: the store's pickup orders (packed, ready); F5 marks the
selected one ready (a pickup code is made and the customer told). The customer shows the
code or the order number: scan it, type the collector's name, Enter, and it is handed over."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QTableWidgetItem, QVBoxLayout,
    QWidget,
)

from oms_desktop.devices.sound import Sounds
from oms_desktop.services.floor import pickup
from oms_desktop.services.floor.pickup import PickupView
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.theme import enlarge
from oms_desktop.ui.widgets.banner import Banner
from oms_desktop.ui.widgets.floor import ScanAnswers, floor_table

COLUMNS = ("Order", "Customer", "Status", "Pickup code", "Packed")


class PickupScreen(ScanAnswers, QWidget):
    feedback_shown = Signal(str)

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.sounds = Sounds()
        self.rows: list[PickupView] = []
        self.pending: str | None = None
        self._build()
        QShortcut(QKeySequence("F5"), self, self.mark_ready,
                  context=Qt.WidgetWithChildrenShortcut)
        ctx.changes.changed.connect(self._changed)
        self.ctx.ops.run(lambda: pickup.stores(ctx.db), success=self._stores)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        top = QHBoxLayout()
        top.addWidget(enlarge(QLabel("Click & collect"), 20, True))
        top.addStretch(1)
        top.addWidget(enlarge(QLabel("Store"), 13))
        self.store = enlarge(QComboBox(), 14)
        self.store.setAccessibleName("Store")
        self.store.currentTextChanged.connect(lambda _t: self.refresh())
        top.addWidget(self.store)
        layout.addLayout(top)
        self.banner = Banner()
        self.banner.show_message("idle", "Scan the customer's pickup code or order number")
        layout.addWidget(self.banner)
        self.table = floor_table(COLUMNS, "Orders waiting for pickup", size=14,
                                 selectable=True)
        layout.addWidget(self.table, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(enlarge(QLabel("Collected by"), 13))
        self.collector = enlarge(QLineEdit(), 15)
        self.collector.setPlaceholderText("Name on the ID shown")
        self.collector.setAccessibleName("Collector's name")
        self.collector.returnPressed.connect(self._name_entered)
        bottom.addWidget(self.collector, 1)
        self.ready_button = enlarge(QPushButton("Mark ready (F5)"), 13, True)
        self.ready_button.setAccessibleName("Mark ready")
        self.ready_button.clicked.connect(self.mark_ready)
        bottom.addWidget(self.ready_button)
        layout.addLayout(bottom)

    # -- data ------------------------------------------------------------------------------
    def _stores(self, codes: list[str]) -> None:
        saved = str(QSettings().value("pickup/store", "") or "")
        self.store.addItems(codes)
        if saved in codes:
            self.store.setCurrentText(saved)

    def _changed(self, areas) -> None:
        if {"shipments", "orders"} & set(areas):
            self.refresh()

    def refresh(self) -> None:
        store = self.store.currentText()
        if not store:
            return
        QSettings().setValue("pickup/store", store)
        db = self.ctx.db
        self.ctx.ops.run(lambda: pickup.waiting(db, store=store), success=self._fill)

    def _fill(self, rows: list[PickupView]) -> None:
        chosen = self._chosen()
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            packed = f"{row.packed_at:%Y-%m-%d %H:%M}" if row.packed_at else ""
            values = (row.order_number, row.customer or "", row.status.replace("_", " "),
                      row.pickup_code or "", packed)
            for c, value in enumerate(values):
                self.table.setItem(r, c, QTableWidgetItem(value))
        ids = [row.shipment_id for row in rows]
        if chosen in ids:  # a refresh keeps the order the user chose, wherever it moved
            self.table.selectRow(ids.index(chosen))

    def _chosen(self) -> int | None:
        row = self.table.currentRow()
        return self.rows[row].shipment_id if 0 <= row < len(self.rows) else None

    # -- actions ---------------------------------------------------------------------------
    def mark_ready(self) -> None:
        sid = self._chosen()
        if sid is None:
            self._answer("bad", "Select a packed order first")
            return
        db, actor = self.ctx.db, self.ctx.actor
        self.ctx.ops.run(lambda: pickup.mark_ready(db, actor=actor, shipment_id=sid),
                         success=self._made_ready, failure=self._failed)

    def _made_ready(self, view: PickupView) -> None:
        self._answer("good", f"{view.order_number} ready for pickup: code {view.pickup_code}")

    def handle_scan(self, text: str) -> None:
        """The pickup code or order number: hand over now if the name is typed, else ask."""
        self.pending = text.strip()
        if self.collector.text().strip():
            self._hand_over()
        else:
            self.collector.setFocus()
            self._answer("good", f"{self.pending}: type the collector's name and press Enter")

    def _name_entered(self) -> None:
        if self.pending:
            self._hand_over()

    def _hand_over(self) -> None:
        db, actor, store = self.ctx.db, self.ctx.actor, self.store.currentText()
        value, name = self.pending, self.collector.text()
        self.ctx.ops.run(lambda: pickup.hand_over(db, actor=actor, store=store, value=value,
                                                  collected_by=name),
                         success=self._handed_over, failure=self._failed)

    def _handed_over(self, view: PickupView) -> None:
        self.pending = None
        self.collector.clear()
        self._answer("good", f"{view.order_number} handed to {view.collected_by}")

