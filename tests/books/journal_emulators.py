"""Journal entries in the three emulated books, as strict as their published rules:

- QuickBooks Online `POST /v3/company/{realm}/journalentry`: JournalEntryLineDetail lines
  with PostingType Debit or Credit, a non-negative Amount and a known AccountRef; debits equal
  to credits; TxnDate; DocNumber of 21 characters at most; `requestid` answers a repeat with
  the first answer. TotalAmt is the debits.
- Xero `PUT /api.xro/2.0/ManualJournals`: a Narration, at least two JournalLines with a known
  AccountCode, LineAmounts (debits positive, credits negative) that add up to zero, Status
  DRAFT or POSTED; `Idempotency-Key`; errors inside a 200 with `summarizeErrors=false`.
- SAP Business One `POST /b1s/v1/JournalEntries`: ReferenceDate, at least two
  JournalEntryLines each with a G/L AccountCode of the chart and a Debit or a Credit (not
  both), balanced; Memo and LineMemo 50 characters, Reference2 100; `$filter` on Reference2.
"""

from __future__ import annotations

import re
from decimal import Decimal
from urllib.parse import unquote

CENT = Decimal("0.01")


def _dec(value) -> Decimal | None:
    try:
        return Decimal(str(value)).quantize(CENT)
    except Exception:
        return None


class QboJournals:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gl_accounts = {"120": "Inventory Asset", "80": "Cost of Goods Sold",
                            "125": "Stock received not billed", "81": "Inventory Shrinkage"}
        self.journals: dict[str, dict] = {}

    def journal_entry(self, method, query, body):
        from tests.books.qbo_emulator import NOW, fault

        if method != "POST" or not isinstance(body, dict):
            return 400, fault("2500", "Invalid Request", "POST a JournalEntry as JSON"), {}

        def make():
            problem = self._check_journal(body)
            if problem:
                return 400, fault(*problem), {}
            debits = sum(Decimal(str(l["Amount"])) for l in body["Line"]
                         if l["JournalEntryLineDetail"]["PostingType"] == "Debit")
            doc = dict(body, Id=str(self.next_id()), SyncToken="0", TotalAmt=float(debits),
                       Adjustment=False, MetaData={"CreateTime": NOW, "LastUpdatedTime": NOW})
            self.journals[doc["Id"]] = doc
            return 200, {"JournalEntry": doc, "time": NOW}, {}
        return self.once(query.get("requestid"), make)

    def _check_journal(self, body: dict):
        invalid = "6000", "A business validation error has occurred"
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", body.get("TxnDate", "")):
            return "2020", "Required param missing, need to supply the required value for " \
                   "the API", "TxnDate"
        if len(body.get("DocNumber", "")) > 21:
            return *invalid, "DocNumber too long"
        if (body.get("CurrencyRef") or {}).get("value", "USD") not in self.currencies:
            return *invalid, "Unsupported currency"
        if len(body.get("Line") or []) < 2:
            return "2020", "Required param missing", "Line: a journal entry needs two lines"
        sums = {"Debit": Decimal(0), "Credit": Decimal(0)}
        for line in body["Line"]:
            detail = line.get("JournalEntryLineDetail") or {}
            amount = _dec(line.get("Amount"))
            if line.get("DetailType") != "JournalEntryLineDetail" or \
                    detail.get("PostingType") not in sums:
                return "2010", "Invalid Enumeration", f"PostingType {detail.get('PostingType')}"
            if amount is None or amount < 0:
                return *invalid, f"Amount {line.get('Amount')} is not a positive number"
            ref = (detail.get("AccountRef") or {}).get("value")
            if ref not in self.gl_accounts and ref not in self.accounts:
                return "2500", "Invalid Reference Id", f"Invalid Account Id : {ref}"
            sums[detail["PostingType"]] += amount
        if sums["Debit"] != sums["Credit"]:
            return *invalid, "Transaction must be balanced: the debits " \
                f"({sums['Debit']}) do not equal the credits ({sums['Credit']})"
        return None


