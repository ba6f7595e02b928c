"""The shell across sign-ins: where each role lands, what it may open, screens of an earlier
sign-in left alone, the status bar after a sync, and the shown screen's own keys."""

import sqlalchemy as sa
import shiboken6
from PySide6.QtCore import Qt

from oms_desktop.model import Channel, SyncRun
from oms_desktop.services.orders import views as orders
from oms_desktop.storage.changes import ALL_AREAS
from tests.factories import small_world
from tests.ui.shell_support import (  # noqa: F401
    demo_db, make_window, sign_in, station_settings,
)


def test_a_packer_lands_on_the_pack_station_and_has_no_settings(qtbot, make_window):
    window = make_window("packer")
    qtbot.waitUntil(lambda: window.current_screen() is not None, timeout=5000)
    assert type(window.current_screen()).__name__ == "PackingScreen"
    titles = [e.title for e in window.entries]
    assert "Settings" not in titles and "Packing" in titles
    assert window.show_screen("Settings") is None


def test_a_supervisor_lands_on_the_orders_and_may_open_settings(qtbot, make_window):
    window = make_window("supervisor")
    qtbot.waitUntil(lambda: window.current_screen() is not None, timeout=5000)
    assert type(window.current_screen()).__name__ == "OrdersScreen"
    assert type(window.show_screen("Settings")).__name__ == "SettingsScreen"


def test_screens_of_the_earlier_sign_in_receive_no_more_refreshes(qtbot, make_window):
    window = make_window("supervisor")
    for title in ("Picking", "Packing", "Click & collect", "Returns", "Inventory", "Shipping"):
        window.show_screen(title)
    window.ops.wait()
    earlier = dict(window.pages)
    earlier_hub = window.ctx.changes
    window.switch_user()
    sign_in(qtbot, window, "manager")
    qtbot.waitUntil(lambda: not any(shiboken6.isValid(p) for p in earlier.values()),
                    timeout=3000)
    # Refresh (F5), and live changes from other stations, reach only this sign-in's screens;
    # a deleted screen called now raises "Internal C++ object already deleted" (pytest-qt
    # turns an exception in a slot into this test's failure).
    window.changes.announce(*ALL_AREAS)
    window.ops.run(lambda: None)
    window.ops.wait()
    qtbot.wait(200)
    assert not shiboken6.isValid(earlier_hub)
    heard = []
    window.ctx.changes.changed.connect(heard.append)
    window.changes.announce("orders")
    assert heard == [{"orders"}]


def test_the_sync_line_after_a_channel_sync_is_plain_text(db):
    small_world(db)
    with db.uow() as uow:
        channel = uow.session.scalar(sa.select(Channel.id).where(Channel.code == "WEB"))
        uow.session.add(SyncRun(channel_id=channel, status="ok"))
        uow.commit()
    line = orders.sync_summary(db)
    assert line.startswith("Sync: WEB ok ")


def test_f1_and_f5_are_the_returns_screens_own_keys_while_it_is_shown(qtbot, make_window):
    window = make_window("supervisor")
    help_action = next(a for a in window.findChildren(type(window.dark_action))
                       if a.text() == "&Keyboard shortcuts")
    assert help_action.shortcut().toString() == "F1"
    returns = window.show_screen("Returns")
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(returns, Qt.Key_F3)
    qtbot.keyClick(returns, Qt.Key_F1)
    assert returns.intake.condition.currentText() == "Resellable"
    qtbot.keyClick(returns, Qt.Key_F5)
    assert returns.intake.condition.currentText() == "Wrong item"
    assert help_action.shortcut().isEmpty()
    window.show_screen("Orders")
    assert help_action.shortcut().toString() == "F1"  # Help again elsewhere


def test_click_and_collect_is_spelled_with_its_ampersand_in_menus_and_help(qtbot, make_window):
    from PySide6.QtWidgets import QMessageBox

    window = make_window("packer")
    action = next(a for a in window.go_menu.actions() if a.shortcut().toString() == "Ctrl+0")
    assert action.text() == "Click && collect"  # shown "Click & collect", no mnemonic "_c"
    window.show_shortcuts()
    box = window.findChildren(QMessageBox)[-1]
    assert "Click & collect: Ctrl+0" in box.text().splitlines()
    assert "Quit: Ctrl+Q" in box.text().splitlines()
