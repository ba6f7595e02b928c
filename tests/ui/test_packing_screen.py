import time

import pytest
from PySide6.QtCore import QSettings, Qt

from oms_desktop.services.orders import views as orders
from oms_desktop.services.floor import packing
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up
from tests.ui.floor_ui import install_scanner, make_context, remove_scanner, scan

from oms_desktop.ui.screens.packing import PackingScreen

MUG, SPOON = "4006381333931", "036000291452"


@pytest.fixture
def station(qtbot, sqlite_db, tmp_path):
    small_world(sqlite_db)
    stock_up(sqlite_db, {("SKU-1", "WH1-A-01"): 10, ("SKU-2", "WH1-A-02"): 10})
    QSettings().setValue("floor/document_folder", str(tmp_path / "station"))
    ctx = make_context(sqlite_db)
    screen = PackingScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1100, 760)
    screen.show()
    scanner = install_scanner(screen)
    yield screen, sqlite_db, tmp_path / "station"
    remove_scanner(scanner)
    ctx.ops.wait()
    QSettings().remove("floor/document_folder")


def test_a_whole_order_packed_by_scanner_bursts(qtbot, station):
    screen, db, folder = station
    order_id, sid = assigned_shipment(db, {"SKU-1": 2, "SKU-2": 1},
                                      bins={"SKU-1": "WH1-A-01", "SKU-2": "WH1-A-02"})
    field = screen.manual
    field.setFocus()
    assert scan(qtbot, screen, field, f"ORD-{order_id}").endswith("scan 3 units")
    assert screen.checklist.rowCount() == 2 and screen.banner.state == "good"
    # a wrong item: red, what was expected, nothing packed
    text = scan(qtbot, screen, field, "KIT-1")
    assert screen.banner.state == "bad" and "expected 2 x SKU-1, 1 x SKU-2" in text
    assert screen.sounds.played[-1] == "bad"
    assert scan(qtbot, screen, field, MUG) == "SKU-1 ✓ 1/2"
    assert screen.checklist.item(0, 4).text() == "1"
    # a second package for the next unit
    qtbot.keyClick(screen, Qt.Key_F3)
    qtbot.waitUntil(lambda: screen.view.current_package == 2)
    assert scan(qtbot, screen, field, MUG) == "SKU-1 ✓ 2/2"
    # one too many, then an undo of the last good scan and the unit scanned again
    assert "One too many" in scan(qtbot, screen, field, MUG)
    assert screen.banner.state == "bad"
    with qtbot.waitSignal(screen.feedback_shown):
        qtbot.keyClick(screen, Qt.Key_Z, Qt.ControlModifier)
    assert screen.banner.text() == "Undone: 1 x SKU-1" and screen.view.units_left == 2
    scan(qtbot, screen, field, MUG)
    assert scan(qtbot, screen, field, SPOON).endswith("complete")
    assert field.text() == ""  # no scan landed in the text field
    screen.weight_box.setValue(450)
    started = time.perf_counter()
    with qtbot.waitSignal(screen.feedback_shown):
        qtbot.keyClick(screen, Qt.Key_F4)
    assert time.perf_counter() - started < 1.0  # ready for the next order within a second
    assert screen.banner.text().startswith(f"SHP-{sid} packed (2 packages)")
    assert screen.view is None and screen.checklist.rowCount() == 0
    [shipment] = orders.get_order(db, order_id).shipments
    assert shipment.status == "packed"
    packed = packing.view(db, sid)
    assert [(p.number, p.contents) for p in packed.packages] == [
        (1, {"SKU-1": 1}), (2, {"SKU-1": 1, "SKU-2": 1})]
    assert packed.packages[1].weight_g == 450
    qtbot.waitUntil(lambda: (folder / f"packing-slip-SHP-{sid}.pdf").exists(), timeout=5000)
    trail = packing.scan_trail(db, str(order_id))
    assert [r.result for r in trail].count("wrong_item") == 1
    assert {r.station for r in trail} == {"PACK-1"}


def test_a_quantity_card_counts_the_next_scan_several_times(qtbot, station):
    screen, db, _ = station
    _, sid = assigned_shipment(db, {"SKU-2": 5}, bins={"SKU-2": "WH1-A-02"})
    field = screen.manual
    field.setFocus()
    scan(qtbot, screen, field, f"SHP-{sid}")
    assert scan(qtbot, screen, field, "QTY-5") == "Next scan counts 5 units"
    assert scan(qtbot, screen, field, SPOON).endswith("5/5 — complete")
    assert screen.quantity_box.value() == 1


