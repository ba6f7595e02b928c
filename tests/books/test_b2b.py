"""A business customer's invoices and payments in the books: the invoice (not a sales
receipt) to the customer's own mapping with its terms and due date, each payment applied to
it at the target; a payment recorded before its invoice was taken waits for it; an invoice
paid late is still posted once, and so is its payment."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from oms_desktop.model import SYSTEM
from oms_desktop.services.b2b import invoices
from oms_desktop.services.books import posting
from tests.books import qbo_emulator
from tests.books.world import (
    CHAIN, business_customer, postings, set_up_quickbooks, set_up_sap, set_up_xero, shipped,
)


def _invoice(db) -> invoices.InvoiceView:
    chain = business_customer(db)
    shipped(db, {"SKU-1": 3, "SKU-2": 2}, customer_id=chain)
    [inv] = invoices.list_invoices(db)
    return inv


def test_an_invoice_and_its_late_payment_go_to_quickbooks_once_each(db, books, qbo):
    set_up_quickbooks(db, qbo)
    inv = _invoice(db)  # 3 x 40 + 2 x 10 = 140.00 on 2/10 net 30
    late = inv.due_on + timedelta(days=12)
    invoices.record_payment(db, actor=SYSTEM, invoice=inv.number, amount="140.00",
                            received_on=late, reference="CHK-5521")

    result = posting.post_pending(db, actor=SYSTEM, target="quickbooks")

    assert (result.posted, result.blocked, result.failed) == (2, 0, 0), result.errors
    assert qbo.docs["SalesReceipt"] == {}  # a business customer's sale is its invoice
    [made] = qbo.docs["Invoice"].values()
    assert made["CustomerRef"] == {"value": "61"} and made["DocNumber"] == inv.number
    assert made["DueDate"] == inv.due_on.isoformat() and made["TotalAmt"] == 140.0
    assert made["CustomerMemo"] == {"value": "Terms: 2/10 net 30"}
    [paid] = qbo.docs["Payment"].values()
    assert paid["Line"][0]["LinkedTxn"] == [{"TxnId": made["Id"], "TxnType": "Invoice"}]
    assert paid["TxnDate"] == late.isoformat() and paid["PaymentRefNum"] == "CHK-5521"
    assert made["Balance"] == 0
    # run again: nothing is sent twice
    again = posting.post_pending(db, actor=SYSTEM, target="quickbooks")
    assert again.posted == 0 and len(qbo.writes()) == 2
    assert [(p.kind, p.status.value) for p in postings(db)] == [
        ("invoice", "posted"), ("payment", "posted")]


def test_a_payment_recorded_before_its_invoice_was_taken_waits_for_it(db, books, xero):
    set_up_xero(db, xero, skip=(("customer", CHAIN),))
    inv = _invoice(db)
    invoices.record_payment(db, actor=SYSTEM, invoice=inv.number, amount="60.00")

    first = posting.post_pending(db, actor=SYSTEM, target="xero")

    # the invoice lacks the customer's mapping; the payment is not even tried
    assert (first.posted, first.blocked) == (0, 1)
    waiting = {p.kind: p for p in postings(db, "xero")}
    assert waiting["invoice"].status.value == "blocked"
    assert f"customer for {CHAIN}" in waiting["invoice"].last_error
    assert waiting["payment"].status.value == "pending" and waiting["payment"].attempts == 0
    assert waiting["payment"].last_error == f"waits for invoice {inv.number} to be posted"
    assert xero.writes() == []

    from oms_desktop.services.books import mappings
    mappings.set_mapping(db, actor=SYSTEM, target="xero", kind="customer", key=CHAIN,
                         value=str(xero.contacts and list(xero.contacts)[2]))
    posting.retry(db, actor=SYSTEM, target="xero")
    second = posting.post_pending(db, actor=SYSTEM, target="xero")

    assert second.posted == 2, second.errors
    [made] = [d for d in xero.docs["Invoices"].values()]
    assert made["Type"] == "ACCREC" and made["DueDateString"].startswith(inv.due_on.isoformat())
    [paid] = xero.docs["Payments"].values()
    assert paid["Invoice"] == {"InvoiceID": made["InvoiceID"]} and paid["Amount"] == 60.0
    assert paid["Account"] == {"Code": "090"}
    assert made["AmountDue"] == 80.0 and made["Status"] == "AUTHORISED"


def test_sap_takes_the_invoice_with_its_due_date_and_is_not_sent_payments(
        db, books, monkeypatch):
    from tests.books.sap_emulator import SapB1Emulator
    with SapB1Emulator() as sap:
        set_up_sap(db, sap, monkeypatch)
        inv = _invoice(db)
        invoices.record_payment(db, actor=SYSTEM, invoice=inv.number, amount="140.00")

        result = posting.post_pending(db, actor=SYSTEM, target="sapb1")

        assert result.posted == 1, result.errors
        [made] = sap.docs["Invoices"].values()
        assert made["CardCode"] == "C-CORNER" and made["DocDueDate"] == inv.due_on.isoformat()
        assert Decimal(str(made["DocTotal"])) == Decimal("140.00")  # no tax: the exempt code
        assert {l["TaxCode"] for l in made["DocumentLines"]} == {"EX"}
        assert [p.kind for p in postings(db, "sapb1")] == ["invoice"]


def test_the_reconciliation_covers_invoices_and_payments(db, books, qbo):
    from datetime import date
    from oms_desktop.services.books import reconcile
    set_up_quickbooks(db, qbo, skip=(("customer", CHAIN),))
    inv = _invoice(db)
    invoices.record_payment(db, actor=SYSTEM, invoice=inv.number, amount="40.00",
                            received_on=inv.issued_on)
    posting.post_pending(db, actor=SYSTEM, target="quickbooks")
    today = date.today()

    report = reconcile.reconcile(db, target="quickbooks", first=today, last=inv.issued_on)

    assert not report.balanced
    assert f"{inv.number}-P" in "\n".join(report.differences)
    assert any(line.endswith("is pending: waits for invoice:" + inv.number)
               for line in report.differences)
    assert {(r.kind, r.ours, r.posted) for r in report.trade} == {
        ("invoice", Decimal("140.00"), 0), ("payment", Decimal("40.00"), 0)}

    from oms_desktop.services.books import mappings
    mappings.set_mapping(db, actor=SYSTEM, target="quickbooks", kind="customer", key=CHAIN,
                         value="61")
    posting.retry(db, actor=SYSTEM, target="quickbooks")
    posting.post_pending(db, actor=SYSTEM, target="quickbooks")
    report = reconcile.reconcile(db, target="quickbooks", first=today, last=today)
    assert report.balanced, report.differences
    assert {(r.kind, r.ours, r.posted) for r in report.trade} == {
        ("invoice", Decimal("140.00"), Decimal("140.00")),
        ("payment", Decimal("40.00"), Decimal("40.00"))}


def test_a_refund_of_an_invoiced_order_goes_to_the_business_customer(db, books, qbo):
    from tests.books.world import refunded_unit
    set_up_quickbooks(db, qbo)
    chain = business_customer(db)
    order = shipped(db, {"SKU-1": 3, "SKU-2": 2}, customer_id=chain)
    refunded_unit(db, order, "SKU-2")

    result = posting.post_pending(db, actor=SYSTEM, target="quickbooks")

    assert result.posted == 2, result.errors
    [refund] = qbo.docs["RefundReceipt"].values()
    assert refund["CustomerRef"] == {"value": "61"}  # the chain, not the web shop's customer


def test_in_daily_summary_mode_a_business_invoice_is_still_posted_on_its_own(db, books,
                                                                             xero):
    from datetime import date
    from oms_desktop.services import settings
    from oms_desktop.services.books import outbox, summaries
    set_up_xero(db, xero)
    settings.write(db, actor=SYSTEM, key=outbox.MODE_KEY, value="daily_summary")
    inv = _invoice(db)
    shipped(db, {"SKU-1": 1})  # a web sale: left to the day's summary

    assert [(p.kind, p.number) for p in postings(db, "xero")] == [("invoice", inv.number)]
    assert summaries.summarise(db, actor=SYSTEM, through=date.today()) == 0  # today: not over
    from oms_desktop.services.books import documents
    with db.uow(readonly=True) as uow:
        groups = summaries.day_summaries(uow.session, date.today(), date.today())
        assert [len(doc.lines) for _, doc in groups] == [1]  # the web sale only
        assert len(documents.shipped_between(uow.session, date.today(), date.today())) == 1


def test_an_early_payment_credits_its_discount_on_the_invoice_once(db, books, qbo, xero,
                                                                  monkeypatch):
    set_up_quickbooks(db, qbo)
    set_up_xero(db, xero)
    inv = _invoice(db)  # 140.00 on 2/10 net 30: 2.80 off within ten days
    invoices.record_payment(db, actor=SYSTEM, invoice=inv.number, amount="137.20",
                            received_on=inv.issued_on + timedelta(days=4))
    # QuickBooks refuses the payment once, after the credit memo was made: sent again, the
    # payment finds the same credit memo by its request id
    answer = qbo._create_payment
    refused = iter([True])
    monkeypatch.setattr(qbo, "_create_payment", lambda body: (
        (400, qbo_emulator.fault("5010", "Stale Object Error", "try again"), {})
        if next(refused, False) else answer(body)))

    first = posting.post_pending(db, actor=SYSTEM, target="quickbooks")
    assert (first.posted, first.failed) == (1, 1)
    posting.retry(db, actor=SYSTEM, target="quickbooks")
    assert posting.post_pending(db, actor=SYSTEM, target="quickbooks").posted == 1
    assert posting.post_pending(db, actor=SYSTEM, target="xero").posted == 2

    [credit] = qbo.docs["CreditMemo"].values()  # once, though asked for twice
    assert credit["TotalAmt"] == 2.8 and credit["CustomerRef"] == {"value": "61"}
    [paid] = qbo.docs["Payment"].values()
    assert paid["TotalAmt"] == 137.2 and [l["Amount"] for l in paid["Line"]] == [140.0, 2.8]
    assert [i["Balance"] for i in qbo.docs["Invoice"].values()] == [0]
    [note] = xero.docs["CreditNotes"].values()
    assert note["Total"] == 2.8 and note["RemainingCredit"] == 0
    [made] = xero.docs["Invoices"].values()
    assert (made["Status"], made["AmountDue"], made["AmountPaid"]) == ("PAID", 0, 137.2)
