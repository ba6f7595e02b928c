"""The general-ledger journal carries a business customer's invoice and payment and the bills
beside the web sales, each day balanced per currency."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal

from oms_desktop.model import SYSTEM
from oms_desktop.services.b2b import invoices
from oms_desktop.services.books import journal, trade
from tests.books.trade_world import labelled, manual_carrier
from tests.books.world import CHAIN, business_customer, shipped


def test_invoices_payments_and_bills_are_balanced_lines_of_the_journal(db, monkeypatch):
    from tests.books.world import books_world
    books_world(db)
    manual_carrier(db)
    labelled(db, monkeypatch, {"SKU-1": 1}, at=datetime(2026, 11, 2, 10, tzinfo=timezone.utc))
    with monkeypatch.context() as clock:
        moment = datetime(2026, 11, 2, 12, tzinfo=timezone.utc)
        clock.setattr("oms_desktop.model.shipment.utcnow", lambda: moment)
        clock.setattr("oms_desktop.services.b2b.invoices.utcnow", lambda: moment)
        shipped(db, {"SKU-1": 3, "SKU-2": 2}, customer_id=business_customer(db))
    [inv] = invoices.list_invoices(db)
    invoices.record_payment(db, actor=SYSTEM, invoice=inv.number, amount="140.00",
                            received_on=date(2026, 11, 20))
    trade.add_fee(db, actor=SYSTEM, channel="MKT", amount="3.15", day=date(2026, 11, 20),
                  reference="STMT-1")

    rows = journal.journal(db, first=date(2026, 11, 1), last=date(2026, 11, 30))

    found = {(r.date.day, r.account, r.reference): (r.debit, r.credit) for r in rows}
    assert found[(2, f"Receivable {CHAIN}", f"{CHAIN} invoices")] == (Decimal("140.00"), 0)
    assert found[(2, "Sales", f"{CHAIN} invoices")] == (0, Decimal("140.00"))
    assert found[(20, "Bank", f"{CHAIN} payments")] == (Decimal("140.00"), 0)
    assert found[(20, "Channel fees", "channel:MKT bills")] == (Decimal("3.15"), 0)
    assert found[(2, "Postage", "carrier:manual bills")] == (Decimal("2.90"), 0)
    sums: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for r in rows:
        sums[(r.date, r.currency)][0] += r.debit
        sums[(r.date, r.currency)][1] += r.credit
    assert all(d == c for d, c in sums.values()) and len(sums) == 3
