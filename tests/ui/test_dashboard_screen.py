"""The dashboard shows what the database holds, as charts or, without QtCharts, as tables."""

from datetime import datetime, timedelta

import pytest
from PySide6.QtCore import Qt

from oms_desktop.model import Actor, Role
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.dashboard import DashboardScreen
from tests.integration.test_dashboard import build_floor

MANAGER = Actor("meg", Role.manager)


@pytest.fixture
def floor(sqlite_db):
    """The shift's work in the last hours, by the clock the screen reads."""
    now = datetime.now().astimezone()
    return build_floor(sqlite_db, now=now, first_event=now - timedelta(minutes=5),
                       step=timedelta(minutes=1))


def open_dashboard(qtbot, db, **kwargs):
    ctx = AppContext(db=db, actor=MANAGER, ops=Ops())
    screen = DashboardScreen(ctx, **kwargs)
    qtbot.addWidget(screen)
    screen.resize(1280, 720)
    screen.show()
    qtbot.waitUntil(lambda: screen.data is not None, timeout=15000)
    return screen, ctx


def cards(screen):
    return {key: card.figure.text() for key, card in screen.cards.items()}


def test_the_cards_and_charts_show_the_figures_of_the_database(qtbot, floor):
    screen, _ = open_dashboard(qtbot, floor)
    assert cards(screen) == {"open": "5", "late": "2", "due": "2", "packed": "4",
                             "shipped": "4", "returns": "25.0%"}
    assert screen.by_status.is_chart
    categories, series = screen.by_status.values()
    assert dict(zip(categories, series["Orders"])) == {
        "New": 2, "Verified": 1, "On hold": 1, "In fulfilment": 1, "Completed": 5,
        "Cancelled": 1}
    _, hourly = screen.per_hour.values()
    assert (sum(hourly["Packed"]), sum(hourly["Shipped"])) == (4, 4)
    assert [(p.name, p.packed, p.shipped) for p in screen.packers.rows] == [
        ("pat", 3, 0), ("kim", 1, 0), ("sue", 0, 4)]


def test_without_qtcharts_the_same_numbers_are_tables(qtbot, floor):
    screen, _ = open_dashboard(qtbot, floor, use_charts=False)
    table = screen.by_status.view
    shown = {table.verticalHeaderItem(r).text(): table.item(r, 0).text()
             for r in range(table.rowCount())}
    assert shown["Completed"] == "5" and shown["New"] == "2"


def test_it_refreshes_itself_when_orders_change(qtbot, floor):
    from oms_desktop.model import Channel, Order, OrderStatus
    screen, ctx = open_dashboard(qtbot, floor)
    with floor.uow() as uow:
        web = uow.session.query(Channel).one()
        uow.session.add(Order(number="#999", channel=web, external_id="999",
                              status=OrderStatus.new))
        uow.commit()
    ctx.changes.announce("orders")
    qtbot.waitUntil(lambda: cards(screen)["open"] == "6", timeout=15000)


def test_f5_refreshes_by_hand(qtbot, floor):
    screen, _ = open_dashboard(qtbot, floor)
    before = screen.data
    qtbot.keyClick(screen.refresh_button, Qt.Key_F5)
    qtbot.waitUntil(lambda: screen.data is not before, timeout=15000)
