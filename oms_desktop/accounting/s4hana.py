"""SAP S/4HANA Cloud, API_SALES_ORDER_SRV (OData V2; apis-wave2 §5b), as far as the published
documents go: each shipped order (or a business customer's invoice) becomes one sales order,
made by deep insert (A_SalesOrder with its to_Item) as the communication user of arrangement
SAP_COM_0109 (HTTP Basic). Every write carries a CSRF token fetched with `x-csrf-token: Fetch`
on a GET of the service root, and the session cookies that came with it; a 403 "CSRF token
validation failed" fetches a fresh token once. The API has no idempotency key, so our document
number goes in PurchaseOrderByCustomer and is looked up (with the sold-to party) before an
order is made: a posting sent again after a crash, or after a 5xx that may have come from an
order made, finds the one it made. S/4 prices the order from its own conditions; the
TotalNetAmount it answers (net of tax, no freight) is what the posting records. Refunds,
payments, bills and journals have no place in this API: they are not taken."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

import httpx

from oms_desktop.accounting.base import (
    AccountingTarget, Document, Mapped, MappingKey, Posted, Refused,
)
from oms_desktop.accounting.tokens import json_or_empty
from oms_desktop.plugins import redaction
from oms_desktop.plugins.backoff import exponential
from oms_desktop.plugins.errors import AuthFailed, Transient
from oms_desktop.plugins.http import PluginHttp
from oms_desktop.plugins.settings import SettingField

KINDS = frozenset({"sale", "invoice"})
PO_MAX, TEXT_MAX = 35, 40  # PurchaseOrderByCustomer's length; the item text's
ATTEMPTS = 4  # of one look-up-then-create when S/4 or the network fails
ORDER_FIELDS = "SalesOrder,PurchaseOrderByCustomer,TotalNetAmount,TransactionCurrency"


class CsrfRejected(Exception):
    """S/4 answered 403 `x-csrf-token: Required`: the token or its session is stale."""


def _csrf_hook(response: httpx.Response) -> None:
    if response.status_code == 403 and \
            response.headers.get("x-csrf-token", "").lower() == "required":
        raise CsrfRejected()


def not_taken(kind: str) -> str:
    return (f"S/4HANA Cloud: a {kind} is not taken by this target (API_SALES_ORDER_SRV makes "
            "sales orders only: post refunds, payments, bills and journals in S/4HANA itself)")


class S4HanaTarget(AccountingTarget):
    name = "s4hana"
    title = "SAP S/4HANA Cloud"
    SECRETS = ("username", "password")  # the communication user of SAP_COM_0109
    ACCOUNTS = ()  # S/4 finds revenue accounts and taxes from its own master data
    KINDS = KINDS
    SETTINGS = (
        SettingField("base_url", "Service address", "url",
                     help="https://my…-api.s4hana.cloud.sap/sap/opu/odata/sap/"
                          "API_SALES_ORDER_SRV"),
        SettingField("sales_organization", "Sales organization"),
        SettingField("distribution_channel", "Distribution channel"),
        SettingField("division", "Division", default="00"),
        SettingField("order_type", "Sales order type", default="OR"),
    )

    def __init__(self, settings, api):
        super().__init__(settings, api)
        self.http = PluginHttp(self.settings["base_url"].rstrip("/") + "/", title=self.title,
                               headers={"Accept": "application/json"}, sleep=api.sleep,
                               attempts=ATTEMPTS, retry_server_errors=False)
        self.http.client.event_hooks["response"].append(_csrf_hook)
        self.token: str | None = None

    def needs(self, doc) -> list[MappingKey]:
        """The sold-to party and the materials: S/4 works out tax and accounts itself."""
        if not isinstance(doc, Document):
            return doc.needs(self)
        return [("customer", doc.customer_key)] + [
            ("item", sku) for sku in dict.fromkeys(l.sku for l in doc.lines)]

    def post(self, doc: Document, mapped: Mapped, *, key: str) -> Posted:
        if doc.kind not in self.KINDS:
            raise Refused(not_taken(doc.kind))
        body = self.body(doc, mapped)
        for attempt in range(1, ATTEMPTS + 1):
            try:  # looked up again each time: a 5xx may have come after the order was made
                found = self._find(body["PurchaseOrderByCustomer"], body["SoldToParty"])
                return _posted(found or self._write("A_SalesOrder", body))
            except Transient:
                if attempt == ATTEMPTS:
                    raise
                self.http.wait(exponential(attempt, first=0.5, cap=30.0))
        raise AssertionError("unreachable")

    def body(self, doc: Document, mapped: Mapped) -> dict:
        """The deep insert: the header, its sales area, and one item per line (10, 20, …)."""
        return {
            "SalesOrderType": self.settings["order_type"],
            "SalesOrganization": self.settings["sales_organization"],
            "DistributionChannel": self.settings["distribution_channel"],
            "OrganizationDivision": self.settings["division"],
            "SoldToParty": mapped.customer(doc.customer_key),
            "PurchaseOrderByCustomer": doc.number[-PO_MAX:],
            "SalesOrderDate": odata_date(doc.day),
            "TransactionCurrency": doc.currency,
            "to_Item": [{"SalesOrderItem": str(10 * n), "Material": mapped.item(l.sku),
                         "SalesOrderItemText": l.description[:TEXT_MAX],
                         "RequestedQuantity": str(Decimal(l.quantity))}
                        for n, l in enumerate(doc.lines, 1)]}

    def _find(self, reference: str, sold_to: str) -> dict | None:
        response = self._call("GET", "A_SalesOrder", params={
            "$filter": f"PurchaseOrderByCustomer eq {_literal(reference)} and "
                       f"SoldToParty eq {_literal(sold_to)}",
            "$select": ORDER_FIELDS, "$format": "json"})
        found = (json_or_empty(response).get("d") or {}).get("results") or []
        return found[0] if found else None

    def _write(self, path: str, body: dict) -> dict:
        """A POST with the session's CSRF token, fetched again once when S/4 calls it stale."""
        for attempt in (1, 2):
            try:
                response = self._call("POST", path, json=body,
                                      headers={"x-csrf-token": self._token()})
            except CsrfRejected:
                self.token = None
                if attempt == 2:
                    raise AuthFailed(f"{self.title} refused a freshly fetched CSRF token "
                                     "(CSRF token validation failed): check that the "
                                     "communication user may create sales orders") from None
                continue
            return (json_or_empty(response).get("d")) or {}
        raise AssertionError("unreachable")

    def _token(self) -> str:
        if self.token is None:
            response = self._call("GET", "", headers={"x-csrf-token": "Fetch"})
            self.token = response.headers.get("x-csrf-token")
            if not self.token or self.token.lower() == "required":
                raise Transient(f"{self.title} handed out no CSRF token")
            redaction.remember(self.token)
        return self.token

    def _call(self, method: str, path: str, **kwargs) -> httpx.Response:
        if self.http.client.auth is None:
            user, password = self.api.secret("username"), self.api.secret("password")
            redaction.remember(password)
            self.http.client.auth = httpx.BasicAuth(user, password)
        response = self.http.request(method, path, **kwargs)
        if response.status_code >= 400:
            raise Refused(f"{self.title} refused it: {error_line(response)}")
        return response

    def close(self) -> None:
        self.http.close()


