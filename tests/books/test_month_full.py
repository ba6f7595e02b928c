"""A month in the books, whole: November's web and marketplace orders ship in three
currencies with carrier labels (one voided and bought again), a unit comes back and is
refunded in part, a business customer's invoice is paid late in December, the marketplace
charges a fee, stock comes in at new costs mid-month (the month's FIFO stock journal). Every document reaches QuickBooks, Xero and SAP Business One (as far as each
takes it); a poster killed after QuickBooks answered posts nothing twice when run again; an
order to a country without a tax code waits alone until it is mapped; then each target's
reconciliation shows no difference."""

from __future__ import annotations

import time
from collections import Counter
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from oms_desktop.model import SYSTEM
from oms_desktop.services.b2b import invoices
from oms_desktop.services.books import mappings, posting, reconcile, stock_journal, trade
from tests.books.processes_helpers import start_post
from tests.books.sap_emulator import SapB1Emulator
from tests.books.stock_world import ACCOUNTS as STOCK_ACCOUNTS
from tests.books.stock_world import dated, receive
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
    # the stock the month starts with, at October's costs
    with dated(db, "2026-10-28"):
        receive(db, "SKU-1", "WH1-A-01", 8, "20.00")
        receive(db, "SKU-2", "WH1-A-01", 16, "2.50")
    # the chain's order ships on the 2nd, invoiced net 30 (it is paid late, below)
    chain = business_customer(db, terms="net 30")
    with monkeypatch.context() as clock, dated(db, "2026-11-02"):
        clock.setattr("oms_desktop.model.shipment.utcnow", lambda: _at(2))
        clock.setattr("oms_desktop.services.b2b.invoices.utcnow", lambda: _at(2))
        shipped(db, {"SKU-1": 5, "SKU-2": 10}, customer_id=chain, stock_in=False)
    ids = []
    # the month's orders ship from that stock with the manual carrier's labels, each on its
    # own day; on the 12th more comes in at new costs
    for day, channel, currency, country, lines, discount, void in NOVEMBER:
        if day == 17:
            with dated(db, "2026-11-12"):
                receive(db, "SKU-1", "WH1-A-01", 4, "26.00")
                receive(db, "SKU-2", "WH1-A-01", 6, "2.80")
        with dated(db, f"2026-11-{day:02d}"):
            ids.append(labelled(db, monkeypatch, lines, at=_at(day), void_first=void,
                                channel=channel, currency=currency, country=country,
                                discount=discount, stock_in=False,
                                tax_rate="0.19" if country == "DE" else "0.10"))
    # one unit of the 17th's euro order comes back and is refunded
    refunded_unit(db, ids[3], "SKU-2")
    [inv] = invoices.list_invoices(db)
    invoices.record_payment(db, actor=SYSTEM, invoice=inv.number, amount=str(inv.total),
                            received_on=inv.due_on + timedelta(days=3), reference="WIRE-88")
    # the marketplace's statement charges its referral fees
    trade.add_fee(db, actor=SYSTEM, channel="MKT", amount="4.85", day=date(2026, 11, 30),
                  reference="STMT-2026-11", what="referral fees")
    # the carriers' days are over: their bills are queued; so is November's stock journal
    assert trade.queue_carrier_bills(db, actor=SYSTEM) == 2 * len(NOVEMBER)  # QBO, Xero
    queued = stock_journal.queue_month(db, actor=SYSTEM, month="2026-11")
    # FIFO: 10 mugs out, 8 at 20.00 and 2 at the new 26.00; 20 spoons out, 16 at 2.50 and
    # 4 at the new 2.80: 212.00 + 51.20 sold; 120.80 received at the new costs
    assert queued.month.cogs == Decimal("263.20") and queued.month.guessed == 0
    assert queued.month.opening == Decimal("200.00")
    assert queued.month.closing == Decimal("200.00") + Decimal("120.80") - Decimal("263.20")
    assert len(queued.postings) == 3  # one journal for each target


def test_a_month_in_the_books_in_three_targets(db, db_url, books, cli_admin, qbo, xero,
                                                monkeypatch):
    with SapB1Emulator() as sap:
        set_up_quickbooks(db, qbo)
        set_up_xero(db, xero)
        set_up_sap(db, sap, monkeypatch)
        mappings.set_mapping(db, actor=SYSTEM, target="sapb1", kind="tax", key="GB",
                             value="X10")
        for target, accounts in STOCK_ACCOUNTS.items():
            for role, value in accounts.items():
                mappings.set_mapping(db, actor=SYSTEM, target=target, kind="account",
                                     key=role, value=value)
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
    for emulator in (qbo, xero, sap):  # November's stock journal, once each
        assert len(emulator.journals) == 1
    voided_day = [b for b in qbo.docs["Bill"].values() if b["TxnDate"] == "2026-11-03"]
    assert [b["TotalAmt"] for b in voided_day] == [2.9]  # the voided Courier label not billed


def _nothing_twice(qbo) -> None:
    """Each request id made one document, and no document number was made twice."""
    keys = Counter(r[2].get("requestid") for r in qbo.writes())
    made = qbo.all_docs() + list(qbo.journals.values())
    numbers = [d.get("DocNumber") or d["Id"] for d in made]
    assert len(set(numbers)) == len(numbers) == len(keys), (numbers, keys)
    assert max(keys.values()) <= 2  # the killed poster's document was asked for twice, once made
