"""A Xero organisation (apis-wave2 §4): PUT/POST /api.xro/2.0/Invoices (ACCREC) and
/CreditNotes (ACCRECCREDIT) with `Xero-tenant-id`, `Idempotency-Key` (a repeat returns the
first answer), `summarizeErrors=false` (refusals inside a 200 with HasErrors), the
ValidationException shape otherwise, XML unless `Accept: application/json`, MS-JSON dates,
and the minute (60) and day (5000) limits with their X-…-Remaining headers and a 429 with
Retry-After and X-Rate-Limit-Problem. Lines are checked as Xero checks them: a known
AccountCode, TaxType and ItemCode, LineAmount = Quantity x UnitAmount."""

from __future__ import annotations

import re
import time
import uuid
from datetime import date, datetime, timezone
from decimal import Decimal

from tests.books.emulator import Emulator
from tests.books.journal_emulators import XeroJournals

TENANT = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
RESOURCES = {"Invoices": ("Invoice", "ACCREC ACCPAY"),
             "CreditNotes": ("CreditNote", "ACCRECCREDIT"), "Payments": ("Payment", "")}
CENT = Decimal("0.01")


def ms_date(day: str) -> str:
    moment = datetime.combine(date.fromisoformat(day), datetime.min.time(), tzinfo=timezone.utc)
    return f"/Date({int(moment.timestamp() * 1000)}+0000)/"


def written_date(value) -> str | None:
    """A date as Xero takes it on a write: "2024-01-02" (a time may follow) or MS-JSON
    "/Date(1704153600000+0000)/"; None if it is neither."""
    text = str(value or "")
    m = re.fullmatch(r"/Date\((-?\d+)([+-]\d{4})?\)/", text)
    if m:
        return datetime.fromtimestamp(int(m.group(1)) / 1000, timezone.utc).date().isoformat()
    m = re.fullmatch(r"(\d{4}-\d\d-\d\d)(T[\d:.]+)?", text)
    return m.group(1) if m else None


