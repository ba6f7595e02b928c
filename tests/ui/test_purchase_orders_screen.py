"""The purchase-order screen as a supervisor uses it: the customer, scans and typed codes
(Enter adds one more), a quantity edited in place to reach a price break, a paste from a
spreadsheet with its bad rows listed, the credit check before saving, Ctrl+S pressed twice
making one order, an over-limit order saved on credit hold, a file uploaded. Rendered for
the README."""

from __future__ import annotations

from decimal import Decimal

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog

from oms_desktop.services.b2b import accounts
from oms_desktop.services.b2b import purchase_orders as pos
from oms_desktop.services.orders import views as orders
from oms_desktop.ui import theme
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.purchase_orders import PurchaseOrdersScreen
from tests.b2b.world import MANAGER, SUPERVISOR, wholesale_world


@pytest.fixture
def screen(qtbot, qapp, sqlite_db):
    saved = (qapp.styleSheet(), qapp.palette(), qapp.font())
    theme.apply(qapp)
    wholesale_world(sqlite_db)
    ctx = AppContext(db=sqlite_db, actor=SUPERVISOR, ops=Ops())
    widget = PurchaseOrdersScreen(ctx)
    qtbot.addWidget(widget)
    widget.resize(1360, 860)
    widget.show()
    qtbot.waitUntil(lambda: widget.customer_box.count() == 1, timeout=5000)
    widget.customer_box.setCurrentIndex(0)
    qtbot.waitUntil(lambda: widget.credit is not None, timeout=5000)
    yield widget
    ctx.ops.wait()
    qapp.setStyleSheet(saved[0])
    qapp.setPalette(saved[1])
    qapp.setFont(saved[2])


def lines(screen) -> list[tuple[str, int, str]]:
    model = screen.lines.model
    return [(l.item.sku, l.quantity, model.data(model.index(r, 3))) for r, l in
            enumerate(model.lines)]


def wait_lines(qtbot, screen, count: int) -> None:
    qtbot.waitUntil(lambda: len(screen.lines.model.lines) == count and
                    screen.lines.queue.idle, timeout=5000)


def test_scans_and_typed_codes_priced_with_breaks_and_saved_once(qtbot, screen):
    for code in ("SKU-1", "SKU-1", "036000291452", "SKU-1"):  # a scanner's bursts
        screen.handle_scan(code)
    qtbot.keyClicks(screen.lines.code, "4006381333931")  # typed by hand, Enter adds one more
    qtbot.keyClick(screen.lines.code, Qt.Key_Return)
    wait_lines(qtbot, screen, 2)
    qtbot.waitUntil(lambda: lines(screen)[0][1] == 4, timeout=5000)
    assert lines(screen) == [("SKU-1", 4, "10.00"), ("SKU-2", 1, "3.50")]
    assert "1+ 10.00 · 10+ 9.00" in screen.lines.model.data(screen.lines.model.index(0, 4))

    # the quantity edited in place: ten mugs reach the 9.00 break
    table = screen.lines.table
    table.setFocus()
    table.setCurrentIndex(screen.lines.model.index(0, 2))
    qtbot.keyClick(table, Qt.Key_1)  # typing on the cell opens its editor with the "1"
    editor = QApplication.focusWidget()
    assert editor.accessibleName() == "Quantity"
    qtbot.keyClicks(editor, "0")
    qtbot.keyClick(editor, Qt.Key_Return)  # committed once the editor has had the key
    qtbot.waitUntil(lambda: lines(screen)[0] == ("SKU-1", 10, "9.00"), timeout=3000)
    assert screen.total.text() == "Total 93.50 · 2 line(s)"
    assert screen.credit_label.text() == (
        "Credit limit 1,000.00: open invoices 0.00 + open orders 0.00 + this order 93.50 = "
        "93.50 — 906.50 left")

    qtbot.keyClicks(screen.po_number, "PO-5001")
    qtbot.keyClick(screen.po_number, Qt.Key_S, Qt.ControlModifier)
    qtbot.keyClick(screen.po_number, Qt.Key_S, Qt.ControlModifier)  # pressed twice
    qtbot.waitUntil(lambda: "saved as order PO-5001" in screen.feedback.text(), timeout=5000)
    screen._ctx.ops.wait()
    assert [(o.number, o.total) for o in orders.list_orders(screen._ctx.db)] == [
        ("PO-5001", Decimal("93.50"))]
    assert screen.lines.model.lines == [] and screen.po_number.text() == ""
    qtbot.waitUntil(lambda: "open orders 93.50" in screen.credit_label.text(), timeout=5000)


def test_a_paste_takes_the_good_rows_and_lists_each_bad_one_with_its_reason(qtbot, screen,
                                                                          screenshot_dir):
    QGuiApplication.clipboard().setText(
        "Item\tQty\tDate\nSKU-1\t12\n4006381333931\t3\nNO-SUCH\t2\nSKU-2\tten\n"
        "SKU-2\t5\t2020-01-01\n036000291452\t1,000\n")
    screen.lines.table.setFocus()
    qtbot.keyClick(screen.lines.table, Qt.Key_V, Qt.ControlModifier)
    qtbot.waitUntil(lambda: screen.lines.bad.count() == 3, timeout=5000)
    assert lines(screen) == [("SKU-1", 15, "9.00"), ("SKU-2", 1000, "3.50")]
    assert [screen.lines.bad.item(i).text() for i in range(3)] == [
        "Row 4: NO-SUCH | 2 — no product with SKU or barcode NO-SUCH",
        "Row 5: SKU-2 | ten — quantity 'ten' is not a number",
        "Row 6: SKU-2 | 5 | 2020-01-01 — requested date 2020-01-01 is in the past"]
    assert screen.lines.feedback.text() == "Pasted: 3 row(s) taken, 3 not taken (listed below)"
    assert "OVER by 2,635.00: it will be saved ON CREDIT HOLD" in screen.credit_label.text()
    screen.po_number.setText("PO-5002")
    screen.grab().save(str(screenshot_dir / "purchase_orders.png"))

    # pasted into the code field, the rows go to the lines, not into the field
    QGuiApplication.clipboard().setText("SKU-1\t5\n")
    screen.lines.code.setFocus()
    qtbot.keyClick(screen.lines.code, Qt.Key_V, Qt.ControlModifier)
    qtbot.waitUntil(lambda: lines(screen)[0][1] == 20, timeout=5000)
    assert screen.lines.code.text() == "" and screen.lines.bad.count() == 0


