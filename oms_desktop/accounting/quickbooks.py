"""QuickBooks Online Accounting API v3: sales receipts and refund receipts in the company
(realm) of the settings, with `requestid` as the idempotency key (a repeat answers the first
answer), `minorversion=75`, OAuth 2 refresh, 429 and the Fault error shape (apis-wave2 §3)."""

from __future__ import annotations

from decimal import Decimal

from oms_desktop.accounting.base import (
    AccountingTarget, Document, Mapped, Posted, Refused,
)
from oms_desktop.accounting.tokens import json_or_empty, money, refresh_auth
from oms_desktop.plugins.errors import Transient
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.settings import SettingField

ENTITY = {"sale": "SalesReceipt", "refund": "RefundReceipt", "invoice": "Invoice",
          "payment": "Payment", "bill": "Bill"}
MINOR_VERSION = 75  # 1–74 were retired on 1 Aug 2025
DOC_NUMBER_MAX = 21


class QuickBooksTarget(AccountingTarget):
    name = "quickbooks"
    title = "QuickBooks Online"
    SECRETS = ("client_id", "client_secret", "refresh_token")
    ACCOUNTS = ("deposit",)  # income accounts sit on QuickBooks' items
    KINDS = frozenset(ENTITY)
    SETTINGS = (
        SettingField("realm_id", "Company (realm) id"),
        SettingField("base_url", "API address", "url",
                     default="https://quickbooks.api.intuit.com"),
        SettingField("token_url", "Token address", "url",
                     default="https://oauth.platform.intuit.com/oauth2/v1/tokens/bearer"),
        SettingField("minorversion", "Minor version", "int", default=MINOR_VERSION),
    )

    def __init__(self, settings, api):
        super().__init__(settings, api)
        self.http = PluginHttp(
            self.settings["base_url"], title=self.title,
            headers={"Accept": "application/json"},
            auth=refresh_auth(api, title=self.title, token_url=self.settings["token_url"]),
            sleep=api.sleep, attempts=4)

    def needs(self, doc) -> list:
        keys = super().needs(doc)
        if doc.kind == "invoice":  # owed, not paid: nothing is deposited yet
            keys.remove(("account", "deposit"))
        return keys

    def post(self, doc: Document, mapped: Mapped, *, key: str) -> Posted:
        if doc.kind == "payment" and doc.discount:
            made = self._create("Payment", self.discounted_payment(doc, mapped, key), key)
        else:
            made = self._create(ENTITY[doc.kind], self._body(doc, mapped), key)
        return Posted(str(made["Id"]), made.get("DocNumber"), Decimal(str(made["TotalAmt"])))

    def _create(self, entity: str, body: dict, key: str) -> dict:
        response = self.http.request(
            "POST", f"/v3/company/{self.settings['realm_id']}/{entity.lower()}",
            params={"minorversion": self.settings["minorversion"], "requestid": key},
            json=body)
        data = json_or_empty(response)
        if "Fault" in data or response.status_code >= 400:
            raise _fault(data, response.status_code)
        if entity not in data:
            raise Transient(f"QuickBooks answered without the {entity}",
                            answer=response.text[:500])
        return data[entity]

    def discounted_payment(self, doc, mapped: Mapped, key: str) -> dict:
        """An early payment less its discount: the discount as a credit memo (its own request
        id, so a repeat finds the same one), applied with the money in one Payment."""
        credit = self._create("CreditMemo", _credit_body(doc, mapped), f"{key}-credit")
        body = _payment_body(doc, mapped)
        body["Line"][0]["Amount"] = money(doc.amount + doc.discount)
        body["Line"].append({"Amount": money(doc.discount), "LinkedTxn": [
            {"TxnId": str(credit["Id"]), "TxnType": "CreditMemo"}]})
        return body

    def _body(self, doc, mapped: Mapped) -> dict:
        if doc.kind == "invoice":
            return self.invoice_body(doc, mapped)
        if doc.kind == "payment":
            return _payment_body(doc, mapped)
        if doc.kind == "bill":
            return _bill_body(doc, mapped)
        return self.body(doc, mapped)

    def invoice_body(self, doc: Document, mapped: Mapped) -> dict:
        """A business customer's invoice: owed by its due date, so no deposit account."""
        return dict(self._sale(doc, mapped), DueDate=doc.due.isoformat(),
                    CustomerMemo={"value": f"Terms: {doc.terms}"})

    def body(self, doc: Document, mapped: Mapped) -> dict:
        return dict(self._sale(doc, mapped),
                    DepositToAccountRef={"value": mapped.account("deposit")})

    def _sale(self, doc: Document, mapped: Mapped) -> dict:
        tax = mapped.tax(doc.tax_country)
        lines = [_item_line(l.description, mapped.item(l.sku), l.quantity, l.unit_price, tax)
                 for l in doc.lines]
        if doc.shipping:
            lines.append(_item_line("Shipping", mapped.account("shipping"), 1, doc.shipping,
                                    tax))
        if doc.discount:
            lines.append({"DetailType": "DiscountLineDetail", "Amount": money(doc.discount),
                          "DiscountLineDetail": {"PercentBased": False, "DiscountAccountRef":
                                                 {"value": mapped.account("discount")}}})
        # DocNumber holds 21 characters: its end (the shipment or refund) tells them apart
        return {"DocNumber": doc.number[-DOC_NUMBER_MAX:], "TxnDate": doc.day.isoformat(),
                "CustomerRef": {"value": mapped.customer(doc.customer_key)},
                "CurrencyRef": {"value": doc.currency},
                "GlobalTaxCalculation": "TaxExcluded", "PrivateNote": f"Order {doc.reference}",
                "TxnTaxDetail": {"TotalTax": money(doc.tax)}, "Line": lines}

    def close(self) -> None:
        self.http.close()

    # -- journals: a JournalEntry (Debit and Credit lines on accounts, balanced) -------------
    def post_journal(self, doc, mapped: Mapped, *, key: str) -> Posted:
        response = self.http.request(
            "POST", f"/v3/company/{self.settings['realm_id']}/journalentry",
            params={"minorversion": self.settings["minorversion"], "requestid": key},
            json=journal_body(doc, mapped))
        data = json_or_empty(response)
        if "Fault" in data or response.status_code >= 400:
            raise _fault(data, response.status_code)
        made = data.get("JournalEntry")
        if not made:
            raise Transient("QuickBooks answered without the JournalEntry",
                            answer=response.text[:500])
        return Posted(str(made["Id"]), made.get("DocNumber"), Decimal(str(made["TotalAmt"])))


