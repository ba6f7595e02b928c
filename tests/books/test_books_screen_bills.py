"""The books screen lists what a bill lacks before anything is sent (the channel as a
vendor, the fee account) beside what the sales lack; mapped by keyboard, F7 posts the bill."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from oms_desktop.model import SYSTEM
from oms_desktop.services.books import trade
from tests.books.test_books_screen import books_screen
from tests.books.world import shipped


def one_order_and_a_fee(db) -> None:
    shipped(db, {"SKU-1": 2}, number="#1001")
    trade.add_fee(db, actor=SYSTEM, channel="MKT", amount="3.15",
                  day=date(2026, 11, 3), reference="STMT-11-03", what="referral fees")


@pytest.fixture
def screen(qtbot, qapp, sqlite_db, qbo, monkeypatch):
    with books_screen(qtbot, qapp, sqlite_db, qbo, monkeypatch,
                      skip=(("vendor", "channel:MKT"), ("account", "fees")),
                      fill=one_order_and_a_fee) as widget:
        yield widget


def test_a_bills_missing_vendor_and_fee_account_are_listed_and_mapped(qtbot, screen, qbo,
                                                                     screenshot_dir):
    missing = [(m.label, m.postings) for m in screen.missing.rows]
    assert missing == [("account for fees", 1), ("vendor for channel:MKT", 1)]
    assert qbo.all_docs() == []
    screen.grab().save(str(screenshot_dir / "books-mapping-bills.png"))

    qtbot.keyClicks(screen.value_field, "62")  # the fee account
    qtbot.keyClick(screen.value_field, Qt.Key_Return)
    qtbot.waitUntil(lambda: screen.missing.rowCount() == 1, timeout=5000)
    screen.missing_table.setFocus()
    qtbot.keyClicks(screen.value_field, "71")  # the marketplace as a vendor
    qtbot.keyClick(screen.value_field, Qt.Key_Return)
    qtbot.waitUntil(lambda: screen.missing.rowCount() == 0, timeout=5000)

    qtbot.keyClick(screen.postings_table, Qt.Key_F7)
    qtbot.waitUntil(lambda: "2 posted" in screen.feedback.text(), timeout=10000)
    [bill] = qbo.docs["Bill"].values()
    assert bill["VendorRef"] == {"value": "71"} and bill["TotalAmt"] == 3.15
