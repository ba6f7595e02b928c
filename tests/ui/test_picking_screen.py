import pytest
from PySide6.QtCore import Qt

from oms_desktop.services.orders import views as orders
from oms_desktop.services.floor import short_picks
from tests.factories import small_world
from tests.floor_fixtures import assigned_shipment, stock_up
from tests.ui.floor_ui import install_scanner, make_context, remove_scanner, scan

from oms_desktop.ui.screens.picking import SHORT_COLOUR, PickingScreen


@pytest.fixture
def cart(qtbot, sqlite_db):
    small_world(sqlite_db)
    stock_up(sqlite_db, {("SKU-1", "WH1-A-01"): 10, ("SKU-2", "WH1-A-02"): 10})
    ctx = make_context(sqlite_db)
    screen = PickingScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1100, 700)
    screen.show()
    scanner = install_scanner(screen)
    yield screen, sqlite_db
    remove_scanner(scanner)
    ctx.ops.wait()


def test_a_batch_is_created_and_picked_bin_by_bin_with_the_scanner(qtbot, cart):
    screen, db = cart
    o1, _ = assigned_shipment(db, {"SKU-1": 1, "SKU-2": 2},
                              bins={"SKU-1": "WH1-A-01", "SKU-2": "WH1-A-02"})
    o2, _ = assigned_shipment(db, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"})
    screen.orders_edit.setText(f"{o1}, {o2}")
    with qtbot.waitSignal(screen.feedback_shown):
        qtbot.keyClick(screen, Qt.Key_F7)
    pl = screen.view.id
    assert screen.stop.text() == "Go to bin WH1-A-01"
    field = screen.orders_edit
    field.setFocus()
    assert scan(qtbot, screen, field, f"PL-{pl}") == "Go to bin WH1-A-01"
    assert scan(qtbot, screen, field, "WH1-A-02").startswith("Wrong bin")
    assert screen.banner.state == "bad"
    scan(qtbot, screen, field, "WH1-A-01")
    assert screen.stop.text() == "Pick 2 × SKU-1"
    assert scan(qtbot, screen, field, "4006381333931") == "SKU-1: put 1 into slot 1."
    with qtbot.waitSignal(screen.feedback_shown):
        qtbot.keyClick(screen, Qt.Key_Z, Qt.ControlModifier)
    assert screen.banner.text() == "Undone: 1 x SKU-1"
    scan(qtbot, screen, field, "QTY-2")
    assert scan(qtbot, screen, field, "SKU-1").endswith("Next: bin WH1-A-02")
    scan(qtbot, screen, field, "WH1-A-02")
    with qtbot.waitSignal(screen.feedback_shown):
        qtbot.keyClick(screen, Qt.Key_F8)
    assert screen.banner.text() == "Short 2 x SKU-2 at WH1-A-02: bin empty"
    # finished, but short: amber, never a green "done"
    assert screen.banner.state == "warn"
    assert screen.stop.text() == f"PL-{pl} finished short: 2 units missing"
    assert SHORT_COLOUR in screen.stop.styleSheet() and field.text() == ""
    assert screen.progress.text().endswith("2 of 4 units picked, 2 short")
    assert [e.reason for e in short_picks.exceptions(db)] == ["bin empty"]
    assert orders.get_order(db, o2).shipments[0].status == "picked"


def test_scanning_before_a_list_asks_for_one(qtbot, cart):
    screen, _ = cart
    screen.orders_edit.setFocus()
    assert scan(qtbot, screen, screen.orders_edit, "WH1-A-01") == "Scan a pick list (PL-…) first"


def test_a_supervisor_resolves_a_short_pick_from_the_screen(qtbot, sqlite_db):
    from oms_desktop.model import Actor, Role
    from oms_desktop.services.floor import picking
    from oms_desktop.ui.screens.picking import SHORT_COLOUR, PickingScreen
    small_world(sqlite_db)
    stock_up(sqlite_db, {("SKU-1", "WH1-A-01"): 10})
    o1, _ = assigned_shipment(sqlite_db, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"})
    boss = Actor("sam", Role.supervisor)
    pl = picking.create_for_orders(sqlite_db, actor=boss, orders=[str(o1)]).id
    picking.short_pick(sqlite_db, actor=boss, pick_list_id=pl, reason="damaged")
    ctx = make_context(sqlite_db, boss)
    screen = PickingScreen(ctx)
    qtbot.addWidget(screen)
    qtbot.waitUntil(lambda: screen.exception_list.count() == 1)
    assert "1 × SKU-1 at WH1-A-01 · damaged" in screen.exception_list.currentText()
    with qtbot.waitSignal(screen.feedback_shown):
        screen.resolve("found")
    assert screen.banner.text() == "Short pick found"
    qtbot.waitUntil(lambda: screen.exception_list.count() == 0)
    ctx.ops.wait()


def test_the_pick_list_is_previewed_and_printed_to_the_pickers_own_folder(
        qtbot, cart, tmp_path, monkeypatch):
    import pypdfium2

    from tests.documents.test_picklist_pdf import decode_pages

    monkeypatch.setenv("OMS_DOCUMENTS_DIR", str(tmp_path / "pia's documents"))
    screen, db = cart
    order, _ = assigned_shipment(db, {"SKU-1": 1}, bins={"SKU-1": "WH1-A-01"})
    assert not screen.buttons["Print"].isEnabled()  # nothing to print before a list
    screen.orders_edit.setText(str(order))
    with qtbot.waitSignal(screen.feedback_shown):
        qtbot.keyClick(screen, Qt.Key_F7)
    label = screen.view.label
    qtbot.keyClick(screen, Qt.Key_P, Qt.ControlModifier | Qt.ShiftModifier)
    qtbot.waitUntil(lambda: getattr(screen, "preview_dialog", None) is not None
                    and screen.preview_dialog.isVisible(), timeout=5000)
    assert len(screen.preview_dialog.pages) == 1
    assert screen.preview_dialog.pages[0].width() >= 700  # readable, not a thumbnail
    with qtbot.waitSignal(screen.feedback_shown):
        qtbot.keyClick(screen.preview_dialog, Qt.Key_P, Qt.ControlModifier)
    path = tmp_path / "pia's documents" / f"{label}.pdf"
    assert screen.banner.text() == f"Pick list {label} saved to {path}"
    pdf = path.read_bytes()
    text = pypdfium2.PdfDocument(pdf)[0].get_textpage().get_text_range()
    assert label in text and "1 order · 1 line · 1 unit" in text
    assert label in decode_pages(pdf)[0]  # the list's own barcode, read by a real decoder
