"""The books screen lists what a bill lacks before anything is sent (the channel as a
vendor, the fee account) beside what the sales lack; mapped by keyboard, F7 posts the bill."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt

from oms_desktop.model import SYSTEM, Actor, Role
from oms_desktop.services.books import trade
from oms_desktop.ui import theme
from oms_desktop.ui.context import AppContext
from oms_desktop.ui.ops import Ops
from oms_desktop.ui.screens.books import BooksScreen
from tests.books.world import books_world, secrets_env, set_up_quickbooks, shipped
from tests.keyrings import memory_keyring_installed

MANAGER = Actor("mia", Role.manager, station="OFFICE-1")


@pytest.fixture
def screen(qtbot, qapp, sqlite_db, qbo, monkeypatch):
    saved = (qapp.styleSheet(), qapp.palette(), qapp.font())
    theme.apply(qapp)
    books_world(sqlite_db)
    secrets_env(monkeypatch, "quickbooks")
    with memory_keyring_installed():
        set_up_quickbooks(sqlite_db, qbo, skip=(("vendor", "channel:MKT"),
                                                ("account", "fees")))
        shipped(sqlite_db, {"SKU-1": 2}, number="#1001")
        trade.add_fee(sqlite_db, actor=SYSTEM, channel="MKT", amount="3.15",
                      day=date(2026, 11, 3), reference="STMT-11-03", what="referral fees")
        ctx = AppContext(db=sqlite_db, actor=MANAGER, ops=Ops())
        widget = BooksScreen(ctx)
        qtbot.addWidget(widget)
        widget.resize(1360, 860)
        widget.show()
        qtbot.waitUntil(lambda: widget.missing.rowCount() == 2, timeout=5000)
        yield widget
        ctx.ops.wait()
    qapp.setStyleSheet(saved[0])
    qapp.setPalette(saved[1])
    qapp.setFont(saved[2])


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
