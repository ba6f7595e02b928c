"""The month's stock valuation through the services and the command line: FIFO values per
location, the cost of goods sold, a balanced journal, queued once per month and target, in
the general-ledger export, and checked by the reconciliation (not queued, stale)."""

from __future__ import annotations

import csv
import json
from datetime import date
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from oms_desktop.cli import main
from oms_desktop.errors import ConcurrentChange, ValidationError
from oms_desktop.model import SYSTEM
from oms_desktop.services.books import journal, reconcile, stock_journal
from tests.books.stock_world import (
    BEFORE, MONTH, a_quarter_of_stock, dated, receive, restocked,
)
from tests.books.world import set_up_quickbooks, set_up_xero


def test_a_month_is_valued_fifo_per_location_with_its_cost_of_goods_sold(db, books):
    a_quarter_of_stock(db)
    march = stock_journal.value_month(db, month=MONTH)
    by = {l.location: l for l in march.locations}
    # February's 10 mugs at 20.00 are the opening stock
    assert (march.opening, by["WH1"].opening, by["STORE1"].opening) == (D("200.00"),) * 2 + (0,)
    # 12 shipped: the 10 at 20.00 first, then 2 of March's at 26.00; the one back comes in
    # at 20.00 (what it left with), the one scrapped goes at 26.00 (the oldest then)
    assert by["WH1"].moved == {"received": D("260.00"), "sold": D("252.00"),
                               "returned": D("20.00"), "lost": D("26.00"),
                               "transferred": D("-52.00")}
    assert by["STORE1"].moved == {"received": D("10.00"), "transferred": D("52.00")}
    sign = {"sold": -1, "lost": -1, "to_supplier": -1}
    for row in march.locations:  # each site's row adds up
        assert row.opening + sum(sign.get(k, 1) * v for k, v in row.moved.items()) == \
            row.closing
    assert march.cogs == D("232.00")
    # WH1: 5 at 26 + the returned one at 20; STORE1: 2 moved at 26 + 4 spoons at 2.50
    assert (by["WH1"].closing, by["STORE1"].closing, march.closing) == (
        D("150.00"), D("62.00"), D("212.00"))
    assert march.moves == 6 and march.guessed == 0


def test_the_journal_balances_and_moves_inventory_by_exactly_the_change_in_value(db, books):
    a_quarter_of_stock(db)
    march = stock_journal.value_month(db, month=MONTH)
    doc = march.journal
    assert doc.balanced and doc.total == D("568.00") and doc.day == date(2025, 3, 31)
    net = {}
    for line in doc.lines:
        net[line.role] = net.get(line.role, 0) + line.debit - line.credit
    assert net == {"inventory": march.closing - march.opening, "grni": D("-270.00"),
                   "cogs": D("232.00"), "stock_adjustment": D("26.00")}
    # February: only the receipt
    february = stock_journal.value_month(db, month=BEFORE)
    assert [(l.role, l.debit, l.credit) for l in february.journal.lines] == [
        ("inventory", D("200.00"), 0), ("grni", 0, D("200.00"))]


def test_a_months_journal_is_queued_once_per_target_and_a_second_time_is_refused(
        db, books, qbo, xero):
    a_quarter_of_stock(db)
    set_up_quickbooks(db, qbo)
    queued = stock_journal.queue_month(db, actor=SYSTEM, month=MONTH)
    assert sorted(queued.postings) == ["quickbooks"]
    with pytest.raises(ConcurrentChange, match=r"queued already .*nothing was queued again"):
        stock_journal.queue_month(db, actor=SYSTEM, month=MONTH)
    # a target set up later gets its own, the first keeps its one
    set_up_xero(db, xero)
    again = stock_journal.queue_month(db, actor=SYSTEM, month=MONTH)
    assert list(again.postings) == ["xero"]


def test_a_month_not_over_or_with_nothing_to_book_is_refused_in_one_line(db, books, qbo):
    set_up_quickbooks(db, qbo)
    with pytest.raises(ValidationError, match="is not over yet"):
        stock_journal.queue_month(db, actor=SYSTEM, month=date.today().strftime("%Y-%m"))
    with pytest.raises(ValidationError, match="Nothing moved the stock's value in 2024-01"):
        stock_journal.queue_month(db, actor=SYSTEM, month="2024-01")
    with pytest.raises(ValidationError, match="is not a month"):
        stock_journal.queue_month(db, actor=SYSTEM, month="2025-13")


def test_the_reconciliation_flags_a_month_not_queued_then_stale_after_a_late_move(
        db, books, qbo):
    order_id = a_quarter_of_stock(db)
    set_up_quickbooks(db, qbo)
    march = (date(2025, 3, 1), date(2025, 3, 31))
    report = reconcile.reconcile(db, target="quickbooks", first=march[0], last=march[1])
    assert report.differences == [
        "STOCK-2025-03: 568.00 never queued for quickbooks "
        "(oms-desktop books stock --month 2025-03 --queue)"]
    stock_journal.queue_month(db, actor=SYSTEM, month=MONTH)
    report = reconcile.reconcile(db, target="quickbooks", first=march[0], last=march[1])
    assert [d.split(":")[0] for d in report.differences] == ["STOCK-2025-03"]
    assert "is pending" in report.differences[0]  # queued, not sent yet
    # a return recorded late, dated in March, changes the month after it was queued
    with dated(db, "2025-03-28"):
        restocked(db, order_id, "SKU-1")
    report = reconcile.reconcile(db, target="quickbooks", first=march[0], last=march[1])
    assert "stale, the stock moves up to 2025-03-31 changed" in report.differences[0]
    # April's moves do not make March stale
    with dated(db, "2025-04-02"):
        receive(db, "SKU-2", "STORE1", 1, "3.00")
    assert stock_journal.value_month(db, month=MONTH).digest != \
        stock_journal.value_month(db, month="2025-04").digest


