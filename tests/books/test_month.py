"""A month in the books: orders shipped on several days of November through two channels in
three currencies, a partial refund in December; both targets take every document once, and
the reconciliation of what shipped and was refunded against what each recorded balances."""

from __future__ import annotations

import csv
from collections import defaultdict
from datetime import date, datetime, timezone
from decimal import Decimal

from openpyxl import load_workbook

from oms_desktop.model import SYSTEM
from oms_desktop.services.books import journal, posting, reconcile
from tests.books.world import (
    postings, refunded_unit, set_up_quickbooks, set_up_xero, shipped,
)

NOVEMBER = [  # day, channel, currency, country, lines, discount
    (3, "WEB", "USD", "US", {"SKU-1": 2, "SKU-2": 1}, "5.00"),
    (3, "MKT", "EUR", "DE", {"SKU-2": 3}, "0.00"),
    (10, "WEB", "USD", "US", {"SKU-1": 1}, "0.00"),
    (17, "MKT", "EUR", "DE", {"SKU-1": 1, "SKU-2": 2}, "0.00"),
    (24, "WEB", "GBP", "GB", {"SKU-2": 4}, "2.50"),
]


def a_month_of_orders(db, monkeypatch) -> list[int]:
    """The orders of NOVEMBER, each shipped at 15:30 on its day (the shipment's clock)."""
    ids = []
    with monkeypatch.context() as clock:
        for day, channel, currency, country, lines, discount in NOVEMBER:
            moment = datetime(2026, 11, day, 15, 30, tzinfo=timezone.utc)
            clock.setattr("oms_desktop.model.shipment.utcnow", lambda m=moment: m)
            ids.append(shipped(db, lines, channel=channel, currency=currency,
                               country=country, discount=discount,
                               tax_rate="0.19" if country == "DE" else "0.10"))
    return ids


def test_a_month_in_the_books_is_posted_once_to_both_targets_and_reconciles(
        db, books, qbo, xero, monkeypatch):
    set_up_quickbooks(db, qbo)
    set_up_xero(db, xero)
    # the month's orders ship; one unit of the 17th's euro order comes back and is refunded
    orders = a_month_of_orders(db, monkeypatch)
    refunded_unit(db, orders[3], "SKU-2")

    # each target takes five sales and one refund
    for target in ("quickbooks", "xero"):
        result = posting.post_pending(db, actor=SYSTEM, target=target)
        assert (result.posted, result.failed, result.blocked) == (6, 0, 0), result.errors
    assert len(qbo.docs["SalesReceipt"]) == 5 and len(qbo.docs["RefundReceipt"]) == 1 and len(xero.docs["CreditNotes"]) == 1
    assert len(xero.docs["Invoices"]) == 5
    refund = next(p for p in postings(db, "xero") if p.kind == "refund")
    assert refund.currency == "EUR" and refund.amount == Decimal("11.90")  # 10.00 + 19 % tax

    # what shipped and was refunded is what each target recorded, day by day
    for target in ("quickbooks", "xero"):
        report = reconcile.reconcile(db, target=target, first=date(2026, 11, 1),
                                     last=date.today())
        assert report.balanced and report.differences == []
        assert {(r.day.day, r.channel, r.currency) for r in report.rows
                if r.day.month == 11} == {(d, c, cur) for d, c, cur, *_ in NOVEMBER}
        assert sum(r.refunded for r in report.rows) == Decimal("11.90")


def test_a_posting_missing_from_the_books_is_a_listed_difference(db, books, qbo):
    set_up_quickbooks(db, qbo)
    shipped(db, {"SKU-1": 1})
    shipped(db, {"SKU-2": 1}, channel="MKT", currency="EUR", country="FR")  # FR unmapped
    posting.post_pending(db, actor=SYSTEM, target="quickbooks")

    report = reconcile.reconcile(db, target="quickbooks", first=date.today(),
                                 last=date.today())

    assert not report.balanced
    assert any("is blocked: Not mapped on quickbooks: tax code for country FR" in line
               for line in report.differences)
    (web,) = [r for r in report.rows if r.channel == "WEB"]
    assert web.shipped == web.posted_sales == Decimal("52.00")  # 40 + 4 tax + 8 shipping


def test_the_journal_balances_per_currency_in_csv_and_xlsx(db, books, monkeypatch, tmp_path):
    orders = a_month_of_orders(db, monkeypatch)
    refunded_unit(db, orders[3], "SKU-2")

    rows = journal.journal(db, first=date(2026, 11, 1), last=date.today(), period="month")
    journal.write_csv(rows, tmp_path / "journal.csv")
    journal.write_xlsx(rows, tmp_path / "journal.xlsx")

    with open(tmp_path / "journal.csv", encoding="utf-8-sig", newline="") as f:
        read = list(csv.DictReader(f))
    assert list(read[0]) == ["date", "account", "debit", "credit", "tax", "reference",
                             "currency"]
    sheet = load_workbook(tmp_path / "journal.xlsx").active
    cells = [[c.value for c in row] for row in sheet.iter_rows(min_row=2)]
    assert len(cells) == len(read) == len(rows)
    for table in (_sums(read, lambda r: (r["currency"], Decimal(r["debit"]),
                                         Decimal(r["credit"]))),
                  _sums(cells, lambda r: (r[6], Decimal(str(r[2])), Decimal(str(r[3]))))):
        assert set(table) == {"USD", "EUR", "GBP"}
        assert all(debit == credit and debit > 0 for debit, credit in table.values())
    # November's sales land on the month's last day; December's refund on its own
    assert {r["date"] for r in read} == {"2026-11-30", _month_end(date.today())}
    eur_sales = sum(Decimal(r["credit"]) for r in read
                    if r["account"] == "Sales" and r["currency"] == "EUR"
                    and r["reference"] == "MKT sales")
    assert eur_sales == Decimal("90.00")  # 3 x 10.00, then 40.00 + 2 x 10.00


def _sums(rows, pick) -> dict:
    table: dict = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for row in rows:
        currency, debit, credit = pick(row)
        table[currency][0] += debit
        table[currency][1] += credit
    return {k: tuple(v) for k, v in table.items()}


def _month_end(day: date) -> str:
    import calendar
    return day.replace(day=calendar.monthrange(day.year, day.month)[1]).isoformat()
