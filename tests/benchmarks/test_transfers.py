"""What a transfer between franchise stores costs: propose, dispatch (units out of the
sender's bins into transit) and receive (into the receiver's bin), each one transaction with
its row locks; for a small transfer (3 lines) and a large one (200 lines spread over 2 bins
each at the sender)."""

from __future__ import annotations

import statistics
import time
from decimal import Decimal

import pytest

from oms_desktop.model import SYSTEM, LocationKind
from oms_desktop.services.inventory import stock, stock_ops, transfers
from oms_desktop.services.inventory.catalog import add_location, add_product
from oms_desktop.services.lookup import location_by_code, virtual_location
from tests.brands.world import franchise_world

pytestmark = pytest.mark.benchmark
ROUNDS, LINES = 20, 200


def timed(fn):
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def cycle(db, lines) -> dict[str, float]:
    t, propose = timed(lambda: transfers.propose(db, actor=SYSTEM, from_site="CORK-A",
                                                 to_site="CORK-B", lines=lines))
    _, dispatch = timed(lambda: transfers.dispatch(db, actor=SYSTEM, transfer=t.id))
    _, receive = timed(lambda: transfers.receive(db, actor=SYSTEM, transfer=t.id,
                                                 location="CORK-B-R1"))
    return {"propose": propose, "dispatch": dispatch, "receive": receive}


def report(db, label: str, runs: list[dict[str, float]]) -> None:
    means = {k: statistics.median(r[k] for r in runs) * 1000 for k in runs[0]}
    print(f"\n{db.dialect} {label}: " + ", ".join(f"{k} {v:.1f} ms" for k, v in means.items()))


def test_a_small_transfer_proposed_dispatched_and_received(benchmark, db, tmp_path):
    franchise_world(db, tmp_path)
    for sku in ("MUG", "BOWL"):
        stock.receive(db, actor=SYSTEM, sku=sku, location="CORK-A-R1", quantity=100)
    runs: list[dict[str, float]] = []
    benchmark.pedantic(lambda: runs.append(cycle(db, [("MUG", 1), ("BOWL", 1),
                                                      ("4006381333931", 1)])),
                       rounds=ROUNDS, iterations=1)
    report(db, "3 lines (median of 20)", runs)
    assert len(runs) == ROUNDS


def many_products(db) -> list[tuple[str, int]]:
    with db.uow() as uow:
        s = uow.session
        site = location_by_code(s, "CORK-A")
        spare = add_location(s, code="CORK-A-R2", name="Shop floor", kind=LocationKind.bin,
                             parent=site)
        supplier = virtual_location(s, LocationKind.supplier)
        bins = [location_by_code(s, "CORK-A-R1"), spare]
        for n in range(LINES):
            product = add_product(s, sku=f"P-{n:03d}", name=f"Item {n}", price=Decimal(5))
            s.flush()
            for where in bins:
                stock_ops.move(s, product_id=product.id, source=supplier, target=where,
                               quantity=3, reason="receipt", by=SYSTEM)
        uow.commit()
    return [(f"P-{n:03d}", 5) for n in range(LINES)]  # more than one bin holds: both used


def test_a_transfer_of_200_lines(benchmark, db, tmp_path):
    franchise_world(db, tmp_path)
    lines = many_products(db)
    runs: list[dict[str, float]] = []
    benchmark.pedantic(lambda: runs.append(cycle(db, lines)), rounds=1, iterations=1)
    report(db, f"{LINES} lines", runs)
