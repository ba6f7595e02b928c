"""The shipping desk driven from the keyboard: rates, buy + print to a local raw-ZPL printer,
a failed print retried on another printer, void, close-out; a label and a manifest are
rasterised for the README and for a person to look at."""

import json

import pypdfium2 as pdfium
import pytest
from PySide6.QtCore import Qt

from oms_desktop.devices.printing import PrinterProfile
from oms_desktop.model import Actor, Role
from oms_desktop.services.shipping import manifests
from oms_desktop.services.orders import views as orders
from oms_desktop.services.shipping import labels as shipping
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.shipping import ShippingScreen
from tests.carriers.world import packed_shipment, shipping_world
from tests.carriers.zpl_printer import ZplPrinter, closed_port
from tests.carriers.zpl_reader import barcodes

LEAD = Actor("sue", Role.supervisor, station="SHIP-1")


@pytest.fixture
def printer():
    with ZplPrinter() as p:
        yield p


@pytest.fixture
def desk(qtbot, sqlite_db, printer, tmp_path, monkeypatch):
    profiles = {"label": PrinterProfile("Zebra-broken", "zpl_tcp", host="127.0.0.1",
                                        port=closed_port(), timeout=1).as_dict(),
                "document": None,
                "others": [PrinterProfile("Zebra-2", "zpl_tcp", host="127.0.0.1",
                                          port=printer.port).as_dict()]}
    path = tmp_path / "printers.json"
    path.write_text(json.dumps(profiles))
    monkeypatch.setenv("OMS_PRINTERS_FILE", str(path))
    shipping_world(sqlite_db)
    ids = [packed_shipment(sqlite_db, number=n, name=name) for n, name in
           (("1001", "Jane Buyer"), ("1002", "Zoë Ämmänen"), ("1003", "Omar Haddad"))]
    ctx = AppContext(db=sqlite_db, actor=LEAD, ops=Ops())
    screen = ShippingScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1280, 820)
    screen.show()
    qtbot.waitUntil(lambda: screen.table.rowCount() == 3, timeout=5000)
    return screen, ids, ctx


def press(qtbot, screen, key, until, timeout=8000):
    before = screen.banner.text()
    qtbot.keyClick(screen.table, key)
    qtbot.waitUntil(lambda: screen.banner.text() != before and until(), timeout=timeout)


def test_a_label_is_bought_printed_retried_voided_and_the_day_closed(qtbot, desk, printer,
                                                                     sqlite_db, screenshot_dir):
    screen, ids, ctx = desk
    screen.format.setCurrentText("zpl")
    press(qtbot, screen, Qt.Key_F2, lambda: screen.rates.rowCount() == 2)
    assert screen.rates.item(0, 0).text() == "★" and screen.rates.item(0, 2).text() == "Economy"

    press(qtbot, screen, Qt.Key_F3, lambda: "NOT printed" in screen.banner.text())
    qtbot.waitUntil(lambda: screen.table.item(0, 6).text() != "", timeout=5000)
    assert "NOT printed" in screen.banner.text() and "cannot be reached" in screen.banner.text()
    qtbot.waitUntil(lambda: screen.tabs.tabText(2) == "Print queue (1 failed)", timeout=5000)
    qtbot.waitUntil(lambda: "— Printer Zebra-broken" in screen.printer_status.text(),
                    timeout=5000)
    assert "cannot be reached" in screen.printer_status.text()

    screen.queue.selectRow(0)
    screen.printer.setCurrentText("Zebra-2")
    qtbot.keyClick(screen.queue, Qt.Key_F10)
    qtbot.waitUntil(lambda: len(printer.labels) == 1, timeout=5000)
    qtbot.waitUntil(lambda: screen.queue.item(0, 3).text() == "sent", timeout=5000)
    tracking = screen.table.item(0, 6).text()
    assert barcodes(printer.labels[0])[0] == ">:" + tracking

    screen.table.selectRow(1)
    press(qtbot, screen, Qt.Key_F3, lambda: "printed on Zebra-2" in screen.banner.text())
    press(qtbot, screen, Qt.Key_F6, lambda: "Voided" in screen.banner.text())
    qtbot.waitUntil(lambda: screen.table.item(1, 6).text() == "", timeout=5000)
    press(qtbot, screen, Qt.Key_F3, lambda: "printed on Zebra-2" in screen.banner.text())
    screen.table.selectRow(0)
    press(qtbot, screen, Qt.Key_F4, lambda: "sent to Zebra-2" in screen.banner.text())
    assert len(printer.wait_for(4)) == 4 and printer.labels[3] == printer.labels[0]

    qtbot.waitUntil(lambda: screen.carrier.currentText() == "manual", timeout=5000)
    screen.grab().save(str(screenshot_dir / "shipping.png"))
    press(qtbot, screen, Qt.Key_F8, lambda: "closed for" in screen.banner.text())
    assert "2 shipments" in screen.banner.text()
    states = [orders.get_order(sqlite_db, n).shipments[0].status for n in ("1001", "1002", "1003")]
    assert states == ["shipped", "shipped", "packed"]


def test_a_label_and_a_manifest_are_rasterised_for_review(sqlite_db, screenshot_dir):
    shipping_world(sqlite_db)
    sid = packed_shipment(sqlite_db, name="Zoë Ämmänen", packages=2)
    label = shipping.create_label(sqlite_db, actor=LEAD, shipment_id=sid, fmt="pdf")
    pdf = pdfium.PdfDocument(label.content)
    assert pdf[0].get_size() == (288.0, 432.0)
    pdf[0].render(scale=203 / 72).to_pil().save(screenshot_dir / "label.png")
    closed = manifests.close_out(sqlite_db, actor=LEAD, carrier="manual", day=label.ship_day)
    pdfium.PdfDocument(closed.document)[0].render(scale=1.4).to_pil().save(
        screenshot_dir / "manifest.png")
    assert (screenshot_dir / "label.png").stat().st_size > 10_000


@pytest.mark.parametrize("paper, size", [("4x6", (288.0, 432.0)), ("A4", (595.0, 842.0))])
def test_a_system_printer_gets_the_exact_page_with_nothing_scaled(qtbot, sqlite_db, tmp_path,
                                                                  paper, size):
    import zxingcpp

    from oms_desktop.devices import printing as devices
    from oms_desktop.ui import printing as qt_printing

    qt_printing.install()
    shipping_world(sqlite_db)
    sid = packed_shipment(sqlite_db)
    label = shipping.create_label(sqlite_db, actor=LEAD, shipment_id=sid, fmt="pdf")
    out = tmp_path / "printed.pdf"
    profile = PrinterProfile("Laser", "system", queue=f"file:{out}", paper=paper)
    devices.send(profile, label.content, "pdf")
    page = pdfium.PdfDocument(out.read_bytes())[0]
    assert tuple(round(v) for v in page.get_size()) == tuple(round(v) for v in size)
    image = page.render(scale=203 / 72, grayscale=True).to_pil()
    found = zxingcpp.read_barcodes(image)
    assert {r.text for r in found} == {label.tracking_number, f"(00){label.sscc[0]}"}
    for result in found:  # drawn 1:1 in the top left 4x6 inches, not stretched to the page
        assert result.position.bottom_right.x < 288 * 203 / 72
        assert result.position.bottom_right.y < 432 * 203 / 72
