"""SAP Business One through its Service Layer: a session login kept and renewed, invoices
and credit memos whose tax B1 works out, our key in NumAtCard looked up before a document is
made, so a poster killed after B1 answered makes nothing twice."""

from __future__ import annotations

import time
from datetime import date
from decimal import Decimal

import pytest

from oms_desktop.model import SYSTEM
from oms_desktop.services.books import mappings, posting, reconcile
from tests.books.processes_helpers import start_post
from tests.books.sap_emulator import SapB1Emulator
from tests.books.world import postings, refunded_unit, set_up_sap, shipped


@pytest.fixture
def sap():
    with SapB1Emulator() as emulator:
        yield emulator


def test_invoices_and_a_credit_memo_reconcile_with_the_totals_b1_worked_out(
        db, books, sap, monkeypatch):
    set_up_sap(db, sap, monkeypatch)
    first = shipped(db, {"SKU-1": 2, "SKU-2": 1}, discount="5.00")  # 85 + 8.50 tax + 8
    shipped(db, {"SKU-2": 3}, channel="MKT", currency="EUR", country="DE", tax_rate="0.19")
    refunded_unit(db, first, "SKU-2")

    assert posting.post_pending(db, actor=SYSTEM, target="sapb1").posted == 3
    assert sap.logins == 1  # one session for the run
    (invoice, _) = sap.docs["Invoices"].values()
    assert invoice["DocTotal"] == 101.5 and invoice["VatSum"] == 8.5
    assert [l["ItemCode"] for l in invoice["DocumentLines"]] == ["SKU-1", "SKU-2", "SHIP",
                                                                 "DISC"]
    (memo,) = sap.docs["CreditNotes"].values()
    assert memo["DocTotal"] == 11.0 and memo["CardCode"] == "C-WEB"
    report = reconcile.reconcile(db, target="sapb1", first=date.today(), last=date.today())
    assert report.balanced, report.differences
    assert {p.remote_total for p in postings(db)} == {Decimal("101.50"), Decimal("43.70"),
                                                     Decimal("11.00")}


def test_an_expired_session_is_renewed_once_and_a_refusal_keeps_b1s_words(
        db, books, sap, monkeypatch):
    set_up_sap(db, sap, monkeypatch)
    mappings.set_mapping(db, actor=SYSTEM, target="sapb1", kind="item", key="SKU-2",
                         value="SKU-99")
    shipped(db, {"SKU-1": 1})
    shipped(db, {"SKU-1": 2})
    shipped(db, {"SKU-2": 1})
    sap.expire_after(2)  # the session times out after the first posting's look-up and POST

    result = posting.post_pending(db, actor=SYSTEM, target="sapb1")

    assert (result.posted, result.failed) == (2, 1)
    assert sap.logins == 2  # logged in again once, when B1 answered 401
    assert "Item 'SKU-99' does not exist" in postings(db)[2].last_error


def test_a_poster_killed_after_b1_answered_finds_its_invoice_instead_of_making_another(
        db, db_url, books, sap, monkeypatch, cli_admin):
    set_up_sap(db, sap, monkeypatch)
    for i in range(3):
        shipped(db, {"SKU-1": 1, "SKU-2": i + 1})

    killed = start_post(db_url, "sapb1", crash_at="books.posted", lease=1)
    killed.wait(timeout=60)
    assert killed.returncode == -9 and len(sap.all_docs()) == 1
    time.sleep(1.2)  # the dead worker's lease runs out
    rerun = start_post(db_url, "sapb1")
    assert rerun.wait(timeout=60) == 0, rerun.stderr.read()

    assert len(sap.all_docs()) == 3
    assert len({d["NumAtCard"] for d in sap.all_docs()}) == 3
    assert len(sap.writes()) == 3  # the first posting was looked up again, not re-sent
    assert all(p.status.value == "posted" for p in postings(db))
