"""A SAP Business One Service Layer (apis-wave2 §5a): POST /b1s/v1/Login sets the B1SESSION and
ROUTEID cookies, every other call needs both (401 without, or after `expire()`); POST /Invoices
and /CreditNotes answer 201 with the document; GET with `$filter=NumAtCard eq '…'` and
`$select` finds documents; the error shape is {"error": {"code", "message": {"lang",
"value"}}}. B1 works out each line's tax from its TaxCode's rate; unknown CardCode, ItemCode
or TaxCode are refused."""

from __future__ import annotations

import re
import uuid
from decimal import ROUND_HALF_UP, Decimal
from urllib.parse import unquote

from tests.books.emulator import Emulator
from tests.books.journal_emulators import SapJournals

COMPANY, USER, PASSWORD = "SBODEMOUS", "manager", "b1-password-1"
CENT = Decimal("0.01")


def error(code: int, text: str) -> dict:
    return {"error": {"code": code, "message": {"lang": "en-us", "value": text}}}


class SapB1Emulator(SapJournals, Emulator):
    token_path = "/b1s/v1/Login"

    def __init__(self):
        super().__init__()
        self.customers = {"C-WEB", "C-MKT", "C-CORNER"}
        self.items = {"SKU-1", "SKU-2", "SHIP", "DISC"}
        self.tax_rates = {"X10": Decimal("0.10"), "X19": Decimal("0.19"), "EX": Decimal(0)}
        self.sessions: set[str] = set()
        self.docs: dict[str, dict[int, dict]] = {"Invoices": {}, "CreditNotes": {}}
        self.logins = 0
        self.calls_left: int | None = None

    def expire_after(self, calls: int) -> None:
        """The sessions time out after this many more calls (once)."""
        self.calls_left = calls

    def _token(self, form: str, headers: dict):  # the Login call
        import json
        try:
            body = json.loads(form)
        except ValueError:
            return 400, error(-1, "Invalid JSON"), {}
        if (body.get("CompanyDB"), body.get("UserName"), body.get("Password")) != (
                COMPANY, USER, PASSWORD):
            return 401, error(100000027, "Login failed"), {}
        session = str(uuid.uuid4())
        self.sessions.add(session)
        self.logins += 1
        return 200, {"odata.metadata": "$metadata#B1Sessions/@Element", "SessionId": session,
                     "Version": "1000190", "SessionTimeout": 30}, {
            "Set-Cookie": [f"B1SESSION={session}; HttpOnly", "ROUTEID=.node1; path=/b1s"]}

    def handle(self, method, path, query, body, headers):
        cookies = dict(c.strip().split("=", 1) for c in headers.get("cookie", "").split(";")
                       if "=" in c)
        if cookies.get("B1SESSION") not in self.sessions or "ROUTEID" not in cookies:
            return 401, error(301, "Invalid session or session already timeout."), {}
        if self.calls_left is not None:
            self.calls_left -= 1
            if self.calls_left <= 0:
                self.sessions.clear()
                self.calls_left = None
        if path == "/b1s/v1/JournalEntries":
            return self.journal_entries(method, query, body)
        m = re.fullmatch(r"/b1s/v1/(Invoices|CreditNotes)", path)
        if not m:
            return 404, error(-1, f"Resource not found for the segment '{path}'"), {}
        entity = m.group(1)
        if method == "GET":
            return self._query(entity, query)
        if not isinstance(body, dict):
            return 400, error(-1, "Invalid JSON"), {}
        return self._create(entity, body)

    def _query(self, entity: str, query: dict):
        wanted = re.fullmatch(r"NumAtCard eq '([^']*)'", unquote(query.get("$filter", "")))
        if not wanted:
            return 400, error(-1, "Unsupported $filter"), {}
        fields = query.get("$select", "").split(",") if query.get("$select") else None
        found = [d for d in self.docs[entity].values() if d.get("NumAtCard") == wanted.group(1)]
        if fields:
            found = [{k: d[k] for k in fields if k in d} for d in found]
        return 200, {"odata.metadata": f"$metadata#{entity}", "value": found}, {}

    def _create(self, entity: str, body: dict):
        if body.get("CardCode") not in self.customers:
            return 400, error(-10, f"Invalid BP code '{body.get('CardCode')}'"), {}
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", body.get("DocDate", "")):
            return 400, error(-10, "DocDate is missing"), {}
        total = vat = Decimal(0)
        for n, line in enumerate(body.get("DocumentLines") or []):
            if line.get("ItemCode") not in self.items:
                return 400, error(-10, f"Item '{line.get('ItemCode')}' does not exist "
                                       f"[DocumentLines.ItemCode][line: {n}]"), {}
            if line.get("TaxCode") not in self.tax_rates:
                return 400, error(-10, f"Tax code '{line.get('TaxCode')}' is invalid "
                                       f"[DocumentLines.TaxCode][line: {n}]"), {}
            line_total = (Decimal(str(line["Quantity"])) * Decimal(str(line["Price"]))).quantize(CENT)
            line["LineTotal"] = float(line_total)
            line["LineNum"] = n
            total += line_total
            vat += (line_total * self.tax_rates[line["TaxCode"]]).quantize(CENT, ROUND_HALF_UP)
        if not body.get("DocumentLines"):
            return 400, error(-5002, "To generate this document, first define the item"), {}
        entry = self.next_id()
        doc = dict(body, DocEntry=entry, DocNum=1000 + entry, VatSum=float(vat),
                   DocTotal=float(total + vat), DocumentStatus="bost_Open", Cancelled="tNO")
        self.docs[entity][entry] = doc
        return 201, doc, {}

    def all_docs(self) -> list[dict]:
        return [d for docs in self.docs.values() for d in docs.values()]
