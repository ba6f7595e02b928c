"""A month in the books, whole: November's web and marketplace orders ship in three
currencies with carrier labels (one voided and bought again), a unit comes back and is
refunded in part, a business customer's invoice is paid late in December, the marketplace
charges a fee. Every document reaches QuickBooks, Xero and SAP Business One (as far as each
takes it); a poster killed after QuickBooks answered posts nothing twice when run again; an
order to a country without a tax code waits alone until it is mapped; then each target's
reconciliation shows no difference."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone

from oms_desktop.model import SYSTEM
from oms_desktop.services.b2b import invoices
from oms_desktop.services.books import mappings, posting, reconcile, trade
from tests.books.processes_helpers import start_post
from tests.books.sap_emulator import SapB1Emulator
from tests.books.trade_world import labelled, manual_carrier
from tests.books.world import (
    business_customer, postings, refunded_unit, set_up_quickbooks, set_up_sap, set_up_xero,
    shipped,
)

NOVEMBER = [  # day, channel, currency, country, lines, discount, void the first label
    (2, "WEB", "USD", "US", {"SKU-1": 2, "SKU-2": 1}, "5.00", False),
    (3, "MKT", "EUR", "DE", {"SKU-2": 3}, "0.00", True),
    (10, "WEB", "USD", "US", {"SKU-1": 1}, "0.00", False),
    (17, "MKT", "EUR", "DE", {"SKU-1": 1, "SKU-2": 2}, "0.00", False),
    (24, "WEB", "GBP", "GB", {"SKU-2": 4}, "2.50", False),
    (25, "MKT", "EUR", "FR", {"SKU-1": 1}, "0.00", False),  # FR: no tax code anywhere yet
]
FIRST, TODAY = date(2026, 11, 1), date.today()


def _at(day: int) -> datetime:
    return datetime(2026, 11, day, 15, 30, tzinfo=timezone.utc)


def _the_month(db, monkeypatch) -> None:
    manual_carrier(db)
    ids = []
    # the month's orders ship with the manual carrier's labels, each on its own day
    for day, channel, currency, country, lines, discount, void in NOVEMBER:
        ids.append(labelled(db, monkeypatch, lines, at=_at(day), void_first=void,
                            channel=channel, currency=currency, country=country,
                            discount=discount, tax_rate="0.19" if country == "DE" else "0.10"))
    # one unit of the 17th's euro order comes back and is refunded
    refunded_unit(db, ids[3], "SKU-2")
    # the chain's order ships on the 2nd, invoiced net 30, and is paid 3 days late
    chain = business_customer(db, terms="net 30")
    with monkeypatch.context() as clock:
        clock.setattr("oms_desktop.model.shipment.utcnow", lambda: _at(2))
        clock.setattr("oms_desktop.services.b2b.invoices.utcnow", lambda: _at(2))
        shipped(db, {"SKU-1": 5, "SKU-2": 10}, customer_id=chain)
    [inv] = invoices.list_invoices(db)
    invoices.record_payment(db, actor=SYSTEM, invoice=inv.number, amount=str(inv.total),
                            received_on=inv.due_on + timedelta(days=3), reference="WIRE-88")
    # the marketplace's statement charges its referral fees
    trade.add_fee(db, actor=SYSTEM, channel="MKT", amount="4.85", day=date(2026, 11, 30),
                  reference="STMT-2026-11", what="referral fees")
    # the carriers' days are over: their bills are queued
    assert trade.queue_carrier_bills(db, actor=SYSTEM) == 2 * len(NOVEMBER)  # QBO, Xero


def test_a_month_in_the_books_in_three_targets(db, db_url, books, cli_admin, qbo, xero,
                                                monkeypatch):
    with SapB1Emulator() as sap:
        set_up_quickbooks(db, qbo)
        set_up_xero(db, xero)
        set_up_sap(db, sap, monkeypatch)
        mappings.set_mapping(db, actor=SYSTEM, target="sapb1", kind="tax", key="GB",
                             value="X10")
        _the_month(db, monkeypatch)

        # QuickBooks: the poster is killed right after QuickBooks took the first document
        killed = start_post(db_url, "quickbooks", crash_at="books.posted", lease=1)
        assert killed.wait(timeout=120) == -9
        time.sleep(1.2)  # the dead worker's lease runs out
        rerun = start_post(db_url, "quickbooks")
        assert rerun.wait(timeout=300) == 3, rerun.stderr.read()  # one blocked: FR
        for target in ("xero", "sapb1"):
            posting.post_pending(db, actor=SYSTEM, target=target)

        # only the order to France waits, on every target, saying what it lacks
        for target in ("quickbooks", "xero", "sapb1"):
            blocked = [p for p in postings(db, target) if p.status.value != "posted"]
            assert [(p.kind, p.channel, p.status.value) for p in blocked] == [
                ("sale", "MKT", "blocked")], target
            assert f"Not mapped on {target}: tax code for country FR" in blocked[0].last_error
        _what_each_target_holds(qbo, xero, sap)
        _nothing_twice(qbo)

        # FR mapped on each target, the blocked sale sent again: every book balances
        for target, code in (("quickbooks", "TAX"), ("xero", "OUTPUT"), ("sapb1", "X10")):
            mappings.set_mapping(db, actor=SYSTEM, target=target, kind="tax", key="FR",
                                 value=code)
            posting.retry(db, actor=SYSTEM, target=target)
            assert posting.post_pending(db, actor=SYSTEM, target=target).posted == 1
            report = reconcile.reconcile(db, target=target, first=FIRST, last=TODAY)
            assert report.balanced and report.differences == [], (target, report.differences)
            assert sum(r.refunded for r in report.rows) > 0
        _nothing_twice(qbo)
        assert {r.kind for r in reconcile.reconcile(
            db, target="xero", first=FIRST, last=TODAY).trade} == {"invoice", "payment", "bill"}


def _what_each_target_holds(qbo, xero, sap) -> None:
    """Five sales (the French one waits), the refund, the chain's invoice and its late
    payment, six carrier days and the fee; SAP takes the sales, the refund and the invoice."""
    counts = {e: len(d) for e, d in qbo.docs.items() if d}
    assert counts == {"SalesReceipt": 5, "RefundReceipt": 1, "Invoice": 1, "Payment": 1,
                      "Bill": 7}
    [inv] = qbo.docs["Invoice"].values()
    assert inv["Balance"] == 0 and inv["CustomerRef"] == {"value": "61"}
    [paid] = xero.docs["Payments"].values()
    chain_invoice = xero.docs["Invoices"][paid["Invoice"]["InvoiceID"]]
    assert chain_invoice["Status"] == "PAID" and chain_invoice["AmountDue"] == 0
    types = Counter(d["Type"] for d in xero.docs["Invoices"].values())
    assert types == {"ACCREC": 6, "ACCPAY": 7} and len(xero.docs["CreditNotes"]) == 1
    assert len(sap.docs["Invoices"]) == 6 and len(sap.docs["CreditNotes"]) == 1
    voided_day = [b for b in qbo.docs["Bill"].values() if b["TxnDate"] == "2026-11-03"]
    assert [b["TotalAmt"] for b in voided_day] == [2.9]  # the voided Courier label not billed


def _nothing_twice(qbo) -> None:
    """Each request id made one document, and no document number was made twice."""
    keys = Counter(r[2].get("requestid") for r in qbo.writes())
    numbers = [d.get("DocNumber") or d["Id"] for d in qbo.all_docs()]
    assert len(set(numbers)) == len(numbers) == len(keys)
    assert max(keys.values()) <= 2  # the killed poster's document was asked for twice, once made
