"""The best-known clients accept the emulators' invoices, payments and bills: python-quickbooks
reads the Invoice, Payment and Bill our target made and applies a payment of its own to the
invoice (LinkedTxn); xero-python reads our payment and pays the rest of the invoice with an
Idempotency-Key, twice: one payment."""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

from oms_desktop.model import SYSTEM
from oms_desktop.services.b2b import invoices
from oms_desktop.services.books import posting, trade
from tests.books import emulator as base
from tests.books.qbo_emulator import REALM
from tests.books.world import (
    business_customer, postings, set_up_quickbooks, set_up_xero, shipped,
)
from tests.books.xero_emulator import TENANT


def _invoice_paid_in_part(db) -> str:
    shipped(db, {"SKU-1": 3, "SKU-2": 2}, customer_id=business_customer(db))  # 140.00
    [inv] = invoices.list_invoices(db)
    invoices.record_payment(db, actor=SYSTEM, invoice=inv.number, amount="100.00",
                            received_on=inv.issued_on + timedelta(days=20))
    trade.add_fee(db, actor=SYSTEM, channel="MKT", amount="3.15", day=date(2026, 11, 3),
                  reference="STMT-1")
    return inv.number


def _remote(db, target: str, kind: str) -> str:
    return next(p.remote_id for p in postings(db, target) if p.kind == kind)


def test_python_quickbooks_reads_them_and_applies_a_payment(db, books, qbo, monkeypatch):
    from intuitlib.client import AuthClient
    from quickbooks import QuickBooks
    from quickbooks.objects.base import LinkedTxn, Ref
    from quickbooks.objects.bill import Bill
    from quickbooks.objects.invoice import Invoice
    from quickbooks.objects.payment import Payment, PaymentLine

    set_up_quickbooks(db, qbo)
    _invoice_paid_in_part(db)
    assert posting.post_pending(db, actor=SYSTEM, target="quickbooks").posted == 3
    monkeypatch.setattr(QuickBooks, "api_url_v3", qbo.url + "/v3")
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")
    auth = AuthClient(base.CLIENT_ID, base.CLIENT_SECRET, "http://localhost/callback",
                      qbo.url + "/.well-known/openid_configuration")
    client = QuickBooks(auth_client=auth, refresh_token=base.FIRST_REFRESH, company_id=REALM,
                        minorversion=75)

    invoice = Invoice.get(_remote(db, "quickbooks", "invoice"), qb=client)
    assert Decimal(str(invoice.Balance)) == Decimal("40.00") and invoice.CustomerRef.value == "61"
    ours = Payment.get(_remote(db, "quickbooks", "payment"), qb=client)
    assert ours.Line[0].LinkedTxn[0].TxnId == invoice.Id
    bill = Bill.get(_remote(db, "quickbooks", "bill"), qb=client)
    assert bill.VendorRef.value == "71" and Decimal(str(bill.TotalAmt)) == Decimal("3.15")

    customer, link, line, payment = Ref(), LinkedTxn(), PaymentLine(), Payment()
    customer.value = "61"
    link.TxnId, link.TxnType = invoice.Id, "Invoice"
    line.Amount, line.LinkedTxn = 40.0, [link]
    payment.CustomerRef, payment.TotalAmt, payment.Line = customer, 40.0, [line]
    payment.save(qb=client, request_id="client-pay-1")
    assert Decimal(str(Invoice.get(invoice.Id, qb=client).Balance)) == 0


def test_xero_python_reads_our_payment_and_pays_the_rest_once(db, books, xero):
    from xero_python.accounting import (
        Account, AccountingApi, Invoice, Payment, Payments,
    )
    from xero_python.api_client import ApiClient, Configuration
    from xero_python.api_client.oauth2 import OAuth2Token

    set_up_xero(db, xero)
    _invoice_paid_in_part(db)
    assert posting.post_pending(db, actor=SYSTEM, target="xero").posted == 3
    xero.access_tokens.add("xero-python-token")
    client = ApiClient(Configuration(oauth2_token=OAuth2Token(
        client_id=base.CLIENT_ID, client_secret=base.CLIENT_SECRET)), pool_threads=1)
    kept: dict = {}
    client.oauth2_token_getter(lambda: kept.get("token"))
    client.oauth2_token_saver(lambda token: kept.update(token=token))
    client.set_oauth2_token({"access_token": "xero-python-token", "token_type": "Bearer",
                             "expires_in": 1800, "expires_at": time.time() + 1800,
                             "scope": ["accounting.transactions"]})
    api = AccountingApi(client, base_url=xero.url + "/api.xro/2.0")

    invoice_id = _remote(db, "xero", "invoice")
    ours = api.get_payment(TENANT, _remote(db, "xero", "payment")).payments[0]
    assert ours.amount == 100.0 and str(ours.invoice.invoice_id) == invoice_id
    rest = Payment(invoice=Invoice(invoice_id=invoice_id), account=Account(code="090"),
                   date=date(2026, 12, 1), amount=40.0)
    made = [api.create_payments(TENANT, Payments(payments=[rest]),
                                idempotency_key="client-pay-1").payments[0]
            for _ in range(2)]
    assert made[0].payment_id == made[1].payment_id and len(xero.docs["Payments"]) == 2
    paid = api.get_invoice(TENANT, invoice_id).invoices[0]
    assert paid.amount_due == 0 and paid.status == "PAID"


def test_the_emulators_refuse_a_payment_they_cannot_apply(db, books, qbo, xero, monkeypatch):
    """A payment for an invoice the target does not have, or for more than it owes, is
    refused as the services refuse it: QuickBooks with its Fault, Xero with HasErrors."""
    import httpx

    from tests.books import qbo_emulator, xero_emulator
    qbo.access_tokens.add("t")
    xero.access_tokens.add("t")
    auth = {"Authorization": "Bearer t", "Accept": "application/json"}
    line = {"Amount": 10.0, "LinkedTxn": [{"TxnId": "999", "TxnType": "Invoice"}]}
    answer = httpx.post(f"{qbo.url}/v3/company/{qbo_emulator.REALM}/payment",
                        params={"requestid": "p-1"}, headers=auth,
                        json={"CustomerRef": {"value": "61"}, "TotalAmt": 10.0, "Line": [line]})
    assert answer.status_code == 400 and \
        answer.json()["Fault"]["Error"][0]["Message"] == "Object Not Found"
    answer = httpx.put(f"{xero.url}/api.xro/2.0/Payments", params={"summarizeErrors": "false"},
                       headers=dict(auth, **{"Xero-tenant-id": xero_emulator.TENANT}),
                       json={"Payments": [{"Invoice": {"InvoiceID": "nope"},
                                           "Account": {"Code": "090"}, "Date": "2026-11-03",
                                           "Amount": 10.0}]})
    made = answer.json()["Payments"][0]
    assert answer.status_code == 200 and made["HasErrors"] and \
        made["ValidationErrors"] == [{"Message": "Invoice could not be found"}]
    assert qbo.docs["Payment"] == {} and xero.docs["Payments"] == {}
