"""Replenishment suggestions (from services.replenishment): check the reorder points now,
accept a transfer or purchase, dismiss it, and receive what arrived."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from oms_desktop.services.automation import replenishment
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.texts import plural
from oms_desktop.ui.widgets.stock_scan import Feedback, report, run_for
from oms_desktop.ui.widgets.stock_table import Column, RowTableModel, make_table, selected_row

SUGGESTION_COLUMNS = [
    Column("Ref", lambda s: s.reference), Column("Kind", lambda s: s.kind),
    Column("SKU", lambda s: s.sku), Column("To", lambda s: s.location),
    Column("From", lambda s: s.source or "supplier"),
    Column("Units", lambda s: s.quantity, True), Column("Why", lambda s: s.reason),
]


class ReplenishTab(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self._ctx = ctx
        self.status = QComboBox(accessibleName="Show suggestions")
        self.status.addItem("Open", "open")
        self.status.addItem("Accepted (in transit / on order)", "accepted")
        self.rows = RowTableModel(SUGGESTION_COLUMNS, self)
        self.table = make_table(self.rows, "Replenishment suggestions", stretch="Why")
        self.check_button = QPushButton("Check &now", accessibleName="Check reorder points")
        self.accept_button = QPushButton("&Accept (F6)", objectName="Primary",
                                         accessibleName="Accept suggestion")
        self.dismiss_button = QPushButton("&Dismiss", accessibleName="Dismiss suggestion")
        self.receive_button = QPushButton("&Receive (F7)", accessibleName="Receive suggestion")
        self.feedback = Feedback("Last replenishment action")
        self._build()
        self.status.currentIndexChanged.connect(lambda _i: self.reload())
        self.check_button.clicked.connect(self.check)
        self.accept_button.clicked.connect(lambda: self._decide(replenishment.accept, "accepted"))
        self.dismiss_button.clicked.connect(
            lambda: self._decide(replenishment.dismiss, "dismissed"))
        self.receive_button.clicked.connect(
            lambda: self._decide(replenishment.receive, "received"))
        for key, button in (("F6", self.accept_button), ("F7", self.receive_button)):
            QShortcut(QKeySequence(key), self, button.click, context=Qt.WidgetWithChildrenShortcut)

    def _build(self) -> None:
        top = QHBoxLayout()
        top.addWidget(QLabel("&Show"))
        top.addWidget(self.status)
        top.addStretch(1)
        top.addWidget(self.check_button)
        buttons = QHBoxLayout()
        for b in (self.accept_button, self.dismiss_button, self.receive_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.feedback)
        self._enable()

    def _enable(self) -> None:
        is_open = self.status.currentData() == "open"
        self.accept_button.setEnabled(is_open)
        self.dismiss_button.setEnabled(is_open)
        self.receive_button.setEnabled(not is_open)

    def reload(self) -> None:
        status = self.status.currentData()
        self._enable()
        run_for(self, self._ctx, lambda: replenishment.suggestions(self._ctx.db, status=status),
                success=self.rows.set_rows)

    def check(self) -> None:
        actor = self._ctx.actor
        run_for(self, self._ctx, lambda: replenishment.suggest(self._ctx.db, actor=actor),
                success=self._checked, failure=lambda e: report(self.feedback, e))

    def _checked(self, rows) -> None:
        self.feedback.ok(f"{plural(len(rows), 'open suggestion')}")
        self.status.setCurrentIndex(0)
        self.rows.set_rows(rows)

    def _decide(self, verb, done: str) -> None:
        row = selected_row(self.table)
        if row is None:
            return
        actor = self._ctx.actor
        run_for(self, self._ctx, lambda: verb(self._ctx.db, actor=actor, suggestion=row.id),
                success=lambda v: self._decided(v, done),
                failure=lambda e: report(self.feedback, e))

    def _decided(self, view, done: str) -> None:
        self.feedback.ok(f"{view.reference} {done}: {view.quantity} × {view.sku}"
                         f" to {view.location}")
