"""Sign-in at a shared station: pick your name, type your PIN or password, Enter.

Also the short dialog that creates the admin account of a fresh database."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QFrame, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from oms_desktop.errors import OmsError
from oms_desktop.model import Actor
from oms_desktop.services.users import accounts as users
from oms_desktop.services.users import signin
from oms_desktop.storage import Database
from oms_desktop.ui.errors import message_for
from oms_desktop.ui.ops import Ops


class SignInScreen(QWidget):
    """Emits `signed_in(Actor)`; shown at start, on "Switch user" and when the station locks."""

    signed_in = Signal(object)

    def __init__(self, db: Database, ops: Ops, station: str | None, parent=None):
        super().__init__(parent)
        self._db, self._ops, self._station = db, ops, station
        self._build()

    def _build(self) -> None:
        card = QFrame(objectName="Card")
        card.setFixedWidth(460)
        form = QVBoxLayout(card)
        form.setContentsMargins(28, 24, 28, 24)
        title = QLabel("Sign in", objectName="ScreenTitle")
        self.station_label = QLabel(f"Station: {self._station or 'unnamed'}", objectName="Muted")
        self.user_list = QListWidget(accessibleName="Users", objectName="UserList")
        self.user_list.setMinimumHeight(220)
        self.secret = QLineEdit(accessibleName="PIN or password", echoMode=QLineEdit.Password,
                                placeholderText="PIN or password")
        self.button = QPushButton("Sign in", objectName="Primary", accessibleName="Sign in")
        self.message = QLabel("", objectName="Muted", wordWrap=True)
        for w in (self.user_list, self.secret):
            font = w.font()
            font.setPointSize(font.pointSize() + 3)
            w.setFont(font)
        for w in (title, self.station_label, QLabel("Who are you?"), self.user_list,
                  self.secret, self.button, self.message):
            form.addWidget(w)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addWidget(card, 0, Qt.AlignHCenter)
        outer.addStretch(2)
        self.secret.returnPressed.connect(self.submit)
        self.button.clicked.connect(self.submit)
        self.user_list.itemActivated.connect(lambda _i: self.secret.setFocus())
        self.user_list.currentItemChanged.connect(lambda *_: self.message.setText(""))

    def reload(self, *, select: str | None = None) -> None:
        """Fetch the users (in the background) and select `select` if given."""
        self.secret.clear()
        self._ops.run(lambda: users.list_users(self._db),
                      success=lambda rows: self._fill(rows, select))

    def _fill(self, rows: list[users.UserView], select: str | None) -> None:
        self.user_list.clear()
        for u in rows:
            item = QListWidgetItem(f"{u.display_name}   ·   {u.role}")
            item.setData(Qt.UserRole, u.username)
            self.user_list.addItem(item)
            if u.username == select:
                self.user_list.setCurrentItem(item)
        if self.user_list.currentItem() is None and self.user_list.count():
            self.user_list.setCurrentRow(0)
        (self.secret if select else self.user_list).setFocus()

    def select_user(self, username: str) -> None:
        for row in range(self.user_list.count()):
            if self.user_list.item(row).data(Qt.UserRole) == username:
                self.user_list.setCurrentRow(row)

    @property
    def username(self) -> str | None:
        item = self.user_list.currentItem()
        return item.data(Qt.UserRole) if item else None

    def submit(self) -> None:
        name, secret = self.username, self.secret.text()
        if not name:
            self.message.setText("Choose your name first")
            return
        self.button.setEnabled(False)
        self._ops.run(lambda: signin.sign_in(self._db, username=name, secret=secret,
                                             station=self._station),
                      success=self._done, failure=self._refused)

    def _done(self, actor: Actor) -> None:
        self.button.setEnabled(True)
        self.secret.clear()
        self.message.setText("")
        self.signed_in.emit(actor)

    def _refused(self, exc: BaseException) -> None:
        self.button.setEnabled(True)
        self.secret.selectAll()
        self.secret.setFocus()
        self.message.setText(message_for(exc))


class FirstAdminDialog(QDialog):
    """The first start on an empty database: create the admin account."""

    def __init__(self, db: Database, station: str | None = None, parent=None):
        super().__init__(parent)
        self._db, self._station = db, station
        self.setWindowTitle("Create the administrator")
        self.username = QLineEdit("admin", accessibleName="User name")
        self.display_name = QLineEdit("Administrator", accessibleName="Display name")
        self.secret = QLineEdit(accessibleName="PIN or password", echoMode=QLineEdit.Password)
        self.repeat = QLineEdit(accessibleName="Repeat PIN or password",
                                echoMode=QLineEdit.Password)
        self.message = QLabel("", wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.create)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel("This database has no users yet. Create the administrator, who "
                           "then adds everyone else in Settings.", wordWrap=True))
        for label, w in (("User name", self.username), ("Name", self.display_name),
                         ("PIN or password", self.secret), ("Repeat", self.repeat)):
            form.addRow(label, w)
        form.addRow(self.message)
        form.addRow(buttons)
        self.created: users.UserView | None = None

    def create(self) -> None:
        if self.secret.text() != self.repeat.text():
            self.message.setText("The two entries differ")
            return
        try:
            self.created = users.create_first_admin(
                self._db, username=self.username.text(), display_name=self.display_name.text(),
                secret=self.secret.text(), station=self._station)
        except OmsError as exc:
            self.message.setText(str(exc))
            return
        self.accept()
