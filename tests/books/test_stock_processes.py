"""A poster killed (SIGKILL) right after the books took the month's stock journal: run again,
it sends the same key (QuickBooks' requestid) or finds its entry by our key (SAP's
Reference2), and the books hold one journal entry."""

from __future__ import annotations

import time

import pytest

from oms_desktop.model import SYSTEM
from oms_desktop.services.books import mappings, stock_journal
from tests.books.processes_helpers import start_post
from tests.books.sap_emulator import SapB1Emulator
from tests.books.stock_world import ACCOUNTS, MONTH, a_quarter_of_stock
from tests.books.world import postings, set_up_quickbooks, set_up_sap


@pytest.fixture
def sap():
    with SapB1Emulator() as emulator:
        yield emulator


@pytest.mark.parametrize("target", ["quickbooks", "sapb1"])
def test_a_poster_killed_after_the_books_took_the_journal_posts_it_once_when_run_again(
        db, db_url, books, cli_admin, qbo, sap, monkeypatch, target):
    emulator = qbo if target == "quickbooks" else sap
    a_quarter_of_stock(db)
    if target == "quickbooks":
        set_up_quickbooks(db, qbo)
    else:
        set_up_sap(db, sap, monkeypatch)
    for role, value in ACCOUNTS[target].items():
        mappings.set_mapping(db, actor=SYSTEM, target=target, kind="account", key=role,
                             value=value)
    stock_journal.queue_month(db, actor=SYSTEM, month=MONTH)

    killed = start_post(db_url, target, crash_at="books.posted", lease=1)
    killed.wait(timeout=60)

    assert killed.returncode == -9
    assert len(emulator.journals) == 1  # the books made the entry...
    assert [p.status.value for p in postings(db)] == ["sending"]  # ...we never heard
    time.sleep(1.2)  # the dead worker's lease runs out
    rerun = start_post(db_url, target)
    assert rerun.wait(timeout=60) == 0, rerun.stderr.read()

    assert len(emulator.journals) == 1
    (done,) = postings(db)
    assert done.status.value == "posted" and done.remote_id == str(
        next(iter(emulator.journals.values())).get("Id") or next(iter(emulator.journals)))
    sent = [r for r in emulator.writes() if "journal" in r[1].lower()]
    assert len(sent) == (2 if target == "quickbooks" else 1)  # SAP: found, not sent again
