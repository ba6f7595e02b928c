"""The rules editor driven from the keyboard: write a rule in the forms, preview it, order
and enable rules; and a supervisor who cannot edit, on screen or through the service."""

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from oms_desktop.errors import PermissionDenied
from oms_desktop.model import Actor, Channel, Order, OrderStatus, Role
from oms_desktop.services.automation import rules
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.rules import RulesScreen

MANAGER = Actor("meg", Role.manager)
SUPERVISOR = Actor("sue", Role.supervisor)


@pytest.fixture
def shop(sqlite_db):
    """Three open orders: two to Germany (one large), one to France."""
    with sqlite_db.uow() as uow:
        web = Channel(code="WEB", name="Web", kind="manual")
        for n, (country, total) in enumerate([("DE", "80"), ("DE", "900"), ("FR", "50")]):
            uow.session.add(Order(number=f"W-{n}", channel=web, external_id=str(n),
                                  status=OrderStatus.new, ship_country=country,
                                  total=Decimal(total)))
        uow.commit()
    return sqlite_db


def open_rules(qtbot, db, actor=MANAGER):
    ctx = AppContext(db=db, actor=actor, ops=Ops())
    screen = RulesScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1200, 800)
    screen.show()
    screen.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is screen, timeout=15000)
    return screen


def saved(db):
    return [(r.name, r.enabled) for r in rules.list_rules(db)]


def test_a_manager_writes_a_rule_in_the_forms_and_previews_it(qtbot, shop):
    screen = open_rules(qtbot, shop)
    qtbot.keyClick(screen, Qt.Key_N, Qt.ControlModifier)
    qtbot.keyClicks(screen.name, "Germany ships DHL")
    screen.conditions.add_button.click()
    condition = screen.conditions.rows[0]
    condition.field.setCurrentText("Country")
    condition.op.setCurrentText("In")
    qtbot.keyClicks(condition.value, "DE, AT")
    action = screen.actions.rows[0]
    action.type.setCurrentText("Set shipping")
    qtbot.keyClicks(action.params["carrier"], "dhl")
    qtbot.keyClicks(action.params["service"], "paket")
    qtbot.keyClick(screen.name, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: saved(shop) == [("Germany ships DHL", False)], timeout=15000)
    [view] = rules.list_rules(shop)
    assert view.conditions == [{"field": "country", "op": "in", "value": ["DE", "AT"]}]
    assert view.actions == [{"type": "set_shipping", "carrier": "dhl", "service": "paket"}]
    qtbot.waitUntil(lambda: screen.list.count() == 1, timeout=15000)
    qtbot.keyClick(screen.name, Qt.Key_F8)
    qtbot.waitUntil(lambda: screen.preview.rowCount() == 2, timeout=15000)
    assert sorted(r.number for r in screen.preview.rows) == ["W-0", "W-1"]
    assert "2 match, 2 would change" in screen.summary.text()


def test_rules_are_reordered_and_enabled_from_the_keyboard(qtbot, shop):
    for name in ("First", "Second"):
        rules.create_rule(shop, actor=MANAGER, name=name, trigger="order_imported",
                          conditions=[], actions=[{"type": "hold"}], enabled=False)
    screen = open_rules(qtbot, shop)
    qtbot.waitUntil(lambda: screen.list.count() == 2, timeout=15000)
    screen.list.setCurrentRow(0)
    qtbot.keyClick(screen.list, Qt.Key_Down, Qt.ControlModifier)
    qtbot.waitUntil(lambda: [n for n, _ in saved(shop)] == ["Second", "First"], timeout=15000)
    qtbot.waitUntil(lambda: screen.list.currentRow() == 1, timeout=15000)
    qtbot.keyClick(screen.list, Qt.Key_Space)
    qtbot.waitUntil(lambda: saved(shop) == [("Second", False), ("First", True)], timeout=15000)


def test_an_invalid_rule_is_refused_with_the_reason_shown(qtbot, shop):
    screen = open_rules(qtbot, shop)
    screen.new_rule()
    qtbot.keyClicks(screen.name, "Big orders")
    screen.conditions.add_button.click()
    condition = screen.conditions.rows[0]
    condition.field.setCurrentText("Total")
    condition.op.setCurrentText(">=")
    qtbot.keyClicks(condition.value, "lots")
    screen.save()
    qtbot.waitUntil(lambda: "valid value" in screen.feedback.text(), timeout=15000)
    assert saved(shop) == []


def test_a_supervisor_can_read_the_rules_but_not_change_them(qtbot, shop):
    rules.create_rule(shop, actor=MANAGER, name="Hold all", trigger="order_imported",
                      conditions=[], actions=[{"type": "hold"}], enabled=False)
    screen = open_rules(qtbot, shop, actor=SUPERVISOR)
    qtbot.waitUntil(lambda: screen.list.count() == 1, timeout=15000)
    assert not screen.save_button.isEnabled() and not screen.new_button.isEnabled()
    assert not screen.list.item(0).flags() & Qt.ItemIsUserCheckable
    with pytest.raises(PermissionDenied, match="manager"):
        rules.set_enabled(shop, actor=SUPERVISOR, name="Hold all", enabled=True)
