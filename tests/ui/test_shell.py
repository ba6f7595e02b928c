import logging

from PySide6.QtCore import Qt

from oms_desktop.errors import DatabaseUnavailable, NotFound
from oms_desktop.ui import errors
from oms_desktop.ui.errors import show_error
from oms_desktop.ui.screens import SCREENS, ScreenEntry, screens_for
from oms_desktop.model import Role
from tests.ui.scanning import scanner_types
from tests.ui.shell_support import demo_db, make_window, station_settings  # noqa: F401


def test_the_status_bar_shows_database_user_station_and_printer(qtbot, make_window, demo_db):
    window = make_window("manager")
    assert window.db_label.text() == f"Database: {demo_db.display_url}"
    assert window.user_label.text() == "manager (manager) @ PACK-1"
    qtbot.waitUntil(lambda: window.printer_label.text() != "Printer: …", timeout=3000)
    assert window.printer_label.text().startswith("Printer: ")
    qtbot.waitUntil(lambda: window.sync_label.text() != "Sync: …", timeout=3000)


def test_the_sidebar_counts_new_held_and_late_orders(qtbot, make_window):
    window = make_window("supervisor")
    qtbot.waitUntil(lambda: hasattr(window, "counts"), timeout=5000)
    row = [e.title for e in window.entries].index("Orders")
    text = window.sidebar.item(row).text()
    assert f"{window.counts.new:,} new" in text and f"{window.counts.on_hold:,} on hold" in text
    assert window.counts.new > 0 and window.counts.on_hold > 0


def test_screens_whose_modules_do_not_exist_are_not_listed():
    ghost = ScreenEntry("Ghost", "oms_desktop.ui.screens.ghost:GhostScreen", Role.packer, "")
    assert not ghost.exists()
    assert all(e.exists() for e in screens_for(Role.admin))
    assert {e.title for e in screens_for(Role.admin)} <= {e.title for e in SCREENS}


def test_ctrl_number_opens_screens_from_the_go_menu(qtbot, make_window):
    window = make_window("admin")
    settings_row = [e.title for e in window.entries].index("Settings")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window.sidebar, Qt.Key_Comma, Qt.ControlModifier)
    qtbot.waitUntil(lambda: window.sidebar.currentRow() == settings_row, timeout=3000)
    assert type(window.current_screen()).__name__ == "SettingsScreen"
    shortcuts = {a.text(): a.shortcut().toString() for a in window.go_menu.actions()}
    assert shortcuts["Settings"] == "Ctrl+,"


def test_a_lost_database_shows_a_banner_and_retries_until_it_is_back(qtbot, make_window):
    window = make_window("manager")
    window.report_error(DatabaseUnavailable("Cannot open database: connection refused"))
    assert window.banner.isVisible() and "retrying" in window.banner.text()
    assert window._retry.isActive()
    heard = []
    window.changes.changed.connect(heard.append)
    window._retry_database()  # the database is in fact reachable: the banner goes
    qtbot.waitUntil(lambda: not window.banner.isVisible(), timeout=5000)
    assert not window._retry.isActive() and "orders" in heard[-1]


def test_an_oms_error_is_shown_as_it_is_and_anything_else_short_with_a_logged_traceback(
        qtbot, caplog):
    box = show_error(None, NotFound("No order '42'"))
    qtbot.addWidget(box)
    assert box.text() == "No order '42'"
    with caplog.at_level(logging.ERROR, logger="oms_desktop.ui"):
        try:
            {}["missing"]
        except KeyError as exc:
            box = show_error(None, exc)
    qtbot.addWidget(box)
    assert box.text().startswith("Something went wrong (KeyError")
    assert "Traceback" in caplog.text or caplog.records[-1].exc_info is not None
    assert errors.shown[-1] == box.text()


def test_every_menu_action_with_a_shortcut_is_listed_in_help(qtbot, make_window):
    window = make_window("admin")
    keys = [a.shortcut().toString() for m in (window.go_menu,) for a in m.actions()]
    assert "Ctrl+2" in keys and "Alt+Left" in keys
    window.show_shortcuts()


def test_the_start_reads_the_same_migration_heads_as_alembic(sqlite_db):
    from oms_desktop.storage.migrate import heads
    from oms_desktop.storage.opening import declared_heads, open_database

    assert declared_heads() == heads(sqlite_db)
    opened = open_database(sqlite_db.url)
    assert opened.display_url == sqlite_db.display_url
    opened.dispose()


def test_a_scan_on_a_screen_that_takes_no_scans_is_typed_into_the_focused_field(
        qtbot, make_window):
    window = make_window("admin", scanner=True)
    qtbot.keyClick(window, Qt.Key_Comma, Qt.ControlModifier)  # Settings takes no scans
    settings = window.current_screen()
    assert not hasattr(settings, "handle_scan")
    field = settings.db_url
    field.clear()
    field.setFocus()
    with qtbot.waitSignal(window.scan_filter.scanned, timeout=5000):
        scanner_types(field, "WH1-A-01")
    qtbot.waitUntil(lambda: field.text() == "WH1-A-01", timeout=5000)
