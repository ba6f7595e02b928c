"""Opening stock by scanning, in large type and by keyboard alone: scan the bin, scan a
product, type the quantity, Enter. The bin stays until another is scanned (Shift+Tab back to
it), so a shelf is counted with two scans and a number per product. Scans run one after the
other in the order they came (a scanner's burst is not reordered by the database's answers)."""

from __future__ import annotations

import uuid

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QIntValidator
from PySide6.QtWidgets import QFormLayout, QLabel, QListWidget, QVBoxLayout, QWizardPage

from oms_desktop.services.inventory import scan_receipt
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.widgets.stock_scan import (
    Feedback, ScanField, ScanQueue, large, report, run_for,
)


class WizardScanField(ScanField):
    """A scan field whose Enter ends the scan and goes no further: in a wizard, Enter would
    otherwise also press Next."""

    def keyPressEvent(self, event) -> None:
        super().keyPressEvent(event)
        if event.key() in (Qt.Key_Return, Qt.Key_Enter):
            event.accept()


class ScanStockPage(QWizardPage):
    def __init__(self, ctx: AppContext):
        super().__init__()
        self.ctx = ctx
        self.setTitle("Opening stock by scanning")
        self.setSubTitle("Scan a bin, then each product and type how many; Enter after each. "
                         "Skip it with Next (Page Down) and come back to it later.")
        self.bin = ""
        self.product = ""
        self.bin_field = WizardScanField("Bin", "Scan the bin's label")
        self.product_field = WizardScanField("Product", "Scan the product (SKU or barcode)")
        self.quantity = WizardScanField("Quantity", "How many")
        self.quantity.setValidator(QIntValidator(1, scan_receipt.MAX_QUANTITY, self.quantity))
        self.current = large(QLabel("No bin scanned yet", accessibleName="Current bin"), 16)
        self.feedback = Feedback("Scan outcome")
        self.received = large(QListWidget(accessibleName="Received by scanning"), 13)
        self.queue = ScanQueue(ctx, work=self._work, done=self._done, failed=self._failed,
                               parent=self)
        self._layout()
        # the wizard's own 13 pt would win over the fonts set on the widgets: read at arm's length
        self.setStyleSheet("QLineEdit { font-size: 20pt; } QLabel { font-size: 16pt; } "
                           "QListWidget { font-size: 14pt; } "
                           "QLabel#CurrentBin { font-size: 20pt; font-weight: 700; }")
        self.current.setObjectName("CurrentBin")
        self.bin_field.scanned.connect(self.scan_bin)
        self.product_field.scanned.connect(self.scan_product)
        self.quantity.scanned.connect(self.confirm)

    def _layout(self) -> None:
        form = QFormLayout()
        for text, widget in (("&Bin", self.bin_field), ("&Product", self.product_field),
                             ("&Quantity", self.quantity)):
            label = large(QLabel(text), 16)
            label.setBuddy(widget)
            form.addRow(label, widget)
        column = QVBoxLayout(self)
        column.addWidget(self.current)
        column.addLayout(form)
        column.addWidget(self.feedback)
        column.addWidget(self.received, 1)

    def initializePage(self) -> None:
        QTimer.singleShot(0, self.focus_first)  # after the wizard places its own

    def focus_first(self) -> None:
        self.bin_field.setFocus()

    def scan_bin(self, code: str) -> None:
        """Focus moves on at once (the burst goes on typing); the bin is checked behind."""
        self.bin = code
        self.current.setText(f"Bin {code}")
        self.product_field.setFocus()
        db = self.ctx.db
        run_for(self, self.ctx, lambda: scan_receipt.scanned_bin(db, code),
                success=lambda b: self.feedback.ok(f"Bin {b.code}: scan the products in it"),
                failure=self._bad_bin)

    def _bad_bin(self, exc: BaseException) -> None:
        self.bin = ""
        self.current.setText("No bin scanned yet")
        report(self.feedback, exc)
        self.bin_field.setFocus()

    def scan_product(self, code: str) -> None:
        if not self.bin:
            self.feedback.problem("Scan the bin first")
            self.bin_field.setFocus()
            return
        self.product = code
        self.quantity.setText("1")
        self.quantity.selectAll()
        self.quantity.setFocus()

    def confirm(self, text: str) -> None:
        if not self.product:
            self.product_field.setFocus()
            return
        self.queue.push(f"{self.bin}\t{self.product}\t{text}\t{uuid.uuid4().hex}")
        self.product = ""
        self.product_field.setFocus()

    def _work(self, scan: str):
        db, actor = self.ctx.db, self.ctx.actor
        bin_code, code, quantity, key = scan.split("\t")
        return lambda: scan_receipt.receive_scanned(db, actor=actor, bin=bin_code, code=code,
                                                    quantity=int(quantity),
                                                    request_id=f"scan:{key}")

    def _done(self, _scan: str, r: scan_receipt.ScannedReceipt) -> None:
        text = f"{r.quantity} × {r.sku} ({r.name}) into {r.bin}: {r.on_hand} there now"
        self.feedback.ok(f"Received {text}")
        self.received.insertItem(0, text)

    def _failed(self, scan: str, exc: Exception) -> None:
        report(self.feedback, exc)
