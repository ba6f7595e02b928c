"""Asking someone of a higher role to approve at this station: their user name and their PIN
(or, where people have their own database logins, their password)."""

from __future__ import annotations

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit


class ApprovalDialog(QDialog):
    def __init__(self, reason: str, parent=None):
        super().__init__(parent)
        self.setWindowTitle("Approval needed")
        self.username = QLineEdit(accessibleName="Approver")
        self.secret = QLineEdit(accessibleName="Approver's PIN or password",
                                echoMode=QLineEdit.Password)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel(reason, wordWrap=True))
        form.addRow("Approver", self.username)
        form.addRow("PIN or password", self.secret)
        form.addRow(buttons)


def ask_approval(parent, reason: str, then) -> ApprovalDialog:
    """Open the dialog (not blocking); `then(username, secret)` runs once it is accepted."""
    dialog = ApprovalDialog(reason, parent)
    dialog.accepted.connect(lambda: then(dialog.username.text().strip(), dialog.secret.text()))
    dialog.open()
    return dialog
