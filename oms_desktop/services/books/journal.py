"""A general-ledger journal for any accounting package: per day or month, channel and
currency, what was sold and refunded as balanced debits and credits (date, account, debit,
credit, tax, reference), written as CSV or XLSX. Account names come from the mappings of the
target "journal" (e.g. `books map journal account income 4000`), else plain defaults."""

from __future__ import annotations

import calendar
import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from oms_desktop.accounting.base import Document
from oms_desktop.documents.csv_cells import safe_cell
from oms_desktop.errors import ValidationError
from oms_desktop.services.books import documents, journal_trade, mappings, stock_value
from oms_desktop.storage import Database

TARGET = "journal"
DEFAULTS = {"income": "Sales", "shipping": "Shipping income", "discount": "Discounts given",
            "tax": "Sales tax payable"}
HEADERS = ["date", "account", "debit", "credit", "tax", "reference", "currency"]
ZERO = Decimal(0)


@dataclass(frozen=True)
class JournalRow:
    date: date
    account: str
    debit: Decimal
    credit: Decimal
    tax: str
    reference: str
    currency: str


def journal(db: Database, *, first: date, last: date, period: str = "day") -> list[JournalRow]:
    if period not in ("day", "month"):
        raise ValidationError(f"A journal is per day or per month, not {period!r}")
    if last < first:
        raise ValidationError(f"The journal's last day {last} is before its first {first}")
    with db.uow(readonly=True) as uow:
        s = uow.session
        names = mappings.load(s, TARGET)
        docs = _docs(s, first, last)
        others = journal_trade.entries(s, first, last, names,
                                       names.get(("account", "income"), DEFAULTS["income"]))
        stock = stock_value.months(s, stock_value.ended_months(first, last))
    sums: dict[tuple, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for day, account, tax, reference, currency, debit, credit in others:
        key = (_period_end(day, period), account, tax, reference, currency)
        sums[key][0] += debit
        sums[key][1] += credit
    for doc in docs:
        for account, tax, debit, credit in _entries(doc, names):
            key = (_period_end(doc.day, period), account, tax,
                   f"{doc.channel} {'sales' if doc.kind == 'sale' else 'refunds'}", doc.currency)
            sums[key][0] += debit
            sums[key][1] += credit
    rows = [JournalRow(day, account, d, c, tax, ref, currency)
            for (day, account, tax, ref, currency), (d, c) in sorted(sums.items()) if d or c]
    return sorted(rows + _stock_rows(stock, names),
                  key=lambda r: (r.date, r.account, r.tax, r.reference, r.currency))


def _stock_rows(months: list[stock_value.StockMonth], names: dict) -> list[JournalRow]:
    """Each month's stock valuation journal, dated its last day."""
    return [JournalRow(m.last, names.get(("account", l.role),
                                         stock_value.DEFAULT_ACCOUNTS[l.role]),
                       l.debit, l.credit, "", f"{m.journal.number}: {l.description}",
                       m.currency)
            for m in months for l in m.journal.lines]


def _docs(session: Session, first: date, last: date) -> list[Document]:
    return [documents.sale(session, s) for s in documents.shipped_between(session, first, last)] \
        + [documents.refund(session, r) for r in documents.refunds_between(session, first, last)]


def _entries(doc: Document, names: dict) -> list[tuple[str, str, Decimal, Decimal]]:
    """(account, tax code, debit, credit) of a sale; a refund is the same, reversed."""
    def account(role: str) -> str:
        return names.get(("account", role), DEFAULTS[role])

    tax_code = names.get(("tax", doc.tax_country), doc.tax_country)
    goods = sum((l.amount for l in doc.lines), ZERO)
    rows = [(names.get(("customer", doc.channel), f"Receivable {doc.channel}"), "",
             doc.total, ZERO),
            (account("income"), tax_code, ZERO, goods),
            (account("shipping"), tax_code, ZERO, doc.shipping),
            (account("discount"), tax_code, doc.discount, ZERO),
            (account("tax"), tax_code, ZERO, doc.tax)]
    if doc.kind == "refund":
        rows = [(a, t, c, d) for a, t, d, c in rows]
    return rows


def _period_end(day: date, period: str) -> date:
    if period == "day":
        return day
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def write_csv(rows: list[JournalRow], path: Path) -> None:
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        out = csv.writer(f)
        out.writerow(HEADERS)
        for r in rows:
            out.writerow([r.date.isoformat(), safe_cell(r.account), f"{r.debit:.2f}",
                          f"{r.credit:.2f}", safe_cell(r.tax), safe_cell(r.reference),
                          r.currency])


def write_xlsx(rows: list[JournalRow], path: Path) -> None:
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Journal"
    sheet.append(HEADERS)
    for r in rows:
        sheet.append([r.date, r.account, float(r.debit), float(r.credit), r.tax, r.reference,
                      r.currency])
    for cell in sheet["A"][1:]:
        cell.number_format = "yyyy-mm-dd"
    for column in ("C", "D"):
        for cell in sheet[column][1:]:
            cell.number_format = "#,##0.00"
    book.save(path)