def odata_date(day: date) -> str:
    """An Edm.DateTime in OData V2 JSON: `/Date(ms since 1970, UTC midnight)/`."""
    moment = datetime(day.year, day.month, day.day, tzinfo=timezone.utc)
    return f"/Date({int(moment.timestamp()) * 1000})/"


def error_line(response: httpx.Response) -> str:
    """OData V2's {"error": {"code", "message": {"value"}, "innererror": {"errordetails"}}}
    in one line: the message, the details that add to it, the code."""
    error = json_or_empty(response).get("error") or {}
    message = error.get("message")
    text = message.get("value") if isinstance(message, dict) else message
    if not text:
        body = " ".join(response.text.split())[:200]
        return f"HTTP {response.status_code}{': ' + body if body else ''}"
    details = [d.get("message") for d in (error.get("innererror") or {}).get("errordetails", [])
               if isinstance(d, dict) and d.get("message") and d.get("message") != text]
    line = "; ".join([str(text), *map(str, dict.fromkeys(details))])
    return " ".join(f"{line} ({error.get('code')})".split())


def _literal(text: str) -> str:
    """An OData string literal: quoted, a quote inside doubled."""
    return "'" + text.replace("'", "''") + "'"


def _posted(order: dict) -> Posted:
    if not order.get("SalesOrder"):
        raise Transient("SAP S/4HANA Cloud answered without the sales order")
    return Posted(str(order["SalesOrder"]), str(order["SalesOrder"]),
                  Decimal(str(order.get("TotalNetAmount") or 0)))
