"""A QuickBooks Online company (apis-wave2 §3): POST /v3/company/{realm}/salesreceipt and
/refundreceipt with `minorversion` (1–74 retired: served as 75) and `requestid` (a repeat
returns the same response), GET /{entity}/{Id}, GET /query for the look-ups, the Fault shape
(codes as strings) for every refusal, 401 for a bad bearer, and the 10-per-second per-realm
limit answered with 429. Lines are checked as QuickBooks checks them: a known ItemRef, a known
TaxCodeRef, Amount = Qty x UnitPrice; a known customer, deposit account and currency."""

from __future__ import annotations

import re
import time
from decimal import Decimal

from tests.books.emulator import Emulator

REALM = "9130350000000001"
ENTITIES = {"salesreceipt": "SalesReceipt", "refundreceipt": "RefundReceipt"}
NOW = "2026-12-05T10:00:00.000-08:00"


def fault(code: str, message: str, detail: str, kind: str = "ValidationFault") -> dict:
    return {"Fault": {"Error": [{"Message": message, "Detail": detail, "code": code,
                                 "element": ""}], "type": kind}, "time": NOW}


class QuickBooksEmulator(Emulator):
    token_path = "/oauth2/v1/tokens/bearer"

    def __init__(self, *, per_second: int = 10):
        super().__init__()
        self.items = {"1": "SKU-1", "2": "SKU-2", "3": "SKU-3", "90": "Shipping"}
        self.customers = {"58": "Web customer", "59": "Marketplace customer"}
        self.tax_codes = {"TAX", "NON", "7", "8"}
        self.accounts = {"35": "Undeposited Funds", "86": "Discounts given"}
        self.currencies = {"USD", "EUR", "GBP"}
        self.docs: dict[str, dict[str, dict]] = {e: {} for e in ENTITIES.values()}
        self.per_second, self._stamps = per_second, []
        self.minorversions: list[str | None] = []
        self.throttled = 0  # answer the next n API calls with 429

    def throttle(self, count: int) -> None:
        self.throttled = count

    def handle(self, method, path, query, body, headers):
        if path == "/.well-known/openid_configuration":  # Intuit's discovery document
            return 200, {"issuer": self.url, "authorization_endpoint": self.url + "/authorize",
                         "token_endpoint": self.url + self.token_path,
                         "revocation_endpoint": self.url + "/revoke",
                         "userinfo_endpoint": self.url + "/userinfo",
                         "jwks_uri": self.url + "/jwks"}, {}
        if not self.bearer_ok(headers):
            return 401, fault("3200", "message=AuthenticationFailed", "Token invalid",
                              "AuthenticationFault"), {}
        if self._throttled():
            return 429, fault("003001", "ThrottleExceeded", "Throttle exceeded",
                              "SystemFault"), {}
        m = re.fullmatch(rf"/v3/company/({REALM}|[^/]+)/(\w+)(?:/(\w+))?", path)
        if not m or m.group(1) != REALM:
            return 403, fault("3100", "ApplicationAuthorizationFailed", "Wrong realm",
                              "AuthorizationFault"), {}
        entity = ENTITIES.get(m.group(2))
        self.minorversions.append(query.get("minorversion"))
        if method == "GET" and m.group(2) == "query":
            return self._query(query.get("query", ""))
        if entity is None:
            return 400, fault("2010", "Unsupported Operation", m.group(2)), {}
        if method == "GET":
            doc = self.docs[entity].get(m.group(3) or "")
            return (200, {entity: doc, "time": NOW}, {}) if doc else \
                (400, fault("610", "Object Not Found", f"{entity} {m.group(3)}"), {})
        if not isinstance(body, dict):
            return 400, fault("2500", "Invalid Request", "Body is not JSON"), {}
        return self.once(query.get("requestid"), lambda: self._create(entity, body))

    def _throttled(self) -> bool:
        now = time.monotonic()
        with self.lock:
            if self.throttled:
                self.throttled -= 1
                return True
            self._stamps = [t for t in self._stamps if now - t < 1.0] + [now]
            return len(self._stamps) > self.per_second

    def _create(self, entity: str, body: dict):
        problem = self._check(body)
        if problem:
            return 400, fault(*problem), {}
        goods = Decimal(0)
        for line in body["Line"]:
            sign = -1 if line["DetailType"] == "DiscountLineDetail" else 1
            goods += sign * Decimal(str(line["Amount"]))
        tax = Decimal(str((body.get("TxnTaxDetail") or {}).get("TotalTax", 0)))
        doc = dict(body, Id=str(self.next_id()), SyncToken="0", TotalAmt=float(goods + tax),
                   MetaData={"CreateTime": NOW, "LastUpdatedTime": NOW})
        if entity == "SalesReceipt":
            doc["Balance"] = 0
        self.docs[entity][doc["Id"]] = doc
        return 200, {entity: doc, "time": NOW}, {}

    def _check(self, body: dict) -> tuple[str, str, str] | None:
        customer = (body.get("CustomerRef") or {}).get("value")
        if customer not in self.customers:
            return "2500", "Invalid Reference Id", f"Invalid Customer Id : {customer}"
        if (body.get("CurrencyRef") or {}).get("value", "USD") not in self.currencies:
            return "6000", "A business validation error has occurred", "Unsupported currency"
        if (body.get("DepositToAccountRef") or {}).get("value") not in self.accounts:
            return "2500", "Invalid Reference Id", "Invalid Account Id : DepositToAccountRef"
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", body.get("TxnDate", "")):
            return "2020", "Required param missing, need to supply the required value for " \
                   "the API", "TxnDate"
        if len(body.get("DocNumber", "")) > 21:
            return "6000", "A business validation error has occurred", "DocNumber too long"
        if not body.get("Line"):
            return "2020", "Required param missing", "Line"
        for line in body["Line"]:
            problem = self._check_line(line)
            if problem:
                return problem
        return None

    def _check_line(self, line: dict) -> tuple[str, str, str] | None:
        kind = line.get("DetailType")
        if kind == "DiscountLineDetail":
            ref = line["DiscountLineDetail"].get("DiscountAccountRef", {}).get("value")
            return None if ref in self.accounts else (
                "2500", "Invalid Reference Id", f"Invalid Account Id : {ref}")
        if kind != "SalesItemLineDetail":
            return "2010", "Unsupported DetailType", str(kind)
        d = line["SalesItemLineDetail"]
        if d.get("ItemRef", {}).get("value") not in self.items:
            return "2500", "Invalid Reference Id", f"Invalid Item Id : {d.get('ItemRef')}"
        if d.get("TaxCodeRef", {}).get("value") not in self.tax_codes:
            return "2500", "Invalid Reference Id", f"Invalid TaxCode Id : {d.get('TaxCodeRef')}"
        expected = (Decimal(str(d["Qty"])) * Decimal(str(d["UnitPrice"]))).quantize(Decimal("0.01"))
        if Decimal(str(line["Amount"])).quantize(Decimal("0.01")) != expected:
            return "6070", "Amount calculation incorrect", \
                f"Amount is not equal to UnitPrice * Qty. Supplied value:{line['Amount']}"
        return None

    def _query(self, text: str):
        m = re.fullmatch(r"select \* from (\w+)(?: where (\w+) = '([^']*)')?", text.strip(),
                         re.IGNORECASE)
        if not m:
            return 400, fault("4000", "Error parsing query", text), {}
        entity = {"salesreceipt": "SalesReceipt", "refundreceipt": "RefundReceipt"}.get(
            m.group(1).lower())
        if entity is None:
            return 400, fault("4001", "Invalid query", m.group(1)), {}
        found = [d for d in self.docs[entity].values()
                 if not m.group(2) or str(d.get(m.group(2))) == m.group(3)]
        return 200, {"QueryResponse": {entity: found, "startPosition": 1,
                                       "maxResults": len(found)} if found else {},
                     "time": NOW}, {}

    def all_docs(self) -> list[dict]:
        return [d for docs in self.docs.values() for d in docs.values()]
