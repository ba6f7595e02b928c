import pytest
from PySide6.QtCore import QSettings, Qt

from oms_desktop.model import Actor, Role
from oms_desktop.services.orders import views as orders
from oms_desktop.services.floor import packing
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up
from tests.ui.floor_ui import install_scanner, make_context, remove_scanner, scan

from oms_desktop.ui.screens.pickup import PickupScreen

CLERK = Actor("cleo", Role.packer, station="STORE1-DESK")


@pytest.fixture
def counter(qtbot, sqlite_db):
    db = sqlite_db
    small_world(db)
    stock_up(db, {("SKU-1", "STORE1"): 5})
    QSettings().remove("pickup/store")
    ctx = make_context(db, CLERK)
    screen = PickupScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1000, 600)
    screen.show()
    qtbot.waitUntil(lambda: screen.store.currentText() == "STORE1")
    scanner = install_scanner(screen)
    yield screen, db
    remove_scanner(scanner)
    ctx.ops.wait()


def _packed(db, number):
    order_id, sid = assigned_shipment(db, {"SKU-1": 1}, bins={"SKU-1": "STORE1"},
                                      site="STORE1", pickup_at="STORE1", number=number)
    packing.scan_item(db, actor=CLERK, shipment_id=sid, value="SKU-1")
    packing.complete(db, actor=CLERK, shipment_id=sid)
    return order_id, sid


def test_mark_ready_then_hand_over_by_scanning_the_pickup_code(qtbot, counter):
    screen, db = counter
    order_id, sid = _packed(db, "WEB-900")
    screen.refresh()
    qtbot.waitUntil(lambda: screen.table.rowCount() == 1)
    screen.table.selectRow(0)
    with qtbot.waitSignal(screen.feedback_shown):
        qtbot.keyClick(screen.table, Qt.Key_F5)
    qtbot.waitUntil(lambda: screen.table.item(0, 2).text() == "ready for pickup")
    code = screen.table.item(0, 3).text()
    assert len(code) == 6 and code in screen.banner.text()
    # the customer shows the code; the clerk types the name and presses Enter
    assert scan(qtbot, screen, screen.table, code).startswith(code)
    assert screen.collector.hasFocus()
    qtbot.keyClicks(screen.collector, "Grace Hopper", delay=40)
    qtbot.wait(40)
    with qtbot.waitSignal(screen.feedback_shown):
        qtbot.keyClick(screen.collector, Qt.Key_Return)
    assert screen.banner.text() == "WEB-900 handed to Grace Hopper"
    qtbot.waitUntil(lambda: screen.table.rowCount() == 0)
    [shipment] = orders.get_order(db, order_id).shipments
    assert shipment.status == "picked_up"


def test_a_scan_of_an_order_not_ready_is_refused(qtbot, counter):
    screen, db = counter
    _packed(db, "WEB-901")
    screen.collector.setText("Ada")
    assert "Nothing ready for pickup" in scan(qtbot, screen, screen.collector, "WEB-901")
    assert screen.banner.state == "bad"


def test_a_refresh_keeps_the_order_the_clerk_chose_wherever_its_row_moved(counter):
    from oms_desktop.services.floor.pickup import PickupView

    screen, _db = counter

    def view(sid):
        return PickupView(sid, sid, f"#{sid}", "Ann", "packed", None, None, None)

    screen._fill([view(7), view(8)])
    screen.table.selectRow(1)
    screen._fill([view(5), view(7), view(8)])  # another station packed #5 meanwhile
    assert screen.rows[screen.table.currentRow()].shipment_id == 8
