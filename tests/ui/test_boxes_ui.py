"""The box catalogue on screen: a manager keeps it in Settings, the pack station offers its
boxes (and "no box"), follows a change at once, and the box chosen at F4 sizes the package."""

import pytest
import sqlalchemy as sa
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QPushButton

from oms_desktop.model import Actor, Package, Role
from oms_desktop.services.shipping import boxes
from oms_desktop.ui.screens.packing import NO_BOX, PackingScreen
from oms_desktop.ui.widgets.boxes_panel import BoxesPanel
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up
from tests.ui.floor_ui import install_scanner, make_context, remove_scanner, scan

MANAGER = Actor("meg", Role.manager)
MUG = "4006381333931"


def panel(qtbot, db, actor: Actor) -> BoxesPanel:
    ctx = make_context(db, actor)
    widget = BoxesPanel(ctx)
    qtbot.addWidget(widget)
    qtbot.waitUntil(lambda: widget.table.rowCount() == 4)
    return widget


def test_a_manager_adds_a_box_in_settings_and_a_wrong_one_is_answered(qtbot, sqlite_db):
    screen = panel(qtbot, sqlite_db, MANAGER)
    screen.code.setText("mailer")
    for key, value in (("length_mm", 350), ("width_mm", 250), ("height_mm", 30),
                       ("tare_g", 60), ("max_weight_g", 2000)):
        screen.numbers[key].setValue(value)
    screen.save_box()
    qtbot.waitUntil(lambda: screen.table.rowCount() == 5)
    assert screen.answer.text() == "Saved: box MAILER."
    assert screen.table.item(0, 0).text() == "MAILER"  # the smallest first
    screen.numbers["height_mm"].setValue(0)
    screen.save_box()
    qtbot.waitUntil(lambda: "inner height must be 1 to 3000 mm" in screen.answer.text())
    assert [b.code for b in boxes.list_boxes(sqlite_db)] == ["MAILER", "S", "M", "L", "XL"]


def test_a_packer_sees_the_boxes_but_cannot_change_them(qtbot, sqlite_db):
    screen = panel(qtbot, sqlite_db, Actor("pat", Role.packer))
    buttons = screen.findChildren(QPushButton)
    assert len(buttons) == 2 and not any(b.isEnabled() for b in buttons)


@pytest.fixture
def station(qtbot, sqlite_db, tmp_path):
    small_world(sqlite_db)
    stock_up(sqlite_db, {("SKU-1", "WH1-A-01"): 10})
    QSettings().setValue("floor/document_folder", str(tmp_path / "station"))
    ctx = make_context(sqlite_db)
    screen = PackingScreen(ctx)
    qtbot.addWidget(screen)
    screen.show()
    scanner = install_scanner(screen)
    qtbot.waitUntil(lambda: screen.box_choice.count() == 5)
    yield screen, sqlite_db
    remove_scanner(scanner)
    ctx.ops.wait()
    QSettings().remove("floor/document_folder")


def box_codes(screen) -> list:
    return [screen.box_choice.itemData(i) for i in range(screen.box_choice.count())]


def test_the_pack_station_offers_the_catalogue_and_sizes_the_package_with_the_box(qtbot,
                                                                                  station):
    screen, db = station
    assert screen.box_choice.itemText(0) == NO_BOX and box_codes(screen)[1:] == [
        "S", "M", "L", "XL"]
    # a manager adds a box: the station's list follows without a restart
    screen.ctx.ops.run(lambda: boxes.add_box(db, actor=MANAGER, code="TUBE", length_mm=600,
                                             width_mm=80, height_mm=80, tare_g=120))
    qtbot.waitUntil(lambda: "TUBE" in box_codes(screen))
    order_id, sid = assigned_shipment(db, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"})
    field = screen.manual
    field.setFocus()
    scan(qtbot, screen, field, f"ORD-{order_id}")
    assert screen.box_choice.currentData() == "S"  # the suggestion for one mug
    screen.box_choice.setCurrentIndex(screen.box_choice.findData("TUBE"))
    assert scan(qtbot, screen, field, MUG).endswith("complete")
    qtbot.keyClick(screen, Qt.Key_F4)
    qtbot.waitUntil(lambda: screen.view is None or screen.view.status == "packed",
                    timeout=5000)
    screen.ctx.ops.wait()
    with db.uow(readonly=True) as uow:
        p = uow.session.scalar(sa.select(Package).where(Package.shipment_id == sid))
        assert (p.box_code, p.length_mm, p.width_mm, p.height_mm, p.weight_g) == (
            "TUBE", 600, 80, 80, 350 + 120)
