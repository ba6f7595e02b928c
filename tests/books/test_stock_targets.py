"""The month's stock journal in each target's books: a QuickBooks JournalEntry, a Xero
ManualJournal, SAP Business One JournalEntries. Each emulator refuses what the real one
refuses (unbalanced lines, an unknown account, a missing field) and answers a repeat of the
same key with the entry it made; a missing account mapping blocks only the journal."""

from __future__ import annotations

from datetime import date
from decimal import Decimal as D

import pytest

from oms_desktop.accounting.base import Mapped, Refused
from oms_desktop.accounting.journals import JournalDoc, JournalLine
from oms_desktop.model import SYSTEM, PostingStatus
from oms_desktop.services.books import mappings, posting, reconcile, stock_journal, targets
from tests.books.sap_emulator import SapB1Emulator
from tests.books.stock_world import ACCOUNTS, MONTH, a_quarter_of_stock
from tests.books.world import postings, set_up_quickbooks, set_up_sap, set_up_xero

MARCH = (date(2025, 3, 1), date(2025, 3, 31))


@pytest.fixture
def sap():
    with SapB1Emulator() as emulator:
        yield emulator


def _set_up(name, db, emulators, monkeypatch, *, skip=()):
    if name == "quickbooks":
        set_up_quickbooks(db, emulators["quickbooks"])
    elif name == "xero":
        set_up_xero(db, emulators["xero"])
    else:
        set_up_sap(db, emulators["sapb1"], monkeypatch)
    for role, value in ACCOUNTS[name].items():
        if role not in skip:
            mappings.set_mapping(db, actor=SYSTEM, target=name, kind="account", key=role,
                                 value=value)


def _entries(name, emulator) -> list[dict]:
    return list(emulator.journals.values())


def _balanced(name, entry) -> tuple[D, D]:
    if name == "quickbooks":
        sums = {"Debit": D(0), "Credit": D(0)}
        for line in entry["Line"]:
            sums[line["JournalEntryLineDetail"]["PostingType"]] += D(str(line["Amount"]))
        return sums["Debit"], sums["Credit"]
    if name == "xero":
        amounts = [D(str(l["LineAmount"])) for l in entry["JournalLines"]]
        return sum(a for a in amounts if a > 0), -sum(a for a in amounts if a < 0)
    lines = entry["JournalEntryLines"]
    return sum(D(str(l["Debit"])) for l in lines), sum(D(str(l["Credit"])) for l in lines)


@pytest.mark.parametrize("name", ["quickbooks", "xero", "sapb1"])
def test_the_months_journal_is_posted_once_balanced_on_the_mapped_accounts_and_reconciles(
        name, db, books, qbo, xero, sap, monkeypatch):
    emulators = {"quickbooks": qbo, "xero": xero, "sapb1": sap}
    a_quarter_of_stock(db)
    _set_up(name, db, emulators, monkeypatch)
    stock_journal.queue_month(db, actor=SYSTEM, month=MONTH)

    assert posting.post_pending(db, actor=SYSTEM, target=name).posted == 1
    (entry,) = _entries(name, emulators[name])
    assert _balanced(name, entry) == (D("568.00"), D("568.00"))
    (done,) = [p for p in postings(db, name) if p.kind == "stock"]
    assert done.status == PostingStatus.posted and done.remote_total == D("568.00")
    assert done.channel == "" and done.number == "STOCK-2025-03"
    report = reconcile.reconcile(db, target=name, first=MARCH[0], last=MARCH[1])
    assert report.balanced, report.differences
    # the same key again (a poster that died before recording the answer) makes nothing new
    plugin = targets.build(name, _settings(db, name))
    doc = stock_journal.value_month(db, month=MONTH).journal
    mapped = Mapped({("account", r): v for r, v in ACCOUNTS[name].items()})
    key = _key(db, done.id)
    again = plugin.post_journal(doc, mapped, key=key)
    plugin.close()
    assert again.remote_id == done.remote_id and len(_entries(name, emulators[name])) == 1


def _settings(db, name):
    with db.uow(readonly=True) as uow:
        return targets.target_settings(uow.session, name)


def _key(db, posting_id) -> str:
    from oms_desktop.model import BookPosting

    with db.uow(readonly=True) as uow:
        return uow.session.get(BookPosting, posting_id).idempotency_key


