"""Creating an RMA at the bench when the parcel came without one: choose lines and reasons;
a packer needs a supervisor to approve it with their PIN (on PostgreSQL with people's own
logins, their password: the RMA is then written through the supervisor's own login)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QHeaderView, QLabel, QLineEdit,
    QSpinBox, QTableWidget, QVBoxLayout,
)

from oms_desktop.policies.permissions import allowed
from oms_desktop.services.returns import rmas as returns
from oms_desktop.services.users.approval import approval
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.texts import chosen as reason_of
from oms_desktop.ui.texts import fill_choices

MIN_WIDTH, MIN_HEIGHT = 720, 420


class CreateRmaDialog(QDialog):
    def __init__(self, ctx: AppContext, order_number: str, lines: list[returns.ReturnableLine],
                 reasons: list[str], parent=None):
        super().__init__(parent)
        self.ctx, self.order_number, self.source = ctx, order_number, lines
        self.setWindowTitle(f"New return for order {order_number}")
        self.table = QTableWidget(len(lines), 3, self)
        self.table.setHorizontalHeaderLabels(["Item", "Units back", "Reason"])
        self.table.setAccessibleName("Lines to return")
        for row, line in enumerate(lines):
            self.table.setCellWidget(row, 0, QLabel(f"{line.sku} · {line.name}"))
            qty = QSpinBox(minimum=0, maximum=line.returnable)
            qty.setAccessibleName(f"Units of {line.sku}")
            self.table.setCellWidget(row, 1, qty)
            reason = QComboBox()
            fill_choices(reason, reasons)
            reason.setAccessibleName(f"Reason for {line.sku}")
            self.table.setCellWidget(row, 2, reason)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.Stretch)
        self.table.verticalHeader().setDefaultSectionSize(40)
        self.setMinimumSize(MIN_WIDTH, MIN_HEIGHT)  # every field in sight when it opens
        self.supervisor = QLineEdit()
        self.supervisor.setAccessibleName("Approving supervisor")
        self.pin = QLineEdit(echoMode=QLineEdit.Password)
        self.pin.setAccessibleName("Supervisor PIN or password")
        form = QFormLayout()
        self.needs_approval = not allowed(ctx.actor, "returns.create")
        if self.needs_approval:
            form.addRow("Supervisor", self.supervisor)
            form.addRow("PIN or password", self.pin)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(form)
        layout.addWidget(buttons)

    def requested(self) -> list[returns.RequestedLine]:
        chosen = []
        for row, line in enumerate(self.source):
            qty = self.table.cellWidget(row, 1).value()
            if qty:
                chosen.append(returns.RequestedLine(line.sku, qty,
                                                    reason_of(self.table.cellWidget(row, 2))))
        return chosen

    def creation(self):
        """What was entered, read here on the GUI thread; the function returned creates the
        RMA on the database worker (checking the approver first)."""
        db, actor, order, lines = self.ctx.db, self.ctx.actor, self.order_number, self.requested()
        approver, secret = self.supervisor.text().strip(), self.pin.text()
        if not self.needs_approval:
            return lambda: returns.create_rma(db, actor=actor, order=order, lines=lines)

        def approved() -> returns.RmaView:
            with approval(db, username=approver, secret=secret, station=actor.station) as ok:
                return returns.create_rma(ok.db, actor=actor, order=order, lines=lines,
                                          approved_by=ok.actor)
        return approved
