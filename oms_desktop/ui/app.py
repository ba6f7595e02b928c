"""Starting the window: open (and migrate) the database, create the first admin on an empty
database, then the main window with its sign-in page."""

from __future__ import annotations

import logging
import socket
import sys

from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from sqlalchemy.engine import make_url

from oms_desktop import bootstrap
from oms_desktop.devices import printing
from oms_desktop.errors import DatabaseUnavailable, OmsError
from oms_desktop.storage import Database, open_database, resolve_url
from oms_desktop.services.users import identity
from oms_desktop.ui import theme

log = logging.getLogger(__name__)
ORGANISATION = APPLICATION = "oms-desktop"


def application() -> QApplication:
    """The QApplication, created once with high-DPI scaling and our names for QSettings."""
    app = QApplication.instance()
    if app is None:
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv)
    app.setOrganizationName(ORGANISATION)
    app.setApplicationName(APPLICATION)
    app.setApplicationDisplayName("OMS Desktop")
    return app


def choose_url(db_url: str | None, demo: bool) -> str | None:
    """--db, else the demo database, else the station's saved choice, else the default."""
    if db_url:
        return db_url
    if demo:
        from oms_desktop.demo.seed import ensure_demo_database

        return ensure_demo_database()
    saved = QSettings().value("database/url", "")
    return str(saved) or None


def station_name(station: str | None) -> str:
    return station or str(QSettings().value("station/name", "")) or socket.gethostname()


def ensure_admin(db: Database, station: str) -> bool:
    """On an empty users table, ask for the administrator; False if the user gave up."""
    from oms_desktop.services.users.accounts import has_users
    from oms_desktop.ui.screens.signin import FirstAdminDialog

    if has_users(db):
        return True
    return FirstAdminDialog(db, station).exec() == FirstAdminDialog.Accepted


def open_window(db_url: str | None = None, demo: bool = False,
                station: str | None = None):
    """Everything up to the sign-in page on screen: the MainWindow, or an exit code."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = application()
    theme.apply(app, dark=QSettings().value("ui/dark", False, type=bool),
                large=QSettings().value("ui/large", False, type=bool))
    printing.register_sender("system", _print_on_system_printer)
    bootstrap.start()
    try:
        db = open_as_person(choose_url(db_url, demo))
    except OmsError as exc:
        return _fatal(str(exc))
    if db is None:
        return 1
    station = station_name(station)
    person = identity.whoami(db, station=station) if identity.person_logins(db) else None
    if person is None and not ensure_admin(db, station):
        return 1
    from oms_desktop.ui.main_window import MainWindow

    window = MainWindow(db, station=station)
    window.resize(1440, 900)
    window.show()
    window.sign_in_as(person) if person is not None else window.start()
    return window


def open_as_person(url: str | None) -> Database | None:
    """The database chosen. A PostgreSQL server that refuses the URL's credentials (none, on
    a station where each person has their own login) is opened with the person's own login,
    asked for (None if they gave up)."""
    url = resolve_url(url)
    try:
        return open_database(url)
    except DatabaseUnavailable as exc:
        if not url.startswith("postgresql") or not identity.is_auth_failure(exc):
            raise
    from oms_desktop.ui.screens.signin import DatabaseSignInDialog

    dialog = DatabaseSignInDialog(url, make_url(url).username or "")
    return dialog.database if dialog.exec() == DatabaseSignInDialog.Accepted else None


def _print_on_system_printer(profile, data: bytes, fmt: str) -> None:
    """QPrinter for "system" printer profiles, imported on the first such print job."""
    from oms_desktop.ui.printing import send

    send(profile, data, fmt)


def run(db_url: str | None = None, demo: bool = False, station: str | None = None) -> int:
    window = open_window(db_url, demo, station)
    if isinstance(window, int):
        return window
    return QApplication.instance().exec()


def _fatal(message: str) -> int:
    log.error(message)
    QMessageBox.critical(None, "OMS Desktop", message)
    return 2