def _item_line(text: str, item: str, quantity: int, price: Decimal, tax_code: str) -> dict:
    return {"DetailType": "SalesItemLineDetail", "Description": text,
            "Amount": money(price * quantity),
            "SalesItemLineDetail": {"ItemRef": {"value": item}, "Qty": quantity,
                                    "UnitPrice": money(price), "TaxCodeRef": {"value": tax_code}}}


def _payment_body(doc, mapped: Mapped) -> dict:
    """A Payment applied to the invoice the invoice's posting made (LinkedTxn)."""
    return {"CustomerRef": {"value": mapped.customer(doc.customer)},
            "TotalAmt": money(doc.amount), "TxnDate": doc.day.isoformat(),
            "CurrencyRef": {"value": doc.currency},
            "PaymentRefNum": (doc.reference or doc.number)[:DOC_NUMBER_MAX],
            "DepositToAccountRef": {"value": mapped.account("deposit")},
            "PrivateNote": f"Invoice {doc.invoice} ({doc.number})",
            "Line": [{"Amount": money(doc.amount), "LinkedTxn": [
                {"TxnId": mapped.posted(f"invoice:{doc.invoice}"), "TxnType": "Invoice"}]}]}


def _credit_body(doc, mapped: Mapped) -> dict:
    """The early-payment discount a customer took, as a credit memo of one service line."""
    return {"CustomerRef": {"value": mapped.customer(doc.customer)},
            "TxnDate": doc.day.isoformat(), "CurrencyRef": {"value": doc.currency},
            "DocNumber": f"{doc.number}-D"[-DOC_NUMBER_MAX:],
            "PrivateNote": f"Early-payment discount on {doc.invoice}",
            "Line": [_item_line("Early-payment discount", mapped.account("payment_discount"), 1,
                                doc.discount, mapped.tax("EXEMPT"))]}


def _bill_body(doc, mapped: Mapped) -> dict:
    """A Bill from a vendor, each line an expense to the account of its role."""
    return {"VendorRef": {"value": mapped.vendor(doc.vendor)}, "TxnDate": doc.day.isoformat(),
            "DueDate": doc.due.isoformat(), "CurrencyRef": {"value": doc.currency},
            "DocNumber": doc.number[-DOC_NUMBER_MAX:], "PrivateNote": doc.reference,
            "Line": [{"DetailType": "AccountBasedExpenseLineDetail", "Amount": money(l.amount),
                      "Description": l.description, "AccountBasedExpenseLineDetail": {
                          "AccountRef": {"value": mapped.account(l.account)}}}
                     for l in doc.lines]}


def journal_body(doc, mapped: Mapped) -> dict:
    lines = [{"Id": str(n), "Description": l.description[:4000],
              "Amount": money(l.debit or l.credit), "DetailType": "JournalEntryLineDetail",
              "JournalEntryLineDetail": {"PostingType": "Debit" if l.debit else "Credit",
                                         "AccountRef": {"value": mapped.account(l.role)}}}
             for n, l in enumerate(doc.lines)]
    return {"DocNumber": doc.number[-DOC_NUMBER_MAX:], "TxnDate": doc.day.isoformat(),
            "CurrencyRef": {"value": doc.currency}, "PrivateNote": doc.memo, "Line": lines}


def _fault(data: dict, status: int) -> Exception:
    """The Fault's errors in one line: `Message: Detail (code N)`."""
    errors = (data.get("Fault") or {}).get("Error") or []
    text = "; ".join(f"{e.get('Message')}: {e.get('Detail')} (code {e.get('code')})"
                     for e in errors) or f"HTTP {status}"
    return Refused(f"QuickBooks refused it: {text}")
