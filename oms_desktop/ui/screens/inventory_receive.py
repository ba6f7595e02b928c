"""Receiving by scanning: scan the bin the goods go to, then every unit (or type a quantity
per scan for cases); each scan is posted at once, so nothing is lost if the station closes."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QFormLayout, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from oms_desktop.services.inventory import views
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.stock_scan import Feedback, ScanField, ScanQueue, large, report
from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table


@dataclass(frozen=True)
class Received:
    sku: str
    name: str
    location: str
    quantity: int
    on_hand: int


RECEIVED_COLUMNS = [
    Column("SKU", lambda r: r.sku), Column("Product", lambda r: r.name),
    Column("Into", lambda r: r.location), Column("Received", lambda r: r.quantity, True),
    Column("Now on hand", lambda r: r.on_hand, True),
]


class ReceiveTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.location: str | None = None
        self.where = large(QLabel("Scan the bin to receive into", accessibleName="Receiving into"))
        self.scan = ScanField("Receiving scan", "Scan a bin, then each unit")
        self.per_scan = QSpinBox(accessibleName="Units per scan", minimum=1, maximum=9999)
        large(self.per_scan, 14)
        self.feedback = Feedback("Last receiving scan")
        self.received = RowTableModel(RECEIVED_COLUMNS, self)
        self.table = make_table(self.received, "Received this session", stretch="Product")
        self.queue = ScanQueue(ctx, work=self._work, done=self._done, failed=self._failed,
                               parent=self)
        self._build()
        self.scan.scanned.connect(self.queue.push)

    def _build(self) -> None:
        layout = QVBoxLayout(self)
        layout.addWidget(self.where)
        row = QHBoxLayout()
        row.addWidget(self.scan, 3)
        form = QFormLayout()
        form.addRow("Units per &scan", self.per_scan)
        row.addLayout(form, 1)
        layout.addLayout(row)
        layout.addWidget(self.feedback)
        layout.addWidget(QLabel("Received this session", objectName="Muted"))
        layout.addWidget(self.table)

    def handle_scan(self, text: str) -> None:
        self.queue.push(text)

    def _work(self, text: str):
        db, actor, where, qty = self._ctx.db, self._ctx.actor, self.location, self.per_scan.value()
        return lambda: views.receive_scan(db, actor=actor, code=text, location=where,
                                          quantity=qty)

    def _done(self, _text: str, result: views.ScanReceipt) -> None:
        if result.row is None:
            self.location = result.location
            self.where.setText(f"Receiving into {result.location} — {result.scanned.name}")
            self.feedback.ok(f"Bin {result.location}: now scan the goods")
            return
        self._add(result)
        self.feedback.ok(f"+{result.quantity} {result.scanned.code} {result.scanned.name}"
                         f" into {result.location} ({result.row.on_hand} on hand)")
        self.per_scan.setValue(1)

    def _add(self, result: views.ScanReceipt) -> None:
        rows = list(self.received.rows)
        key = (result.scanned.code, result.location)
        before = next((r for r in rows if (r.sku, r.location) == key), None)
        if before:
            rows.remove(before)
        total = (before.quantity if before else 0) + result.quantity
        rows.insert(0, Received(result.scanned.code, result.scanned.name, result.location,
                                total, result.row.on_hand))
        self.received.set_rows(rows)

    def _failed(self, _text: str, exc: Exception) -> None:
        report(self.feedback, exc)
