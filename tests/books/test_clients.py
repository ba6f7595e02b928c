"""The best-known Python clients accept the emulators: python-quickbooks (with Intuit's own
intuit-oauth, which refreshes its token at the emulator's discovery document) and Xero's
official xero-python. Each writes a document with its idempotency key and reads back one
that our target posted."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

from oms_desktop.model import SYSTEM
from oms_desktop.services.books import posting
from tests.books import emulator as base
from tests.books.qbo_emulator import REALM
from tests.books.world import XERO_MAP, postings, set_up_quickbooks, set_up_xero, shipped
from tests.books.xero_emulator import TENANT


def test_python_quickbooks_writes_and_reads_receipts_at_the_emulator(db, books, qbo,
                                                                     monkeypatch):
    from intuitlib.client import AuthClient
    from quickbooks import QuickBooks
    from quickbooks.objects.salesreceipt import SalesReceipt

    set_up_quickbooks(db, qbo)
    shipped(db, {"SKU-1": 1})
    posting.post_pending(db, actor=SYSTEM, target="quickbooks")
    monkeypatch.setattr(QuickBooks, "api_url_v3", qbo.url + "/v3")
    monkeypatch.setenv("OAUTHLIB_INSECURE_TRANSPORT", "1")  # oauthlib's switch for plain HTTP
    auth = AuthClient(base.CLIENT_ID, base.CLIENT_SECRET, "http://localhost/callback",
                      qbo.url + "/.well-known/openid_configuration")
    client = QuickBooks(auth_client=auth, refresh_token=base.FIRST_REFRESH, company_id=REALM,
                        minorversion=75)

    # the receipt our target posted, read with the client
    ours = SalesReceipt.get(postings(db)[0].remote_id, qb=client)
    assert Decimal(str(ours.TotalAmt)) == Decimal("52.00") and ours.CustomerRef.value == "58"

    # a receipt written by the client, twice with one request id: one receipt
    first = _receipt().save(qb=client, request_id="client-test-1")
    again = _receipt().save(qb=client, request_id="client-test-1")
    assert first.Id == again.Id and len(qbo.docs["SalesReceipt"]) == 2


def _receipt():
    from quickbooks.objects.base import Ref
    from quickbooks.objects.detailline import SalesItemLine, SalesItemLineDetail
    from quickbooks.objects.salesreceipt import SalesReceipt

    def ref(value: str) -> Ref:
        made = Ref()
        made.value = value
        return made

    receipt = SalesReceipt()
    receipt.CustomerRef, receipt.DepositToAccountRef = ref("58"), ref("35")
    receipt.TxnDate = "2026-11-03"
    line = SalesItemLine()
    line.Amount, line.SalesItemLineDetail = 25.0, SalesItemLineDetail()
    detail = line.SalesItemLineDetail
    detail.ItemRef, detail.TaxCodeRef, detail.Qty, detail.UnitPrice = ref("2"), ref("NON"), 2.5, 10.0
    receipt.Line.append(line)
    return receipt


def test_xero_python_writes_and_reads_invoices_at_the_emulator(db, books, xero):
    from xero_python.accounting import AccountingApi, Contact, Invoice, Invoices, LineItem
    from xero_python.api_client import ApiClient, Configuration
    from xero_python.api_client.oauth2 import OAuth2Token

    set_up_xero(db, xero)
    shipped(db, {"SKU-2": 2})
    posting.post_pending(db, actor=SYSTEM, target="xero")
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

    # the invoice our target posted, read with the client (MS-JSON dates and all)
    ours = api.get_invoice(TENANT, postings(db)[0].remote_id).invoices[0]
    assert ours.total == 30.0 and ours.type == "ACCREC" and ours.date == date.today()

    # an invoice written by the client, twice with one Idempotency-Key: one invoice
    invoice = Invoice(type="ACCREC", contact=Contact(contact_id=XERO_MAP["customer"]["WEB"]),
                      date=date(2026, 11, 3), status="AUTHORISED",
                      line_items=[LineItem(description="Trail mug", quantity=1.0,
                                           unit_amount=40.0, account_code="200",
                                           tax_type="OUTPUT", item_code="SKU-1")])
    made = [api.create_invoices(TENANT, Invoices(invoices=[invoice]),
                                idempotency_key="client-test-1").invoices[0]
            for _ in range(2)]
    assert made[0].invoice_id == made[1].invoice_id and len(xero.docs["Invoices"]) == 2