@pytest.mark.parametrize("name", ["quickbooks", "xero", "sapb1"])
def test_a_missing_account_blocks_the_journal_with_the_command_that_fixes_it(
        name, db, books, qbo, xero, sap, monkeypatch):
    emulators = {"quickbooks": qbo, "xero": xero, "sapb1": sap}
    a_quarter_of_stock(db)
    _set_up(name, db, emulators, monkeypatch, skip=("grni",))
    stock_journal.queue_month(db, actor=SYSTEM, month=MONTH)
    result = posting.post_pending(db, actor=SYSTEM, target=name)
    assert (result.posted, result.blocked) == (0, 1)
    (blocked,) = postings(db, name)
    assert blocked.last_error == (f"Not mapped on {name}: account for grni (e.g. oms-desktop "
                                  f"books map {name} account grni ID)")
    assert [(m.kind, m.key, m.example) for m in mappings.unmapped(db, name)] == [
        ("account", "grni", "STOCK-2025-03")]
    assert _entries(name, emulators[name]) == []


# -- the emulators are as strict as the books ------------------------------------------------
def _doc(lines) -> JournalDoc:
    return JournalDoc("stock", "STOCK-2025-03", date(2025, 3, 31), "USD", "Stock valuation",
                      tuple(JournalLine(r, D(d), D(c), "test") for r, d, c in lines))


GOOD = [("inventory", "10.00", "0"), ("grni", "0", "10.00")]
CASES = {
    "unbalanced": ([("inventory", "10.00", "0"), ("grni", "0", "9.99")], None),
    "unknown account": (GOOD, {"grni": "999"}),
    "one line": ([("inventory", "10.00", "0")], None),
}
WORDS = {
    "quickbooks": {"unbalanced": "Transaction must be balanced", "one line": "two lines",
                   "unknown account": "Invalid Account Id : 999"},
    "xero": {"unbalanced": "must be zero", "one line": "at least two lines",
             "unknown account": "Account code '999' is not a valid code"},
    "sapb1": {"unbalanced": "Unbalanced transaction", "one line": "at least two rows",
              "unknown account": "Invalid account code '999'"},
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("name", ["quickbooks", "xero", "sapb1"])
def test_each_emulator_refuses_a_journal_the_real_books_would_refuse(
        name, case, db, books, qbo, xero, sap, monkeypatch):
    emulators = {"quickbooks": qbo, "xero": xero, "sapb1": sap}
    _set_up(name, db, emulators, monkeypatch)
    lines, accounts = CASES[case]
    mapped = Mapped({("account", r): v for r, v in dict(ACCOUNTS[name], **(accounts or {}))
                     .items()})
    plugin = targets.build(name, _settings(db, name))
    try:
        with pytest.raises(Refused, match=WORDS[name][case]):
            plugin.post_journal(_doc(lines), mapped, key=f"k-{case}".replace(" ", "-"))
        assert _entries(name, emulators[name]) == []
        made = plugin.post_journal(_doc(GOOD), mapped if case != "unknown account" else
                                   Mapped({("account", r): v
                                           for r, v in ACCOUNTS[name].items()}), key="k-good")
        assert made.total == D("10.00") and len(_entries(name, emulators[name])) == 1
    finally:
        plugin.close()


def test_sap_refuses_a_memo_longer_than_b1_holds(db, books, sap, monkeypatch):
    set_up_sap(db, sap, monkeypatch)
    plugin = targets.build("sapb1", _settings(db, "sapb1"))
    mapped = Mapped({("account", r): v for r, v in ACCOUNTS["sapb1"].items()})
    body_memo = "x" * 51
    with pytest.raises(Refused, match="Value too long in property 'Memo'"):
        plugin._call("POST", "JournalEntries", json={
            "ReferenceDate": "2025-03-31", "Memo": body_memo, "JournalEntryLines": [
                {"AccountCode": "140000", "Debit": 1.0, "Credit": 0.0},
                {"AccountCode": "211000", "Debit": 0.0, "Credit": 1.0}]})
    # ours is cut to fit
    doc = JournalDoc("stock", "STOCK-2025-03", date(2025, 3, 31), "USD", body_memo,
                     (JournalLine("inventory", D(1), D(0), "y" * 80),
                      JournalLine("grni", D(0), D(1), "y" * 80)))
    assert plugin.post_journal(doc, mapped, key="k-long").total == D("1")
    plugin.close()