class XeroJournals:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gl_accounts = {"630": "Inventory", "310": "Cost of Goods Sold",
                            "820": "Goods received not invoiced", "320": "Stock write-offs"}
        self.journals: dict[str, dict] = {}

    def manual_journals(self, method, query, body, headers, remaining):
        import uuid

        if method not in ("PUT", "POST"):
            return 200, {"ManualJournals": list(self.journals.values())}, remaining
        if not isinstance(body, dict) or not isinstance(body.get("ManualJournals"), list):
            return 400, {"ErrorNumber": 14, "Type": "PostDataInvalidException",
                         "Message": "The request body must have a ManualJournals array"}, remaining

        def make():
            made, failed = [], False
            for element in body["ManualJournals"]:
                errors = self._check_journal(element)
                if errors:
                    failed = True
                    made.append(dict(element, HasErrors=True,
                                     ValidationErrors=[{"Message": e} for e in errors]))
                    continue
                doc = dict(element, ManualJournalID=str(uuid.uuid4()), HasErrors=False)
                self.journals[doc["ManualJournalID"]] = doc
                made.append(doc)
            if failed and query.get("summarizeErrors", "true").lower() != "false":
                return 400, {"ErrorNumber": 10, "Type": "ValidationException",
                             "Message": "A validation exception occurred",
                             "Elements": [e for e in made if e.get("HasErrors")]}, {}
            return 200, {"Status": "OK", "ManualJournals": made}, {}
        status, payload, _ = self.once(headers.get("idempotency-key"), make)
        return status, payload, remaining

    def _check_journal(self, e: dict) -> list[str]:
        from tests.books.xero_emulator import written_date

        errors = []
        if not str(e.get("Narration") or "").strip():
            errors.append("Narration is required")
        if not written_date(e.get("Date")):
            errors.append("Date is required")
        if e.get("Status", "DRAFT") not in ("DRAFT", "POSTED"):
            errors.append(f"Status {e.get('Status')} is not valid for a new manual journal")
        lines = e.get("JournalLines") or []
        if len(lines) < 2:
            errors.append("A manual journal must have at least two lines")
        total = Decimal(0)
        for line in lines:
            if line.get("AccountCode") not in self.gl_accounts and \
                    line.get("AccountCode") not in self.accounts:
                errors.append(f"Account code '{line.get('AccountCode')}' is not a valid code")
            amount = _dec(line.get("LineAmount"))
            if amount is None:
                errors.append("LineAmount is required")
            else:
                total += amount
        if total != 0:
            errors.append("The total of the journal lines must be zero: the debits must equal "
                          f"the credits (off by {total})")
        return errors


class SapJournals:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.gl_accounts = {"140000", "510000", "211000", "515000"}
        self.journals: dict[int, dict] = {}

    def journal_entries(self, method, query, body):
        from tests.books.sap_emulator import error

        if method == "GET":
            wanted = re.fullmatch(r"Reference2 eq '([^']*)'", unquote(query.get("$filter", "")))
            if not wanted:
                return 400, error(-1, "Unsupported $filter"), {}
            fields = query.get("$select", "").split(",") if query.get("$select") else None
            found = [j for j in self.journals.values()
                     if j.get("Reference2") == wanted.group(1)]
            if fields:
                found = [{k: j[k] for k in fields if k in j} for j in found]
            return 200, {"odata.metadata": "$metadata#JournalEntries", "value": found}, {}
        if not isinstance(body, dict):
            return 400, error(-1, "Invalid JSON"), {}
        problem = self._check_journal(body)
        if problem:
            return 400, error(*problem), {}
        number = self.next_id()
        doc = dict(body, JdtNum=number, Number=number, TransactionCode="", Original=number)
        self.journals[number] = doc
        return 201, doc, {}

    def _check_journal(self, body: dict) -> tuple[int, str] | None:
        if not re.fullmatch(r"\d{4}-\d\d-\d\d", body.get("ReferenceDate", "")):
            return -10, "ReferenceDate is missing"
        for name, most in (("Memo", 50), ("Reference", 100), ("Reference2", 100)):
            if len(str(body.get(name) or "")) > most:
                return -10, f"Value too long in property '{name}' of 'JournalEntry'"
        lines = body.get("JournalEntryLines") or []
        if len(lines) < 2:
            return -5002, "A journal entry needs at least two rows"
        debit = credit = Decimal(0)
        for n, line in enumerate(lines):
            if line.get("AccountCode") not in self.gl_accounts:
                return -10, f"Invalid account code '{line.get('AccountCode')}' " \
                            f"[JournalEntryLines.AccountCode][line: {n}]"
            d, c = _dec(line.get("Debit", 0)), _dec(line.get("Credit", 0))
            if d is None or c is None or d < 0 or c < 0 or (d and c) or not (d or c):
                return -10, f"Enter a debit or a credit amount [line: {n}]"
            if len(str(line.get("LineMemo") or "")) > 50:
                return -10, "Value too long in property 'LineMemo' of 'JournalEntryLine'"
            debit, credit = debit + d, credit + c
        if debit != credit:
            return -5012, f"Unbalanced transaction (debit {debit}, credit {credit})"
        return None
