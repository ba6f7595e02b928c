"""The credit & invoices screen: the customer on credit hold with its held order, F6 refused
for a supervisor by the service (the button is off for them, the key still asks) and done by
a manager; invoices open, overdue and paid, a payment recorded with F8, the invoice PDF
previewed with F7, the aging table. Rendered for the README."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from PySide6.QtCore import Qt

from oms_desktop.services.b2b import desk, invoices
from oms_desktop.ui import theme
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.b2b_credit import B2bCreditScreen
from tests.b2b.acts import ADDRESS, packed_b2b_shipments, ship
from tests.b2b.world import MANAGER, SUPERVISOR, wholesale_world


@pytest.fixture
def world(qapp, sqlite_db, monkeypatch, tmp_path):
    monkeypatch.setenv("OMS_DOCUMENTS_DIR", str(tmp_path / "documents"))
    saved = (qapp.styleSheet(), qapp.palette(), qapp.font())
    theme.apply(qapp)
    wholesale_world(sqlite_db)
    for sid in packed_b2b_shipments(sqlite_db, 2):  # invoices for 10.00 and 20.00
        ship(sqlite_db, {"shipments": [sid]}, 0)
    chain = desk.business_customers(sqlite_db)[0].id
    held = desk.save_po(sqlite_db, actor=SUPERVISOR, customer_id=chain, po_number="PO-BIG",
                        lines=[desk.PoLine("SKU-1", 120)], ship_to=ADDRESS)
    assert held.credit_hold
    yield sqlite_db, held
    qapp.setStyleSheet(saved[0])
    qapp.setPalette(saved[1])
    qapp.setFont(saved[2])


def open_screen(qtbot, db, actor) -> B2bCreditScreen:
    ctx = AppContext(db=db, actor=actor, ops=Ops())
    screen = B2bCreditScreen(ctx)
    qtbot.addWidget(screen)
    screen.resize(1360, 860)
    screen.show()
    qtbot.waitUntil(lambda: screen.holds.rowCount() == 1 and screen.invoices.rowCount() == 2,
                    timeout=5000)
    return screen


def test_a_supervisor_is_refused_the_release_by_the_service(qtbot, world):
    db, held = world
    screen = open_screen(qtbot, db, SUPERVISOR)
    assert not screen.release_button.isEnabled()
    qtbot.keyClick(screen.holds_table, Qt.Key_F6)
    qtbot.waitUntil(lambda: "may not" in screen.feedback.text(), timeout=5000)
    assert "a manager or above must do it" in screen.feedback.text()
    assert [h.orders[0].number for h in desk.credit_holds(db)] == ["PO-BIG"]
    screen._ctx.ops.wait()


def test_a_manager_releases_the_hold_records_a_payment_and_previews_the_invoice(
        qtbot, world, screenshot_dir):
    db, held = world
    screen = open_screen(qtbot, db, MANAGER)
    row = screen.holds.rows[0]
    assert (row.customer.name, row.order.number, row.order.total) == (
        "Corner Stores Inc", "PO-BIG", Decimal("1080.00"))
    assert row.customer.credit.open_invoices == Decimal("30.00")
    assert [(v.number, v.state, v.balance) for v in screen.invoices.rows] == [
        ("INV-000001", "open", Decimal("10.00")), ("INV-000002", "open", Decimal("20.00"))]
    [aging] = screen.aging.rows
    assert (aging.buckets["current"], aging.total) == (Decimal("30.00"), Decimal("30.00"))
    screen.grab().save(str(screenshot_dir / "b2b_credit.png"))

    # F8: the first invoice paid in full within ten days: 2 % early-payment discount
    screen.invoices_table.selectRow(0)
    assert screen.amount.text() == "10.00"
    screen.amount.setText("9.80")
    qtbot.keyClick(screen.amount, Qt.Key_F8)
    qtbot.waitUntil(lambda: "INV-000001" in screen.feedback.text(), timeout=5000)
    assert screen.feedback.text() == ("INV-000001: 9.80 paid, 0.20 early-payment discount, "
                                      "0.00 owed, paid")
    qtbot.waitUntil(lambda: screen.invoices.rows[0].state == "paid", timeout=5000)

    # F6: the manager releases the credit hold
    qtbot.keyClick(screen.holds_table, Qt.Key_F6)
    qtbot.waitUntil(lambda: "credit hold released" in screen.feedback.text(), timeout=5000)
    assert screen.feedback.text() == "Order PO-BIG: credit hold released, now verified"
    qtbot.waitUntil(lambda: screen.holds.rowCount() == 0, timeout=5000)
    assert desk.credit_holds(db) == []

    # F7: the invoice as it prints
    qtbot.keyClick(screen.invoices_table, Qt.Key_F7)
    qtbot.waitUntil(lambda: getattr(screen, "preview_dialog", None) is not None and
                    screen.preview_dialog.isVisible(), timeout=5000)
    assert screen.preview_dialog.windowTitle() == "Invoice INV-000001"
    assert len(screen.preview_dialog.pages) == 1
    screen.preview_dialog.reject()

    screen._ctx.ops.wait()


def test_overdue_invoices_are_shown_as_such_and_aged(qtbot, world):
    db, _ = world
    later = desk.today() + timedelta(days=45)
    assert [v.state for v in invoices.list_invoices(db, today=later)] == ["overdue"] * 2
    [row] = invoices.aging(db, today=later)
    assert row.buckets["1-30"] == Decimal("30.00")
    screen = open_screen(qtbot, db, MANAGER)
    screen.state_box.setCurrentText("overdue")  # none overdue today
    qtbot.waitUntil(lambda: screen.invoices.rowCount() == 0, timeout=5000)
    screen.state_box.setCurrentText("open")
    qtbot.waitUntil(lambda: screen.invoices.rowCount() == 2, timeout=5000)
    screen._ctx.ops.wait()
