"""Xero Accounting API 2.0: sales as ACCREC invoices and refunds as ACCRECCREDIT credit
notes, in the organisation named by `Xero-tenant-id`, with an `Idempotency-Key` (a repeat
answers the first answer), OAuth 2 refresh and the minute and day limits (a 429 with
Retry-After; the day limit's wait is long, so the posting waits for a later run)."""

from __future__ import annotations

from decimal import Decimal

from oms_desktop.accounting.base import AccountingTarget, Document, Mapped, Posted, Refused
from oms_desktop.accounting.tokens import json_or_empty, money, refresh_auth
from oms_desktop.accounting.trade import EXEMPT, PURCHASE_TAX
from oms_desktop.plugins.errors import RateLimited, Transient
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.settings import SettingField

MINUTE_S, DAY_WAIT_S = 60.0, 3600.0
RESOURCE = {"sale": ("Invoices", "ACCREC", "Invoice"),
            "refund": ("CreditNotes", "ACCRECCREDIT", "CreditNote"),
            "invoice": ("Invoices", "ACCREC", "Invoice"),
            "payment": ("Payments", None, "Payment"),
            "bill": ("Invoices", "ACCPAY", "Invoice")}


class XeroTarget(AccountingTarget):
    name = "xero"
    title = "Xero"
    SECRETS = ("client_id", "client_secret", "refresh_token")
    ACCOUNTS = ("income",)
    KINDS = frozenset(RESOURCE)
    PAYMENT_ACCOUNT = "bank"  # a payment needs the bank account it was paid into
    BILL_TAX = True
    SETTINGS = (
        SettingField("tenant_id", "Organisation (tenant) id"),
        SettingField("base_url", "API address", "url",
                     default="https://api.xero.com/api.xro/2.0"),
        SettingField("token_url", "Token address", "url",
                     default="https://identity.xero.com/connect/token"),
    )

    def __init__(self, settings, api):
        super().__init__(settings, api)
        self.http = PluginHttp(
            self.settings["base_url"].rstrip("/") + "/", title=self.title,
            headers={"Accept": "application/json",
                     "Xero-tenant-id": self.settings["tenant_id"]},
            auth=refresh_auth(api, title=self.title, token_url=self.settings["token_url"]),
            sleep=api.sleep, attempts=4)
        self.minute_spent = self.day_spent = False

    def post(self, doc: Document, mapped: Mapped, *, key: str) -> Posted:
        resource, kind, noun = RESOURCE[doc.kind]
        if doc.kind == "payment" and doc.discount:
            self.credit_discount(doc, mapped, key)
        made = self._put(resource, [self._body(doc, mapped, kind, noun)], key, noun)
        return Posted(str(made[f"{noun}ID"]), made.get(f"{noun}Number"),
                      Decimal(str(made["Amount" if noun == "Payment" else "Total"])))

    def credit_discount(self, doc, mapped: Mapped, key: str) -> None:
        """An early payment's discount: a credit note allocated to the invoice, each call
        with its own key (a repeat after a crash finds what the first made)."""
        note = self._put("CreditNotes", [_credit_body(doc, mapped)], f"{key}-credit",
                         "CreditNote")
        self._put(f"CreditNotes/{note['CreditNoteID']}/Allocations", [{
            "Invoice": {"InvoiceID": mapped.posted(f"invoice:{doc.invoice}")},
            "Amount": money(doc.discount), "Date": doc.day.isoformat()}],
            f"{key}-alloc", "Allocation", wrapper="Allocations")

    def _put(self, path: str, elements: list, key: str, noun: str, *,
             wrapper: str | None = None) -> dict:
        wrapper = wrapper or path
        self._mind_the_limits()
        response = self.http.request("PUT", path, params={"summarizeErrors": "false"},
                                     headers={"Idempotency-Key": key},
                                     json={wrapper: elements})
        self._read_limits(response.headers)
        data = json_or_empty(response)
        made = (data.get(wrapper) or [None])[0]
        if response.status_code >= 400 or (made and made.get("HasErrors")):
            raise _validation(data, made, response.status_code)
        if not made:
            raise Transient(f"Xero answered without the {noun}", answer=response.text[:500])
        return made

    def _read_limits(self, headers) -> None:
        """What is left of this minute's and this day's calls, as Xero tells after each."""
        self.minute_spent = headers.get("X-MinLimit-Remaining") == "0"
        self.day_spent = headers.get("X-DayLimit-Remaining") == "0"

    def _mind_the_limits(self) -> None:
        """Spend no call on a certain 429: a spent minute is waited out, a spent day is left
        for a later run."""
        if self.day_spent:
            raise RateLimited("Xero's calls for today are spent; the rest waits",
                              retry_after=DAY_WAIT_S)
        if self.minute_spent:
            self.http.wait(MINUTE_S)
            self.minute_spent = False

    def _body(self, doc, mapped: Mapped, kind: str | None, noun: str) -> dict:
        if doc.kind == "payment":
            return _payment_body(doc, mapped)
        if doc.kind == "bill":
            return _bill_body(doc, mapped)
        body = self.body(doc, mapped, kind, noun)
        if doc.kind == "invoice":  # a business customer's: owed by its due date
            body.update(DueDate=doc.due.isoformat(), Reference=f"{doc.reference} ({doc.terms})")
        return body

    def body(self, doc: Document, mapped: Mapped, kind: str, noun: str) -> dict:
        tax = mapped.tax(doc.tax_country)
        lines = [{"Description": l.description, "Quantity": l.quantity,
                  "UnitAmount": money(l.unit_price), "ItemCode": mapped.item(l.sku),
                  "AccountCode": mapped.account("income"), "TaxType": tax,
                  "TaxAmount": money(l.tax), "LineAmount": money(l.amount)}
                 for l in doc.lines]
        for role, text, amount in (("shipping", "Shipping", doc.shipping),
                                   ("discount", "Discount", -doc.discount)):
            if amount:
                lines.append({"Description": text, "Quantity": 1, "UnitAmount": money(amount),
                              "AccountCode": mapped.account(role), "TaxType": tax,
                              "TaxAmount": 0.0, "LineAmount": money(amount)})
        return {"Type": kind, "Contact": {"ContactID": mapped.customer(doc.customer_key)},
                "Date": doc.day.isoformat(), "DueDate": doc.day.isoformat(),
                f"{noun}Number": doc.number, "Reference": doc.reference,
                "CurrencyCode": doc.currency, "LineAmountTypes": "Exclusive",
                "Status": "AUTHORISED", "LineItems": lines}

    def close(self) -> None:
        self.http.close()

    # -- journals: a ManualJournal (lines add up to zero: debits +, credits -) -------------
    def post_journal(self, doc, mapped: Mapped, *, key: str) -> Posted:
        self._mind_the_limits()
        response = self.http.request("PUT", "ManualJournals",
                                     params={"summarizeErrors": "false"},
                                     headers={"Idempotency-Key": key},
                                     json={"ManualJournals": [journal_body(doc, mapped)]})
        self._read_limits(response.headers)
        data = json_or_empty(response)
        made = (data.get("ManualJournals") or [None])[0]
        if response.status_code >= 400 or (made and made.get("HasErrors")):
            raise _validation(data, made, response.status_code)
        if not made:
            raise Transient("Xero answered without the ManualJournal",
                            answer=response.text[:500])
        debits = sum((Decimal(str(l["LineAmount"])) for l in made.get("JournalLines") or []
                      if Decimal(str(l["LineAmount"])) > 0), Decimal(0))
        return Posted(str(made["ManualJournalID"]), None, debits)


