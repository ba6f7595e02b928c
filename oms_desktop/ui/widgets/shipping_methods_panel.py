"""The shipping-method map in the Shipping screen: each method as the channels name it
("Standard Shipping", "Flat rate") mapped to an installed carrier and service, and the default
for the rest. Managers edit it; everyone else sees it. Keyboard: Ctrl+S save, Del remove."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFormLayout, QHBoxLayout, QHeaderView, QLabel, QLineEdit,
    QPushButton, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from oms_desktop.policies.permissions import may_change_setting
from oms_desktop.services.shipping import methods
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.errors import message_for
from oms_desktop.ui.theme import enlarge

HEADERS = ["Method (as the channel names it)", "Carrier", "Service"]
DEFAULT_ROW = "* (every other method)"
CHEAPEST = "cheapest that fits"


class ShippingMethodsPanel(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[methods.MethodMapping] = []
        self.table = enlarge(QTableWidget(0, len(HEADERS)), 12)
        self.table.setAccessibleName("Shipping methods")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.table.currentCellChanged.connect(lambda row, *_: self._pick(row))
        self.method = enlarge(QLineEdit(accessibleName="Shipping method"), 12)
        self.method.setPlaceholderText('e.g. Standard Shipping; "*" for every other method')
        self.carrier = enlarge(QComboBox(accessibleName="Carrier"), 12)
        self.carrier.addItems(methods.installed_carriers())
        self.carrier.setCurrentText("manual")  # installed with the program; the others need accounts
        self.service = enlarge(QLineEdit(accessibleName="Service"), 12)
        self.service.setPlaceholderText("empty: the cheapest service that fits")
        self.answer = enlarge(QLabel("", wordWrap=True), 12)
        self.answer.setAccessibleName("Shipping methods answer")
        self._layout()
        for key, slot in (("Ctrl+S", self.save), ("Del", self.remove_selected)):
            QShortcut(QKeySequence(key), self, slot, context=Qt.WidgetWithChildrenShortcut)
        self.reload()

    def _layout(self) -> None:
        editable = may_change_setting(self.ctx.actor, methods.DEFAULT_KEY)
        form = QFormLayout()
        form.addRow("Method", self.method)
        form.addRow("Carrier", self.carrier)
        form.addRow("Service", self.service)
        buttons = QHBoxLayout()
        for text, slot in (("Save mapping (Ctrl+S)", self.save),
                           ("Remove selected (Del)", self.remove_selected)):
            button = enlarge(QPushButton(text), 12, True)
            button.setAccessibleName(text.split(" (")[0])
            button.setMinimumHeight(40)
            button.clicked.connect(slot)
            button.setEnabled(editable)
            buttons.addWidget(button)
        buttons.addStretch(1)
        for w in (self.method, self.carrier, self.service):
            w.setEnabled(editable)
        column = QVBoxLayout(self)
        column.addWidget(self.table, 1)
        column.addLayout(form)
        column.addLayout(buttons)
        column.addWidget(self.answer)
        if not editable:
            self.answer.setText("Only a manager can change the shipping-method map.")

    def reload(self) -> None:
        self.ctx.ops.run(lambda: methods.list_mappings(self.ctx.db), success=self._fill)

    def _fill(self, found) -> None:
        mapped, default = found
        self.rows = mapped + ([default] if default else [])
        self.table.setRowCount(len(self.rows))
        for r, m in enumerate(self.rows):
            for c, value in enumerate((DEFAULT_ROW if m.method == "*" else m.method,
                                       m.carrier, m.service or CHEAPEST)):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def _pick(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            m = self.rows[row]
            self.method.setText(m.method)
            self.carrier.setCurrentText(m.carrier)
            self.service.setText(m.service or "")

    def save(self) -> None:
        db, actor = self.ctx.db, self.ctx.actor
        method, carrier = self.method.text().strip(), self.carrier.currentText()
        service = self.service.text().strip() or None

        def work():
            if method == "*":
                return methods.set_default(db, actor=actor, carrier=carrier, service=service)
            return methods.set_mapping(db, actor=actor, method=method, carrier=carrier,
                                       service=service)
        self.ctx.ops.run(work, success=lambda m: self._done(
            f"{m.method} → {m.carrier} {m.service or CHEAPEST}"), failure=self._failed)

    def remove_selected(self) -> None:
        row = self.table.currentRow()
        if not 0 <= row < len(self.rows):
            return
        db, actor, method = self.ctx.db, self.ctx.actor, self.rows[row].method
        self.ctx.ops.run(lambda: methods.remove_mapping(db, actor=actor, method=method),
                         success=lambda m: self._done(f"Removed {m.method}"),
                         failure=self._failed)

    def _done(self, text: str) -> None:
        self.answer.setStyleSheet("color: #15803d;")
        self.answer.setText(text)
        self.reload()

    def _failed(self, exc: BaseException) -> None:
        self.answer.setStyleSheet("color: #b91c1c; font-weight: bold;")
        self.answer.setText(message_for(exc))
