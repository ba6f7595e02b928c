"""Workstations racing for the last units: real OS processes with their own connections."""

from __future__ import annotations

import multiprocessing as mp

import pytest

from oms_desktop.model import Actor, Role
from oms_desktop.services.inventory import stock
from oms_desktop.storage import Database
from tests.factories import small_world

ORDERS = 200
UNITS = 50


def _workstation(url: str, order_numbers: list[int], barrier, results) -> None:
    """One workstation: reserves one unit per order, each order its own transaction."""
    db = Database(url)
    actor = Actor(f"station-{order_numbers[0]}", Role.packer)
    barrier.wait(timeout=60)
    outcome = []
    for n in order_numbers:
        try:
            r = stock.reserve(db, actor=actor, sku="SKU-1", location="WH1-A-01", quantity=1,
                              reference=f"order-{n}")
            outcome.append((n, r.ok, r.message))
        except Exception as exc:  # a deadlock or lock timeout would land here
            outcome.append((n, False, f"ERROR {type(exc).__name__}: {exc}"))
    results.put(outcome)
    db.dispose()


def _race(url: str, processes: int) -> list[tuple[int, bool, str]]:
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(processes), ctx.Queue()
    shares = [list(range(i, ORDERS, processes)) for i in range(processes)]
    workers = [ctx.Process(target=_workstation, args=(url, share, barrier, results))
               for share in shares]
    for w in workers:
        w.start()
    outcome = [row for _ in workers for row in results.get(timeout=120)]
    for w in workers:
        w.join(timeout=30)
        assert w.exitcode == 0
    return outcome


@pytest.mark.parametrize("db_url", ["sqlite", "postgresql"], indirect=True)
def test_racing_workstations_never_reserve_more_than_the_last_units(db_url):
    db = Database(db_url)
    small_world(db)
    stock.receive(db, actor=Actor("goods-in", Role.packer), sku="SKU-1", location="WH1-A-01",
                  quantity=UNITS)
    processes = 4 if db_url.startswith("sqlite") else 8

    outcome = _race(db_url, processes)

    assert len(outcome) == ORDERS
    assert [m for _, ok, m in outcome if m.startswith("ERROR")] == []
    assert sum(ok for _, ok, _ in outcome) == UNITS
    assert all("Insufficient stock" in m for _, ok, m in outcome if not ok)
    [row] = stock.levels(db, sku="SKU-1")
    assert (row.on_hand, row.reserved, row.available) == (UNITS, UNITS, 0)
    assert stock.reconcile(db) == []
    db.dispose()
