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
from tests.books.journal_emulators import QboJournals

REALM = "9130350000000001"
ENTITIES = {"salesreceipt": "SalesReceipt", "refundreceipt": "RefundReceipt",
            "invoice": "Invoice", "payment": "Payment", "bill": "Bill",
            "creditmemo": "CreditMemo"}
NOW = "2026-12-05T10:00:00.000-08:00"


def fault(code: str, message: str, detail: str, kind: str = "ValidationFault") -> dict:
    return {"Fault": {"Error": [{"Message": message, "Detail": detail, "code": code,
                                 "element": ""}], "type": kind}, "time": NOW}


class QuickBooksEmulator(QboJournals, Emulator):
    token_path = "/oauth2/v1/tokens/bearer"

    def __init__(self, *, per_second: int = 10):
        super().__init__()
        self.items = {"1": "SKU-1", "2": "SKU-2", "3": "SKU-3", "90": "Shipping",
                      "91": "Early-payment discount"}
        self.customers = {"58": "Web customer", "59": "Marketplace customer",
                          "61": "Corner Stores Inc"}
        self.vendors = {"70": "EasyPost", "71": "Marketplace"}
        self.expense_accounts = {"60": "Postage and delivery", "62": "Merchant fees"}
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
        if m.group(2) == "journalentry":
            return self.journal_entry(method, query, body)
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
        if entity in ("Payment", "Bill"):
            return self._create_payment(body) if entity == "Payment" else \
                self._create_bill(body)
        problem = self._check(body, deposit=entity not in ("Invoice", "CreditMemo"))
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
        if entity == "CreditMemo":
            doc["Balance"] = doc["TotalAmt"]  # credit left to apply
        if entity == "Invoice":
            if not re.fullmatch(r"\d{4}-\d\d-\d\d", body.get("DueDate", "")):
                return 400, fault("2020", "Required param missing", "DueDate"), {}
            doc["Balance"] = doc["TotalAmt"]
        self.docs[entity][doc["Id"]] = doc
        return 200, {entity: doc, "time": NOW}, {}

    def _create_payment(self, body: dict):
        """A Payment must name a customer and apply its amount to that customer's open
        invoices (LinkedTxn), never more than their balance."""
        customer = (body.get("CustomerRef") or {}).get("value")
        if customer not in self.customers:
            return 400, fault("2500", "Invalid Reference Id",
                              f"Invalid Customer Id : {customer}"), {}
        if "TotalAmt" not in body:
            return 400, fault("2020", "Required param missing", "TotalAmt"), {}
        if (body.get("DepositToAccountRef") or {}).get("value", "35") not in self.accounts:
            return 400, fault("2500", "Invalid Reference Id",
                              "Invalid Account Id : DepositToAccountRef"), {}
        applied, targets = Decimal(0), []
        for line in body.get("Line") or []:
            for link in line.get("LinkedTxn") or []:
                kind = link.get("TxnType")
                inv = self.docs.get(kind, {}).get(str(link.get("TxnId"))) \
                    if kind in ("Invoice", "CreditMemo") else None
                if inv is None:
                    return 400, fault("610", "Object Not Found",
                                      f"{kind} {link.get('TxnId')}"), {}
                if inv["CustomerRef"]["value"] != customer:
                    return 400, fault("6000", "A business validation error has occurred",
                                      f"The {kind} belongs to another customer"), {}
                amount = Decimal(str(line["Amount"]))
                if amount > Decimal(str(inv["Balance"])):
                    return 400, fault("6000", "A business validation error has occurred",
                                      f"The amount is more than the {kind}'s balance"), {}
                targets.append((inv, amount))
                applied += amount if kind == "Invoice" else -amount
        total = Decimal(str(body["TotalAmt"]))
        if applied > total:
            return 400, fault("6000", "A business validation error has occurred",
                              "Applied amounts exceed TotalAmt"), {}
        for inv, amount in targets:
            inv["Balance"] = float(Decimal(str(inv["Balance"])) - amount)
        doc = dict(body, Id=str(self.next_id()), SyncToken="0",
                   UnappliedAmt=float(total - applied), MetaData={"CreateTime": NOW})
        self.docs["Payment"][doc["Id"]] = doc
        return 200, {"Payment": doc, "time": NOW}, {}

    def _create_bill(self, body: dict):
        vendor = (body.get("VendorRef") or {}).get("value")
        if vendor not in self.vendors:
            return 400, fault("2500", "Invalid Reference Id", f"Invalid Vendor Id : {vendor}"), {}
        if not body.get("Line"):
            return 400, fault("2020", "Required param missing", "Line"), {}
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", body.get("TxnDate", "")):
            return 400, fault("2020", "Required param missing", "TxnDate"), {}
        if (body.get("CurrencyRef") or {}).get("value", "USD") not in self.currencies:
            return 400, fault("6000", "A business validation error has occurred",
                              "Unsupported currency"), {}
        if len(body.get("DocNumber", "")) > 21:
            return 400, fault("6000", "A business validation error has occurred",
                              "DocNumber too long"), {}
        for line in body["Line"]:
            if line.get("DetailType") != "AccountBasedExpenseLineDetail":
                return 400, fault("2010", "Unsupported DetailType", str(line.get("DetailType"))), {}
            ref = line["AccountBasedExpenseLineDetail"].get("AccountRef", {}).get("value")
            if ref not in self.expense_accounts:
                return 400, fault("2500", "Invalid Reference Id", f"Invalid Account Id : {ref}"), {}
        total = sum(Decimal(str(l["Amount"])) for l in body["Line"])
        doc = dict(body, Id=str(self.next_id()), SyncToken="0", TotalAmt=float(total),
                   Balance=float(total), MetaData={"CreateTime": NOW})
        self.docs["Bill"][doc["Id"]] = doc
        return 200, {"Bill": doc, "time": NOW}, {}

    def _check(self, body: dict, *, deposit: bool = True) -> tuple[str, str, str] | None:
        customer = (body.get("CustomerRef") or {}).get("value")
        if customer not in self.customers:
            return "2500", "Invalid Reference Id", f"Invalid Customer Id : {customer}"
        if (body.get("CurrencyRef") or {}).get("value", "USD") not in self.currencies:
            return "6000", "A business validation error has occurred", "Unsupported currency"
        if deposit and (body.get("DepositToAccountRef") or {}).get("value") not in self.accounts:
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
        entity = ENTITIES.get(m.group(1).lower())
        if entity is None:
            return 400, fault("4001", "Invalid query", m.group(1)), {}
        found = [d for d in self.docs[entity].values()
                 if not m.group(2) or str(d.get(m.group(2))) == m.group(3)]
        return 200, {"QueryResponse": {entity: found, "startPosition": 1,
                                       "maxResults": len(found)} if found else {},
                     "time": NOW}, {}

    def all_docs(self) -> list[dict]:
        return [d for docs in self.docs.values() for d in docs.values()]
