"""Business customers' credit and invoices: the customers on credit hold with their held
orders (F6 releases the selected one: managers and admins, and the service says so to anyone
else), the invoices open, overdue or paid with a payment recorded against the selected one
(F8), its PDF previewed (F7), and the aging of what is owed (current, 1-30 … 90+ days)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget,
)

from oms_desktop.policies import trade_terms
from oms_desktop.policies.permissions import allowed
from oms_desktop.services.b2b import desk, invoices
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.documents import save_document
from oms_desktop.ui.widgets.po_lines import money
from oms_desktop.ui.widgets.stock_scan import Feedback, large, report, run_for
from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table, selected_row

STATE_COLOURS = {"overdue": "#b42318", "paid": "#067647", "open": "#1d4ed8"}


@dataclass(frozen=True)
class HoldRow:
    customer: desk.HeldCustomer
    order: desk.HeldOrder


HOLD_COLUMNS = [
    Column("Customer", lambda r: r.customer.name),
    Column("Credit limit", lambda r: money(r.customer.credit.limit or Decimal(0)), True),
    Column("Open invoices", lambda r: money(r.customer.credit.open_invoices), True),
    Column("Open orders", lambda r: money(r.customer.credit.open_orders), True),
    Column("Order", lambda r: r.order.number), Column("PO", lambda r: r.order.po_number),
    Column("Order total", lambda r: money(r.order.total), True),
    Column("Held since", lambda r: r.order.placed_on.isoformat()),
    Column("Why", lambda r: r.order.note),
]
INVOICE_COLUMNS = [
    Column("Invoice", lambda v: v.number), Column("Customer", lambda v: v.customer),
    Column("PO", lambda v: v.po_number), Column("Issued", lambda v: v.issued_on.isoformat()),
    Column("Due", lambda v: v.due_on.isoformat()), Column("State", lambda v: v.state),
    Column("Total", lambda v: money(v.total), True),
    Column("Balance", lambda v: money(v.balance), True),
]
AGING_COLUMNS = [Column("Customer", lambda r: r.customer)] + [
    Column(b, lambda r, b=b: money(r.buckets[b]), True) for b in trade_terms.AGING_BUCKETS
] + [Column("Total owed", lambda r: money(r.total), True)]


class InvoiceTableModel(RowTableModel):
    """Invoices with their state in its colour: overdue red, paid green."""

    def data(self, index, role=Qt.DisplayRole):
        if role == Qt.ForegroundRole and index.isValid() and \
                self.columns[index.column()].title == "State":
            return QBrush(QColor(STATE_COLOURS.get(self.rows[index.row()].state, "#1d2330")))
        return super().data(index, role)


class B2bCreditScreen(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.holds = RowTableModel(HOLD_COLUMNS, self)
        self.holds_table = make_table(self.holds, "Orders on credit hold", stretch="Why")
        may_release = allowed(ctx.actor, "orders.release")
        self.release_button = QPushButton("&Release credit hold (F6)",
                                          objectName="Primary" if may_release else "",
                                          accessibleName="Release credit hold")
        self.release_button.setEnabled(may_release)
        self.state_box = large(QComboBox(accessibleName="Invoice state"), 13)
        self.state_box.addItems(["all", "open", "overdue", "paid"])
        self.invoices = InvoiceTableModel(INVOICE_COLUMNS, self)
        self.invoices_table = make_table(self.invoices, "Invoices", stretch="Customer")
        self.amount = large(QLineEdit(accessibleName="Payment amount",
                                      placeholderText="amount received"), 14)
        self.reference = large(QLineEdit(accessibleName="Payment reference",
                                         placeholderText="reference (cheque, transfer)"), 14)
        self.pay_button = QPushButton("Record &payment (F8)", accessibleName="Record payment")
        self.preview_button = QPushButton("Pre&view invoice (F7)",
                                          accessibleName="Preview invoice")
        self.aging = RowTableModel(AGING_COLUMNS, self)
        self.aging_table = make_table(self.aging, "Aging of open invoices", stretch="Customer")
        self.feedback = Feedback("Last credit action")
        for table in (self.holds_table, self.invoices_table, self.aging_table):
            large(table, 12)
        self._build()
        self._connect()
        self.setFocusProxy(self.holds_table)  # opened, the keys go to the held orders
        self.reload()

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(large(QLabel("Customers on credit hold"), 15), 1)
        top.addWidget(self.release_button)
        middle = QHBoxLayout()
        middle.addWidget(large(QLabel("Invoices"), 15))
        middle.addWidget(self.state_box)
        middle.addStretch(1)
        middle.addWidget(self.preview_button)
        pay = QHBoxLayout()
        pay.addWidget(self.amount, 1)
        pay.addWidget(self.reference, 2)
        pay.addWidget(self.pay_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.holds_table, 2)
        layout.addLayout(middle)
        layout.addWidget(self.invoices_table, 3)
        layout.addLayout(pay)
        layout.addWidget(large(QLabel("Aging: what is owed, by days past due"), 15))
        layout.addWidget(self.aging_table, 2)
        layout.addWidget(self.feedback)

    def _connect(self) -> None:
        self.release_button.clicked.connect(self.release)
        self.pay_button.clicked.connect(self.record_payment)
        self.preview_button.clicked.connect(self.preview)
        self.amount.returnPressed.connect(self.record_payment)
        self.state_box.currentIndexChanged.connect(lambda _i: self.reload())
        self.invoices_table.selectionModel().selectionChanged.connect(self._invoice_chosen)
        for key, action in (("F5", self.reload), ("F6", self.release), ("F7", self.preview),
                            ("F8", self.record_payment)):
            QShortcut(QKeySequence(key), self, action, context=Qt.WidgetWithChildrenShortcut)
        self._ctx.changes.changed.connect(lambda areas: "orders" in areas and self.reload())

    # -- loading -------------------------------------------------------------------------------
    def reload(self) -> None:
        db, actor, state = self._ctx.db, self._ctx.actor, self.state_box.currentText()
        run_for(self, self._ctx, lambda: (
            desk.credit_holds(db, actor=actor),
            invoices.list_invoices(db, state_is=None if state == "all" else state),
            invoices.aging(db)), success=self._show, failure=lambda e: report(self.feedback, e))

    def _show(self, found) -> None:
        holds, views, aging = found
        held = selected_row(self.holds_table)
        chosen = selected_row(self.invoices_table)
        self.holds.set_rows([HoldRow(c, o) for c in holds for o in c.orders])
        self.invoices.set_rows(views)
        self.aging.set_rows(aging)
        self._select(self.holds_table, [r.order.order_id for r in self.holds.rows],
                     held.order.order_id if held else None)
        self._select(self.invoices_table, [v.number for v in views],
                     chosen.number if chosen else None)

    @staticmethod
    def _select(table, keys: list, key) -> None:
        if keys:
            table.selectRow(keys.index(key) if key in keys else 0)

    def _invoice_chosen(self, *_args) -> None:
        view = selected_row(self.invoices_table)
        self.amount.setText(f"{view.balance:.2f}" if view and view.balance else "")

    # -- actions ---------------------------------------------------------------------------------
    def release(self) -> None:
        row = selected_row(self.holds_table)
        if row is None:
            self.feedback.problem("No order on credit hold is selected")
            return
        db, actor, oid = self._ctx.db, self._ctx.actor, row.order.order_id
        run_for(self, self._ctx, lambda: desk.release_credit_hold(db, actor=actor, order_id=oid),
                success=lambda r: (self.feedback.ok(
                    f"Order {r.number}: credit hold released, now {r.status.replace('_', ' ')}"),
                    self.reload()),
                failure=lambda e: report(self.feedback, e))

    def record_payment(self) -> None:
        view = selected_row(self.invoices_table)
        if view is None:
            self.feedback.problem("Select the invoice the payment is for")
            return
        db, actor, amount = self._ctx.db, self._ctx.actor, self.amount.text().strip()
        reference = self.reference.text().strip() or None
        run_for(self, self._ctx, lambda: invoices.record_payment(
            db, actor=actor, invoice=view.number, amount=amount, reference=reference),
            success=self._paid, failure=lambda e: report(self.feedback, e))

    def _paid(self, view: invoices.InvoiceView) -> None:
        discount = f", {money(view.discount_taken)} early-payment discount" \
            if view.discount_taken else ""
        self.feedback.ok(f"{view.number}: {money(view.paid_total)} paid{discount}, "
                         f"{money(view.balance)} owed, {view.state}")
        self.reference.clear()
        self.reload()

    def preview(self) -> None:
        view = selected_row(self.invoices_table)
        if view is None:
            self.feedback.problem("Select the invoice to preview")
            return
        db, number = self._ctx.db, view.number
        run_for(self, self._ctx, lambda: desk.invoice_pdf_bytes(db, number),
                success=lambda pdf: self._show_preview(number, pdf),
                failure=lambda e: report(self.feedback, e))

    def _show_preview(self, number: str, pdf: bytes) -> None:
        from oms_desktop.ui.widgets.pdf_preview import PdfPreviewDialog

        def keep() -> None:
            path = save_document(f"{number}.pdf", pdf)
            self.feedback.ok(f"{number} saved as {path} for printing")

        self.preview_dialog = PdfPreviewDialog(f"Invoice {number}", pdf, keep, self)
        self.preview_dialog.setAttribute(Qt.WA_DeleteOnClose)
        self.preview_dialog.open()