def journal_body(doc, mapped: Mapped) -> dict:
    """Xero keeps a manual journal in the organisation's base currency: stock values are in
    it (the setting books.stock_currency)."""
    return {"Narration": f"{doc.memo} ({doc.number})", "Date": doc.day.isoformat(),
            "Status": "POSTED", "LineAmountTypes": "NoTax",
            "JournalLines": [{"Description": l.description, "AccountCode": mapped.account(l.role),
                              "LineAmount": money(l.debit - l.credit)} for l in doc.lines]}


def _payment_body(doc, mapped: Mapped) -> dict:
    """A payment applied to the invoice the invoice's posting made, into the bank account."""
    return {"Invoice": {"InvoiceID": mapped.posted(f"invoice:{doc.invoice}")},
            "Account": {"Code": mapped.account("bank")}, "Date": doc.day.isoformat(),
            "Amount": money(doc.amount), "Reference": doc.reference or doc.number}


def _credit_body(doc, mapped: Mapped) -> dict:
    """The early-payment discount a customer took, as a credit note (ACCRECCREDIT)."""
    return {"Type": "ACCRECCREDIT", "Contact": {"ContactID": mapped.customer(doc.customer)},
            "Date": doc.day.isoformat(), "CreditNoteNumber": f"{doc.number}-D",
            "Reference": f"Early-payment discount on {doc.invoice}",
            "CurrencyCode": doc.currency, "LineAmountTypes": "NoTax", "Status": "AUTHORISED",
            "LineItems": [{"Description": "Early-payment discount", "Quantity": 1,
                           "UnitAmount": money(doc.discount),
                           "AccountCode": mapped.account("payment_discount"),
                           "TaxType": mapped.tax(EXEMPT), "LineAmount": money(doc.discount)}]}


def _bill_body(doc, mapped: Mapped) -> dict:
    """A bill (ACCPAY) from the vendor: each line an expense to the account of its role."""
    tax = mapped.tax(PURCHASE_TAX)
    return {"Type": "ACCPAY", "Contact": {"ContactID": mapped.vendor(doc.vendor)},
            "Date": doc.day.isoformat(), "DueDate": doc.due.isoformat(),
            "InvoiceNumber": doc.number, "Reference": doc.reference,
            "CurrencyCode": doc.currency, "LineAmountTypes": "NoTax", "Status": "AUTHORISED",
            "LineItems": [{"Description": l.description, "Quantity": 1,
                           "UnitAmount": money(l.amount), "AccountCode": mapped.account(l.account),
                           "TaxType": tax, "LineAmount": money(l.amount)} for l in doc.lines]}


def _validation(data: dict, made: dict | None, status: int) -> Exception:
    found = [e["Message"] for e in (made or {}).get("ValidationErrors") or []]
    for element in data.get("Elements") or []:
        found += [e["Message"] for e in element.get("ValidationErrors") or []]
    text = "; ".join(found) or data.get("Message") or f"HTTP {status}"
    return Refused(f"Xero refused it: {text}")
