"""SAP Business One Service Layer (OData, /b1s/v1): sales as A/R invoices, refunds as A/R
credit memos, after a session login (the B1SESSION and ROUTEID cookies, logged in again once
when the session has expired). The Service Layer has no idempotency key, so our key goes in
the document's `NumAtCard` and is looked up before a document is made: a posting sent again
after a crash finds the one it made. B1 works out the tax from each line's tax code; the
total it answers is what the reconciliation compares. Shipping and discounts are lines of
service items named by the mappings (as far as the published documents allow: apis-wave2
§5a; S/4HANA Cloud is not done)."""

from __future__ import annotations

from decimal import Decimal

import httpx

from oms_desktop.accounting.base import (
    AccountingTarget, Document, Mapped, MappingKey, Posted, Refused,
)
from oms_desktop.accounting.tokens import json_or_empty, money
from oms_desktop.plugins.errors import AuthFailed, Transient
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.settings import SettingField

ENTITY = {"sale": "Invoices", "refund": "CreditNotes", "invoice": "Invoices"}
KEY_PREFIX = "OMS-"


class SapB1Target(AccountingTarget):
    name = "sapb1"
    title = "SAP Business One"
    SECRETS = ("username", "password")
    ACCOUNTS = ()  # revenue accounts come from B1's items and item groups
    # incoming payments and purchase invoices are not in the documents we have (apis-wave2 §5a)
    KINDS = frozenset(ENTITY)
    SETTINGS = (
        SettingField("base_url", "Service Layer address", "url"),
        SettingField("company_db", "Company database"),
        SettingField("verify_tls", "Check the server's certificate", "bool", default=True,
                     help="self-signed certificates are common on premises"),
    )

    def __init__(self, settings, api):
        super().__init__(settings, api)
        self.http = PluginHttp(self.settings["base_url"].rstrip("/") + "/", title=self.title,
                               headers={"Accept": "application/json"}, sleep=api.sleep,
                               attempts=4)
        if not self.settings["verify_tls"]:
            self.http.client = httpx.Client(base_url=self.http.client.base_url, verify=False,
                                            headers=self.http.client.headers,
                                            timeout=self.http.client.timeout)
        self.logged_in = False

    def needs(self, doc: Document) -> list[MappingKey]:
        keys = super().needs(doc)
        if doc.shipping:
            keys.append(("tax", "EXEMPT"))  # B1 would tax the shipping line otherwise
        return keys

    def post(self, doc: Document, mapped: Mapped, *, key: str) -> Posted:
        entity, reference = ENTITY[doc.kind], KEY_PREFIX + key
        found = self._call("GET", entity, params={
            "$filter": f"NumAtCard eq '{reference}'", "$select": "DocEntry,DocNum,DocTotal"})
        if found.get("value"):
            return _posted(found["value"][0])
        return _posted(self._call("POST", entity, json=self.body(doc, mapped, reference)))

    def body(self, doc: Document, mapped: Mapped, reference: str) -> dict:
        tax = mapped.tax(doc.tax_country)
        lines = [{"ItemCode": mapped.item(l.sku), "ItemDescription": l.description[:100],
                  "Quantity": l.quantity, "Price": money(l.unit_price), "TaxCode": tax}
                 for l in doc.lines]
        if doc.shipping:
            lines.append({"ItemCode": mapped.account("shipping"), "Quantity": 1,
                          "Price": money(doc.shipping), "TaxCode": mapped.tax("EXEMPT")})
        if doc.discount:
            lines.append({"ItemCode": mapped.account("discount"), "Quantity": 1,
                          "Price": money(-doc.discount), "TaxCode": tax})
        return {"CardCode": mapped.customer(doc.customer_key), "DocDate": doc.day.isoformat(),
                "DocDueDate": (doc.due or doc.day).isoformat(), "DocCurrency": doc.currency,
                "NumAtCard": reference, "Comments": f"Order {doc.reference} ({doc.number})",
                "DocumentLines": lines}

    # -- journals: JournalEntries (Debit/Credit lines on G/L accounts, balanced) ---------------
    def post_journal(self, doc, mapped: Mapped, *, key: str) -> Posted:
        """Our key goes in Reference2 (as NumAtCard for documents) and is looked up first."""
        reference = KEY_PREFIX + key
        found = self._call("GET", "JournalEntries", params={
            "$filter": f"Reference2 eq '{reference}'", "$select": "JdtNum,JournalEntryLines"})
        made = (found.get("value") or [None])[0] or self._call(
            "POST", "JournalEntries", json=journal_body(doc, mapped, reference))
        debits = sum((Decimal(str(l.get("Debit") or 0)) for l in made["JournalEntryLines"]),
                     Decimal(0))
        return Posted(str(made["JdtNum"]), str(made["JdtNum"]), debits)

    def _call(self, method: str, path: str, **kwargs) -> dict:
        """One call in a live session: logged in first, and once again on a 401."""
        for attempt in (1, 2):
            if not self.logged_in:
                self._login()
            try:
                response = self.http.request(method, path, **kwargs)
            except AuthFailed:
                if attempt == 2:
                    raise
                self.logged_in = False
                continue
            data = json_or_empty(response)
            if response.status_code >= 400:
                raise Refused(f"SAP Business One refused it: {_message(data, response)}")
            return data
        raise AssertionError("unreachable")

    def _login(self) -> None:
        response = self.http.client.post("Login", json={
            "CompanyDB": self.settings["company_db"],
            "UserName": self.api.secret("username"), "Password": self.api.secret("password")})
        if response.status_code >= 500:
            raise Transient(f"SAP Business One's login failed (HTTP {response.status_code})")
        if response.status_code != 200:
            raise AuthFailed(f"SAP Business One refused the login: "
                             f"{_message(json_or_empty(response), response)}. Check the user "
                             "and password of the books target")
        self.logged_in = True

    def close(self) -> None:
        self.http.close()


def journal_body(doc, mapped: Mapped, reference: str) -> dict:
    """In the company's local currency (the setting books.stock_currency); Memo holds 50
    characters, LineMemo 50."""
    return {"ReferenceDate": doc.day.isoformat(), "TaxDate": doc.day.isoformat(),
            "DueDate": doc.day.isoformat(), "Memo": doc.memo[:50], "Reference": doc.number,
            "Reference2": reference,
            "JournalEntryLines": [{"AccountCode": mapped.account(l.role),
                                   "Debit": money(l.debit), "Credit": money(l.credit),
                                   "LineMemo": l.description[:50]} for l in doc.lines]}


def _posted(doc: dict) -> Posted:
    return Posted(str(doc["DocEntry"]), str(doc.get("DocNum", "")),
                  Decimal(str(doc["DocTotal"])))


def _message(data: dict, response: httpx.Response) -> str:
    message = (data.get("error") or {}).get("message")
    if isinstance(message, dict):
        message = message.get("value")
    return str(message or f"HTTP {response.status_code}")