def test_the_general_ledger_export_carries_the_stock_lines_balanced(db, books, tmp_path):
    a_quarter_of_stock(db)
    rows = journal.journal(db, first=date(2025, 3, 1), last=date(2025, 3, 31), period="month")
    stock = [r for r in rows if r.reference.startswith("STOCK-2025-03")]
    assert {r.account for r in stock} == {"Inventory", "Stock received not invoiced",
                                          "Cost of goods sold", "Stock adjustments"}
    assert sum(r.debit for r in stock) == sum(r.credit for r in stock) == D("568.00")
    assert {r.date for r in stock} == {date(2025, 3, 31)}
    journal.write_csv(rows, tmp_path / "gl.csv")
    journal.write_xlsx(rows, tmp_path / "gl.xlsx")
    with open(tmp_path / "gl.csv", encoding="utf-8-sig") as f:
        read = list(csv.DictReader(f))
    assert sum(D(r["debit"]) for r in read) == sum(D(r["credit"]) for r in read) > 0
    sheet = load_workbook(tmp_path / "gl.xlsx").active
    values = list(sheet.iter_rows(min_row=2, values_only=True))
    assert round(sum(v[2] for v in values), 2) == round(sum(v[3] for v in values), 2) == 568.0
    # a range that does not hold the month's end has no stock lines
    half = journal.journal(db, first=date(2025, 3, 1), last=date(2025, 3, 15))
    assert not [r for r in half if r.reference.startswith("STOCK")]


def test_books_stock_shows_the_month_and_queues_it_once(db, books, qbo, capsys, cli_admin):
    a_quarter_of_stock(db)
    set_up_quickbooks(db, qbo)
    url = db.url
    assert main(["books", "stock", "--month", MONTH, "--db", url, "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert (shown["closing"], shown["cogs"], shown["queued"]) == ("212.00", "232.00", {})
    assert main(["books", "stock", "--month", MONTH, "--db", url]) == 0
    table = capsys.readouterr().out
    assert "WH1" in table and "cost of goods sold 232.00" in table and "grni" in table
    assert main(["books", "stock", "--month", MONTH, "--queue", "--db", url]) == 0
    assert "queued for quickbooks: posting" in capsys.readouterr().out
    assert main(["books", "stock", "--month", MONTH, "--queue", "--db", url]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "queued already" in err
    assert main(["books", "stock", "--month", "March", "--db", url]) != 0
    assert "'March' is not a month (YYYY-MM)" in capsys.readouterr().err


def test_a_stale_month_is_corrected_by_a_journal_of_the_difference_posted_once(
        db, books, qbo):
    from oms_desktop.services.books import mappings, posting
    from tests.books.stock_world import ACCOUNTS

    order_id = a_quarter_of_stock(db)
    set_up_quickbooks(db, qbo)
    for role, value in ACCOUNTS["quickbooks"].items():
        mappings.set_mapping(db, actor=SYSTEM, target="quickbooks", kind="account", key=role,
                             value=value)
    stock_journal.queue_month(db, actor=SYSTEM, month=MONTH)
    assert posting.post_pending(db, actor=SYSTEM, target="quickbooks").posted == 1
    # a second mug of the order comes back, recorded late but dated in March
    with dated(db, "2025-03-29"):
        restocked(db, order_id, "SKU-1")
    march = (date(2025, 3, 1), date(2025, 3, 31))
    assert "stale" in reconcile.reconcile(db, target="quickbooks", first=march[0],
                                          last=march[1]).differences[0]

    queued = stock_journal.queue_month(db, actor=SYSTEM, month=MONTH)
    assert list(queued.postings) == ["quickbooks"]
    assert posting.post_pending(db, actor=SYSTEM, target="quickbooks").posted == 1
    first, correction = sorted(qbo.journals.values(), key=lambda j: int(j["Id"]))
    assert correction["DocNumber"] == "STOCK-2025-03-2"
    # the mug came back at 20.00 (the second of the order's ten at 20.00): the correction is
    # inventory +20.00 against cost of goods sold
    assert sorted((l["JournalEntryLineDetail"]["AccountRef"]["value"],
                   l["JournalEntryLineDetail"]["PostingType"], l["Amount"])
                  for l in correction["Line"]) == [("120", "Debit", 20.0), ("80", "Credit", 20.0)]
    assert reconcile.reconcile(db, target="quickbooks", first=march[0],
                               last=march[1]).balanced
    with pytest.raises(ConcurrentChange, match="have not changed since"):
        stock_journal.queue_month(db, actor=SYSTEM, month=MONTH)


def test_going_back_before_books_2_is_refused_while_a_stock_journal_is_queued(db, books, qbo):
    from oms_desktop.errors import OmsError
    from oms_desktop.storage import migrate

    a_quarter_of_stock(db)
    set_up_quickbooks(db, qbo)
    stock_journal.queue_month(db, actor=SYSTEM, month=MONTH)
    heads = migrate.current(db)
    with pytest.raises(OmsError, match=r"1 postings have no channel .*nothing was changed"):
        migrate.downgrade(db, "firstday_1")
    assert migrate.current(db) == heads
    assert stock_journal.value_month(db, month=MONTH).closing == D("212.00")
