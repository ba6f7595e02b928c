"""Fixtures for the shell's tests: station settings in a temporary folder, a demo database with
its four users (admin 1111, manager 2222, supervisor 3333, packer 4444) and a signed-in window."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from oms_desktop.demo.seed import seed_demo

PINS = {"admin": "1111", "manager": "2222", "supervisor": "3333", "packer": "4444"}


@pytest.fixture
def station_settings(tmp_path, qapp, monkeypatch):
    """QSettings() in a folder of this test's own (never the developer's real settings), and
    documents saved to a folder of its own."""
    monkeypatch.setenv("OMS_DOCUMENTS_DIR", str(tmp_path / "documents"))
    QApplication.setOrganizationName("oms-desktop-test")
    QApplication.setApplicationName("oms-desktop-test")
    QSettings.setPath(QSettings.NativeFormat, QSettings.UserScope, str(tmp_path / "qsettings"))
    QSettings.setPath(QSettings.IniFormat, QSettings.UserScope, str(tmp_path / "qsettings"))
    QSettings().clear()
    yield QSettings()


@pytest.fixture
def demo_db(sqlite_db):
    seed_demo(sqlite_db, orders=300)
    return sqlite_db


def sign_in(qtbot, window, username: str) -> None:
    """Choose the user, type the PIN, press Enter — as a person at the station would."""
    screen = window.signin
    qtbot.waitUntil(lambda: screen.user_list.count() > 0, timeout=5000)
    screen.select_user(username)
    screen.secret.setText(PINS[username])
    screen.button.click()
    qtbot.waitUntil(lambda: window.ctx is not None and window.ctx.actor.name == username
                    and window.pages_root.currentIndex() == 1, timeout=5000)


@pytest.fixture
def make_window(qtbot, demo_db, station_settings):
    from oms_desktop.ui.main_window import MainWindow

    made = []

    def make(username: str | None = None, *, db=None, live: bool = False,
             scanner: bool = False):
        window = MainWindow(db or demo_db, station="PACK-1", live=live, scanner=scanner)
        qtbot.addWidget(window)
        window.resize(1400, 900)
        window.show()
        window.start()
        made.append(window)
        if username:
            sign_in(qtbot, window, username)
        return window

    yield make
    for window in made:
        window.close()
