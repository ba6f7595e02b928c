import pytest
from PySide6.QtCore import QSettings

from oms_desktop.errors import PermissionDenied
from oms_desktop.services import settings as shared
from oms_desktop.services.users import accounts as users
from oms_desktop.services.users import signin
from tests.ui.shell_support import demo_db, make_window, station_settings  # noqa: F401


def open_settings(window):
    return window.show_screen("Settings")


def test_station_settings_are_kept_where_the_scanner_reads_them(qtbot, make_window):
    screen = open_settings(make_window("supervisor"))
    screen.station.setText("PACK-7")
    screen.gap.setValue(45)
    screen.prefix.setText("]C1")
    screen.suffix.setText("#")
    screen.sounds.setChecked(False)
    screen.save_station()
    qs = QSettings()
    assert (qs.value("station/name"), int(qs.value("scanner/gap_ms")),
            qs.value("scanner/prefix"), qs.value("scanner/suffix")) == ("PACK-7", 45, "]C1", "#")
    assert qs.value("sounds/enabled", type=bool) is False
    from oms_desktop.ui.scanner import scanner_settings
    gap, _min, config = scanner_settings()
    assert gap == 45 and (config.prefix, config.suffix) == ("]C1", "#")


def test_dark_theme_and_large_type_apply_at_once(qtbot, make_window, qapp):
    screen = open_settings(make_window("supervisor"))
    size = qapp.font().pointSize()
    screen.dark.setChecked(True)
    screen.large.setChecked(True)
    screen.save_station()
    assert qapp.property("oms_dark") is True and qapp.font().pointSize() > size
    screen.dark.setChecked(False)
    screen.large.setChecked(False)
    screen.save_station()
    assert qapp.font().pointSize() == size


def test_a_connection_test_says_what_went_wrong(qtbot, make_window, tmp_path):
    screen = open_settings(make_window("admin"))
    screen.db_url.setText("mysql://nobody@nowhere/db")
    screen.test_database()
    qtbot.waitUntil(lambda: screen.db_result.text().startswith("Failed"), timeout=10000)
    assert "Unsupported database" in screen.db_result.text()
    screen.db_url.setText(f"sqlite:///{tmp_path / 'other.sqlite3'}")
    screen.test_database()
    qtbot.waitUntil(lambda: screen.db_result.text().startswith("Connected"), timeout=10000)


def test_a_manager_saves_the_company_address_for_every_station(qtbot, make_window, demo_db):
    screen = open_settings(make_window("manager"))
    screen.company["company.name"].setText("Alpine Outfitters")
    screen.company["company.return_address"].setPlainText("Returns dept\n1 Main St\nDenver")
    screen.save_company()
    qtbot.waitUntil(lambda: screen.company_label.text() == "Saved.", timeout=5000)
    assert shared.read(demo_db, "company.name") == "Alpine Outfitters"
    assert shared.read(demo_db, "company.return_address") == ["Returns dept", "1 Main St",
                                                              "Denver"]


def test_a_supervisor_cannot_edit_company_settings_nor_manage_users(qtbot, make_window,
                                                                   demo_db):
    window = make_window("supervisor")
    screen = open_settings(window)
    assert not screen.company_save.isEnabled()
    assert [screen.tabs.tabText(i) for i in range(screen.tabs.count())] == [
        "This station", "Company", "Printers", "Boxes", "Shipping methods",
        "Brands"]  # to see, not to change
    with pytest.raises(PermissionDenied):
        shared.write(demo_db, actor=window.ctx.actor, key="company.name", value="Mine")


def test_an_admin_adds_a_user_who_can_then_sign_in(qtbot, make_window, demo_db):
    screen = open_settings(make_window("admin"))
    panel = screen.users
    qtbot.waitUntil(lambda: panel.table.rowCount() == 4, timeout=5000)
    qtbot.keyClicks(panel.username, "kim")
    qtbot.keyClicks(panel.display_name, "Kim Packer")
    panel.role.setCurrentText("packer")
    qtbot.keyClicks(panel.secret, "5678")
    panel.add_user()
    qtbot.waitUntil(lambda: panel.table.rowCount() == 5, timeout=5000)
    assert signin.sign_in(demo_db, username="kim", secret="5678").role.value == "packer"


def test_an_admin_unlocks_a_user_locked_by_wrong_pins(qtbot, make_window, demo_db):
    for _ in range(5):
        with pytest.raises(PermissionDenied):
            signin.sign_in(demo_db, username="packer", secret="0000")
    panel = open_settings(make_window("admin")).users
    qtbot.waitUntil(lambda: panel.table.rowCount() == 4, timeout=5000)
    assert not panel.password.isEnabled()  # SQLite: no database logins of their own
    panel.table.selectRow([u.username for u in panel.rows].index("packer"))
    panel.unlock()
    qtbot.waitUntil(lambda: _signs_in(demo_db, "packer", "4444"), timeout=5000)


def _signs_in(db, username: str, pin: str) -> bool:
    try:
        return signin.sign_in(db, username=username, secret=pin).name == username
    except PermissionDenied:
        return False


def test_a_supervisor_cannot_turn_off_the_auto_lock_nor_point_the_station_elsewhere(
        qtbot, make_window, demo_db):
    window = make_window("supervisor")
    screen = open_settings(window)
    qtbot.waitUntil(lambda: screen._idle_read is not None, timeout=5000)
    assert not screen.idle.isEnabled() and screen.db_url.isReadOnly()
    screen.idle.setValue(0)  # as if the widget had been enabled by other means
    screen.db_url.setText("postgresql+psycopg://evil@elsewhere/oms")
    screen.save_station()
    qtbot.wait(300)
    assert QSettings().value("database/url", "") == ""
    assert shared.read(demo_db, shared.AUTO_LOCK_KEY, shared.AUTO_LOCK_DEFAULT) == 10
    with pytest.raises(PermissionDenied, match="lock.idle_minutes: a manager"):
        shared.write(demo_db, actor=window.ctx.actor, key=shared.AUTO_LOCK_KEY, value=0)


def test_a_manager_sets_the_auto_lock_for_every_station(qtbot, make_window, demo_db):
    window = make_window("manager")
    screen = open_settings(window)
    qtbot.waitUntil(lambda: screen.idle.isEnabled(), timeout=5000)
    screen.idle.setValue(3)
    screen.save_station()
    qtbot.waitUntil(lambda: shared.read(demo_db, shared.AUTO_LOCK_KEY) == 3, timeout=5000)
    qtbot.waitUntil(lambda: window.idle.timer.interval() == 3 * 60_000, timeout=5000)