def test_over_the_limit_it_says_so_before_and_saves_on_credit_hold(qtbot, screen):
    screen.handle_scan("SKU-1")
    wait_lines(qtbot, screen, 1)
    screen.lines.model.set_quantity(0, 120)  # 1,080.00 on a 1,000.00 limit
    assert "OVER by 80.00: it will be saved ON CREDIT HOLD" in screen.credit_label.text()
    screen.po_number.setText("PO-BIG")
    for widget, text in zip(screen.ship.values(), ("1 Main St", "Springfield", "IL", "62701",
                                                   "US")):
        widget.setText(text)
    screen.save()
    qtbot.waitUntil(lambda: "PO-BIG" in screen.feedback.text(), timeout=5000)
    assert "on hold — ON CREDIT HOLD: a manager releases it" in screen.feedback.text()
    [order] = orders.list_orders(screen._ctx.db)
    assert order.status == "on_hold"


def test_a_po_number_already_saved_is_refused_and_the_lines_stay(qtbot, screen):
    screen.handle_scan("SKU-2")
    wait_lines(qtbot, screen, 1)
    screen.po_number.setText("PO-9")
    screen.save()
    qtbot.waitUntil(lambda: "saved as order PO-9" in screen.feedback.text(), timeout=5000)
    screen.handle_scan("SKU-2")
    wait_lines(qtbot, screen, 1)
    screen.po_number.setText("PO-9")
    screen.save()
    qtbot.waitUntil(lambda: "already saved as order PO-9 by sam" in screen.feedback.text(),
                    timeout=5000)
    assert lines(screen) == [("SKU-2", 1, "3.50")] and screen.po_number.text() == "PO-9"


def test_an_unknown_code_says_so_and_adds_nothing(qtbot, screen):
    screen.handle_scan("NOPE-1")
    qtbot.waitUntil(lambda: "NOPE-1" in screen.lines.feedback.text(), timeout=5000)
    assert screen.lines.feedback.text() == "No product with SKU or barcode NOPE-1"
    assert screen.lines.model.lines == []


def test_a_file_is_uploaded_with_a_saved_mapping(qtbot, screen, tmp_path, monkeypatch):
    pos.save_mapping(screen._ctx.db, actor=SUPERVISOR, name="corner",
                     columns={"po_number": "PO", "sku": "Item", "quantity": "Qty"})
    path = tmp_path / "pos.csv"
    path.write_text("PO,Item,Qty\nF-1,SKU-1,2\nF-2,SKU-2,3\n")
    asked = []
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *a, **k: (asked.append("file"), (str(path), ""))[1])
    monkeypatch.setattr(QInputDialog, "getItem",
                        lambda _p, _t, _l, names, *a: (asked.append(names), ("corner", True))[1])
    # Ctrl+U from the PO number field: the screen's key, not the field's "delete the line"
    screen.po_number.setText("keep me")
    qtbot.keyClick(screen.po_number, Qt.Key_U, Qt.ControlModifier)
    qtbot.waitUntil(lambda: "from the file" in screen.feedback.text(), timeout=5000)
    assert asked == ["file", ["corner"]] and screen.po_number.text() == "keep me"
    assert screen.feedback.text().startswith("2 purchase order(s) saved (F-1, F-2)")
    assert sorted(o.number for o in orders.list_orders(screen._ctx.db)) == ["F-1", "F-2"]


def test_another_customer_reprices_the_lines_and_delete_removes_one(qtbot, screen):
    accounts.set_account(screen._ctx.db, actor=MANAGER, customer="Harbour Hardware",
                         terms="net 30")  # no price list: the catalogue's prices
    qtbot.keyClick(screen.po_number, Qt.Key_F5)
    qtbot.waitUntil(lambda: screen.customer_box.count() == 2, timeout=5000)
    assert screen.customer_box.currentText() == "Corner Stores Inc · 2/10 net 30"
    for code in ("SKU-1", "SKU-2"):
        screen.handle_scan(code)
    wait_lines(qtbot, screen, 2)
    screen.customer_box.setCurrentIndex(1)
    qtbot.waitUntil(lambda: lines(screen) == [("SKU-1", 1, "12.50"), ("SKU-2", 1, "3.99")],
                    timeout=5000)
    qtbot.waitUntil(lambda: "No credit limit" in screen.credit_label.text(), timeout=5000)
    screen.lines.table.setFocus()
    screen.lines.table.selectRow(0)
    qtbot.keyClick(screen.lines.table, Qt.Key_Delete)
    assert lines(screen) == [("SKU-2", 1, "3.99")]
    assert screen.total.text() == "Total 3.99 · 1 line(s)"
