"""No two things answer the same key: the screens' Go keys differ from each other and from
the window's own menu keys, and once signed in (as admin, who sees every screen) no two menu
actions carry the same shortcut. Qt runs neither of two enabled shortcuts on one key."""

from __future__ import annotations

from collections import Counter

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence

from oms_desktop.ui.screens import SCREENS
from tests.ui.shell_support import demo_db, make_window, station_settings  # noqa: F401


def _twice(keys) -> list[str]:
    return sorted(k for k, n in Counter(keys).items() if n > 1)


def test_every_screen_has_a_key_of_its_own():
    keys = [QKeySequence(e.shortcut).toString() for e in SCREENS if e.shortcut]
    assert _twice(keys) == []
    assert {"Ctrl+Shift+O", "Ctrl+Shift+I"} <= set(keys)


def test_no_two_menu_actions_share_a_key(qtbot, make_window):
    window = make_window("admin")
    titles = [e.title for e in window.entries]
    assert {"Purchase orders", "Credit & invoices"} <= set(titles)
    keys = [a.shortcut().toString() for a in window.findChildren(QAction)
            if not a.shortcut().isEmpty()]
    assert _twice(keys) == [], keys


def test_ctrl_shift_o_and_i_open_the_b2b_screens(qtbot, make_window):
    window = make_window("manager")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    for key, name in ((Qt.Key_O, "PurchaseOrdersScreen"), (Qt.Key_I, "B2bCreditScreen")):
        qtbot.keyClick(window.sidebar, key, Qt.ControlModifier | Qt.ShiftModifier)
        qtbot.waitUntil(lambda n=name: type(window.current_screen()).__name__ == n,
                        timeout=3000)
