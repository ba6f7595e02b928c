"""Bills: a carrier's labels of a finished day as one bill from the carrier (a voided label
is not billed), a channel's fee as a bill from the channel to the fee account; an unmapped
vendor blocks only the bills that need it."""

from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal

from oms_desktop.model import SYSTEM
from oms_desktop.services.books import mappings, posting, trade
from tests.books.trade_world import labelled, manual_carrier
from tests.books.world import postings, set_up_quickbooks, set_up_xero

MONDAY = datetime(2026, 11, 2, 10, 0, tzinfo=timezone.utc)
TUESDAY = datetime(2026, 11, 3, 10, 0, tzinfo=timezone.utc)


def _labels(db, monkeypatch):
    manual_carrier(db)
    labelled(db, monkeypatch, {"SKU-1": 1}, at=MONDAY)  # Economy 2.90
    labelled(db, monkeypatch, {"SKU-2": 1}, at=MONDAY, void_first=True)  # Courier voided
    labelled(db, monkeypatch, {"SKU-2": 2}, at=TUESDAY, service="Courier")  # 4.50


def test_a_carrier_day_is_one_bill_without_its_voided_label(db, books, qbo, monkeypatch):
    set_up_quickbooks(db, qbo)
    _labels(db, monkeypatch)

    assert trade.queue_carrier_bills(db, actor=SYSTEM) == 2
    assert trade.queue_carrier_bills(db, actor=SYSTEM) == 0  # a day is billed once
    result = posting.post_pending(db, actor=SYSTEM, target="quickbooks")

    assert result.failed == result.blocked == 0, result.errors
    bills = sorted(qbo.docs["Bill"].values(), key=lambda b: b["TxnDate"])
    assert [(b["TxnDate"], b["TotalAmt"], b["VendorRef"]["value"]) for b in bills] == [
        ("2026-11-02", 5.8, "70"), ("2026-11-03", 4.5, "70")]
    assert [l["Description"] for l in bills[0]["Line"]] == ["manual Economy: 2 labels"]
    assert bills[0]["Line"][0]["AccountBasedExpenseLineDetail"]["AccountRef"] == {"value": "60"}


def test_an_unmapped_vendor_blocks_only_the_bills(db, books, xero, monkeypatch):
    set_up_xero(db, xero, skip=(("vendor", "carrier:manual"),))
    _labels(db, monkeypatch)
    trade.add_fee(db, actor=SYSTEM, channel="MKT", amount="3.15", day=date(2026, 11, 3),
                  reference="STMT-11-03", what="referral fees")
    trade.queue_carrier_bills(db, actor=SYSTEM)

    result = posting.post_pending(db, actor=SYSTEM, target="xero")

    assert result.blocked == 2 and result.failed == 0, result.errors
    by_kind = {(p.kind, p.number): p for p in postings(db, "xero")}
    blocked = [p for p in by_kind.values() if p.status.value == "blocked"]
    assert {p.kind for p in blocked} == {"bill"} and all(
        "vendor for carrier:manual" in p.last_error for p in blocked)
    # the sales and the fee went through: the fee as a bill from the marketplace
    assert {p.kind for p in by_kind.values() if p.status.value == "posted"} == {"sale", "bill"}
    [fee] = [d for d in xero.docs["Invoices"].values() if d["Type"] == "ACCPAY"]
    assert fee["Contact"]["ContactID"] == str(xero.contacts and list(xero.contacts)[4])
    assert fee["LineItems"][0]["AccountCode"] == "404" and fee["Total"] == 3.15
    missing = mappings.unmapped(db, "xero")
    assert [(m.kind, m.key, m.postings) for m in missing] == [("vendor", "carrier:manual", 2)]


def test_a_fee_is_kept_once(db, books, qbo):
    set_up_quickbooks(db, qbo)
    trade.add_fee(db, actor=SYSTEM, channel="MKT", amount="3.15", day=date(2026, 11, 3),
                  reference="STMT-11-03")
    import pytest
    from oms_desktop.errors import ValidationError
    with pytest.raises(ValidationError, match="MKT fee STMT-11-03 is already recorded"):
        trade.add_fee(db, actor=SYSTEM, channel="MKT", amount="3.15", day=date(2026, 11, 3),
                      reference="STMT-11-03")
    [p] = postings(db)
    assert (p.kind, p.amount, p.currency) == ("bill", Decimal("3.15"), "EUR")


def test_the_fee_command(db, db_url, books, cli_admin, qbo, capsys):
    from tests.books.test_summaries_and_cli import _run
    set_up_quickbooks(db, qbo, skip=(("vendor", "channel:MKT"),))
    argv = ("books", "fee", "MKT", "3.15", "--day", "2026-11-03", "--reference", "STMT-7",
            "--what", "referral fees", "--db", db_url)
    code, out, err = _run(capsys, *argv)
    assert code == 0 and "referral fees" in out, err
    code, _, err = _run(capsys, *argv)
    assert code == 1 and err.count("\n") == 1 and "already recorded" in err
    code, out, _ = _run(capsys, "books", "map", "quickbooks", "--missing", "--db", db_url)
    assert code == 3 and out.split("\n")[1].split()[:3] == ["vendor", "channel:MKT", "1"]
    code, out, _ = _run(capsys, "books", "post", "quickbooks", "--db", db_url)
    assert code == 3 and qbo.docs["Bill"] == {}


def test_the_reconciliation_covers_bills(db, books, qbo, monkeypatch):
    from oms_desktop.services.books import reconcile
    set_up_quickbooks(db, qbo)
    _labels(db, monkeypatch)
    trade.add_fee(db, actor=SYSTEM, channel="MKT", amount="3.15", day=date(2026, 11, 3),
                  reference="STMT-11-03")

    early = reconcile.reconcile(db, target="quickbooks", first=date(2026, 11, 1),
                                last=date.today())
    assert any(line.startswith("MANUAL-261102-USD: 5.80 never queued")
               for line in early.differences)

    trade.queue_carrier_bills(db, actor=SYSTEM)
    posting.post_pending(db, actor=SYSTEM, target="quickbooks")
    report = reconcile.reconcile(db, target="quickbooks", first=date(2026, 11, 1),
                                 last=date.today())

    assert report.balanced, report.differences
    assert sorted((r.day.day, r.currency, r.ours) for r in report.trade) == [
        (2, "USD", Decimal("5.80")), (3, "EUR", Decimal("3.15")), (3, "USD", Decimal("4.50"))]


def test_a_carrier_days_missing_vendor_is_listed_before_its_bill_is_queued(db, books, qbo,
                                                                          monkeypatch):
    set_up_quickbooks(db, qbo, skip=(("vendor", "carrier:manual"),))
    _labels(db, monkeypatch)

    missing = mappings.unmapped(db, "quickbooks")

    assert [(m.kind, m.key, m.postings, m.example) for m in missing] == [
        ("vendor", "carrier:manual", 2, "MANUAL-261102-USD")]
    assert not [p for p in postings(db) if p.kind == "bill"]  # nothing queued by looking