def test_an_unknown_order_turns_the_banner_red(qtbot, station):
    screen, _, _ = station
    screen.manual.setFocus()
    assert scan(qtbot, screen, screen.manual, "ORD-999") == "No order 'ORD-999'"
    assert screen.banner.state == "bad"


def test_a_hand_typed_order_number_opens_the_order(qtbot, station):
    screen, db, _ = station
    assigned_shipment(db, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"}, number="WEB-4242")
    screen.manual.setFocus()
    qtbot.keyClicks(screen.manual, "WEB-4242", delay=60)
    qtbot.wait(50)
    with qtbot.waitSignal(screen.feedback_shown):
        qtbot.keyClick(screen.manual, Qt.Key_Return)
    assert screen.view is not None and screen.view.order_number == "WEB-4242"


def test_every_control_has_an_accessible_name(station):
    screen, _, _ = station
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit
    controls = [w for kind in (QAbstractButton, QAbstractSpinBox, QComboBox, QLineEdit)
                for w in screen.findChildren(kind)]
    ours = [w for w in controls if not w.objectName().startswith("qt_")
            and not isinstance(w.parent(), (QAbstractSpinBox, QComboBox))]
    assert len(ours) == 8  # 4 buttons, 2 spin boxes, the box list, the typing field
    assert [w for w in ours if not w.accessibleName()] == []


def test_the_scan_sounds_ship_as_short_wavs_and_playing_never_fails(qtbot, monkeypatch):
    import wave

    from oms_desktop.devices import sound
    for name in ("good", "bad"):
        path = sound.sound_path(name)
        assert path is not None and path.parent == sound.PACKAGE_SOUNDS
        with wave.open(str(path)) as wav:
            seconds = wav.getnframes() / wav.getframerate()
            assert wav.getnchannels() == 1 and 0.05 < seconds < 1.0
        assert (sound.REPO_SOUNDS / f"{name}.wav").read_bytes() == path.read_bytes()
    monkeypatch.delenv("OMS_DISABLE_SOUND")
    sounds = sound.Sounds()
    sounds.play("good")
    sounds.play("bad")  # no audio device here: silent, or the system beep
    assert sounds.played == ["good", "bad"]


def test_the_quantity_key_above_the_supervisors_limit_is_refused(qtbot, station):
    screen, db, _ = station
    _, sid = assigned_shipment(db, {"SKU-2": 8}, bins={"SKU-2": "WH1-A-02"})
    screen.manual.setFocus()
    scan(qtbot, screen, screen.manual, f"SHP-{sid}")
    qtbot.keyClick(screen, Qt.Key_F2)
    assert screen.quantity_box.hasFocus()
    screen.quantity_box.setValue(12)
    assert scan(qtbot, screen, screen.quantity_box, SPOON) == "Quantity 12 is above the limit of 10"
    assert screen.banner.state == "bad" and screen.view.units_left == 8
    screen.quantity_box.setValue(8)
    assert scan(qtbot, screen, screen.quantity_box, SPOON).endswith("8/8 — complete")


def test_a_product_image_is_shown_on_its_checklist_line(qtbot, station, tmp_path):
    from PySide6.QtGui import QColor, QImage

    from oms_desktop.model import Product
    screen, db, _ = station
    image = QImage(64, 64, QImage.Format_RGB32)
    image.fill(QColor("#1f6feb"))
    path = tmp_path / "mug.png"
    assert image.save(str(path))
    with db.uow() as uow:
        uow.session.query(Product).filter_by(sku="SKU-1").update({"image_path": str(path)})
        uow.commit()
    _, sid = assigned_shipment(db, {"SKU-1": 1, "SKU-2": 1},
                               bins={"SKU-1": "WH1-A-01", "SKU-2": "WH1-A-02"})
    screen.manual.setFocus()
    scan(qtbot, screen, screen.manual, f"SHP-{sid}")
    assert not screen.checklist.item(0, 0).icon().isNull()
    assert screen.checklist.item(1, 0).icon().isNull()
