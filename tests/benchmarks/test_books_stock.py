"""The month's FIFO stock valuation over a busy ledger: 500 products in a warehouse's bins
and a store, 5,000 moves of opening receipts in February, then 20,000 moves in March
(receipts at cost, shipments, customer returns, transfers between the sites and between
bins, scrap and counts). Measured: valuing March (the whole ledger walked, layers kept,
the journal made) and queueing it (valued again, then one locked write)."""

from __future__ import annotations

import random
import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest
import sqlalchemy as sa

from oms_desktop.model import SYSTEM, LocationKind, MoveReason, Product, StockMove
from oms_desktop.services.books import stock_journal, targets
from oms_desktop.services.inventory.catalog import add_product
from oms_desktop.services.lookup import location_by_code, virtual_location
from tests.books.world import books_world

pytestmark = pytest.mark.benchmark
PRODUCTS, OPENING, MOVES = 500, 5_000, 20_000
FEB, MARCH = datetime(2025, 2, 1, tzinfo=timezone.utc), datetime(2025, 3, 1, tzinfo=timezone.utc)


def _seed(db) -> tuple[int, int]:
    """The ledger, written in bulk (the seeding is not what is measured): March's move count
    and the units back from customers (their RMAs are not in this ledger, so they come back
    at the product's last cost: "guessed")."""
    rng = random.Random(20)
    with db.uow() as uow:
        s = uow.session
        for n in range(PRODUCTS):
            add_product(s, sku=f"B-{n:04d}", name=f"Bench {n}")
        s.flush()
        products = list(s.scalars(sa.select(Product.id).where(Product.sku.like("B-%"))))
        held = [location_by_code(s, c).id for c in ("WH1-A-01", "WH1-A-02", "WH1-A-03",
                                                   "STORE1")]
        outside = {k: virtual_location(s, k).id for k in (
            LocationKind.supplier, LocationKind.customer, LocationKind.inventory)}
        uow.commit()
    on_hand: dict[tuple[int, int], int] = {}
    rows = [_receipt(rng, products, held, outside, on_hand, FEB, i) for i in range(OPENING)]
    march = [_march_move(rng, products, held, outside, on_hand, i) for i in range(MOVES)]
    with db.uow() as uow:
        for start in range(0, len(rows + march), 2_000):
            uow.session.execute(sa.insert(StockMove), (rows + march)[start:start + 2_000])
        uow.commit()
    return len(march), sum(r["quantity"] for r in march
                           if r["reason"] == MoveReason.customer_return)


def _row(product, source, target, quantity, reason, at, cost=None, reference=None) -> dict:
    return {"product_id": product, "from_location_id": source, "to_location_id": target,
            "quantity": quantity, "reason": reason, "at": at, "actor_name": "bench",
            "unit_cost": cost, "reference": reference}


def _receipt(rng, products, held, outside, on_hand, base, i) -> dict:
    product, where, qty = rng.choice(products), rng.choice(held), rng.randint(5, 40)
    on_hand[(product, where)] = on_hand.get((product, where), 0) + qty
    cost = Decimal(rng.randint(150, 9_000)) / 100
    return _row(product, outside[LocationKind.supplier], where, qty, MoveReason.receipt,
                base + timedelta(seconds=i * 60), cost)


def _march_move(rng, products, held, outside, on_hand, i) -> dict:
    at = MARCH + timedelta(seconds=i * 120)
    stocked = [(k, on_hand[k]) for k in rng.sample(list(on_hand), 8) if on_hand[k] > 0]
    roll = rng.random()
    if roll < 0.2 or not stocked:
        return _receipt(rng, products, held, outside, on_hand, MARCH, i)
    (product, where), qty = stocked[0]
    take = rng.randint(1, min(qty, 4))
    on_hand[(product, where)] -= take
    if roll < 0.75:
        return _row(product, where, outside[LocationKind.customer], take, MoveReason.shipment,
                    at, reference=f"#B{i}")
    if roll < 0.82:  # back from a customer
        on_hand[(product, where)] += 2 * take
        return _row(product, outside[LocationKind.customer], where, take,
                    MoveReason.customer_return, at, reference=f"RMA-B{i}")
    if roll < 0.95:  # to another bin or the store
        other = rng.choice([h for h in held if h != where])
        on_hand[(product, other)] = on_hand.get((product, other), 0) + take
        return _row(product, where, other, take, MoveReason.transfer, at)
    return _row(product, where, outside[LocationKind.inventory], take, MoveReason.scrap, at)


def test_valuing_and_queueing_a_month_of_20000_moves(benchmark, db):
    books_world(db)
    moves, unlinked = _seed(db)
    targets.set_up(db, actor=SYSTEM, name="quickbooks", values={"realm_id": "1"})

    march = benchmark.pedantic(lambda: stock_journal.value_month(db, month="2025-03"),
                               rounds=3, iterations=1)
    valued_s = benchmark.stats.stats.median
    assert march.moves == moves and march.journal.balanced and march.guessed == unlinked
    assert march.closing == march.opening + sum(
        (l.debit - l.credit for l in march.journal.lines if l.role == "inventory"), Decimal(0))
    cpu = time.process_time()
    stock_journal.value_month(db, month="2025-03")
    cpu_s = time.process_time() - cpu
    started = time.perf_counter()
    queued = stock_journal.queue_month(db, actor=SYSTEM, month="2025-03")
    queue_s = time.perf_counter() - started
    assert list(queued.postings) == ["quickbooks"]
    print(f"\n{db.dialect}: {moves} moves in March over {moves + OPENING} in the ledger: "
          f"valued in {valued_s * 1000:.0f} ms (median of 3; {cpu_s * 1000:.0f} ms of our CPU), "
          f"queued in "
          f"{queue_s * 1000:.0f} ms; closing {march.closing}, cogs {march.cogs}")
