"""Sign-in at a shared station: pick your name, type your PIN or password, Enter. Where each
person has their own PostgreSQL login, a password signs in with that login and the person
already signed in unlocks with their PIN.

Also the short dialogs that create the admin account of a fresh database and that open a
PostgreSQL database with a person's own login at start."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QDialog, QDialogButtonBox, QFormLayout, QFrame, QLabel, QLineEdit, QListWidget,
    QListWidgetItem, QPushButton, QVBoxLayout, QWidget,
)

from sqlalchemy.engine import make_url

from oms_desktop.errors import OmsError
from oms_desktop.model import Actor
from oms_desktop.services.users import accounts as users
from oms_desktop.services.users import identity, signin
from oms_desktop.storage import Database, open_database
from oms_desktop.ui.errors import message_for
from oms_desktop.ui.ops import Ops


class SignInScreen(QWidget):
    """Emits `signed_in(Actor)`; shown at start, on "Switch user" and when the station locks."""

    signed_in = Signal(object)

    def __init__(self, db: Database, ops: Ops, station: str | None, parent=None):
        super().__init__(parent)
        self._db, self._ops, self._station = db, ops, station
        self._current: Actor | None = None  # who this station is signed in as, if anyone
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

    def reload(self, *, select: str | None = None, current: Actor | None = None) -> None:
        """Fetch the users (in the background) and select `select` if given."""
        self._current = current
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
        db, station, current = self._db, self._station, self._current
        self._ops.run(lambda: signin.at_station(db, username=name, secret=secret,
                                                station=station, current=current),
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


class DatabaseSignInDialog(QDialog):
    """At start on a PostgreSQL database where each person has their own login: the person's
    database user name and password (kept in memory only), tried until they open it."""

    def __init__(self, url: str, username: str = "", parent=None):
        super().__init__(parent)
        self._url, self.database = url, None
        self.setWindowTitle("Sign in to the database")
        self.username = QLineEdit(username, accessibleName="Database user name")
        self.password = QLineEdit(accessibleName="Database password", echoMode=QLineEdit.Password)
        self.message = QLabel("", wordWrap=True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.try_open)
        buttons.rejected.connect(self.reject)
        form = QFormLayout(self)
        form.addRow(QLabel(f"Database: {make_url(url).render_as_string(hide_password=True)}",
                           wordWrap=True))
        form.addRow("User name", self.username)
        form.addRow("Password", self.password)
        form.addRow(self.message)
        form.addRow(buttons)
        (self.password if username else self.username).setFocus()

    def try_open(self) -> None:
        url = make_url(self._url).set(username=self.username.text().strip().lower(),
                                      password=self.password.text())
        try:
            self.database = open_database(url.render_as_string(hide_password=False))
        except OmsError as exc:
            self.password.selectAll()
            self.message.setText(_reason(exc))
            return
        self.accept()


def _reason(exc: OmsError) -> str:
    return identity.WRONG_PASSWORD if identity.is_auth_failure(exc) else str(exc)
