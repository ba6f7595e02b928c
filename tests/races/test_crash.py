"""A station killed (SIGKILL) at random points inside a bulk allocation of 2,000 orders, then
run again: nothing lost, nothing doubled, the stock ledger reconciles."""

from __future__ import annotations

import random
import subprocess
import sys
import time
from pathlib import Path

from tests.races.checks import books_balance
from tests.races.world import allocation_books, verified_in_bulk

ROOT = Path(__file__).resolve().parents[2]
ORDERS = 2000
CLEAN = {"not in fulfilment": 0, "shipments not one": 0, "started not once": 0,
         "reserved not ordered": 0}


def _station(url: str) -> subprocess.Popen:
    station = subprocess.Popen([sys.executable, "-m", "tests.races.allocate_all", url],
                               cwd=ROOT, stdout=subprocess.PIPE, text=True)
    assert station.stdout.readline().strip() == "ready"
    return station


def _killed_after(url: str, seconds: float) -> bool:
    """True when the kill landed before the station finished."""
    station = _station(url)
    time.sleep(seconds)
    finished = station.poll() is not None
    station.kill()
    station.wait(timeout=30)
    return not finished


def test_a_bulk_allocation_killed_anywhere_and_run_again_allocates_each_order_once(db):
    verified_in_bulk(db, ORDERS)
    rnd = random.Random(11)
    delays = [round(rnd.uniform(0.02, 0.3), 2) for _ in range(4)]  # a run takes ~1 s quiet

    killed = [_killed_after(db.url, delay) for delay in delays]
    station = _station(db.url)
    assert station.wait(timeout=300) == 0 and station.stdout.read().strip().startswith(
        "allocated")

    assert any(killed), f"no kill landed inside the run: delays {delays}"
    assert allocation_books(db) == CLEAN, f"kills after {delays} s, landed: {killed}"
    books_balance(db)
