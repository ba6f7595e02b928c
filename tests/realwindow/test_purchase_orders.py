"""A purchase order in the real window, by a supervisor: Ctrl+Shift+O, the customer chosen by
typing its name, the PO number and ship-to typed by hand, the lines by a scanner's bursts
(capitals with Shift, Return at the end): the same SKU a dozen times reaches the customer's
price break, a barcode adds another item; Ctrl+U in a text field opens the upload and leaves
the field alone; Ctrl+S pressed twice saves one order."""

from __future__ import annotations

import time

import pytest

from tests.realwindow.conftest import sign_in
from tests.realwindow.polling import wait_until
from tests.realwindow.station import cli

SUPERVISOR = ("Sam", "supervisor", "3333")
CUSTOMER = "Harbour Hardware Ltd"
PO = "HH-4471"
SAVED = """SELECT l.sku, l.quantity, l.unit_price FROM orders o
    JOIN order_lines l ON l.order_id = o.id WHERE o.customer_po = ? ORDER BY l.line_no"""


def window_titled(station, title: str) -> bool:
    try:
        found = station.xdotool("search", "--all", "--onlyvisible", "--pid",
                                str(station.process.pid), "--name", f"^{title}$", timeout=5)
    except RuntimeError:  # xdotool exits 1 when nothing matches
        return False
    return bool(found.split())


@pytest.fixture(scope="module")
def items(desk) -> tuple[str, str, str]:
    """The harbour's account (a manager sets it up on the command line) and prices: 25.00 a
    unit of the first product, 20.00 from ten. Returns that SKU, another product's barcode
    and its SKU."""
    manager = {**desk.env, "OMS_USER": "manager", "OMS_PIN": "2222"}
    cli(manager, desk.url, "b2b", "account", CUSTOMER, "--terms", "net 30",
        "--credit-limit", "100000")
    [(sku,), (other,)] = desk.records.rows(
        "SELECT sku FROM products WHERE sku GLOB '*[A-Z]*' AND EXISTS (SELECT 1 FROM "
        "product_barcodes b WHERE b.product_id = products.id) ORDER BY sku LIMIT 2")
    barcode = desk.records.value("SELECT b.code FROM product_barcodes b JOIN products p ON "
                                 "p.id = b.product_id WHERE p.sku = ? ORDER BY b.code", other)
    for price, least in (("25.00", "1"), ("20.00", "10")):
        cli(manager, desk.url, "b2b", "price", sku, price, "--customer", CUSTOMER,
            "--min-qty", least)
    return sku, barcode, other


@pytest.fixture(scope="module")
def clerk(program, desk, items):
    sign_in(program, desk.records, *SUPERVISOR)
    return program


def test_a_scan_burst_with_capitals_fills_the_po_and_ctrl_s_saves_it_once(clerk, desk,
                                                                          items):
    sku, barcode, other = items
    clerk.press("ctrl+shift+o")
    time.sleep(3.0)  # the screen lists the business customers (nothing to poll: no writes)
    clerk.press("alt+c")
    clerk.type_by_hand("Harb")
    clerk.press("alt+p")
    clerk.type_by_hand(PO)
    # Ctrl+U in the field opens the upload (on X11 a text field would take it to delete
    # the line): the file dialog comes, Escape closes it, the PO number is still there
    clerk.press("ctrl+u")
    assert wait_until(lambda: window_titled(clerk, "Purchase orders file"), 10.0), \
        "Ctrl+U did not open the file dialog"
    clerk.press("Escape")
    assert wait_until(lambda: not window_titled(clerk, "Purchase orders file"), 5.0)
    clerk.focus()
    clerk.press("alt+t")
    for text in ("1 Quay Road", "Portland", "OR", "97201", "US"):
        clerk.type_by_hand(text, delay_ms=40)
        clerk.press("Tab")
    for _ in range(12):
        clerk.scan(sku)  # e.g. "AO-1001": Shift for each capital, then Return
    clerk.scan(barcode)
    time.sleep(1.0)
    clerk.screenshot(desk.folder / "po-before-save.png")
    clerk.press("ctrl+s", "ctrl+s")

    rows = desk.records.wait_for(SAVED, PO)
    listed = desk.records.value("SELECT price FROM products WHERE sku = ?", other)
    # money is kept in ten-thousandths on SQLite: the break's 20.00, the other's list price
    assert rows == [(sku, 12, 200_000), (other, 1, listed)]
    assert not wait_until(lambda: desk.records.value(
        "SELECT COUNT(*) FROM orders WHERE customer_po = ?", PO) > 1, 2.0)
    assert desk.records.rows("SELECT o.status, c.company FROM orders o JOIN customers c ON "
                             "c.id = o.customer_id WHERE o.customer_po = ?", PO) == [
        ("verified", CUSTOMER)]
    clerk.screenshot(desk.folder / "po-saved.png")


MANAGER = ("Mor", "manager", "2222")
HELD = """SELECT o.customer_po, COALESCE(c.company, c.name), o.id FROM orders o
    JOIN customers c ON c.id = o.customer_id JOIN order_holds h ON h.order_id = o.id
    WHERE h.reason = 'credit_limit' AND h.released_at IS NULL AND o.status = 'on_hold'"""
CREDIT_HOLD = """SELECT h.released_by FROM order_holds h JOIN orders o ON o.id = h.order_id
    WHERE o.customer_po = ? AND h.reason = 'credit_limit'"""


def test_f6_on_credit_and_invoices_is_refused_to_a_supervisor_and_done_by_a_manager(
        clerk, desk, items):
    sku = items[0]
    # a purchase order over the harbour's 100,000.00 limit (6,000 x 20.00), entered on the
    # command line by the supervisor
    desk.oms("b2b", "po", "add", CUSTOMER, "--po", "HH-BIG", "--line", f"{sku}:6000",
             "--ship-line1", "1 Quay Road", "--ship-city", "Portland", "--ship-region", "OR",
             "--ship-postal-code", "97201", "--ship-country", "US")
    assert desk.records.rows(CREDIT_HOLD, "HH-BIG") == [(None,)]

    clerk.press("ctrl+shift+i")
    time.sleep(2.0)  # the held orders are listed by customer, the first selected
    choose_held(clerk, desk, "HH-BIG")
    clerk.press("F6")  # the button is off for a supervisor; the key asks the service
    time.sleep(2.0)
    clerk.screenshot(desk.folder / "credit-refused.png")
    assert desk.records.rows(CREDIT_HOLD, "HH-BIG") == [(None,)]

    clerk.press("ctrl+l")  # switch user: the manager signs in at the same station
    sign_in(clerk, desk.records, *MANAGER)
    clerk.press("ctrl+shift+i")
    time.sleep(2.0)
    choose_held(clerk, desk, "HH-BIG")
    clerk.press("F6")
    assert desk.records.wait_for(CREDIT_HOLD + " AND h.released_by = 'manager'", "HH-BIG")
    clerk.screenshot(desk.folder / "credit-released.png")


def choose_held(station, desk, po: str) -> None:
    """The held orders as the screen lists them (by customer, then order); Ctrl+Home to the
    first row, Down to the one of `po`."""
    held = sorted(desk.records.rows(HELD), key=lambda r: (r[1].casefold(), r[2]))
    rows = [r[0] for r in held]
    station.press("ctrl+Home", *["Down"] * rows.index(po))
