"""Users management for admins: add, change role, (de)activate, reset a PIN, lift a lockout;
where people have their own database logins, also their login's password."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QAbstractItemView, QComboBox, QFormLayout, QGridLayout, QHBoxLayout, QHeaderView, QLineEdit, QPushButton,
    QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget,
)

from oms_desktop.model import Role
from oms_desktop.services.users import accounts as users
from oms_desktop.services.users import signin
from oms_desktop.ui.context import AppContext

HEADERS = ["User", "Name", "Role", "Active"]


class UsersPanel(QWidget):
    def __init__(self, ctx: AppContext, parent=None):
        super().__init__(parent)
        self.ctx = ctx
        self.rows: list[users.UserView] = []
        self.table = QTableWidget(0, len(HEADERS), accessibleName="Users")
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.Stretch)
        self.username = QLineEdit(accessibleName="New user name")
        self.display_name = QLineEdit(accessibleName="New user's name")
        self.role = QComboBox(accessibleName="Role")
        self.role.addItems([r.value for r in Role])
        self.secret = QLineEdit(accessibleName="PIN or password", echoMode=QLineEdit.Password)
        self.password = QLineEdit(accessibleName="Database password",
                                  echoMode=QLineEdit.Password)
        self._layout()
        self.reload()
        db = ctx.db
        ctx.ops.run(lambda: users.own_logins(db), success=self._show_logins)

    def _layout(self) -> None:
        add = QPushButton("Add user", accessibleName="Add user")
        add.clicked.connect(self.add_user)
        change = QPushButton("Set role of selected", accessibleName="Set role of selected")
        change.clicked.connect(self.set_role)
        toggle = QPushButton("Activate / deactivate", accessibleName="Activate or deactivate")
        toggle.clicked.connect(self.toggle_active)
        reset = QPushButton("Set PIN of selected", accessibleName="Set PIN of selected")
        reset.clicked.connect(self.reset_secret)
        unlock = QPushButton("Unlock selected", accessibleName="Unlock selected")
        unlock.clicked.connect(self.unlock)
        self.set_password_button = QPushButton("Set database password of selected",
                                               accessibleName="Set database password")
        self.set_password_button.clicked.connect(self.reset_password)
        form = QFormLayout()
        for label, w in (("User name", self.username), ("Name", self.display_name),
                         ("Role", self.role), ("PIN or password", self.secret),
                         ("Database password", self.password)):
            form.addRow(label, w)
        self._show_logins(False)
        buttons = QGridLayout()  # two rows of three: whole labels at 1024 px
        for i, b in enumerate((add, change, toggle, reset, unlock, self.set_password_button)):
            buttons.addWidget(b, i // 3, i % 3)
        column = QVBoxLayout(self)
        column.addWidget(self.table)
        column.addLayout(form)
        column.addLayout(buttons)

    def reload(self) -> None:
        self.ctx.ops.run(lambda: users.list_users(self.ctx.db, include_inactive=True),
                         success=self._fill)

    def _fill(self, rows: list[users.UserView]) -> None:
        self.rows = rows
        self.table.setRowCount(len(rows))
        for r, u in enumerate(rows):
            for c, value in enumerate((u.username, u.display_name, u.role,
                                       "yes" if u.active else "no")):
                self.table.setItem(r, c, QTableWidgetItem(value))

    def selected(self) -> users.UserView | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _run(self, fn) -> None:
        self.ctx.ops.run(fn, success=lambda _r: self._changed())

    def _show_logins(self, own: bool) -> None:
        self.password.setEnabled(own)
        self.set_password_button.setEnabled(own)

    def _changed(self) -> None:
        self.secret.clear()
        self.password.clear()
        self.reload()

    def add_user(self) -> None:
        name, display, role, secret = (self.username.text(), self.display_name.text(),
                                       self.role.currentText(), self.secret.text())
        password = self.password.text() if self.password.isEnabled() else None
        self._run(lambda: users.create_user(self.ctx.db, actor=self.ctx.actor, username=name,
                                            display_name=display, role=role, secret=secret,
                                            password=password))
        self.username.clear()
        self.display_name.clear()

    def set_role(self) -> None:
        user, role = self.selected(), self.role.currentText()
        if user:
            self._run(lambda: users.update_user(self.ctx.db, actor=self.ctx.actor,
                                                user_id=user.id, role=role))

    def toggle_active(self) -> None:
        user = self.selected()
        if user:
            self._run(lambda: users.update_user(self.ctx.db, actor=self.ctx.actor,
                                                user_id=user.id, active=not user.active))

    def reset_secret(self) -> None:
        user, secret = self.selected(), self.secret.text()
        if user:
            self._run(lambda: users.set_secret(self.ctx.db, actor=self.ctx.actor,
                                               user_id=user.id, secret=secret))

    def unlock(self) -> None:
        user = self.selected()
        if user:
            self._run(lambda: signin.unlock_user(self.ctx.db, actor=self.ctx.actor,
                                                 user_id=user.id))

    def reset_password(self) -> None:
        user, password = self.selected(), self.password.text()
        if user:
            self._run(lambda: users.set_password(self.ctx.db, actor=self.ctx.actor,
                                                 user_id=user.id, password=password))
