"""Posting to S/4HANA from several OS processes on one outbox, and a poster killed (SIGKILL)
right after S/4 made the order: each sales order is made once, whoever sends it."""

from __future__ import annotations

import time

from tests.books.processes_helpers import start_post
from tests.books.test_s4hana import s4, set_up_s4  # noqa: F401 (the fixture)
from tests.books.s4_emulator import SESSION_COOKIE
from tests.books.world import postings, shipped


def test_two_processes_posting_the_same_outbox_make_each_sales_order_once(
        db, db_url, books, cli_admin, s4, monkeypatch):
    set_up_s4(db, s4, monkeypatch)
    s4.latency = 0.1
    s4.callers_expected = 2  # no write is answered until both processes hold a session
    for i in range(6):
        shipped(db, {"SKU-1": 1 + i % 2, "SKU-2": 1})

    runs = [start_post(db_url, "s4hana") for _ in range(2)]
    outcomes = [(p.wait(timeout=120), p.stderr.read()) for p in runs]

    assert [code for code, _ in outcomes] == [0, 0], outcomes
    numbers = [o["PurchaseOrderByCustomer"] for o in s4.all_orders()]
    assert len(numbers) == 6 and len(set(numbers)) == 6
    assert len(s4.writes()) == 6  # each posting claimed by one process: none sent twice
    sessions = {s4._cookies(r[4])[SESSION_COOKIE] for r in s4.writes()}
    assert len(sessions) == 2  # both processes made some
    assert {p.status.value for p in postings(db)} == {"posted"}
    assert sorted(p.number for p in postings(db)) == sorted(numbers)


def test_a_poster_killed_after_s4_answered_finds_its_order_instead_of_making_another(
        db, db_url, books, s4, monkeypatch, cli_admin):
    set_up_s4(db, s4, monkeypatch)
    for i in range(3):
        shipped(db, {"SKU-1": 1, "SKU-2": i + 1})

    killed = start_post(db_url, "s4hana", crash_at="books.posted", lease=1)
    killed.wait(timeout=60)
    assert killed.returncode == -9 and len(s4.all_orders()) == 1
    time.sleep(1.2)  # the dead worker's lease runs out
    rerun = start_post(db_url, "s4hana")
    assert rerun.wait(timeout=60) == 0, rerun.stderr.read()

    assert len(s4.all_orders()) == 3 and len(s4.writes()) == 3  # the first only looked up
    assert len({o["PurchaseOrderByCustomer"] for o in s4.all_orders()}) == 3
    assert all(p.status.value == "posted" for p in postings(db))
