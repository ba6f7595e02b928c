"""Returns intake: scan the RMA (or its label's tracking number, or the order), then scan each
unit; grade and disposition come from two keyboard-driven choices. Keyboard only."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit, QPushButton,
    QTableWidget, QTableWidgetItem, QTabWidget, QVBoxLayout, QWidget,
)

from oms_desktop.errors import ApprovalNeeded
from oms_desktop.policies.permissions import allowed
from oms_desktop.services.returns import intake as return_intake
from oms_desktop.services.returns import refunds
from oms_desktop.services.returns import rmas as returns
from oms_desktop.services.returns.rmas import NoReturnAuthorisation
from oms_desktop.services.users.approval import approval
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.texts import choose, chosen, fill_choices, human, plural
from oms_desktop.ui.widgets.approval_dialog import ask_approval
from oms_desktop.ui.widgets.refund_confirm import confirm_refund, refund_message

# condition -> the disposition a grader picks most often for it
DEFAULT_DISPOSITION = {"resellable": "restock", "open_box": "restock", "damaged": "quarantine",
                       "defective": "return_to_vendor", "wrong_item": "quarantine"}
GOOD, BAD, WARN, IDLE = "#15803d", "#b91c1c", "#b45309", "#334155"


class ReturnsScreen(QWidget):
    """Tabs: intake at the bench, and the analytics."""

    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.tabs = QTabWidget(self)
        self.intake = IntakePanel(ctx, self)
        self.tabs.addTab(self.intake, "Intake")
        self.tabs.setAccessibleName("Returns tabs")
        from oms_desktop.ui.screens.returns_analytics import ReturnAnalyticsPanel

        self.analytics = ReturnAnalyticsPanel(ctx, self)
        self.tabs.addTab(self.analytics, "Analytics")
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)

    def handle_scan(self, text: str) -> None:
        self.tabs.setCurrentWidget(self.intake)
        self.intake.handle_scan(text)


class IntakePanel(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.rma: returns.RmaView | None = None
        self.banner = QLabel("Scan an RMA, a return label or an order number")
        self.banner.setAccessibleName("Intake message")
        self.banner.setAlignment(Qt.AlignCenter)
        self.banner.setWordWrap(True)
        self.header = QLabel("")
        self.header.setAccessibleName("Return being received")
        self.header.setStyleSheet("font-size: 18pt; font-weight: 600;")
        self.lines = self._lines_table()
        self.condition = self._choice("Condition", returns.CONDITIONS)
        self.disposition = self._choice("Disposition", returns.DISPOSITIONS)
        self.condition.currentIndexChanged.connect(lambda _i: choose(
            self.disposition, DEFAULT_DISPOSITION[chosen(self.condition)]))
        self.location = QLineEdit()
        self.location.setAccessibleName("Receiving location")
        self.location.setPlaceholderText("site or bin code (default: where it shipped from)")
        self.manual = QLineEdit()
        self.manual.setAccessibleName("Type a code")
        self.manual.setPlaceholderText("type an RMA, order or SKU and press Enter")
        self.manual.returnPressed.connect(self._typed)
        self.finish_button = QPushButton("Finish intake (Ctrl+Enter)")
        self.finish_button.setAccessibleName("Finish intake")
        self.finish_button.clicked.connect(self.finish)
        self.refund_button = QPushButton("Refund (Ctrl+R)")
        self.refund_button.setAccessibleName("Issue refund")
        self.refund_button.clicked.connect(self.refund)
        self.refund_button.setVisible(allowed(ctx.actor, "returns.refund"))
        self.summary = QLabel("")
        self.summary.setStyleSheet("font-size: 15pt;")
        self.summary.setAccessibleName("Refund summary")
        self.summary.setWordWrap(True)
        self._layout()
        self._keys()
        self._show_message("Scan an RMA, a return label or an order number", IDLE)

    def _lines_table(self) -> QTableWidget:
        table = QTableWidget(0, 6)
        table.setHorizontalHeaderLabels(["SKU", "Expected", "Received", "Reason", "Graded",
                                         "Missing"])
        table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeToContents)
        table.horizontalHeader().setSectionResizeMode(4, QHeaderView.Stretch)
        table.verticalHeader().setVisible(False)
        table.setEditTriggers(QTableWidget.NoEditTriggers)
        table.setFocusPolicy(Qt.NoFocus)
        table.setAccessibleName("Return lines")
        table.setStyleSheet("font-size: 15pt;")
        table.verticalHeader().setDefaultSectionSize(40)
        return table

    def _choice(self, name: str, values) -> QComboBox:
        box = QComboBox()
        fill_choices(box, values)
        box.setAccessibleName(name)
        box.setStyleSheet("font-size: 15pt;")
        return box

    def _layout(self) -> None:
        form = QFormLayout()
        form.addRow("Condition (F1–F5)", self.condition)
        form.addRow("Disposition (Shift+F1–F5)", self.disposition)
        form.addRow("Receiving at", self.location)
        form.addRow("Manual entry", self.manual)
        buttons = QHBoxLayout()
        buttons.addWidget(self.finish_button)
        buttons.addWidget(self.refund_button)
        buttons.addStretch(1)
        for button in (self.finish_button, self.refund_button):
            button.setStyleSheet("font-size: 14pt; padding: 8px 18px;")
        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addWidget(self.header)
        layout.addWidget(self.lines, 1)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.summary)

    def _keys(self) -> None:
        for i in range(len(returns.CONDITIONS)):
            QShortcut(QKeySequence(f"F{i + 1}"), self,
                      activated=lambda i=i: self.condition.setCurrentIndex(i))
        for i in range(len(returns.DISPOSITIONS)):
            QShortcut(QKeySequence(f"Shift+F{i + 1}"), self,
                      activated=lambda i=i: self.disposition.setCurrentIndex(i))
        QShortcut(QKeySequence("Ctrl+Return"), self, activated=self.finish)
        QShortcut(QKeySequence("Ctrl+R"), self, activated=self.refund)

    # -- scans ------------------------------------------------------------------------------
    def handle_scan(self, text: str) -> None:
        text = text.strip()
        if not text:
            return
        if self.rma is None or self._is_return_reference(text):
            self._open(text)
        else:
            self._receive(text)

    def _typed(self) -> None:
        text = self.manual.text()
        self.manual.clear()
        self.handle_scan(text)

    def _is_return_reference(self, text: str) -> bool:
        return text.upper().startswith(("RMA-", "ORD-"))

    def _open(self, ref: str) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        self.ctx.ops.run(lambda: returns.find_rma(db, ref, actor=actor), success=self._opened,
                         failure=self._failed)

    def _opened(self, rma: returns.RmaView) -> None:
        self.rma = rma
        self._render(rma)
        expected = sum(l.quantity for l in rma.lines if not l.unexpected)
        self._show_message(f"{rma.rma_number}: scan the {plural(expected, 'unit')} coming back", GOOD)

    def _receive(self, code: str) -> None:
        rma, db, actor = self.rma.rma_number, self.ctx.db, self.ctx.actor
        condition, disposition = chosen(self.condition), chosen(self.disposition)
        location = self.location.text().strip() or None
        seen = sum(line.received for line in self.rma.lines)  # what this bench shows
        self.ctx.ops.run(
            lambda: return_intake.receive_unit(db, actor=actor, rma=rma, code=code,
                                               condition=condition, disposition=disposition,
                                               location=location, seen=seen),
            success=self._received, failure=self._failed)

    def _received(self, result: return_intake.UnitResult) -> None:
        self.rma = result.rma
        self._render(result.rma)
        self._show_message(result.message, GOOD if result.ok else BAD)

    # -- finishing --------------------------------------------------------------------------
    def finish(self) -> None:
        if self.rma is None:
            return
        rma, db, actor = self.rma.rma_number, self.ctx.db, self.ctx.actor

        def work():
            done = return_intake.finish_intake(db, actor=actor, rma=rma)
            return done, refunds.preview(db, rma)

        self.ctx.ops.run(work, success=self._finished, failure=self._failed)

    def _finished(self, result) -> None:
        rma, money = result
        self.rma = rma
        self._render(rma)
        missing = sum(l.missing for l in rma.lines)
        self._show_message(f"{rma.rma_number} inspected" +
                           (f": {plural(missing, 'unit')} missing" if missing else ""),
                           BAD if missing else GOOD)
        self.summary.setText(f"Refund due: {money.total} (items {money.items}, tax {money.tax},"
                             f" shipping {money.shipping}, restocking fee {money.fee})")

    def refund(self) -> None:
        """Ctrl+R: the amount and where it is paid, to confirm; then the refund."""
        if self.rma is None or not self.refund_button.isVisible():
            return
        rma, db = self.rma.rma_number, self.ctx.db
        self.ctx.ops.run(lambda: refunds.quote(db, rma), success=self._confirm_refund,
                         failure=self._failed)

    def _confirm_refund(self, quote: refunds.RefundQuote) -> None:
        self.confirm_box = confirm_refund(self, quote, self._issue_refund)

    def _issue_refund(self) -> None:
        if self.rma is None:
            return
        rma, db, actor = self.rma.rma_number, self.ctx.db, self.ctx.actor
        self.ctx.ops.run(lambda: refunds.issue_refund(db, actor=actor, rma=rma),
                         success=self._refunded, failure=self._failed)

    def _refund_approved(self, username: str, secret: str) -> None:
        """A manager approves the refund here, with their own PIN or password."""
        if self.rma is None:
            return
        rma, db, actor = self.rma.rma_number, self.ctx.db, self.ctx.actor

        def work():
            with approval(db, username=username, secret=secret, station=actor.station) as ok:
                return refunds.issue_refund(ok.db, actor=actor, rma=rma,
                                            approved_by=ok.actor)
        self.ctx.ops.run(work, success=self._refunded, failure=self._failed)

    def _refunded(self, refund: refunds.RefundView) -> None:
        self._show_message(refund_message(refund), GOOD if refund.status == "approved" else WARN)
        self.rma = None

    def _failed(self, exc: BaseException) -> None:
        from oms_desktop.ui.errors import message_for

        self._show_message(message_for(exc), BAD)
        if isinstance(exc, NoReturnAuthorisation):
            self._offer_new_rma(exc.order_ref)
        elif isinstance(exc, ApprovalNeeded):
            self.approval = ask_approval(self, str(exc), self._refund_approved)

    def _offer_new_rma(self, order_ref: str) -> None:
        db = self.ctx.db

        def load():
            number, lines = returns.returnable_lines(db, order_ref)
            return number, lines, returns.reasons(db)

        self.ctx.ops.run(load, success=self._ask_new_rma, failure=self._failed)

    def _ask_new_rma(self, loaded) -> None:
        from oms_desktop.ui.screens.returns_create import CreateRmaDialog

        number, lines, reasons = loaded
        self.dialog = CreateRmaDialog(self.ctx, number, lines, reasons, self)
        self.dialog.accepted.connect(
            lambda: self.ctx.ops.run(self.dialog.creation(), success=self._opened,
                                     failure=self._failed))
        self.dialog.open()

    # -- drawing ----------------------------------------------------------------------------
    def _render(self, rma: returns.RmaView) -> None:
        self.header.setText(f"{rma.rma_number} · order {rma.order_number} · "
                            f"{rma.customer or ''} · {human(rma.status)}")
        self.lines.setRowCount(len(rma.lines))
        for row, line in enumerate(rma.lines):
            graded = ", ".join(f"{human(c)} → {human(d).lower()}" for c, d in line.units)
            cells = [line.sku, "-" if line.unexpected else str(line.quantity),
                     str(line.received),
                     "UNEXPECTED" if line.unexpected else human(line.reason),
                     graded, str(line.missing) if line.missing else ""]
            for col, text in enumerate(cells):
                self.lines.setItem(row, col, QTableWidgetItem(text))

    def _show_message(self, text: str, colour: str) -> None:
        self.banner.setText(text)
        self.banner.setStyleSheet(f"background: {colour}; color: white; font-size: 20pt;"
                                  " font-weight: 700; padding: 14px; border-radius: 6px;")
