from PySide6.QtCore import Qt

from oms_desktop.model import Role
from oms_desktop.services.users import accounts as users
from oms_desktop.ui.screens import SCREENS
from oms_desktop.ui.screens.signin import FirstAdminDialog
from tests.ui.shell_support import PINS, demo_db, make_window, sign_in, station_settings  # noqa: F401


def sidebar_titles(window) -> list[str]:
    return [window.sidebar.item(i).text().split("\n")[0] for i in range(window.sidebar.count())]


def test_the_first_start_on_an_empty_database_creates_the_admin(qtbot, sqlite_db):
    dialog = FirstAdminDialog(sqlite_db, "PACK-1")
    qtbot.addWidget(dialog)
    dialog.username.setText("Boss")
    for field in (dialog.secret, dialog.repeat):
        qtbot.keyClicks(field, "2468")
    dialog.create()
    assert dialog.result() == FirstAdminDialog.Accepted
    assert [(u.username, u.role) for u in users.list_users(sqlite_db)] == [("boss", "admin")]


def test_the_admin_dialog_refuses_two_different_pins(qtbot, sqlite_db):
    dialog = FirstAdminDialog(sqlite_db)
    qtbot.addWidget(dialog)
    dialog.secret.setText("2468")
    dialog.repeat.setText("2469")
    dialog.create()
    assert "differ" in dialog.message.text() and not users.has_users(sqlite_db)


def test_each_role_signs_in_and_sees_only_its_screens(qtbot, make_window):
    for username in ("packer", "supervisor", "manager", "admin"):
        window = make_window(username)
        role = Role(username)
        shown = sidebar_titles(window)
        assert "Orders" in shown and ("Settings" in shown) == (username != "packer")
        for entry in SCREENS:
            if not role.at_least(entry.least_role):
                assert entry.title not in shown, (username, entry.title)
        assert window.user_label.text() == f"{username} ({username}) @ PACK-1"


def test_a_wrong_pin_keeps_the_station_locked_and_says_why(qtbot, make_window):
    window = make_window()
    screen = window.signin
    qtbot.waitUntil(lambda: screen.user_list.count() == 4, timeout=5000)
    screen.select_user("manager")
    qtbot.keyClicks(screen.secret, "9999")
    qtbot.keyClick(screen.secret, Qt.Key_Return)
    qtbot.waitUntil(lambda: "Wrong PIN" in screen.message.text(), timeout=5000)
    assert window.pages_root.currentIndex() == 0 and window.ctx is None


def test_switching_users_at_a_shared_station_rebuilds_the_screens_for_the_new_role(
        qtbot, make_window):
    window = make_window("manager")
    window.switch_user()
    assert window.pages_root.currentIndex() == 0
    sign_in(qtbot, window, "packer")
    assert window.ctx.actor.role == Role.packer
    assert "Rules" not in sidebar_titles(window) and "Dashboard" not in sidebar_titles(window)


def test_the_station_locks_itself_when_idle_and_the_same_user_unlocks(qtbot, make_window):
    window = make_window("supervisor")
    window.ops.wait()  # the station's auto-lock read at sign-in, before the test's own
    qtbot.wait(100)
    window.idle.timer.setInterval(100)
    window.idle.timer.start()
    qtbot.waitUntil(lambda: window.pages_root.currentIndex() == 0, timeout=3000)
    qtbot.waitUntil(lambda: window.signin.username == "supervisor", timeout=3000)
    screen_before = window.current_screen()
    sign_in(qtbot, window, "supervisor")
    assert window.ctx.actor.name == "supervisor"
    assert screen_before is None and window.current_screen() is not None