class XeroEmulator(XeroJournals, Emulator):
    token_path = "/connect/token"

    def __init__(self, *, per_minute: int = 60, per_day: int = 5000):
        super().__init__()
        self.contacts = {str(uuid.UUID(int=1)): "Web shop customers",
                         str(uuid.UUID(int=2)): "Marketplace customers",
                         str(uuid.UUID(int=3)): "Corner Stores Inc",
                         str(uuid.UUID(int=4)): "EasyPost", str(uuid.UUID(int=5)): "Marketplace"}
        self.items = {"SKU-1", "SKU-2", "SKU-3"}
        self.accounts = {"200": "Sales", "260": "Other revenue", "400": "Discounts",
                         "429": "Postage", "404": "Bank fees"}
        self.bank_accounts = {"090": "Business bank account"}
        self.tax_types = {"OUTPUT", "OUTPUT2", "EXEMPTOUTPUT", "NONE", "INPUT"}
        self.currencies = {"USD", "EUR", "GBP"}
        self.docs: dict[str, dict[str, dict]] = {r: {} for r in RESOURCES}
        self.per_minute, self.per_day = per_minute, per_day
        self._minute: list[float] = []
        self.day_count = 0
        self.clock = time.monotonic
        self.refused: list[str] = []  # the X-Rate-Limit-Problem of every 429

    def handle(self, method, path, query, body, headers):
        limits = self._limits()
        if limits is not None:
            return limits
        remaining = {"X-MinLimit-Remaining": str(self.per_minute - len(self._minute)),
                     "X-DayLimit-Remaining": str(self.per_day - self.day_count),
                     "X-AppMinLimit-Remaining": "9999"}
        if not self.bearer_ok(headers):
            return 401, {"Type": None, "Title": "Unauthorized", "Status": 401,
                         "Detail": "AuthenticationUnsuccessful"}, remaining
        if headers.get("xero-tenant-id") != TENANT:
            return 403, {"Type": None, "Title": "Forbidden", "Status": 403,
                         "Detail": "AuthorizationUnsuccessful"}, remaining
        if "application/json" not in headers.get("accept", ""):
            return 200, b"<Response><Status>OK</Status></Response>", dict(
                remaining, **{"Content-Type": "text/xml"})
        alloc = re.fullmatch(r"/api\.xro/2\.0/CreditNotes/([\w-]+)/Allocations", path)
        if alloc and method == "PUT":
            status, payload, _ = self.once(headers.get("idempotency-key"),
                                           lambda: self._allocate(alloc.group(1), body))
            return status, payload, remaining
        m = re.fullmatch(r"/api\.xro/2\.0/(\w+)(?:/([\w-]+))?", path)
        if m and m.group(1) == "ManualJournals":
            return self.manual_journals(method, query, body, headers, remaining)
        if not m or m.group(1) not in RESOURCES:
            return 404, {"Message": "The resource you're looking for cannot be found"}, remaining
        resource = m.group(1)
        if method == "GET":
            return self._get(resource, m.group(2), remaining)
        key = headers.get("idempotency-key")
        if key and len(key) > 128:
            return 400, {"ErrorNumber": 10, "Type": "ValidationException",
                         "Message": "Idempotency-Key longer than 128 characters"}, remaining
        status, payload, _ = self.once(key, lambda: self._create(resource, body, query))
        return status, payload, remaining

    def _limits(self):
        answer = self._over_a_limit()
        if answer is not None:
            self.refused.append(answer[2]["X-Rate-Limit-Problem"])
        return answer

    def _over_a_limit(self):
        now = self.clock()
        with self.lock:
            self._minute = [t for t in self._minute if now - t < 60.0]
            if self.day_count >= self.per_day:
                return 429, {"Message": "Day limit"}, {"Retry-After": "43200",
                                                       "X-Rate-Limit-Problem": "day",
                                                       "X-DayLimit-Remaining": "0"}
            if len(self._minute) >= self.per_minute:
                wait = max(1, int(60 - (now - self._minute[0])) + 1)
                return 429, {"Message": "Minute limit"}, {"Retry-After": str(wait),
                                                          "X-Rate-Limit-Problem": "minute",
                                                          "X-MinLimit-Remaining": "0"}
            self._minute.append(now)
            self.day_count += 1
        return None

    def _get(self, resource: str, doc_id: str | None, remaining: dict):
        noun = RESOURCES[resource][0]
        docs = list(self.docs[resource].values())
        if doc_id:
            docs = [d for d in docs if d[f"{noun}ID"] == doc_id]
            if not docs:
                return 404, {"Message": "The resource you're looking for cannot be found"}, \
                    remaining
        return 200, self._envelope(resource, docs), remaining

    @staticmethod
    def _envelope(resource: str, docs: list[dict]) -> dict:
        return {"Id": str(uuid.uuid4()), "Status": "OK", "ProviderName": "oms-desktop tests",
                "DateTimeUTC": ms_date(date.today().isoformat()), resource: docs}

    def _create(self, resource: str, body, query: dict):
        noun, kind = RESOURCES[resource]
        summarize = query.get("summarizeErrors", "true").lower() != "false"
        if not isinstance(body, dict) or not isinstance(body.get(resource), list):
            return 400, {"ErrorNumber": 14, "Type": "PostDataInvalidException",
                         "Message": f"The request body must have a {resource} array"}, {}
        made, failed = [], False
        if resource == "Payments":
            return self._payments(body, summarize)
        for element in body[resource]:
            errors = self._check(element, kind, noun)
            if errors:
                failed = True
                made.append(dict(element, HasErrors=True,
                                 ValidationErrors=[{"Message": e} for e in errors]))
            else:
                made.append(self._store(resource, noun, element))
        if failed and summarize:
            return 400, {"ErrorNumber": 10, "Type": "ValidationException",
                         "Message": "A validation exception occurred",
                         "Elements": [e for e in made if e.get("HasErrors")]}, {}
        return 200, self._envelope(resource, made), {}

    def _check(self, e: dict, kind: str, noun: str) -> list[str]:
        errors = []
        if e.get("Type") not in kind.split():
            errors.append(f"Type must be {' or '.join(kind.split())}")
        if (e.get("Contact") or {}).get("ContactID") not in self.contacts:
            errors.append("The contact could not be found")
        if e.get("CurrencyCode", "USD") not in self.currencies:
            errors.append(f"Currency code '{e.get('CurrencyCode')}' is not enabled")
        if not written_date(e.get("Date")):
            errors.append("Date is required")
        if not e.get("LineItems"):
            errors.append(f"{noun} must have at least one line item")
        for line in e.get("LineItems") or []:
            errors += self._check_line(line)
        return errors

    def _check_line(self, line: dict) -> list[str]:
        errors = []
        if line.get("AccountCode") not in self.accounts:
            errors.append(f"Account code '{line.get('AccountCode')}' is not a valid code for "
                          "this document.")
        if line.get("TaxType") not in self.tax_types:
            errors.append(f"The TaxType code '{line.get('TaxType')}' does not exist or cannot "
                          "be used for this type of transaction.")
        if "ItemCode" in line and line["ItemCode"] not in self.items:
            errors.append(f"Item code '{line['ItemCode']}' is not valid")
        amount = (Decimal(str(line.get("Quantity", 1))) *
                  Decimal(str(line.get("UnitAmount", 0)))).quantize(CENT)
        if "LineAmount" in line and Decimal(str(line["LineAmount"])).quantize(CENT) != amount:
            errors.append("The line total does not equal quantity x unit amount")
        return errors

    def _store(self, resource: str, noun: str, e: dict) -> dict:
        lines = e["LineItems"]
        sub = sum(Decimal(str(l["Quantity"])) * Decimal(str(l["UnitAmount"])) for l in lines)
        tax = sum(Decimal(str(l.get("TaxAmount", 0))) for l in lines)
        number = e.get(f"{noun}Number") or f"INV-{self.next_id():04d}"
        day, due = written_date(e["Date"]), written_date(e.get("DueDate"))
        doc = dict(e, **{f"{noun}ID": str(uuid.uuid4()), f"{noun}Number": number,
                         "Date": ms_date(day), "DateString": day + "T00:00:00",
                         **({"DueDate": ms_date(due), "DueDateString": due + "T00:00:00"}
                            if due else {}),
                         "SubTotal": float(sub.quantize(CENT)), "TotalTax": float(tax),
                         "Total": float((sub + tax).quantize(CENT)), "HasErrors": False,
                         "AmountDue": float((sub + tax).quantize(CENT)), "AmountPaid": 0.0,
                         "RemainingCredit": float((sub + tax).quantize(CENT)),
                         "UpdatedDateUTC": ms_date(date.today().isoformat())})
        with self.lock:
            self.docs[resource][doc[f"{noun}ID"]] = doc
        return doc

    def _payments(self, body: dict, summarize: bool):
        """Each payment applied to an AUTHORISED invoice, from a bank account, never more
        than the invoice's AmountDue; a paid invoice turns PAID."""
        made, failed = [], False
        for e in body["Payments"]:
            errors = self._check_payment(e)
            if errors:
                failed = True
                made.append(dict(e, HasErrors=True,
                                 ValidationErrors=[{"Message": m} for m in errors]))
                continue
            inv = self.docs["Invoices"][e["Invoice"]["InvoiceID"]]
            amount = Decimal(str(e["Amount"]))
            due = (Decimal(str(inv["AmountDue"])) - amount).quantize(CENT)
            inv.update(AmountDue=float(due), AmountPaid=float(
                Decimal(str(inv["AmountPaid"])) + amount), Status="PAID" if not due else
                inv["Status"])
            doc = dict(e, PaymentID=str(uuid.uuid4()), Date=ms_date(written_date(e["Date"])),
                       Status="AUTHORISED", PaymentType="ACCRECPAYMENT", HasErrors=False)
            with self.lock:
                self.docs["Payments"][doc["PaymentID"]] = doc
            made.append(doc)
        if failed and summarize:
            return 400, {"ErrorNumber": 10, "Type": "ValidationException",
                         "Message": "A validation exception occurred",
                         "Elements": [e for e in made if e.get("HasErrors")]}, {}
        return 200, self._envelope("Payments", made), {}

    def _allocate(self, note_id: str, body):
        """PUT /CreditNotes/{id}/Allocations: credit applied to an AUTHORISED invoice of the
        same contact, never more than the credit left or the invoice's AmountDue."""
        note = self.docs["CreditNotes"].get(note_id)
        if note is None:
            return 404, {"Message": "The resource you're looking for cannot be found"}, {}
        if not isinstance(body, dict) or not isinstance(body.get("Allocations"), list):
            return 400, {"ErrorNumber": 14, "Type": "PostDataInvalidException",
                         "Message": "The request body must have an Allocations array"}, {}
        made = []
        for a in body["Allocations"]:
            inv = self.docs["Invoices"].get((a.get("Invoice") or {}).get("InvoiceID"))
            amount = Decimal(str(a.get("Amount", 0)))
            problem = ("Invoice could not be found" if inv is None else
                       "The invoice is not AUTHORISED" if inv["Status"] != "AUTHORISED" else
                       "The contacts differ" if inv["Contact"] != note["Contact"] else
                       "The amount is more than the credit left or the amount due"
                       if amount <= 0 or amount > Decimal(str(note["RemainingCredit"]))
                       or amount > Decimal(str(inv["AmountDue"])) else
                       None if written_date(a.get("Date")) else "Date is required")
            if problem:
                return 400, {"ErrorNumber": 10, "Type": "ValidationException",
                             "Message": "A validation exception occurred",
                             "Elements": [dict(a, ValidationErrors=[{"Message": problem}])]}, {}
            due = (Decimal(str(inv["AmountDue"])) - amount).quantize(CENT)
            inv.update(AmountDue=float(due), AmountCredited=float(
                Decimal(str(inv.get("AmountCredited", 0))) + amount),
                Status="PAID" if not due else inv["Status"])
            note["RemainingCredit"] = float(Decimal(str(note["RemainingCredit"])) - amount)
            made.append(dict(a, AllocationID=str(uuid.uuid4())))
        return 200, {"Allocations": made}, {}

    def _check_payment(self, e: dict) -> list[str]:
        inv = self.docs["Invoices"].get((e.get("Invoice") or {}).get("InvoiceID"))
        if inv is None:
            return ["Invoice could not be found"]
        errors = []
        if inv["Status"] != "AUTHORISED":
            errors.append(f"Payments can only be made against Authorised documents "
                          f"(this one is {inv['Status']})")
        if (e.get("Account") or {}).get("Code") not in self.bank_accounts:
            errors.append("Account code must be a bank account or have payments enabled")
        if not written_date(e.get("Date")):
            errors.append("Date is required")
        amount = Decimal(str(e.get("Amount", 0)))
        if amount <= 0 or amount > Decimal(str(inv["AmountDue"])):
            errors.append("Payment amount exceeds the amount outstanding on this document")
        return errors

    def all_docs(self) -> list[dict]:
        return [d for docs in self.docs.values() for d in docs.values()]
