""""Needs a label (N)" in the Shipping screen: packed shipments without a label (one that
failed at the pack station, with its reason), labelled here through the shipping-method map
(Enter on a row, or the button)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QHBoxLayout, QHeaderView, QLabel, QPushButton, QTableWidget,
    QTableWidgetItem, QVBoxLayout, QWidget,
)

from oms_desktop.services.shipping import labels as shipping
from oms_desktop.services.shipping import needs_label
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.errors import message_for
from oms_desktop.ui.theme import enlarge

HEADERS = ["Shipment", "Order", "Method", "Carrier", "Service", "Last error"]


class NeedsLabelPanel(QWidget):
    counted = Signal(int)  # how many shipments need a label, for the tab's title
    labelled = Signal(int)  # a shipment got its label here

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[needs_label.NeedsLabel] = []
        self.table = enlarge(QTableWidget(0, len(HEADERS)), 12)
        self.table.setAccessibleName("Shipments that need a label")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeToContents)
        header.setStretchLastSection(True)
        self.answer = enlarge(QLabel("", wordWrap=True), 12)
        self.answer.setAccessibleName("Needs a label answer")
        button = enlarge(QPushButton("Make label (Enter)"), 12, True)
        button.setAccessibleName("Make label")
        button.setMinimumHeight(40)
        button.clicked.connect(self.make_label)
        row = QHBoxLayout()
        row.addWidget(button)
        row.addWidget(self.answer, 1)
        column = QVBoxLayout(self)
        column.addWidget(self.table, 1)
        column.addLayout(row)
        for key in ("Return", "Enter"):
            QShortcut(QKeySequence(key), self.table, self.make_label,
                      context=Qt.WidgetShortcut)
        self.reload()

    def reload(self) -> None:
        self.ctx.ops.run(lambda: needs_label.needs_label(self.ctx.db), success=self._fill)

    def _fill(self, found) -> None:
        total, self.rows = found
        self.table.setRowCount(len(self.rows))
        for r, n in enumerate(self.rows):
            for c, value in enumerate((n.label, n.order_number, n.method, n.carrier,
                                       n.service, n.last_error)):
                item = QTableWidgetItem(value or "")
                if c == 5 and value:
                    item.setForeground(Qt.darkRed)
                self.table.setItem(r, c, item)
        self.counted.emit(total)

    def make_label(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        db, actor, sid = self.ctx.db, self.ctx.actor, self.rows[row].shipment_id
        self.ctx.ops.run(lambda: shipping.create_label(db, actor=actor, shipment_id=sid),
                         success=self._made, failure=self._failed)

    def _made(self, made) -> None:
        self.answer.setStyleSheet("color: #15803d; font-weight: bold;")
        self.answer.setText(f"SHP-{made.shipment_id}: {made.carrier} {made.service} "
                            f"{made.tracking_number}; print it from the list above (F4)")
        self.labelled.emit(made.shipment_id)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        self.answer.setStyleSheet("color: #b91c1c; font-weight: bold;")
        self.answer.setText(message_for(exc))
