"""Issue 13 item 2 on the screens: a label that cannot be made at F4 is shown to the packer in
red and stays until F8; the parcel stays packed and is listed in Shipping's "Needs a label
(N)", where a manager maps the channel's method in "Shipping methods" and makes the label."""

import pytest
from PySide6.QtCore import QSettings, Qt

from oms_desktop.model import Actor, Role, ShipmentStatus
from oms_desktop.services import settings
from oms_desktop.services.orders import views as orders
from oms_desktop.services.shipping import methods, needs_label
from oms_desktop.ui.screens.packing import PackingScreen
from oms_desktop.ui.screens.shipping import ShippingScreen
from tests.carriers.world import shipping_world, web_order
from tests.ui.floor_ui import install_scanner, make_context, remove_scanner, scan

MUG, SPOON = "4006381333931", "036000291452"
MANAGER = Actor("morgan", Role.manager, station="OFFICE-1")


@pytest.fixture
def world(sqlite_db, tmp_path):
    shipping_world(sqlite_db)
    QSettings().setValue("floor/document_folder", str(tmp_path / "station"))
    # the store names its method "Flat rate"; it is mapped to a service the courier dropped
    methods.set_mapping(sqlite_db, actor=MANAGER, method="Flat rate", carrier="manual",
                        service="Courier")
    with sqlite_db.uow() as uow:
        settings.put(uow.session, "carrier.manual", {"services": [
            {"service": "Economy", "amount": "2.90", "days": 4}]})
        uow.commit()
    yield sqlite_db
    QSettings().remove("floor/document_folder")


def assigned(db) -> int:
    from tests.carriers.world import pack_order
    return pack_order(db, web_order(db, requested="Flat rate"), pack=False)


def test_a_failed_label_stays_red_until_f8_and_the_parcel_waits_in_shipping(qtbot, world,
                                                                              screenshot_dir):
    sid = assigned(world)
    ctx = make_context(world)
    station = PackingScreen(ctx)
    qtbot.addWidget(station)
    station.resize(1100, 760)
    station.show()
    scanner = install_scanner(station)
    try:
        field = station.manual
        field.setFocus()
        scan(qtbot, station, field, f"SHP-{sid}")
        scan(qtbot, station, field, MUG)
        scan(qtbot, station, field, SPOON)
        scan(qtbot, station, field, SPOON)
        qtbot.keyClick(station, Qt.Key_F4)
        qtbot.waitUntil(lambda: station.label_alarm.isVisible(), timeout=10_000)
        ctx.ops.wait()
        alarm = station.label_alarm.text()
        assert f"No shipping label for SHP-{sid}" in alarm and "Needs a label" in alarm
        assert "#b91c1c" in station.label_alarm.styleSheet()
        assert "packed" in station.banner.text()
        station.grab().save(str(screenshot_dir / "packing-label-failed.png"))
        scan(qtbot, station, field, "ORD-999999")  # the next answer does not hide it
        assert station.label_alarm.isVisible()
        qtbot.keyClick(station, Qt.Key_F8)
        assert not station.label_alarm.isVisible()
    finally:
        remove_scanner(scanner)
        ctx.ops.wait()
    assert orders.get_order(world, web_order_id(world)).shipments[0].status == "packed"

    # Shipping: the parcel is listed; the manager maps "Flat rate" to Economy and labels it
    desk_ctx = make_context(world, MANAGER)
    desk = ShippingScreen(desk_ctx)
    qtbot.addWidget(desk)
    desk.resize(1280, 820)
    desk.show()
    tab = desk.tabs.indexOf(desk.needs_label)
    qtbot.waitUntil(lambda: desk.tabs.tabText(tab) == "Needs a label (1)", timeout=5000)
    assert "service forced to Courier" in desk.needs_label.table.item(0, 5).text()
    desk.tabs.setCurrentWidget(desk.methods)
    qtbot.waitUntil(lambda: desk.methods.table.rowCount() == 1, timeout=5000)
    desk.methods.table.selectRow(0)
    assert desk.methods.method.text() == "Flat rate"
    desk.methods.service.setText("Economy")
    qtbot.keyClick(desk.methods.service, Qt.Key_S, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "Economy" in desk.methods.answer.text(), timeout=5000)
    desk.grab().save(str(screenshot_dir / "shipping-methods.png"))
    desk.tabs.setCurrentWidget(desk.needs_label)  # the map's change reloads the list
    qtbot.waitUntil(lambda: desk.needs_label.table.item(0, 4).text() == "Economy",
                    timeout=5000)
    desk.needs_label.table.selectRow(0)
    desk.needs_label.table.setFocus()
    qtbot.keyClick(desk.needs_label.table, Qt.Key_Return)
    qtbot.waitUntil(lambda: desk.tabs.tabText(tab) == "Needs a label (0)", timeout=5000)
    qtbot.waitUntil(lambda: desk.table.item(0, 4).text() == "Economy", timeout=5000)
    desk.grab().save(str(screenshot_dir / "shipping-needs-label.png"))
    desk_ctx.ops.wait()
    assert needs_label.needs_label(world) == (0, [])
    detail = orders.get_order(world, web_order_id(world))
    assert detail.shipments[0].service == "Economy"
    assert detail.shipments[0].status == ShipmentStatus.packed.value


def web_order_id(db) -> int:
    from oms_desktop.model import Order
    with db.uow(readonly=True) as uow:
        return uow.session.query(Order.id).one()[0]


def test_the_map_is_in_settings_too_and_only_a_manager_may_change_it(qtbot, world):
    from oms_desktop.ui.screens.settings import SettingsScreen

    for actor, editable in ((MANAGER, True), (Actor("pat", Role.packer), False)):
        ctx = make_context(world, actor)
        screen = SettingsScreen(ctx)
        qtbot.addWidget(screen)
        panel = screen.shipping_methods
        assert screen.tabs.tabText(screen.tabs.indexOf(panel)) == "Shipping methods"
        qtbot.waitUntil(lambda: panel.table.rowCount() == 1, timeout=5000)
        assert panel.table.item(0, 0).text() == "Flat rate"
        assert panel.method.isEnabled() is editable
        ctx.ops.wait()
