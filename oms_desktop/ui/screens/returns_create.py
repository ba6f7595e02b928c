"""Creating an RMA at the bench when the parcel came without one: choose lines and reasons;
a packer needs a supervisor to approve it with their PIN (on PostgreSQL with people's own
logins, their password: the RMA is then written through the supervisor's own login)."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox, QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QSpinBox,
    QTableWidget, QVBoxLayout,
)

from oms_desktop.policies.permissions import allowed
from oms_desktop.services.returns import rmas as returns
from oms_desktop.services.users.approval import approval
from oms_desktop.ui.context import AppContext


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
            reason.addItems(reasons)
            reason.setAccessibleName(f"Reason for {line.sku}")
            self.table.setCellWidget(row, 2, reason)
        self.table.resizeColumnsToContents()
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
                                                    self.table.cellWidget(row, 2).currentText()))
        return chosen

    def create(self) -> returns.RmaView:
        """Runs on the database worker: check the approver, then create the RMA."""
        db, actor = self.ctx.db, self.ctx.actor
        if not self.needs_approval:
            return returns.create_rma(db, actor=actor, order=self.order_number,
                                      lines=self.requested())
        with approval(db, username=self.supervisor.text().strip(), secret=self.pin.text(),
                      station=actor.station) as ok:
            return returns.create_rma(ok.db, actor=actor, order=self.order_number,
                                      lines=self.requested(), approved_by=ok.actor)
